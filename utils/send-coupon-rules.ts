// WeChat Pay coupons (商家券 / 代金券) through WeChat Pay's send-coupon plugin (小程序发券插件, `<send-coupon>`): what
// the plugin takes, what it answers, and what each answer means to the user, in one table. No wx here:
// <send-coupon-button>, the server toolkit and the simulator read these rules, so all three judge an answer alike.
import { CardError } from './error'
import { isPlainObject } from './rules'

/**
 * Mini-program plugins run from base library 1.9.6 (WeChat's plugin docs); the send-coupon plugin documents no
 * later minimum of its own.
 */
export const SEND_COUPON_PLUGIN_MIN_VERSION = '1.9.6'

/** The plugin takes at most 10 coupons per call (`send_coupon_params`). */
export const MAX_COUPONS_PER_SEND = 10

/** One coupon to issue, as the plugin's `send_coupon_params` item takes it (signed as `<field><index>`). */
export interface SendCouponParam {
  /** The batch (批次号). */
  stock_id: string
  /** 发券凭证: unique per batch and user; letters, digits, `|`, `*`, `-`; at most 128 characters. Works once. */
  out_request_no: string
  /** 制券商户号: required for 支付券 (代金券), the merchant that created the batch. */
  create_coupon_merchant?: string | undefined
  /** The coupon's code, for a batch whose codes are assigned when issued. */
  coupon_code?: string | undefined
  /** 自定义发券时间, for batches that use one. */
  customize_send_time?: string | undefined
}

/** What the plugin takes besides its events: the coupons, their HMAC-SHA256 sign and the issuing merchant. */
export interface SendCouponPluginParams {
  send_coupon_params: SendCouponParam[]
  /** Uppercase hex HMAC-SHA256 with the APIv2 key of `send_coupon_merchant` (computed on your server). */
  sign: string
  /** 发券商户号 (8 to 15 characters): the merchant that created the batches, or the service provider's. */
  send_coupon_merchant: string
}

/**
 * `POST <params-url>`: the batches the tag will issue, and the `out_request_no` of parameters the tag already used
 * (the plugin answered them: they cannot issue again). Your server knows the user from its own session, never from
 * this body.
 */
export interface SendCouponParamsRequestBody {
  stockIds: string[]
  /** `out_request_no` values the plugin answered: ask for new ones for these batches. */
  spent?: string[] | undefined
  /** The page's `request-data` fields. */
  data?: Record<string, unknown> | undefined
}

/** `200` answer of the send-coupon endpoint: exactly what the plugin takes. */
export type SendCouponParamsResponseBody = SendCouponPluginParams

/** One coupon in the plugin's `detail.send_coupon_result`. */
export interface SendCouponResultItem {
  /** SUCCESS, DUPREQUEST, NOTENOUGH, … (SEND_COUPON_RESULT_CODES). */
  code: string
  message?: string | undefined
  stock_id?: string | undefined
  out_request_no?: string | undefined
  coupon_code?: string | undefined
}

/** The plugin's `bind:sendcoupon` detail. */
export interface SendCouponAnswer {
  /** OK, PARAM_ERROR, USER_NOT_EXISTS, USER_GET_FAILED, SIGN_ERROR, SYSTEMERROR (SEND_COUPON_ERRCODES). */
  errcode: string
  msg?: string | undefined
  send_coupon_result?: SendCouponResultItem[] | undefined
}

/**
 * Why the user got nothing, in their terms: what the tag's toast says. `sold_out` 已领完, `limit` 已达领取上限,
 * `not_running` the batch is paused or over, `retry` try again now, `network` your server or the network,
 * `failed` anything else (try again later).
 */
export type SendCouponFailReason = 'sold_out' | 'limit' | 'not_running' | 'retry' | 'network' | 'failed'

/**
 * The plugin's `detail.errcode` values (WeChat Pay's docs), by what they mean to the user. OK: see each coupon's
 * code. PARAM_ERROR and SIGN_ERROR are the developer's to fix (see `msg`); USER_NOT_EXISTS (登录态获取失效): ask the user
 * to try again; USER_GET_FAILED (登录态获取失败) and SYSTEMERROR (发券超时): try again later.
 */
export const SEND_COUPON_ERRCODES: Readonly<Record<string, SendCouponFailReason | 'ok'>> = {
  OK: 'ok',
  PARAM_ERROR: 'failed',
  USER_NOT_EXISTS: 'retry',
  USER_GET_FAILED: 'failed',
  SIGN_ERROR: 'failed',
  SYSTEMERROR: 'failed',
}

/**
 * Each coupon's `code` in `send_coupon_result` (WeChat Pay's docs), by what it means to the user: SUCCESS and
 * DUPREQUEST (this out_request_no already issued this coupon to the user) are received; NOTENOUGH (总预算用完) and
 * NOTMONEY sold out; DAYLIMIT, USERLIMIT, NATURELIMIT (自然人限领) and MAXQUOTA a limit; NOTRUNNING the batch is not
 * running; FAILED (see `message`) and FREQUENCYLIMIT failed. A code not listed here is a failure too.
 */
