// The sign of WeChat Pay's send-coupon plugin (小程序发券插件): APIv2 rules, HMAC-SHA256 keyed with the issuing
// merchant's APIv2 key, over each coupon's fields flattened with its index (`stock_id0`, `out_request_no0`, …) and
// `send_coupon_merchant`, sorted in ASCII order. Computed here, on the server: the key never leaves it.
import { createHmac, timingSafeEqual } from 'crypto'
import { MAX_COUPONS_PER_SEND, type SendCouponParam } from '../../utils/send-coupon-rules'
import { describeType, exactValueProblem, isPlainObject } from '../../utils/rules'

/** What the plugin takes, without its sign: the coupons and the issuing merchant. A `sign` present is ignored. */
export interface SendCouponSignParams {
  send_coupon_params: readonly SendCouponParam[]
  send_coupon_merchant: string
  sign?: string | undefined
}

/** The fields of one coupon, in the order WeChat Pay's docs list them; each is signed as `<field><index>`. */
export const SEND_COUPON_PARAM_FIELDS = [
  'stock_id',
  'out_request_no',
  'create_coupon_merchant',
  'coupon_code',
  'customize_send_time',
] as const

/** The longest value WeChat Pay takes per field (its docs: stock_id 20, out_request_no and coupon_code 128). */
const MAX_LENGTH: Partial<Record<(typeof SEND_COUPON_PARAM_FIELDS)[number] | 'send_coupon_merchant', number>> = {
  stock_id: 20,
  out_request_no: 128,
  coupon_code: 128,
  send_coupon_merchant: 15,
}

/** An APIv2 key is 32 characters (商户平台 → 账户中心 → API安全 → 设置APIv2密钥). */
export const APIV2_KEY_LENGTH = 32

/** Bad input to the send-coupon sign: `field` names it (`send_coupon_params[1].out_request_no`, `key`, …). */
export class SendCouponSignError extends TypeError {
  readonly field: string
  constructor(field: string, problem: string) {
    super(`${field} ${problem}`)
    Object.setPrototypeOf(this, SendCouponSignError.prototype)
    this.name = 'SendCouponSignError'
    this.field = field
  }
}

function checkValue(field: string, value: unknown, max: number | undefined): string {
  const problem = exactValueProblem(value)
  if (problem) throw new SendCouponSignError(field, problem)
  const text = value as string
  if (max !== undefined && text.length > max)
    throw new SendCouponSignError(field, `is ${text.length} characters long; WeChat Pay takes at most ${max}`)
  return text
}

/**
 * The APIv2 key, checked: 32 visible characters. Throws SendCouponSignError (field `key`) naming what is wrong,
 * never the key itself.
 */
export function checkApiV2Key(key: unknown): string {
  if (typeof key !== 'string') throw new SendCouponSignError('key', `must be a string, got ${describeType(key)}`)
  if (key.length !== APIV2_KEY_LENGTH || exactValueProblem(key))
    throw new SendCouponSignError(
      'key',
      `must be the merchant's ${APIV2_KEY_LENGTH}-character APIv2 key (not the APIv3 key, not a private key); ` +
        `got ${key.length} characters${exactValueProblem(key) ? ' with whitespace or a control character' : ''}`,
    )
  return key
}

/** The signed pairs, checked: `[['out_request_no0', 'abc123'], …]`, not sorted yet. */
function signedPairs(params: unknown): [string, string][] {
  if (!isPlainObject(params))
    throw new SendCouponSignError('params', 'must be { send_coupon_params, send_coupon_merchant }')
  const list = params.send_coupon_params
  if (!Array.isArray(list)) throw new SendCouponSignError('send_coupon_params', 'must be an array')
  if (list.length === 0) throw new SendCouponSignError('send_coupon_params', 'is empty: give at least one coupon')
  if (list.length > MAX_COUPONS_PER_SEND)
    throw new SendCouponSignError(
      'send_coupon_params',
      `has ${list.length} coupons; the plugin takes at most ${MAX_COUPONS_PER_SEND} per call`,
    )
  const pairs: [string, string][] = []
  list.forEach((coupon: unknown, i) => {
    const at = `send_coupon_params[${i}]`
    if (!isPlainObject(coupon)) throw new SendCouponSignError(at, `must be an object, got ${describeType(coupon)}`)
    for (const key of Object.keys(coupon)) {
      // a field the sign leaves out would reach the plugin unsigned: SIGN_ERROR, or worse, accepted as is
      if (!(SEND_COUPON_PARAM_FIELDS as readonly string[]).includes(key) && coupon[key] !== undefined)
        throw new SendCouponSignError(
          `${at}.${key}`,
          `is not a field of the plugin (${SEND_COUPON_PARAM_FIELDS.join(', ')})`,
        )
    }
    for (const field of SEND_COUPON_PARAM_FIELDS) {
      const value = coupon[field]
      const required = field === 'stock_id' || field === 'out_request_no'
      if (value === undefined && !required) continue
      pairs.push([`${field}${i}`, checkValue(`${at}.${field}`, value, MAX_LENGTH[field])])
    }
  })
  const merchant = checkValue('send_coupon_merchant', params.send_coupon_merchant, MAX_LENGTH.send_coupon_merchant)
  if (merchant.length < 8) throw new SendCouponSignError('send_coupon_merchant', 'is shorter than 8 characters')
  pairs.push(['send_coupon_merchant', merchant])
  return pairs
}

/**
 * The string the sign is computed over, without the key: `out_request_no0=abc123&send_coupon_merchant=10016226&
 * stock_id0=1234567` (raw values, keys in ASCII order). For comparing with WeChat Pay's sign-check tool; the sign
 * itself is over this string + `&key=<APIv2 key>`. Throws SendCouponSignError naming the field for bad input.
 */
export function sendCouponSignSource(params: SendCouponSignParams): string {
  return signedPairs(params)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
}

/**
 * The plugin's `sign`: uppercase hex HMAC-SHA256, keyed with the issuing merchant's APIv2 key `key`, over
 * `sendCouponSignSource(params)` + `&key=<key>`. `params` is exactly what the plugin takes (`{ send_coupon_params,
 * send_coupon_merchant }`); every field given is signed. Throws SendCouponSignError naming the field: more than 10
 * coupons, a missing stock_id or out_request_no, an empty value or one with whitespace, a value longer than WeChat
 * Pay takes, a field the plugin does not have, a key that is not 32 characters.
 */
export function signSendCouponParams(params: SendCouponSignParams, key: string): string {
  const secret = checkApiV2Key(key)
  return createHmac('sha256', secret)
    .update(`${sendCouponSignSource(params)}&key=${secret}`, 'utf8')
    .digest('hex')
    .toUpperCase()
}

/**
 * Whether `params.sign` is the sign of `params` under `key` (constant-time compare, any case). False for
 * parameters that cannot be signed (the plugin would answer PARAM_ERROR or SIGN_ERROR). Throws SendCouponSignError
 * for a key that is not 32 characters.
 */
export function verifySendCouponSign(params: SendCouponSignParams, key: string): boolean {
  const secret = checkApiV2Key(key)
  const given = isPlainObject(params) && typeof params.sign === 'string' ? params.sign.toUpperCase() : ''
  let expected: string
  try {
    expected = signSendCouponParams(params, secret)
  } catch (e) {
    if (e instanceof SendCouponSignError) return false
    throw e
  }
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}
