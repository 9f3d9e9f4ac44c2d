// The simulator's send-coupon plugin: the confirm step, the sign check with the merchant's APIv2 key, and WeChat
// Pay's answer coupon by coupon (budget, per-user and per-day limits, DUPREQUEST, NOTRUNNING, kinds never mixed).
import { signSendCouponParams } from '../../server/pay/sign'
import { createPayPlatform, type PayPlatform } from '../../testing'
import type { SendCouponAnswer, SendCouponParam } from '../../utils/send-coupon-rules'

const KEY = 'q'.repeat(32)
const MERCHANT = '1900000001'
let platform: PayPlatform
let events: [string, object][]
let clock = Date.UTC(2026, 0, 1, 4) // noon in China

beforeEach(() => {
  events = []
  clock = Date.UTC(2026, 0, 1, 4)
  platform = createPayPlatform({
    apiV2Key: KEY,
    openid: 'oA',
    now: () => clock,
    stocks: [
      { stockId: 'S1', maxPerUser: 3, maxPerUserPerDay: 2 },
      { stockId: 'S2', budget: 1 },
      { stockId: 'S3', running: false },
      { stockId: 'F1', kind: 'favor', creatorMerchant: '1900000009' },
      { stockId: 'M1', merchantCodes: true, maxPerUser: 5 },
    ],
  })
})

const host = (params: SendCouponParam[], sign?: string) => ({
  data: {
    send_coupon_params: params,
    send_coupon_merchant: MERCHANT,
    sign: sign ?? signSendCouponParams({ send_coupon_params: params, send_coupon_merchant: MERCHANT }, KEY),
  },
  triggerEvent: (name: string, detail: object) => events.push([name, detail]),
})
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

/** A tap and the user's confirm: WeChat Pay's answer. */
function take(params: SendCouponParam[], sign?: string): SendCouponAnswer {
  platform.plugin.tap(host(params, sign))
  return platform.plugin.sheets()[0]!.confirm()
}
const codes = (answer: SendCouponAnswer) => answer.send_coupon_result?.map((r) => r.code)

describe('the confirm step', () => {
  it('a tap opens a sheet and answers nothing until the user confirms; then sendcoupon, then userconfirm', async () => {
    platform.plugin.tap(host([{ stock_id: 'S1', out_request_no: 'r1' }]))
    await flush()
    expect(events).toEqual([])
    const [sheet] = platform.plugin.sheets()
    expect(sheet?.status).toBe('open')
    const answer = sheet!.confirm()
    await flush()
    expect(events).toEqual([['sendcoupon', answer]])
    expect(answer).toEqual({
      errcode: 'OK',
      msg: 'OK',
      send_coupon_result: [
        { code: 'SUCCESS', message: '发券成功', stock_id: 'S1', out_request_no: 'r1', coupon_code: expect.any(String) },
      ],
    })
    sheet!.acknowledge()
    await flush()
    expect(events.map((e) => e[0])).toEqual(['sendcoupon', 'userconfirm'])
  })

  it('a closed sheet issues nothing and says nothing', async () => {
    platform.plugin.tap(host([{ stock_id: 'S1', out_request_no: 'r1' }]))
    platform.plugin.sheets()[0]!.close()
    await flush()
    expect(events).toEqual([])
    expect(platform.state.coupons).toEqual([])
    expect(platform.plugin.sheets()).toEqual([])
  })

  it('autoAnswer confirms every sheet at once', async () => {
    platform.plugin.autoAnswer('confirm')
    platform.plugin.tap(host([{ stock_id: 'S1', out_request_no: 'r1' }]))
    await flush()
    expect(events.map((e) => e[0])).toEqual(['sendcoupon'])
  })

  it('parameters missing: PARAM_ERROR at once, no sheet', async () => {
    platform.plugin.tap({
      data: { send_coupon_params: [], sign: '', send_coupon_merchant: MERCHANT },
      triggerEvent: (n, d) => events.push([n, d]),
    })
    await flush()
    expect(platform.plugin.sheets()).toEqual([])
    expect(events[0]?.[1]).toMatchObject({ errcode: 'PARAM_ERROR', send_coupon_result: [] })
  })
})

