import { exactValueProblem } from '../utils/rules'
import { createCredentialCache, type CacheOptions, type Fetched } from './cache'
import {
  checkRetries,
  checkTransport,
  requestWeChat,
  wechatError,
  withRetries,
  type RetryOptions,
  type TransportOptions,
} from './wechat'
import { FORCE_REFRESH_INTERVAL_MS, WECHAT_API } from './constants'

export interface StableAccessTokenProviderOptions extends CacheOptions, TransportOptions, RetryOptions {
  /** The AppID of the account that owns the cards (usually the Official Account bound to your mini-program). */
  appid: string
  /** Its AppSecret. Sent only in the body of `cgi-bin/stable_token`; never in a message or a log line. */
  secret: string
  /** Store key. Default `access_token:<appid>`. */
  key?: string | undefined
}

export interface StableAccessTokenProvider {
  /**
   * A valid access_token: from the store or this process, else one `POST cgi-bin/stable_token` in normal mode for
   * all concurrent callers (and instances, when the store can lock).
   *
   * With `forceRefresh: true` (after WeChat answered 40001/40014/42001): answers at once with a token other than
   * the rejected one (`rejectedToken`, else the one this process holds) when the store already has one; else asks
   * WeChat in normal mode, and only if WeChat still hands back the rejected token, asks with `force_refresh: true`,
   * at most once per 30 s across every instance sharing the store (WeChat allows 20 a day, 30 s apart). Instances
   * that find the 30 s taken wait (lockWaitMs) for the new token through the store.
   *
   * Rejects with a `WeChatApiError` (e.g. 40013 invalid appid, 40125 invalid appsecret, 40164 IP not allowed,
   * 45009 daily limit), an `Error` naming `cgi-bin/stable_token` (HTTP, JSON or timeout, after maxRetries), or an
   * `Error` when no token arrived within lockWaitMs or a forced refresh needs an unreachable store.
   */
  getAccessToken(o?: { forceRefresh?: boolean | undefined; rejectedToken?: string | undefined }): Promise<string>
  /** Forgets the token here and in the store; the next call asks WeChat in normal mode. Rejects when the store could not be told. */
  invalidate(): Promise<void>
}

const API = WECHAT_API.stableToken
const FN = 'createStableAccessTokenProvider'

/**
 * Manages the access_token through WeChat's stable token API (`POST cgi-bin/stable_token`): cached until
 * `expires_in` − the refresh margin, served until WeChat's real expiry when a refresh fails, shared through the
 * store. Throws a `TypeError` naming the option for bad options, before any network call.
 */
export function createStableAccessTokenProvider(o: StableAccessTokenProviderOptions): StableAccessTokenProvider {
  if (!o || typeof o !== 'object') throw new TypeError(`${FN}: options are required`)
  for (const name of ['appid', 'secret'] as const) {
    if (typeof o[name] !== 'string' || !o[name]) throw new TypeError(`${FN}: ${name} must be a non-empty string`)
    // WeChat matches both exactly: a value read from a file or an env var may carry a newline (never shown)
    const problem = exactValueProblem(o[name])
    if (problem) throw new TypeError(`${FN}: ${name} ${problem}`)
  }
  const { appid, secret } = o
  const transport = checkTransport(FN, o)
  const retries = checkRetries(FN, o)
  const key = o.key ?? `access_token:${appid}`
  if (typeof key !== 'string' || !key) throw new TypeError(`${FN}: key must be a non-empty string`)

  const stableToken = (forceRefresh: boolean): Promise<Fetched> =>
    withRetries(async () => {
      const data = await requestWeChat({
        api: API,
        method: 'POST',
        body: { grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh },
        ...transport,
      })
      const { access_token: value, expires_in: expiresIn } = data
      // Messages never include the body: it carries the token.
      if (typeof value !== 'string' || !value)
        throw wechatError(`WeChat ${API}: response has no access_token`, { transient: true })
      if (typeof expiresIn !== 'number' || !(expiresIn > 0))
        throw wechatError(`WeChat ${API}: response has no valid expires_in`, { transient: true })
      return { value, expiresIn }
    }, retries)

  const cache = createCredentialCache(
    o,
    { fn: FN, what: 'access_token', key, secrets: [secret], ...transport, ...retries },
    async (rejected) => {
      const normal = await stableToken(false)
      if (rejected === undefined || normal.value !== rejected) return normal
      // WeChat still hands back the token it rejected: force a new one, once per 30 s across the instances.
      const claim = await cache.claim('force', FORCE_REFRESH_INTERVAL_MS)
      if (claim === 'taken') {
        return {
          waitFor:
            'a new access_token: WeChat still returns the rejected one, and a forced refresh already ran in the ' +
            'last 30 s (WeChat allows one per 30 s)',
        }
      }
      if (claim === 'store failed') {
        throw new Error(
          `${FN}: WeChat still returns the rejected access_token, and a forced refresh needs the store ` +
            '(it keeps instances to one per 30 s), which failed; try again when the store is back',
        )
      }
      return stableToken(true)
    },
  )

  return {
    getAccessToken(request) {
      if (request !== undefined && (typeof request !== 'object' || request === null))
        return Promise.reject(new TypeError(`${FN}: getAccessToken takes { forceRefresh?, rejectedToken? }`))
      if (!request?.forceRefresh) return cache.get()
      const rejected = request.rejectedToken ?? cache.current()
      return cache.get(rejected)
    },
    invalidate: () => cache.invalidate(),
  }
}
