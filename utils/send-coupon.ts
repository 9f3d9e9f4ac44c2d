// The client of your server's send-coupon endpoint (the plugin's parameters, signed there) and the plugin's version
// guard: what <send-coupon-button> runs in the mini-program. Every failure to get parameters is a CardError('source').
import { CardError } from './error'
import { postJson, sourceError } from './request'
import { isPlainObject } from './rules'
import {
  MAX_COUPONS_PER_SEND,
  SEND_COUPON_PLUGIN_MIN_VERSION,
  type SendCouponParamsRequestBody,
  type SendCouponPluginParams,
} from './send-coupon-rules'
import { compareVersion, getSDKVersion } from './version'

/** True when this client can run mini-program plugins (base library ≥ 1.9.6, numeric compare). Never throws. */
export function isSendCouponSupported(): boolean {
  return compareVersion(getSDKVersion(), SEND_COUPON_PLUGIN_MIN_VERSION) >= 0
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

/** Where fresh parameters come from: the page's own function (custom auth or transport). */
export type SendCouponParamsSource = (
  stockIds: string[],
  spent: string[],
) => Promise<SendCouponPluginParams> | SendCouponPluginParams

export interface SendCouponParamsRequestOptions {
  /** Your send-coupon endpoint (HTTPS, in request 合法域名). */
  url: string
  stockIds: string[]
  /** `out_request_no` values already answered by the plugin. */
  spent?: string[] | undefined
  /** Extra fields, sent as `data` in the body. */
  data?: Record<string, unknown> | undefined
  /** e.g. `{ Authorization: 'Bearer <your login token>' }`. */
  header?: Record<string, string> | undefined
  /** ms before the request counts as failed. */
  timeoutMs: number
}

const LABEL = 'send-coupon source'
const SHAPE = 'the answer must be { send_coupon_params: [{ stock_id, out_request_no }, …], sign, send_coupon_merchant }'

/**
 * Checks what a source answered: the plugin's parameters, 1 to 10 coupons each with a stock_id and an
 * out_request_no, a sign and a send_coupon_merchant (strings). Throws CardError('source') otherwise.
 */
export function sendCouponParamsFromSource(answer: unknown): SendCouponPluginParams {
  const list = isPlainObject(answer) ? answer.send_coupon_params : undefined
  const shaped =
    isPlainObject(answer) &&
    Array.isArray(list) &&
    list.length > 0 &&
    list.length <= MAX_COUPONS_PER_SEND &&
    list.every((c: unknown) => isPlainObject(c) && !!text(c.stock_id) && !!text(c.out_request_no)) &&
    !!text(answer.sign) &&
    !!text(answer.send_coupon_merchant)
  if (!shaped) throw sourceError(LABEL, SHAPE, 'shape')
  return answer as unknown as SendCouponPluginParams
}

/**
 * Asks your send-coupon endpoint for fresh, signed parameters: `POST url` with `{ stockIds, spent, data }`
 * (wx.request). Resolves the plugin's parameters; rejects CardError('source') naming the cause (request failed, no
 * answer within `timeoutMs`, HTTP status, not JSON, wrong shape).
 */
export function requestSendCouponParams(options: SendCouponParamsRequestOptions): Promise<SendCouponPluginParams> {
  const body: SendCouponParamsRequestBody = { stockIds: options.stockIds, spent: options.spent, data: options.data }
  return postJson({
    url: options.url,
    body,
    header: options.header,
    timeoutMs: options.timeoutMs,
    label: LABEL,
    read: sendCouponParamsFromSource,
  })
}

/** Calls a page's source and checks its answer; a rejection becomes CardError('source') (a CardError is kept). */
export async function fetchSendCouponParams(
  source: SendCouponParamsSource,
  stockIds: string[],
  spent: string[],
): Promise<SendCouponPluginParams> {
  let answer: unknown
  try {
    answer = await source(stockIds, spent)
  } catch (error) {
    if (error instanceof CardError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw sourceError(LABEL, `the page's source failed: ${reason}`, reason)
  }
  return sendCouponParamsFromSource(answer)
}
