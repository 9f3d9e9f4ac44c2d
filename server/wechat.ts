/** Shared plumbing for calling api.weixin.qq.com: timeout, HTTP/JSON checks and errcode → WeChatApiError. */

export const DEFAULT_BASE_URL = 'https://api.weixin.qq.com'
export const DEFAULT_TIMEOUT_MS = 10_000

/** WeChat answered, but with a non-zero errcode. */
export class WeChatApiError extends Error {
  readonly errcode: number
  readonly errmsg: string
  /** The API path, e.g. `card/code/decrypt`. */
  readonly api: string

  constructor(api: string, errcode: number, errmsg: string) {
    super(`WeChat ${api} failed: errcode ${errcode}${errmsg ? `, errmsg ${errmsg}` : ''}`)
    Object.setPrototypeOf(this, WeChatApiError.prototype)
    this.name = 'WeChatApiError'
    this.api = api
    this.errcode = errcode
    this.errmsg = errmsg
  }
}

// Errors worth retrying (network, timeout, 5xx, garbled body); kept out of the public error shape.
const transientErrors = new WeakSet<Error>()
export const isTransient = (e: unknown): boolean => e instanceof Error && transientErrors.has(e)

/** An Error carrying `cause` (set by hand: the client tsconfig's ES2020 lib has no ErrorOptions). */
export function wechatError(message: string, o: { cause?: unknown; transient?: boolean } = {}): Error {
  const err = new Error(message)
  if (o.cause !== undefined) Object.defineProperty(err, 'cause', { value: o.cause, writable: true, configurable: true })
  if (o.transient) transientErrors.add(err)
  return err
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** `Name: message` of an error (duck-typed: it may come from another realm), at most 300 characters. */
export const describeError = (e: unknown): string => {
  const o = typeof e === 'object' && e !== null ? (e as { name?: unknown; message?: unknown }) : undefined
  const text =
    o && typeof o.message === 'string' ? `${typeof o.name === 'string' ? o.name : 'Error'}: ${o.message}` : String(e)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

/** A WeChat API path such as `card/membercard/activatetempinfo/get`: lowercase words and slashes, never a secret. */
const API_PATH = /^\/?[a-z_]+(?:\/[a-z_]+)+\/?$/

/**
 * `text` with every known secret replaced by `***`, and, for one never seen (another instance's token), anything
 * shaped like a credential (32 or more base64/url-safe characters) except a WeChat API path.
 */
export const redactSecrets = (text: string, known: Iterable<string> = []): string =>
  [...known]
    .filter(Boolean)
    .reduce((t, secret) => t.split(secret).join('***'), text)
    .replace(/[\w+/=-]{32,}/g, (run) => (API_PATH.test(run) ? run : '***'))

/** How to reach WeChat: the options every function here that calls WeChat takes. */
export interface TransportOptions {
  /** Defaults to https://api.weixin.qq.com; a test points it at the card-platform simulator (`weapp-card-coupon/testing`). */
  baseUrl?: string | undefined
  /** Defaults to the global fetch (Node 18+). */
  fetch?: typeof fetch | undefined
  /** Per request, in ms. Default 10 000. */
  timeoutMs?: number | undefined
}

export function checkTransport(
  fn: string,
  o: TransportOptions,
): {
  baseUrl: string
  fetch: typeof fetch
  timeoutMs: number
} {
  const baseUrl = o.baseUrl ?? DEFAULT_BASE_URL
  if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl))
    throw new TypeError(`${fn}: baseUrl must be an http(s) URL`)
  const f = o.fetch ?? globalThis.fetch
  if (typeof f !== 'function')
    throw new TypeError(`${fn}: no fetch available; pass options.fetch (Node 18+ has a global fetch)`)
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new TypeError(`${fn}: timeoutMs must be a positive number`)
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), fetch: f, timeoutMs }
}

export interface WeChatRequest {
  /** Path below baseUrl, e.g. `card/code/decrypt`; also names the API in errors. */
  api: string
  method: 'GET' | 'POST'
  /** Sent as the `access_token` query parameter; absent for the APIs that issue one (`cgi-bin/stable_token`). */
  accessToken?: string
  query?: Record<string, string>
  body?: unknown
  baseUrl: string
  fetch: typeof fetch
  timeoutMs: number
}

// Duck-typed: errors from fetch may come from another realm (e.g. a test VM), where instanceof Error fails.
const messageOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
    ? (e as { message: string }).message
    : String(e)
const reason = (e: unknown): string => {
  const cause = typeof e === 'object' && e !== null ? (e as { cause?: unknown }).cause : undefined
  return cause === undefined ? messageOf(e) : `${messageOf(e)} (${messageOf(cause)})`
}

/**
 * Calls one WeChat API and returns its JSON object (errcode 0 or absent). Error messages name the API but
 * never include the URL (it carries the access_token) or the body (it may carry a ticket or a code).
 */
