// A user's 商家券 and their 核销, through WeChat Pay's APIv3: `GET /v3/marketing/busifavor/users/{openid}/coupons`
// and `POST /v3/marketing/busifavor/coupons/use`. The RSA request signing and the answer verification are your APIv3
// SDK's (wechatpay-axios-plugin, or any other behind a function): this file never signs, it only speaks the API.
import type { PayCouponState } from '../../utils/send-coupon-rules'
import { describeError, redactSecrets } from '../wechat'

/**
 * wechatpay-axios-plugin's instance (`new Wechatpay({ mchid, serial, privateKey, certs })`): anything whose
 * `client.request(pathname, method, data, config)` resolves `{ status, data }` (its axios response) and rejects with
 * `error.response` for a non-2xx answer.
 */
export interface WechatpayAxiosPluginLike {
  client: {
    request(
      pathname: string,
      method: string,
      data?: unknown,
      config?: { params?: Record<string, string | number> },
    ): PromiseLike<{ status: number; data: unknown }>
  }
}

/** Any other APIv3 SDK behind a function: sign the request, send it, verify the answer, resolve status and JSON. */
export type PayApiRequest = (request: {
  method: 'GET' | 'POST'
  /** e.g. `/v3/marketing/busifavor/coupons/use` (no query). */
  path: string
  query?: Record<string, string> | undefined
  body?: object | undefined
}) => PromiseLike<{ status: number; data: unknown }>

/** How to reach WeChat Pay's APIv3: your SDK, typed by shape so that none is a dependency of this package. */
export type PayApiClient = WechatpayAxiosPluginLike | PayApiRequest

/** WeChat Pay answered with an error: its HTTP status and `code` (PARAM_ERROR, RESOURCE_NOT_EXISTS, …). */
export class WechatPayApiError extends Error {
  constructor(
    readonly api: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`WeChat Pay ${api} failed: HTTP ${status} ${code}${message ? `: ${message}` : ''}`)
    Object.setPrototypeOf(this, WechatPayApiError.prototype)
    this.name = 'WechatPayApiError'
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface PayApiOptions {
  /** Your APIv3 SDK instance or request function. */
  client: PayApiClient
  /** Per request, in ms. Default 10 000. */
  timeoutMs?: number | undefined
}

/** The SDK's failure as a message only: its error is not kept as `cause` (its config holds the SDK's keys). */
function requestFailed(api: string, e: unknown): Error {
  return new Error(`WeChat Pay ${api}: request failed: ${redactSecrets(describeError(e))}`)
}

/** One APIv3 call: resolves the JSON of a 2xx answer; rejects WechatPayApiError, or an Error naming the API. */
async function call(
  fn: string,
  o: PayApiOptions,
  request: { method: 'GET' | 'POST'; path: string; query?: Record<string, string>; body?: object },
): Promise<Record<string, unknown>> {
  const { client } = o
  const timeoutMs = o.timeoutMs ?? 10_000
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new TypeError(`${fn}: timeoutMs must be a positive number`)
  const api = `${request.method} ${request.path.replace(/\/users\/[^/]+/, '/users/{openid}')}`
  // wechatpay-axios-plugin's instance is itself a function (a Proxy of one): look for its client first
  const sdk = (client as { client?: unknown }).client
  let send: () => PromiseLike<{ status: number; data: unknown }>
  if (isObject(sdk) && typeof sdk.request === 'function') {
    const decorator = sdk as WechatpayAxiosPluginLike['client']
    send = () =>
      decorator.request(request.path.slice(1), request.method.toLowerCase(), request.body, { params: request.query })
  } else if (typeof client === 'function') send = () => (client as PayApiRequest)(request)
  else throw new TypeError(`${fn}: client must be a wechatpay-axios-plugin instance or a request function`)

  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`WeChat Pay ${api}: no answer within ${timeoutMs} ms (timeoutMs)`)),
      timeoutMs,
    )
  })
  let answer: { status: number; data: unknown }
  try {
    answer = await Promise.race([send(), timeout])
  } catch (e) {
    // axios puts the answer on the error; never keep the error itself (its config holds the SDK's keys)
    const response = isObject(e) && isObject(e.response) ? e.response : undefined
    if (response && typeof response.status === 'number') answer = { status: response.status, data: response.data }
    else if (e instanceof Error && /no answer within/.test(e.message)) throw e
    else throw requestFailed(api, e)
  } finally {
    clearTimeout(timer)
  }
  const data = answer.data
  if (answer.status < 200 || answer.status >= 300) {
    const body = isObject(data) ? data : {}
    throw new WechatPayApiError(
      api,
      answer.status,
      typeof body.code === 'string' ? body.code : '',
      typeof body.message === 'string' ? body.message : '',
    )
  }
  // wechatpay-axios-plugin hands back the raw text when it cannot verify the answer's signature
  if (typeof data === 'string')
    throw new Error(
      `WeChat Pay ${api}: the answer came back unverified (raw text): check the WeChat Pay public key (or platform ` +
        'certificate) and its id given to your SDK',
    )
  if (!isObject(data)) throw new Error(`WeChat Pay ${api}: the answer is not a JSON object`)
  return data
}

/** 商家券 states (utils/send-coupon-rules.ts). */
export type BusifavorCouponState = PayCouponState

/** One 商家券 a user holds, as the APIv3 describes it (the fields used most, and all of them in `raw`). */
export interface BusifavorCoupon {
  stockId: string
  couponCode: string
  state: BusifavorCouponState
  stockName?: string | undefined
  belongMerchant?: string | undefined
  /** RFC 3339. */
  receiveTime?: string | undefined
  expireTime?: string | undefined
  useTime?: string | undefined
  /** Everything WeChat Pay answered for this coupon. */
  raw: Record<string, unknown>
}

