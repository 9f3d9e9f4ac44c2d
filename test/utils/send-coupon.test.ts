// The plugin's answer read in the user's terms, and the shape check of what a source answers.
import { CardError } from '../../utils/error'
import { sendCouponParamsFromSource } from '../../utils/send-coupon'
import { readSendCouponAnswer } from '../../utils/send-coupon-rules'

const sent = [
  { stock_id: 'S1', out_request_no: 'n1' },
  { stock_id: 'S2', out_request_no: 'n2' },
]

describe('readSendCouponAnswer', () => {
  it('partial success: ok, with the failed coupon and its code', () => {
    const outcome = readSendCouponAnswer(
      {
        errcode: 'OK',
        send_coupon_result: [
          { code: 'DUPREQUEST', stock_id: 'S1', out_request_no: 'n1', coupon_code: 'C1' },
          { code: 'DAYLIMIT', message: '用户达到单天限领', stock_id: 'S2', out_request_no: 'n2' },
        ],
      },
      sent,
    )
    expect(outcome).toEqual({
      ok: true,
      result: {
        coupons: expect.any(Array),
        succeeded: [
          {
            stockId: 'S1',
            outRequestNo: 'n1',
            code: 'DUPREQUEST',
            received: true,
            couponCode: 'C1',
            message: undefined,
          },
        ],
        failed: [
          {
            stockId: 'S2',
            outRequestNo: 'n2',
            code: 'DAYLIMIT',
            received: false,
            couponCode: undefined,
            message: '用户达到单天限领',
          },
        ],
      },
    })
  })

  it.each<[string, unknown, string, string]>([
    [
      'every coupon over a limit',
      { errcode: 'OK', send_coupon_result: [{ code: 'MAXQUOTA' }, { code: 'NATURELIMIT' }] },
      'MAXQUOTA',
      'limit',
    ],
    [
      'a batch not running',
      { errcode: 'OK', send_coupon_result: [{ code: 'NOTRUNNING' }] },
      'NOTRUNNING',
      'not_running',
    ],
    [
      'a code WeChat Pay may add later',
      { errcode: 'OK', send_coupon_result: [{ code: 'SOMETHING_NEW' }] },
      'SOMETHING_NEW',
      'failed',
    ],
    ['OK without any result', { errcode: 'OK', send_coupon_result: [] }, 'OK', 'failed'],
    ['USER_NOT_EXISTS', { errcode: 'USER_NOT_EXISTS', msg: '登录态获取失效' }, 'USER_NOT_EXISTS', 'retry'],
    ['an errcode not documented', { errcode: 'FREQUENCY_LIMITED' }, 'FREQUENCY_LIMITED', 'failed'],
    ['no errcode at all', { msg: 'x' }, '', 'failed'],
    ['not an object', 'OK', '', 'failed'],
    [
      'an inherited name as a code',
      { errcode: 'OK', send_coupon_result: [{ code: 'constructor' }] },
      'constructor',
      'failed',
    ],
  ])('%s: fail, detail %s, reason %s', (_, answer, detail, reason) => {
    const outcome = readSendCouponAnswer(answer, sent)
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.error).toBeInstanceOf(CardError)
    expect([outcome.error.code, outcome.error.detail, outcome.reason]).toEqual(['fail', detail, reason])
  })

  it('names coupons the answer leaves unnamed from the parameters sent, in order', () => {
    const outcome = readSendCouponAnswer({ errcode: 'OK', send_coupon_result: [{ code: 'NOTENOUGH' }] }, sent)
    expect(outcome.ok ? [] : outcome.coupons).toEqual([
      expect.objectContaining({ stockId: 'S1', outRequestNo: 'n1', code: 'NOTENOUGH', received: false }),
    ])
  })
})

describe('sendCouponParamsFromSource', () => {
  const good = { send_coupon_params: sent, sign: 'A'.repeat(64), send_coupon_merchant: '1900000001' }
  it('takes the plugin parameters as they are', () => {
    expect(sendCouponParamsFromSource(good)).toBe(good)
  })
  it.each<[string, unknown]>([
    ['no sign', { ...good, sign: '' }],
    ['no merchant', { ...good, send_coupon_merchant: undefined }],
    ['no coupon', { ...good, send_coupon_params: [] }],
    ['11 coupons', { ...good, send_coupon_params: Array(11).fill(sent[0]) }],
    ['a coupon without out_request_no', { ...good, send_coupon_params: [{ stock_id: 'S1' }] }],
    ['a list instead of the object', sent],
  ])('%s: CardError source, shape', (_, answer) => {
    let thrown: unknown
    try {
      sendCouponParamsFromSource(answer)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(CardError)
    expect([(thrown as CardError).code, (thrown as CardError).detail]).toEqual(['source', 'shape'])
  })
})