describe("WeChat Pay's answer", () => {
  it('SIGN_ERROR for a sign made with another key, or over other coupons', () => {
    const params = [{ stock_id: 'S1', out_request_no: 'r1' }]
    const other = signSendCouponParams({ send_coupon_params: params, send_coupon_merchant: MERCHANT }, 'x'.repeat(32))
    expect(take(params, other).errcode).toBe('SIGN_ERROR')
    const signedForOne = signSendCouponParams({ send_coupon_params: params, send_coupon_merchant: MERCHANT }, KEY)
    expect(take([...params, { stock_id: 'S1', out_request_no: 'r2' }], signedForOne).errcode).toBe('SIGN_ERROR')
    expect(platform.state.coupons).toEqual([])
  })

  it('DUPREQUEST with the same coupon for a reused out_request_no; MAXQUOTA past the per-user limit', () => {
    const first = take([{ stock_id: 'S1', out_request_no: 'r1' }])
    const again = take([{ stock_id: 'S1', out_request_no: 'r1' }])
    expect(codes(again)).toEqual(['DUPREQUEST'])
    expect(again.send_coupon_result?.[0]?.coupon_code).toBe(first.send_coupon_result?.[0]?.coupon_code)
    expect(codes(take([{ stock_id: 'S1', out_request_no: 'r2' }]))).toEqual(['SUCCESS'])
    clock += 24 * 3600 * 1000
    expect(codes(take([{ stock_id: 'S1', out_request_no: 'r3' }]))).toEqual(['SUCCESS'])
    expect(codes(take([{ stock_id: 'S1', out_request_no: 'r4' }]))).toEqual(['MAXQUOTA'])
  })

  it('DAYLIMIT per user per China day, again the next day', () => {
    expect(
      codes(
        take([
          { stock_id: 'S1', out_request_no: 'a' },
          { stock_id: 'S1', out_request_no: 'b' },
        ]),
      ),
    ).toEqual(['SUCCESS', 'SUCCESS'])
    expect(codes(take([{ stock_id: 'S1', out_request_no: 'c' }]))).toEqual(['DAYLIMIT'])
    clock = Date.UTC(2026, 0, 1, 16) // 00:00 on 2 January in China
    expect(codes(take([{ stock_id: 'S1', out_request_no: 'c' }]))).toEqual(['SUCCESS'])
  })

  it('NOTENOUGH once the budget is spent (another user), NOTRUNNING for a paused batch', () => {
    expect(codes(take([{ stock_id: 'S2', out_request_no: 'r1' }]))).toEqual(['SUCCESS'])
    platform.setUser('oB')
    expect(codes(take([{ stock_id: 'S2', out_request_no: 'r1' }]))).toEqual(['NOTENOUGH'])
    expect(codes(take([{ stock_id: 'S3', out_request_no: 'r1' }]))).toEqual(['NOTRUNNING'])
    platform.setStock('S3', { running: true })
    expect(codes(take([{ stock_id: 'S3', out_request_no: 'r1' }]))).toEqual(['SUCCESS'])
  })

  it('a 代金券 needs its create_coupon_merchant; the two kinds are never issued together', () => {
    expect(codes(take([{ stock_id: 'F1', out_request_no: 'r1' }]))).toEqual(['FAILED'])
    expect(codes(take([{ stock_id: 'F1', out_request_no: 'r2', create_coupon_merchant: '1900000009' }]))).toEqual([
      'SUCCESS',
    ])
    const mixed = take([
      { stock_id: 'S1', out_request_no: 'r3' },
      { stock_id: 'F1', out_request_no: 'r4', create_coupon_merchant: '1900000009' },
    ])
    expect(mixed.errcode).toBe('PARAM_ERROR')
  })

  it('a batch with merchant codes needs coupon_code, each used once', () => {
    expect(codes(take([{ stock_id: 'M1', out_request_no: 'r1' }]))).toEqual(['FAILED'])
    expect(
      take([{ stock_id: 'M1', out_request_no: 'r2', coupon_code: 'CODE1' }]).send_coupon_result?.[0],
    ).toMatchObject({
      code: 'SUCCESS',
      coupon_code: 'CODE1',
    })
    expect(codes(take([{ stock_id: 'M1', out_request_no: 'r3', coupon_code: 'CODE1' }]))).toEqual(['FAILED'])
  })

  it('PARAM_ERROR for more than 10 coupons', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ stock_id: 'S1', out_request_no: `r${i}` }))
    platform.plugin.tap(host(eleven, 'A'.repeat(64)))
    expect(platform.plugin.sheets()[0]!.confirm().errcode).toBe('PARAM_ERROR')
  })
})