export interface ListBusifavorCouponsOptions extends PayApiOptions {
  /** The user's openid under `appid`. */
  openid: string
  /** The AppID the openid belongs to (bound to your merchant id): required. */
  appid: string
  stockId?: string | undefined
  state?: BusifavorCouponState | undefined
  /** The role of the calling merchant: the one that created, owns or issued the batches. */
  creatorMerchant?: string | undefined
  belongMerchant?: string | undefined
  senderMerchant?: string | undefined
  offset?: number | undefined
  limit?: number | undefined
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined)

function required(fn: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || !value || /\s/.test(value))
    throw new TypeError(`${fn}: ${name} must be a non-empty string without whitespace`)
  return value
}

/**
 * A user's 商家券 (`GET /v3/marketing/busifavor/users/{openid}/coupons`), one page: `{ coupons, totalCount, offset,
 * limit }`. Rejects WechatPayApiError (WeChat Pay's status and code), or an Error naming the API (network, timeout,
 * an answer that is not JSON). Throws TypeError naming a bad option.
 */
export async function listBusifavorCoupons(
  o: ListBusifavorCouponsOptions,
): Promise<{ coupons: BusifavorCoupon[]; totalCount: number; offset: number; limit: number }> {
  const fn = 'listBusifavorCoupons'
  const openid = required(fn, 'openid', o.openid)
  const query: Record<string, string> = { appid: required(fn, 'appid', o.appid) }
  const optional = {
    stock_id: o.stockId,
    coupon_state: o.state,
    creator_merchant: o.creatorMerchant,
    belong_merchant: o.belongMerchant,
    sender_merchant: o.senderMerchant,
  }
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) query[key] = required(fn, key, value)
  for (const [key, value] of [
    ['offset', o.offset],
    ['limit', o.limit],
  ] as const) {
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`${fn}: ${key} must be an integer >= 0`)
    query[key] = String(value)
  }
  const data = await call(fn, o, {
    method: 'GET',
    path: `/v3/marketing/busifavor/users/${encodeURIComponent(openid)}/coupons`,
    query,
  })
  const list = Array.isArray(data.data) ? data.data.filter(isObject) : []
  const coupons = list.map((raw): BusifavorCoupon => ({
    stockId: str(raw.stock_id) ?? '',
    couponCode: str(raw.coupon_code) ?? '',
    state: (str(raw.coupon_state) ?? 'SENDED') as BusifavorCouponState,
    stockName: str(raw.stock_name),
    belongMerchant: str(raw.belong_merchant),
    receiveTime: str(raw.receive_time),
    expireTime: str(raw.expire_time),
    useTime: str(raw.use_time),
    raw,
  }))
  const number = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback)
  return {
    coupons,
    totalCount: number(data.total_count, coupons.length),
    offset: number(data.offset, o.offset ?? 0),
    limit: number(data.limit, o.limit ?? coupons.length),
  }
}

export interface UseBusifavorCouponOptions extends PayApiOptions {
  couponCode: string
  /** Required for batches whose codes the merchant gives (coupon_code_mode MERCHANT_API / MERCHANT_UPLOAD). */
  stockId?: string | undefined
  appid: string
  /** Unique per 核销: the same number again is the same 核销 (a retry after a lost answer is safe). */
  useRequestNo: string
  /** When the user used it. Default now. */
  useTime?: Date | undefined
  /** The holder, checked by WeChat Pay when given. */
  openid?: string | undefined
}

/** `2026-01-02T03:04:05+08:00`. */
function rfc3339China(date: Date): string {
  const d = new Date(date.getTime() + 8 * 3600 * 1000)
  return `${d.toISOString().slice(0, 19)}+08:00`
}

/**
 * 核销 one 商家券 (`POST /v3/marketing/busifavor/coupons/use`), idempotent by `useRequestNo`: resolves `{ stockId,
 * openid, wechatpayUseTime }`. Rejects WechatPayApiError (e.g. 404 RESOURCE_NOT_EXISTS, 400 for a coupon already
 * used or expired), or an Error naming the API (network, timeout). Throws TypeError naming a bad option.
 */
export async function useBusifavorCoupon(
  o: UseBusifavorCouponOptions,
): Promise<{ stockId: string; openid: string; wechatpayUseTime: string }> {
  const fn = 'useBusifavorCoupon'
  const body: Record<string, string> = {
    coupon_code: required(fn, 'couponCode', o.couponCode),
    appid: required(fn, 'appid', o.appid),
    use_time: rfc3339China(o.useTime ?? new Date()),
    use_request_no: required(fn, 'useRequestNo', o.useRequestNo),
  }
  if (o.useRequestNo.length > 128) throw new TypeError(`${fn}: useRequestNo is longer than 128 characters`)
  if (o.useTime !== undefined && !(o.useTime instanceof Date && !Number.isNaN(o.useTime.getTime())))
    throw new TypeError(`${fn}: useTime must be a valid Date`)
  if (o.stockId !== undefined) body.stock_id = required(fn, 'stockId', o.stockId)
  if (o.openid !== undefined) body.openid = required(fn, 'openid', o.openid)
  const data = await call(fn, o, { method: 'POST', path: '/v3/marketing/busifavor/coupons/use', body })
  return {
    stockId: str(data.stock_id) ?? '',
    openid: str(data.openid) ?? '',
    wechatpayUseTime: str(data.wechatpay_use_time) ?? '',
  }
}
