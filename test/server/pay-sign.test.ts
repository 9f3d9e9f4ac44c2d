import { createHmac } from 'crypto'
import {
  SendCouponSignError,
  sendCouponSignSource,
  signSendCouponParams,
  verifySendCouponSign,
  type SendCouponSignParams,
} from '../../server/pay/sign'

const KEY = 'a'.repeat(16) + 'B'.repeat(16)
const hmac = (text: string) => createHmac('sha256', KEY).update(text, 'utf8').digest('hex').toUpperCase()

describe('signSendCouponParams', () => {
  it("signs WeChat Pay's documented one-coupon string: indexed fields, ASCII order, &key= at the end", () => {
    const params = {
      send_coupon_params: [{ stock_id: '1234567', out_request_no: 'abc123' }],
      send_coupon_merchant: '10016226',
    }
    // the source string as WeChat Pay's docs print it
    const documented = 'out_request_no0=abc123&send_coupon_merchant=10016226&stock_id0=1234567'
    expect(sendCouponSignSource(params)).toBe(documented)
    expect(signSendCouponParams(params, KEY)).toBe(hmac(`${documented}&key=${KEY}`))
  })

  it("signs WeChat Pay's documented two-coupon string with coupon codes", () => {
    const params = {
      send_coupon_params: [
        { stock_id: '1234567', out_request_no: 'abc123', coupon_code: 'asdsada' },
        { stock_id: '2345678', out_request_no: '123abc', coupon_code: 'asdsada' },
      ],
      send_coupon_merchant: '10016226',
    }
    const documented =
      'coupon_code0=asdsada&coupon_code1=asdsada&out_request_no0=abc123&out_request_no1=123abc' +
      '&send_coupon_merchant=10016226&stock_id0=1234567&stock_id1=2345678'
    expect(sendCouponSignSource(params)).toBe(documented)
    expect(signSendCouponParams(params, KEY)).toMatch(/^[0-9A-F]{64}$/)
    expect(signSendCouponParams(params, KEY)).toBe(hmac(`${documented}&key=${KEY}`))
  })

  it('signs every field given (create_coupon_merchant, customize_send_time) and ignores a sign already there', () => {
    const params = {
      send_coupon_params: [
        {
          stock_id: '1',
          out_request_no: 'n1',
          create_coupon_merchant: '12345678',
          customize_send_time: '2026-01-01T00:00:00+08:00',
        },
      ],
      send_coupon_merchant: '87654321',
      sign: 'whatever',
    }
    expect(sendCouponSignSource(params)).toBe(
      'create_coupon_merchant0=12345678&customize_send_time0=2026-01-01T00:00:00+08:00&out_request_no0=n1' +
        '&send_coupon_merchant=87654321&stock_id0=1',
    )
  })

  const coupon = { stock_id: 's1', out_request_no: 'n1' }
  const base: SendCouponSignParams = { send_coupon_params: [coupon], send_coupon_merchant: '10016226' }
  it.each<[string, string, unknown, string]>([
    ['more than 10 coupons', 'send_coupon_params', { ...base, send_coupon_params: Array(11).fill(coupon) }, KEY],
    ['no coupon', 'send_coupon_params', { ...base, send_coupon_params: [] }, KEY],
    [
      'no stock_id',
      'send_coupon_params[1].stock_id',
      { ...base, send_coupon_params: [coupon, { out_request_no: 'n2' }] },
      KEY,
    ],
    [
      'an empty coupon_code',
      'send_coupon_params[0].coupon_code',
      { ...base, send_coupon_params: [{ ...coupon, coupon_code: '' }] },
      KEY,
    ],
    [
      'a value with a newline',
      'send_coupon_params[0].out_request_no',
      { ...base, send_coupon_params: [{ ...coupon, out_request_no: 'n1\n' }] },
      KEY,
    ],
    [
      'a field the plugin lacks',
      'send_coupon_params[0].openid',
      { ...base, send_coupon_params: [{ ...coupon, openid: 'o' }] },
      KEY,
    ],
    [
      'a stock_id over 20 characters',
      'send_coupon_params[0].stock_id',
      { ...base, send_coupon_params: [{ ...coupon, stock_id: '1'.repeat(21) }] },
      KEY,
    ],
    ['no merchant', 'send_coupon_merchant', { send_coupon_params: [coupon] }, KEY],
    ['a short merchant', 'send_coupon_merchant', { ...base, send_coupon_merchant: '1234' }, KEY],
    ['a 31-character key', 'key', base, KEY.slice(1)],
    ['an APIv3-looking key with a trailing newline', 'key', base, KEY.slice(1) + '\n'],
  ])('%s: SendCouponSignError naming %s', (_, field, params, key) => {
    let thrown: unknown
    try {
      signSendCouponParams(params as SendCouponSignParams, key)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(SendCouponSignError)
    expect((thrown as SendCouponSignError).field).toBe(field)
    expect((thrown as Error).message.startsWith(field)).toBe(true)
    // the key never appears in a message
    expect((thrown as Error).message).not.toContain(KEY.slice(2, 20))
  })
})

describe('verifySendCouponSign', () => {
  const params = { send_coupon_params: [{ stock_id: 's1', out_request_no: 'n1' }], send_coupon_merchant: '10016226' }
  const sign = signSendCouponParams(params, KEY)
  it('accepts its own sign in any case, refuses any change', () => {
    expect(verifySendCouponSign({ ...params, sign }, KEY)).toBe(true)
    expect(verifySendCouponSign({ ...params, sign: sign.toLowerCase() }, KEY)).toBe(true)
    expect(verifySendCouponSign({ ...params, send_coupon_merchant: '10016227', sign }, KEY)).toBe(false)
    expect(
      verifySendCouponSign(
        {
          send_coupon_params: [{ stock_id: 's1', out_request_no: 'n1', coupon_code: 'c' }],
          send_coupon_merchant: '10016226',
          sign,
        },
        KEY,
      ),
    ).toBe(false)
    expect(verifySendCouponSign({ ...params, sign }, 'c'.repeat(32))).toBe(false)
    expect(verifySendCouponSign({ ...params }, KEY)).toBe(false)
    expect(verifySendCouponSign({ ...params, send_coupon_params: [], sign }, KEY)).toBe(false)
  })
  it('throws for a key that cannot be an APIv2 key', () => {
    expect(() => verifySendCouponSign({ ...params, sign }, 'short')).toThrow(SendCouponSignError)
  })
})
