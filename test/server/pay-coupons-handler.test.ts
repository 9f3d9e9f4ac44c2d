// The pay-coupons endpoint over real HTTP: the session user's 商家券 from the simulator's APIv3, through the real SDK.
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import { Wechatpay } from 'wechatpay-axios-plugin'
import { createPayCouponsHandler, type PayCouponsHandlerOptions } from '../../server/pay/pay-coupons-handler'
import { signSendCouponParams } from '../../server/pay/sign'
import { createPayPlatform, type Listening, type PayPlatform } from '../../testing'

const KEY = 'c'.repeat(32)
let platform: PayPlatform
let api: Listening
let server: Server | undefined
let reports: string[]

function issue(openid: string, stockId: string, no: string) {
  platform.setUser(openid)
  const params = { send_coupon_params: [{ stock_id: stockId, out_request_no: no }], send_coupon_merchant: '1900000001' }
  platform.plugin.tap({ data: { ...params, sign: signSendCouponParams(params, KEY) }, triggerEvent: () => undefined })
  platform.plugin.sheets()[0]!.confirm()
}

async function start(extra: Partial<PayCouponsHandlerOptions> = {}) {
  const m = platform.merchant
  const client = new Wechatpay({
    mchid: m.mchid,
    serial: m.serial,
    privateKey: m.privateKey,
    certs: m.certs,
    baseURL: api.url,
  })
  server = createServer(
    createPayCouponsHandler({
      client,
      appid: m.appid,
      merchantId: m.mchid,
      getOpenid: (r) => String(r.headers.authorization ?? '').replace(/^Bearer /, '') || undefined,
      onError: (e) => reports.push(e.message),
      ...extra,
    }),
  )
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay-coupons`
}
const get = async (url: string, user = 'oA') => {
  const res = await fetch(url, { headers: user ? { authorization: `Bearer ${user}` } : {} })
  return {
    status: res.status,
    body: (await res.json()) as { coupons?: { stockId: string; state: string }[]; code?: string },
  }
}

beforeEach(async () => {
  reports = []
  platform = createPayPlatform({
    apiV2Key: KEY,
    openid: 'oA',
    stocks: [{ stockId: '501', stockName: '满50减5', maxPerUser: 2 }, { stockId: '502' }],
  })
  api = await platform.listen()
})
afterEach(async () => {
  await api.close()
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()))
  server = undefined
})

it("answers the session user's 商家券 with their states, and only theirs", async () => {
  issue('oA', '501', 'a1')
  issue('oA', '501', 'a2')
  issue('oB', '502', 'b1')
  platform.setCouponState(platform.state.coupons[1]!.couponCode, 'USED')
  const url = await start()
  const mine = await get(url)
  expect(mine.status).toBe(200)
  expect(mine.body.coupons).toEqual([
    { stockId: '501', couponCode: platform.state.coupons[0]!.couponCode, state: 'SENDED', stockName: '满50减5' },
    { stockId: '501', couponCode: platform.state.coupons[1]!.couponCode, state: 'USED', stockName: '满50减5' },
  ])
  expect((await get(url, 'oB')).body.coupons?.map((c) => c.stockId)).toEqual(['502'])
  expect((await get(`${url}?stockId=502`)).body.coupons).toEqual([])
})

it('stockIds limits the batches; a batch outside them is 404; no session is 401', async () => {
  issue('oA', '501', 'a1')
  issue('oA', '502', 'a2')
  const url = await start({ stockIds: ['502'] })
  expect((await get(url)).body.coupons?.map((c) => c.stockId)).toEqual(['502'])
  expect(await get(`${url}?stockId=501`)).toMatchObject({ status: 404, body: { code: 'unknown_card' } })
  expect(await get(url, '')).toMatchObject({ status: 401, body: { code: 'no_session' } })
})

it('WeChat Pay failing is a 502 for the user; the cause goes to onError', async () => {
  const url = await start()
  platform.failNextRequest(500, 'SYSTEM_ERROR', '系统繁忙')
  expect(await get(url)).toMatchObject({ status: 502, body: { code: 'wechat_error' } })
  expect(reports.join('\n')).toMatch(/SYSTEM_ERROR/)
  expect(reports.join('\n')).not.toContain('PRIVATE KEY')
})
