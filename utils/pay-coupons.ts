// The client of your server's pay-coupons endpoint (`GET`, the session user's 商家券 with their states, read by the
// server from WeChat Pay's APIv3 `GET /v3/marketing/busifavor/users/{openid}/coupons`): what a page runs to feed
// <pay-coupon-list>. Every failure to read them is a CardError('source'); bad options a CardError('invalid').
import { CardError } from './error'
import { postJson, sourceError } from './request'
import { isPlainObject } from './rules'
import type { PayCoupon, PayCouponsResponseBody } from './send-coupon-rules'

export interface PayCouponsRequestOptions {
  /** Your pay-coupons endpoint (HTTPS, in request 合法域名). */
  url: string
  /** Only this batch (批次号), sent as `?stockId=`. */
  stockId?: string | undefined
  /** e.g. `{ Authorization: 'Bearer <your login token>' }`: wx.request sends no cookies. */
  header?: Record<string, string> | undefined
  /** ms before the request counts as failed. Default 10 000. */
  timeoutMs?: number | undefined
}

const LABEL = 'pay-coupons source'
const SHAPE = 'the answer must be { coupons: [{ stockId, couponCode, state }, …] }'
const text = (value: unknown): value is string => typeof value === 'string' && value !== ''

/**
 * Checks what the pay-coupons endpoint answered: `{ coupons: [{ stockId, couponCode, state, stockName?,
 * expireTime? }] }` with non-empty strings. Returns the coupons as they are (a state this version does not know is
 * kept: <pay-coupon-list> shows it as 状态未知). Throws CardError('source') for any other shape.
 */
export function payCouponsFromAnswer(answer: unknown): PayCoupon[] {
  const list = isPlainObject(answer) ? answer.coupons : undefined
  const shaped =
    Array.isArray(list) &&
    list.every(
      (c: unknown) =>
        isPlainObject(c) &&
        text(c.stockId) &&
        text(c.couponCode) &&
        text(c.state) &&
        (c.stockName === undefined || typeof c.stockName === 'string') &&
        (c.expireTime === undefined || typeof c.expireTime === 'string'),
    )
  if (!shaped) throw sourceError(LABEL, SHAPE, 'shape')
  return (answer as unknown as PayCouponsResponseBody).coupons
}

/**
 * Reads the session user's 商家券 from your pay-coupons endpoint (`createPayCouponsHandler` of
 * weapp-card-coupon/server): `GET url[?stockId=…]` through wx.request. Resolves the coupons, in WeChat Pay's order.
 * Rejects CardError('invalid') naming the option (`url`, `stockId`, `timeoutMs`) before any wx call, and
 * CardError('source') naming the cause (the request failed, no answer within `timeoutMs`, an HTTP status other than
 * 200 with the server's message, an answer that is not JSON or not of this shape).
 */
export function requestPayCoupons(options: PayCouponsRequestOptions): Promise<PayCoupon[]> {
  const invalid = (field: string, problem: string) =>
    Promise.reject(new CardError('invalid', `requestPayCoupons: ${field} ${problem}`, { field, detail: problem }))
  const {
    url,
    stockId,
    header,
    timeoutMs = 10_000,
  } = isPlainObject(options) ? options : ({} as PayCouponsRequestOptions)
  if (!text(url)) return invalid('url', 'must be your pay-coupons endpoint')
  if (stockId !== undefined && (!text(stockId) || /\s/.test(stockId)))
    return invalid('stockId', 'must be a batch id without whitespace')
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs))
    return invalid('timeoutMs', 'must be a positive number of ms')
  return postJson({
    url,
    method: 'GET',
    body: stockId === undefined ? {} : { stockId },
    header,
    timeoutMs,
    label: LABEL,
    read: payCouponsFromAnswer,
  })
}