export const SEND_COUPON_RESULT_CODES: Readonly<Record<string, SendCouponFailReason | 'received'>> = {
  SUCCESS: 'received',
  DUPREQUEST: 'received',
  FAILED: 'failed',
  NOTENOUGH: 'sold_out',
  NOTMONEY: 'sold_out',
  DAYLIMIT: 'limit',
  USERLIMIT: 'limit',
  NATURELIMIT: 'limit',
  MAXQUOTA: 'limit',
  FREQUENCYLIMIT: 'failed',
  NOTRUNNING: 'not_running',
}

const own = (table: object, key: string) => Object.prototype.hasOwnProperty.call(table, key)

/** One coupon of an answer, in the tag's terms. */
export interface SentCoupon {
  stockId: string
  outRequestNo: string
  /** The plugin's code: SUCCESS, DUPREQUEST, NOTENOUGH, … */
  code: string
  /** SUCCESS or DUPREQUEST: the user has it. */
  received: boolean
  /** The coupon's code when WeChat Pay gave one. */
  couponCode?: string | undefined
  message?: string | undefined
}

/** Detail of the tag's `success`: at least one coupon reached the user. */
export interface SendCouponResult {
  /** Every coupon the plugin answered for, in its order. */
  coupons: SentCoupon[]
  /** Received (SUCCESS, DUPREQUEST). */
  succeeded: SentCoupon[]
  /** Not received, each with its code (NOTENOUGH, DAYLIMIT, …). */
  failed: SentCoupon[]
}

/** How the plugin's answer reads: the coupons received, or why none was. */
export type SendCouponOutcome =
  | { ok: true; result: SendCouponResult }
  | { ok: false; error: CardError; reason: SendCouponFailReason; coupons: SentCoupon[] }

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

/** A CardError('fail') of the plugin whose `detail` is its code, `errMsg` its message. */
const pluginError = (message: string, detail: string, said?: string) =>
  new CardError('fail', message, { detail, errMsg: said })

/**
 * Reads the plugin's `bind:sendcoupon` detail. `sent`: the parameters the plugin had (to name coupons the answer
 * leaves out). OK with at least one coupon received is `ok`; anything else is a CardError('fail') whose `detail` is
 * the errcode or the first coupon's code, with the reason the user is told.
 */
export function readSendCouponAnswer(answer: unknown, sent: readonly SendCouponParam[] = []): SendCouponOutcome {
  if (!isPlainObject(answer) || typeof answer.errcode !== 'string' || !answer.errcode) {
    const error = pluginError('the send-coupon plugin answered without an errcode', '')
    return { ok: false, error, reason: 'failed', coupons: [] }
  }
  const errcode = answer.errcode
  const said = text(answer.msg)
  if (errcode !== 'OK') {
    const reason = own(SEND_COUPON_ERRCODES, errcode)
      ? (SEND_COUPON_ERRCODES[errcode] as SendCouponFailReason)
      : 'failed'
    const error = pluginError(`the send-coupon plugin answered ${errcode}${said ? `: ${said}` : ''}`, errcode, said)
    return { ok: false, error, reason, coupons: [] }
  }
  const items = Array.isArray(answer.send_coupon_result) ? answer.send_coupon_result : []
  const coupons: SentCoupon[] = items.filter(isPlainObject).map((item, i) => {
    const code = text(item.code) ?? ''
    return {
      stockId: text(item.stock_id) ?? sent[i]?.stock_id ?? '',
      outRequestNo: text(item.out_request_no) ?? sent[i]?.out_request_no ?? '',
      code,
      received: own(SEND_COUPON_RESULT_CODES, code) && SEND_COUPON_RESULT_CODES[code] === 'received',
      couponCode: text(item.coupon_code),
      message: text(item.message),
    }
  })
  const succeeded = coupons.filter((c) => c.received)
  const failed = coupons.filter((c) => !c.received)
  if (succeeded.length) return { ok: true, result: { coupons, succeeded, failed } }
  const first = failed[0]
  if (!first) {
    const error = pluginError('the send-coupon plugin answered OK without any coupon result', 'OK', said)
    return { ok: false, error, reason: 'failed', coupons }
  }
  const reason = own(SEND_COUPON_RESULT_CODES, first.code)
    ? (SEND_COUPON_RESULT_CODES[first.code] as SendCouponFailReason)
    : 'failed'
  const codes = failed.map((c) => c.code || '(none)').join(', ')
  const error = pluginError(`no coupon was received: ${codes}`, first.code, first.message)
  return { ok: false, error, reason, coupons }
}

/** 商家券 states (WeChat Pay's coupon_state): SENDED usable, USED, EXPIRED, DELETED by the user, DEACTIVATED by the merchant. */
export const PAY_COUPON_STATES = ['SENDED', 'USED', 'EXPIRED', 'DELETED', 'DEACTIVATED'] as const

/** One of WeChat Pay's 商家券 states (PAY_COUPON_STATES). */
export type PayCouponState = (typeof PAY_COUPON_STATES)[number]

/** One 商家券 the user holds, as the pay-coupons endpoint answers it. */
export interface PayCoupon {
  stockId: string
  couponCode: string
  state: PayCouponState
  /** The batch's name (stock_name). */
  stockName?: string | undefined
  /** RFC 3339, when WeChat Pay gives it. */
  expireTime?: string | undefined
}

/** `200` answer of the pay-coupons endpoint: the session user's 商家券, in WeChat Pay's order. */
export interface PayCouponsResponseBody {
  coupons: PayCoupon[]
}
