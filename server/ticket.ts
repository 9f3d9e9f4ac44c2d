import { createCredentialCache, type CacheOptions } from './cache'
import {
  checkRetries,
  checkTransport,
  requestWeChat,
  wechatError,
  withAccessToken,
  withRetries,
  type AccessTokenSource,
  type RetryOptions,
  type TransportOptions,
} from './wechat'
import { FORCE_REFRESH_INTERVAL_MS, WECHAT_API } from './constants'

export interface ApiTicketProviderOptions extends CacheOptions, TransportOptions, RetryOptions {
  /**
   * Your access_token source: `createStableAccessTokenProvider(...).getAccessToken`, or your own function. It is
   * called with `{ forceRefresh: true, rejectedToken }` after WeChat rejects a token (errcode 40001/40014/42001);
   * `() => Promise<string>` also fits.
   */
  getAccessToken: AccessTokenSource
  /**
   * The AppID whose api_ticket this is (the Official Account that owns the cards); part of the default key, so
   * accounts sharing a store keep apart. Required with a `store` (unless you give `key`).
   */
  appid?: string | undefined
  /** Store key. Default `wx_card_api_ticket:<appid>`, or `wx_card_api_ticket` without appid (no `store` only). */
  key?: string | undefined
}

export interface ApiTicketProvider {
  /**
   * A valid api_ticket (type wx_card): from the store or this process, else fetched once for all concurrent callers
   * (and for all instances when the store can lock). Rejects with a `WeChatApiError` (WeChat refused), an `Error`
   * naming `cgi-bin/ticket/getticket` (HTTP, JSON or timeout, after maxRetries), an `Error` when another instance's
   * fetch did not land within lockWaitMs, or a `TypeError` when getAccessToken resolves to no string. A store that
   * fails never fails the call.
   *
   * With `forceRefresh: true` (a cardExt signed with the ticket failed with 签名错误: WeChat rotated it): a ticket
   * other than the rejected one (`rejectedTicket`, else the one this process holds) from the store, else asked of
   * WeChat, at most once per 30 s across every instance sharing the store; within those 30 s, the ticket cached.
   */
  getTicket(o?: { forceRefresh?: boolean | undefined; rejectedTicket?: string | undefined }): Promise<string>
  /**
   * Drops the cached ticket here and in the store (e.g. after WeChat rejected a signature made with it); the next
   * getTicket refetches. Rejects with an `Error` when the store could not be told (this process forgets it anyway).
   */
  invalidate(): Promise<void>
}

const API = WECHAT_API.getTicket
const FN = 'createApiTicketProvider'

/**
 * Caches the card `api_ticket` (`GET cgi-bin/ticket/getticket?type=wx_card`) until `expires_in` − the refresh margin,
 * serves it until WeChat's real expiry when a refresh fails, and shares one fetch between concurrent callers.
 * Throws a `TypeError` naming the option for bad options, before any network call.
 */
export function createApiTicketProvider(o: ApiTicketProviderOptions): ApiTicketProvider {
  if (!o || typeof o.getAccessToken !== 'function') throw new TypeError(`${FN}: getAccessToken is required`)
  const transport = checkTransport(FN, o)
  const retries = checkRetries(FN, o)
  if (o.appid !== undefined && (typeof o.appid !== 'string' || !o.appid))
    throw new TypeError(`${FN}: appid must be a non-empty string`)
  // A shared store keyed the same for every account would hand one account's ticket to another.
  if (o.store !== undefined && o.appid === undefined && o.key === undefined)
    throw new TypeError(`${FN}: appid is required with a store (or an explicit key), so accounts sharing it keep apart`)
  const key = o.key ?? (o.appid ? `wx_card_api_ticket:${o.appid}` : 'wx_card_api_ticket')
  if (typeof key !== 'string' || !key) throw new TypeError(`${FN}: key must be a non-empty string`)
  const getAccessToken = o.getAccessToken

  const cache = createCredentialCache(
    o,
    { fn: FN, what: 'api_ticket', key, secrets: [], ...transport, ...retries },
    () =>
      withAccessToken(FN, getAccessToken, (accessToken) =>
        withRetries(async () => {
          const data = await requestWeChat({
            api: API,
            method: 'GET',
            accessToken,
            query: { type: 'wx_card' },
            ...transport,
          })
          const { ticket, expires_in: expiresIn } = data
          // Messages never include the body: it carries the ticket.
          if (typeof ticket !== 'string' || !ticket)
            throw wechatError(`WeChat ${API}: response has no ticket`, { transient: true })
          if (typeof expiresIn !== 'number' || !(expiresIn > 0))
            throw wechatError(`WeChat ${API}: response has no valid expires_in`, { transient: true })
          return { value: ticket, expiresIn }
        }, retries),
      ),
  )

  return {
    async getTicket(request) {
      if (request !== undefined && (typeof request !== 'object' || request === null))
        throw new TypeError(`${FN}: getTicket takes { forceRefresh?, rejectedTicket? }`)
      if (!request?.forceRefresh) return cache.get()
      // A page can ask for this on every tap: WeChat is asked again at most once per 30 s, across instances.
      const claim = await cache.claim('force', FORCE_REFRESH_INTERVAL_MS)
      if (claim !== 'claimed') return cache.get()
      return cache.get(request.rejectedTicket ?? cache.current())
    },
    invalidate: () => cache.invalidate(),
  }
}
