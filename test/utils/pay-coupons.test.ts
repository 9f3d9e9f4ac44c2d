// requestPayCoupons, the client of the pay-coupons endpoint: over the simulated client's wx.request (real HTTP) to the
// real handler, which reads the WeChat Pay simulator's APIv3 through the real SDK. Its option and answer checks.
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import { Wechatpay } from 'wechatpay-axios-plugin'
import { createPayCouponsHandler } from '../../server/pay/pay-coupons-handler'
import { signSendCouponParams } from '../../server/pay/sign'
import { createPayPlatform, type Listening, type PayPlatform } from '../../testing'
import { CardError } from '../../utils/error'
import { payCouponsFromAnswer, requestPayCoupons } from '../../utils/pay-coupons'
import { makePlatform } from '../helpers/platform'

const KEY = 'd'.repeat(32)
let pay: PayPlatform
let api: Listening
let server: Server
let url = ''
let undo = () => undefined as void

/** The simulated plugin issues one coupon of `stockId` to `openid` (the user confirms). */
function issue(openid: string, stockId: string, no: string) {
  pay.setUser(openid)
  const params = { send_coupon_params: [{ stock_id: stockId, out_request_no: no }], send_coupon_merchant: '1900000001' }
  pay.plugin.tap({ data: { ...params, sign: signSendCouponParams(params, KEY) }, triggerEvent: () => undefined })
  pay.plugin.sheets()[0]!.confirm()
}

beforeAll(async () => {
  pay = createPayPlatform({
    apiV2Key: KEY,
    openid: 'oA',
    stocks: [{ stockId: '501', stockName: '满50减5', maxPerUser: 3 }, { stockId: '502' }],
  })
  api = await pay.listen()
  const m = pay.merchant
  const client = new Wechatpay({
    mchid: m.mchid,
    serial: m.serial,
    privateKey: m.privateKey,
    certs: m.certs,
    baseURL: api.url,
  })
  const handler = createPayCouponsHandler({
    client,
    appid: m.appid,
    merchantId: m.mchid,
    getOpenid: (r) => String(r.headers.authorization ?? '').replace(/^Bearer /, '') || undefined,
    onError: () => undefined,
  })
  server = createServer((req, res) => (req.url?.startsWith('/slow') ? undefined : void handler(req, res)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  issue('oA', '501', 'a1')
  issue('oA', '502', 'a2')
  issue('oB', '501', 'b1')
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await api.close()
})
beforeEach(() => {
  undo = makePlatform().install(undefined, { request: true })
})
afterEach(() => undo())

const auth = (openid: string) => ({ Authorization: `Bearer ${openid}` })

it("resolves the session user's 商家券 with their states, and only theirs; stockId narrows to one batch", async () => {
  pay.setCouponState(pay.state.coupons[1]!.couponCode, 'USED')
  const mine = await requestPayCoupons({ url: `${url}/pay-coupons`, header: auth('oA') })
  expect(mine.map(({ stockId, state, stockName }) => ({ stockId, state, stockName }))).toEqual([
    { stockId: '501', state: 'SENDED', stockName: '满50减5' },
    { stockId: '502', state: 'USED', stockName: '商家券 502' },
  ])
  expect(mine.map((c) => c.couponCode)).toEqual([pay.state.coupons[0]!.couponCode, pay.state.coupons[1]!.couponCode])
  const one = await requestPayCoupons({ url: `${url}/pay-coupons`, stockId: '502', header: auth('oA') })
  expect(one.map((c) => c.stockId)).toEqual(['502'])
  const theirs = await requestPayCoupons({ url: `${url}/pay-coupons`, header: auth('oB') })
  expect(theirs.map((c) => c.couponCode)).toEqual([pay.state.coupons[2]!.couponCode])
})

it("rejects CardError('source') with the server's status and message, and on no answer in time", async () => {
  const noSession = requestPayCoupons({ url: `${url}/pay-coupons` })
  await expect(noSession).rejects.toBeInstanceOf(CardError)
  await expect(noSession).rejects.toMatchObject({ code: 'source', detail: 'HTTP 401' })
  await expect(noSession).rejects.toThrow(/^pay-coupons source: .* answered HTTP 401: /)
  await expect(requestPayCoupons({ url: `${url}/slow`, timeoutMs: 200 })).rejects.toMatchObject({
    code: 'source',
    detail: 'timeout',
  })
})

it("rejects CardError('invalid') naming the option, before any request", async () => {
  const request = jest.fn()
  ;(globalThis as unknown as { wx: { request: unknown } }).wx.request = request
  await expect(requestPayCoupons({ url: '' })).rejects.toMatchObject({ code: 'invalid', field: 'url' })
  await expect(requestPayCoupons({ url, stockId: 'a b' })).rejects.toMatchObject({ code: 'invalid', field: 'stockId' })
  await expect(requestPayCoupons({ url, timeoutMs: 0 })).rejects.toMatchObject({ code: 'invalid', field: 'timeoutMs' })
  expect(request).not.toHaveBeenCalled()
})

describe('payCouponsFromAnswer', () => {
  it('keeps the coupons as they are, a state this version does not know included', () => {
    const coupons = [
      { stockId: 's', couponCode: 'c1', state: 'SENDED', expireTime: '2026-12-31T23:59:59+08:00' },
      { stockId: 's', couponCode: 'c2', state: 'FROZEN' },
    ]
    expect(payCouponsFromAnswer({ coupons })).toEqual(coupons)
    expect(payCouponsFromAnswer({ coupons: [] })).toEqual([])
  })

  it.each<[string, unknown]>([
    ['no coupons field', {}],
    ['a list', []],
    ['a coupon without its code', { coupons: [{ stockId: 's', state: 'SENDED' }] }],
    ['an empty state', { coupons: [{ stockId: 's', couponCode: 'c', state: '' }] }],
    ['a numeric expireTime', { coupons: [{ stockId: 's', couponCode: 'c', state: 'USED', expireTime: 1 }] }],
  ])("%s: CardError('source') naming the shape", (_, answer) => {
    expect(() => payCouponsFromAnswer(answer)).toThrow(
      expect.objectContaining({
        code: 'source',
        detail: 'shape',
        message: expect.stringMatching(/^pay-coupons source: /),
      }),
    )
  })
})
