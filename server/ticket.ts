import { WeChatApiError, checkTransport, isTransient, requestWeChat, wechatError } from './wechat'

/** One cached api_ticket. */
export interface StoredTicket {
  ticket: string
  /** ms epoch after which the ticket is no longer handed out (WeChat's expiry minus the refresh margin). */
  expiresAt: number
}

/** Where tickets are cached; share one (e.g. Redis) between server instances so they share one ticket. */
export interface TicketStore {
  get(key: string): Promise<StoredTicket | undefined>
  set(key: string, value: StoredTicket): Promise<void>
}

/** The default store: a Map in this process. */
export function createMemoryTicketStore(): TicketStore {
  const map = new Map<string, StoredTicket>()
  return {
    async get(key) {
      const v = map.get(key)
      return v && { ...v }
    },
    async set(key, value) {
      map.set(key, { ...value })
    },
  }
}

export interface ApiTicketProviderOptions {
  /**
   * Your access_token source. Called with `{ forceRefresh: true }` after WeChat rejects a token
   * (errcode 40001/40014/42001), so a caching source knows to fetch a new one; `() => Promise<string>` also fits.
   */
  getAccessToken: (o?: { forceRefresh: boolean }) => Promise<string>
  /** Defaults to https://api.weixin.qq.com. */
  baseUrl?: string
  /** Defaults to the global fetch (Node 18+). */
  fetch?: typeof fetch
  /** Defaults to an in-memory store (per process). */
  store?: TicketStore
  /** Stop handing out a ticket this long before WeChat's expiry. Default 300. */
  refreshMarginSeconds?: number
  /** Store key; use one per appid when apps share a store. Default `wx_card_api_ticket`. */
  key?: string
  /** Clock in ms epoch, for tests. Default Date.now. */
  now?: () => number
  /** Extra attempts after a transient failure (network, timeout, HTTP 5xx/429, garbled body, errcode -1). Default 2. */
  maxRetries?: number
  /** Delay before the first retry, doubling each time. Default 200 ms. */
  retryDelayMs?: number
  /** Per request. Default 10 000 ms. */
  timeoutMs?: number
}

export interface ApiTicketProvider {
  /** A valid api_ticket (type wx_card): from the store, or fetched once for all concurrent callers. */
  getTicket(): Promise<string>
  /** Drops the cached ticket (e.g. after WeChat rejected a signature made with it); the next getTicket refetches. */
  invalidate(): Promise<void>
}

const API = 'cgi-bin/ticket/getticket'
// 40001: access_token invalid or not the latest; 40014: malformed access_token; 42001: access_token expired.
const TOKEN_ERRCODES = new Set([40001, 40014, 42001])
// -1: "system busy, try again later".
const BUSY_ERRCODE = -1

const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

export function createApiTicketProvider(o: ApiTicketProviderOptions): ApiTicketProvider {
  const fn = 'createApiTicketProvider'
  if (!o || typeof o.getAccessToken !== 'function') throw new TypeError(`${fn}: getAccessToken is required`)
  const transport = checkTransport(fn, o)
  const store = o.store ?? createMemoryTicketStore()
  if (!store || typeof store.get !== 'function' || typeof store.set !== 'function') {
    throw new TypeError(`${fn}: store must have get(key) and set(key, value)`)
  }
  const key = o.key ?? 'wx_card_api_ticket'
  if (typeof key !== 'string' || !key) throw new TypeError(`${fn}: key must be a non-empty string`)
  const marginMs = (o.refreshMarginSeconds ?? 300) * 1000
  if (!nonNegative(marginMs)) throw new TypeError(`${fn}: refreshMarginSeconds must be a number >= 0`)
  const maxRetries = o.maxRetries ?? 2
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new TypeError(`${fn}: maxRetries must be an integer >= 0`)
  const retryDelayMs = o.retryDelayMs ?? 200
  if (!nonNegative(retryDelayMs)) throw new TypeError(`${fn}: retryDelayMs must be a number >= 0`)
  const now = o.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError(`${fn}: now must be a function`)

  const accessToken = async (forceRefresh: boolean): Promise<string> => {
    const token = await o.getAccessToken({ forceRefresh })
    if (typeof token !== 'string' || !token)
      throw new TypeError(`${fn}: getAccessToken must resolve to a non-empty string`)
    return token
  }

  async function fetchTicket(): Promise<StoredTicket> {
    let token = await accessToken(false)
    let tokenRefreshed = false
    let retries = 0
    for (;;) {
      try {
        const data = await requestWeChat({
          api: API,
          method: 'GET',
          accessToken: token,
          query: { type: 'wx_card' },
          ...transport,
        })
        const { ticket, expires_in: expiresIn } = data
        // Messages never include the body: it carries the ticket.
        if (typeof ticket !== 'string' || !ticket)
          throw wechatError(`WeChat ${API}: response has no ticket`, { transient: true })
        if (typeof expiresIn !== 'number' || !(expiresIn > 0)) {
          throw wechatError(`WeChat ${API}: response has no valid expires_in`, { transient: true })
        }
        return { ticket, expiresAt: now() + Math.max(0, expiresIn * 1000 - marginMs) }
      } catch (e) {
        if (e instanceof WeChatApiError && TOKEN_ERRCODES.has(e.errcode) && !tokenRefreshed) {
          tokenRefreshed = true
          token = await accessToken(true)
          continue
        }
        const retryable = isTransient(e) || (e instanceof WeChatApiError && e.errcode === BUSY_ERRCODE)
        if (!retryable || retries >= maxRetries) throw e
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** retries))
        retries++
      }
    }
  }

  // Bumped by invalidate(): a fetch started before it must neither be joined nor write the store afterwards.
  let generation = 0
  let inflight: { generation: number; promise: Promise<string> } | undefined
  let invalidating: Promise<void> | undefined

  function refresh(): Promise<string> {
    if (inflight && inflight.generation === generation) return inflight.promise
    const started = generation
    const promise = fetchTicket()
      .then(async (fresh) => {
        if (started === generation) await store.set(key, fresh)
        return fresh.ticket
      })
      .finally(() => {
        // Failures are not cached: the next caller starts a new fetch.
        if (inflight && inflight.promise === promise) inflight = undefined
      })
    inflight = { generation: started, promise }
    return promise
  }

  return {
    async getTicket() {
      // Wait for a pending invalidate() so this call cannot read the ticket being dropped; its failure is invalidate's to report.
      if (invalidating) await invalidating.catch(() => undefined)
      if (inflight && inflight.generation === generation) return inflight.promise
      const started = generation
      const hit = await store.get(key)
      if (started === generation && hit && typeof hit.ticket === 'string' && hit.ticket && hit.expiresAt > now()) {
        return hit.ticket
      }
      return refresh()
    },
    async invalidate() {
      generation++
      const done = store.set(key, { ticket: '', expiresAt: 0 })
      invalidating = done
      try {
        await done
      } finally {
        if (invalidating === done) invalidating = undefined
      }
    },
  }
}