export async function requestWeChat(r: WeChatRequest): Promise<Record<string, unknown>> {
  const label = `WeChat ${r.api}`
  // Built by hand, and AbortController only where it exists: a mini-program runtime (the demo, with the simulator's
  // platform.fetch) has neither URLSearchParams nor AbortController.
  const params: Record<string, string> = {
    ...(r.accessToken === undefined ? {} : { access_token: r.accessToken }),
    ...r.query,
  }
  const query = Object.keys(params)
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key])}`)
    .join('&')
  const url = `${r.baseUrl}/${r.api}${query ? `?${query}` : ''}`
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined

  const exchange = async (): Promise<Record<string, unknown>> => {
    let res: Response
    let text: string
    try {
      res = await r.fetch(url, {
        method: r.method,
        headers: r.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: r.body === undefined ? undefined : JSON.stringify(r.body),
        ...(controller ? { signal: controller.signal } : {}),
      })
      text = await res.text()
    } catch (e) {
      throw wechatError(`${label}: request failed: ${reason(e)}`, { cause: e, transient: true })
    }
    if (!res.ok) {
      throw wechatError(`${label}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, {
        transient: res.status >= 500 || res.status === 429,
      })
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (e) {
      throw wechatError(`${label}: response is not valid JSON (HTTP ${res.status}, ${text.length} characters)`, {
        cause: e,
        transient: true,
      })
    }
    if (!isObject(data)) throw wechatError(`${label}: response is not a JSON object`, { transient: true })
    if (data.errcode !== undefined && data.errcode !== 0) {
      if (typeof data.errcode !== 'number')
        throw wechatError(`${label}: response has a non-numeric errcode`, { transient: true })
      throw new WeChatApiError(r.api, data.errcode, typeof data.errmsg === 'string' ? data.errmsg : '')
    }
    return data
  }

  // Racing a timer (besides aborting) also covers a custom fetch that ignores the signal.
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort()
      reject(wechatError(`${label}: no response within ${r.timeoutMs} ms (timeoutMs)`, { transient: true }))
    }, r.timeoutMs)
  })
  try {
    return await Promise.race([exchange(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

// ---------------------------------------------------------------- retries and access_token refresh

/** Retries after transient failures, for the functions that fetch a credential. */
export interface RetryOptions {
  /** Extra attempts after a transient failure (network, timeout, HTTP 5xx/429, garbled body, errcode -1). Default 2. */
  maxRetries?: number | undefined
  /** Delay before the first retry, in ms, doubling each time. Default 200. */
  retryDelayMs?: number | undefined
}

const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

export function checkRetries(fn: string, o: RetryOptions): { maxRetries: number; retryDelayMs: number } {
  const maxRetries = o.maxRetries ?? 2
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new TypeError(`${fn}: maxRetries must be an integer >= 0`)
  const retryDelayMs = o.retryDelayMs ?? 200
  if (!isNonNegative(retryDelayMs)) throw new TypeError(`${fn}: retryDelayMs must be a number >= 0`)
  return { maxRetries, retryDelayMs }
}

// -1: "system busy, try again later".
const BUSY_ERRCODE = -1

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `attempt`, again after each transient failure up to maxRetries times, waiting retryDelayMs (doubling) between. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  o: { maxRetries: number; retryDelayMs: number },
): Promise<T> {
  for (let retries = 0; ; retries++) {
    try {
      return await attempt()
    } catch (e) {
      const retryable = isTransient(e) || (e instanceof WeChatApiError && e.errcode === BUSY_ERRCODE)
      if (!retryable || retries >= o.maxRetries) throw e
      await sleep(o.retryDelayMs * 2 ** retries)
    }
  }
}

/** What an access_token source is asked. */
export interface AccessTokenRequest {
  /** True after WeChat rejected a token (errcode 40001/40014/42001): do not answer from a cache unchecked. */
  forceRefresh: boolean
  /** The access_token WeChat rejected, when known: a source that already holds another one can answer with it. */
  rejectedToken?: string | undefined
}

/**
 * An access_token source: `createStableAccessTokenProvider(...).getAccessToken`, or your own function. It is called
 * with `{ forceRefresh: true, rejectedToken }` after WeChat rejects a token, so a caching source knows to get a new
 * one; a plain `() => Promise<string>` fits too.
 */
export type AccessTokenSource = (o?: AccessTokenRequest) => Promise<string>

/** 40001: access_token invalid or not the latest; 40014: malformed access_token; 42001: access_token expired. */
export const ACCESS_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001])

async function tokenFrom(fn: string, source: AccessTokenSource, request: AccessTokenRequest): Promise<string> {
  const token = await source(request)
  if (typeof token !== 'string' || !token)
    throw new TypeError(`${fn}: getAccessToken must resolve to a non-empty string`)
  return token
}

/**
 * An access_token source for one batch of calls (a card list, a batch of codes): asks `source` once for all of
 * them, and after a rejection once more for all of them (the first rejected token is passed on); later forced
 * requests get that same refreshed token, so a batch refreshes at most once, whatever its size or concurrency.
 */
export function batchAccessToken(source: AccessTokenSource): AccessTokenSource {
  let current: Promise<string> | undefined
  let refreshed: Promise<string> | undefined
  return (request) => {
    if (!request?.forceRefresh) return (current ??= source({ forceRefresh: false }))
    refreshed ??= source({ forceRefresh: true, rejectedToken: request.rejectedToken })
    current = refreshed
    return refreshed
  }
}

/**
 * `run` over every item with at most `concurrency` calls pending at once; results in the items' order. `run`
 * must not reject (catch inside): a rejection rejects the whole and leaves the other calls running.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await run(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}

/**
 * Calls `call` with an access_token from `source`. When WeChat rejects it (40001/40014/42001), asks the source once
 * for a fresh one (`{ forceRefresh: true, rejectedToken }`) and calls again; any other error passes through.
 */
export async function withAccessToken<T>(
  fn: string,
  source: AccessTokenSource,
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  const token = await tokenFrom(fn, source, { forceRefresh: false })
  try {
    return await call(token)
  } catch (e) {
    if (!(e instanceof WeChatApiError && ACCESS_TOKEN_ERRCODES.has(e.errcode))) throw e
    return call(await tokenFrom(fn, source, { forceRefresh: true, rejectedToken: token }))
  }
}
