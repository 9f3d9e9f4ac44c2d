// The 商家券 APIv3 against the simulator with the real SDK (wechatpay-axios-plugin): the SDK signs each request
// (RSA, the merchant's key) and verifies each answer (the simulator's key), so both halves of the signature run.
import { createPublicKey, generateKeyPairSync } from 'crypto'
import { Wechatpay } from 'wechatpay-axios-plugin'
import { listBusifavorCoupons, useBusifavorCoupon, WechatPayApiError } from '../../server/pay/busifavor'
import { signSendCouponParams } from '../../server/pay/sign'
import { createPayPlatform, type PayPlatform } from '../../testing'
import type { Listening } from '../../testing'

const KEY = 'p'.repeat(32)
let platform: PayPlatform
let api: Listening
let wxpay: InstanceType<typeof Wechatpay>

function issue(stockId: string, outRequestNo: string) {
  const params = {
    send_coupon_params: [{ stock_id: stockId, out_request_no: outRequestNo }],
    send_coupon_merchant: '1900000001',
  }
  platform.plugin.tap({ data: { ...params, sign: signSendCouponParams(params, KEY) }, triggerEvent: () => undefined })
  return platform.plugin.sheets()[0]!.confirm()
}

beforeEach(async () => {
  platform = createPayPlatform({
    apiV2Key: KEY,
    openid: 'oPayUser',
    stocks: [{ stockId: '1001', maxPerUser: 3, stockName: '满100减10' }, { stockId: '1002' }],
  })
  api = await platform.listen()
  const m = platform.merchant
  wxpay = new Wechatpay({
    mchid: m.mchid,
    serial: m.serial,
    privateKey: m.privateKey,
    certs: m.certs,
    baseURL: api.url,
  })
})
afterEach(() => api.close())

it("lists the user's coupons with their states, through the SDK's signed and verified requests", async () => {
  issue('1001', 'r1')
  issue('1001', 'r2')
  issue('1002', 'r3')
  platform.setCouponState(platform.state.coupons[1]!.couponCode, 'DEACTIVATED')
  const page = await listBusifavorCoupons({ client: wxpay, openid: 'oPayUser', appid: platform.merchant.appid })
  expect(page.totalCount).toBe(3)
  expect(page.coupons.map((c) => [c.stockId, c.state])).toEqual([
    ['1001', 'SENDED'],
    ['1001', 'DEACTIVATED'],
    ['1002', 'SENDED'],
  ])
  expect(page.coupons[0]?.stockName).toBe('满100减10')
  const usable = await listBusifavorCoupons({
    client: wxpay,
    openid: 'oPayUser',
    appid: platform.merchant.appid,
    state: 'SENDED',
    stockId: '1001',
  })
  expect(usable.coupons.map((c) => c.couponCode)).toEqual([platform.state.coupons[0]!.couponCode])
  expect(platform.state.requests.map((r) => r.status)).toEqual([200, 200])
})

it('核销 is idempotent by use_request_no, and a second 核销 of a used coupon is refused', async () => {
  issue('1001', 'r1')
  const couponCode = platform.state.coupons[0]!.couponCode
  const appid = platform.merchant.appid
  const first = await useBusifavorCoupon({ client: wxpay, couponCode, appid, useRequestNo: 'U1', openid: 'oPayUser' })
  expect(first).toEqual({ stockId: '1001', openid: 'oPayUser', wechatpayUseTime: expect.stringMatching(/\+08:00$/) })
  const again = await useBusifavorCoupon({ client: wxpay, couponCode, appid, useRequestNo: 'U1' })
  expect(again).toEqual(first)
  const refused = useBusifavorCoupon({ client: wxpay, couponCode, appid, useRequestNo: 'U2' })
  await expect(refused).rejects.toBeInstanceOf(WechatPayApiError)
  await expect(refused).rejects.toMatchObject({ status: 400, code: 'INVALID_REQUEST' })
  const page = await listBusifavorCoupons({ client: wxpay, openid: 'oPayUser', appid })
  expect(page.coupons[0]?.state).toBe('USED')
})

it('an unknown coupon is 404 RESOURCE_NOT_EXISTS', async () => {
  const missing = useBusifavorCoupon({
    client: wxpay,
    couponCode: '999',
    appid: platform.merchant.appid,
    useRequestNo: 'U9',
  })
  await expect(missing).rejects.toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' })
})

it('a request signed with another key is refused 401 SIGN_ERROR', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })
  const m = platform.merchant
  const forger = new Wechatpay({
    mchid: m.mchid,
    serial: m.serial,
    privateKey: other,
    certs: m.certs,
    baseURL: api.url,
  })
  const answer = listBusifavorCoupons({ client: forger, openid: 'oPayUser', appid: m.appid })
  await expect(answer).rejects.toMatchObject({ status: 401, code: 'SIGN_ERROR' })
})

it('an answer the SDK cannot verify (another WeChat Pay key) never reaches the caller as data', async () => {
  const stranger = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey).export({
    type: 'spki',
    format: 'pem',
  })
  const m = platform.merchant
  const [keyId] = Object.keys(m.certs)
  const fooled = new Wechatpay({
    mchid: m.mchid,
    serial: m.serial,
    privateKey: m.privateKey,
    certs: { [keyId!]: stranger },
    baseURL: api.url,
  })
  // named as what it is: the answer's signature, not a malformed answer
  await expect(listBusifavorCoupons({ client: fooled, openid: 'oPayUser', appid: m.appid })).rejects.toThrow(
    /came back unverified .*WeChat Pay public key/,
  )
})

it('a request function works as the client too, and a fault is WechatPayApiError', async () => {
  const m = platform.merchant
  const request = ({
    method,
    path,
    query,
    body,
  }: {
    method: 'GET' | 'POST'
    path: string
    query?: Record<string, string>
    body?: object
  }) =>
    wxpay.client
      .request(path.slice(1), method.toLowerCase(), body, { params: query })
      .then((r: { status: number; data: unknown }) => r)
  expect((await listBusifavorCoupons({ client: request, openid: 'oPayUser', appid: m.appid })).coupons).toEqual([])
  platform.failNextRequest(500, 'SYSTEM_ERROR', '系统繁忙')
  await expect(listBusifavorCoupons({ client: wxpay, openid: 'oPayUser', appid: m.appid })).rejects.toMatchObject({
    status: 500,
    code: 'SYSTEM_ERROR',
  })
})
