/**
 * What a card is, asked of the card itself: `POST card/get`, cached in the store the credential providers use (keyed
 * with the AppID), refreshed after `ttlMs`, served stale when a refresh fails, and fetched once for concurrent
 * callers. The card-ext handler learns use_custom_code, bind_openid and get_limit from it; the user-cards handler
 * the title, logo, color and validity.
 */
import { createMemoryStore, type CredentialStore } from './cache'
import { WECHAT_API } from './constants'
import {
  checkTransport,
  describeError,
  isObject,
  requestWeChat,
  wechatError,
  withAccessToken,
  type AccessTokenSource,
  type TransportOptions,
} from './wechat'

/** A card's settings as card/get answers them (`card.<type>.base_info`), in this toolkit's names. */
export interface CardInfo {
  cardId: string
  /** WeChat's `card_type`, e.g. `GENERAL_COUPON`, `MEMBER_CARD`. */
  cardType: string
  title: string
  /** `logo_url`: WeChat's CDN address of the logo ('' when the card has none). */
  logoUrl: string
  /** `color`, e.g. `#63b359` ('' when absent). */
  color: string
  /** `use_custom_code`: the cardExt must carry a code of yours. */
  useCustomCode: boolean
  /** `bind_openid`: the cardExt must carry the user's openid under the Official Account. */
  bindOpenid: boolean
  /** `get_limit`: how many one user may hold; 0 when unlimited. */
  getLimit: number
  /** `sku.quantity`: stock left when it was read. */
  quantity: number
  /**
   * `date_info`: a fixed range (`beginTime` / `endTime`, Unix seconds), or a term in days from the day the user adds
   * the card (`fixedTerm`, `fixedBeginTerm`).
   */
  dateInfo:
    | { type: 'DATE_TYPE_FIX_TIME_RANGE'; beginTime: number; endTime: number }
    | { type: 'DATE_TYPE_FIX_TERM'; fixedTerm: number; fixedBeginTerm: number }
    | { type: string }
}

export interface CardInfoSourceOptions extends TransportOptions {
  /** The access_token source of the Official Account that owns the cards. */
  getAccessToken: AccessTokenSource
  /** That account's AppID: part of every store key, so accounts sharing a store keep apart. */
  appid: string
  /** Where card settings are cached. Default: this process's memory. Share one between instances. */
  store?: CredentialStore | undefined
  /** How long a card's settings are used before they are asked again, in ms. Default 600 000 (10 minutes). */
  ttlMs?: number | undefined
  /** How long settings are still served when asking again fails, in ms. Default 86 400 000 (a day). */
  staleMs?: number | undefined
  /** Clock in ms since the epoch, for tests. Default Date.now. */
  now?: (() => number) | undefined
  /** Told about a refresh or a store call that failed while a cached value was served. Default console.warn. */
  onError?: ((error: Error) => void) | undefined
}

export interface CardInfoSource {
  /**
   * The card's settings: cached, else one `card/get` for all concurrent callers. Rejects with a `WeChatApiError`
   * (40073 invalid card_id: not a card of this account) or an `Error` naming `card/get` when WeChat cannot answer
   * and nothing is cached.
   */
  getCardInfo(cardId: string): Promise<CardInfo>
}

const FN = 'createCardInfoSource'
const API = WECHAT_API.getCard

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0)

/** card/get's answer as a CardInfo, or an Error naming what is missing. */
export function readCardInfo(cardId: string, data: Record<string, unknown>): CardInfo {
  const card = isObject(data.card) ? data.card : undefined
  const cardType = card ? str(card.card_type) : ''
  const typed = card ? card[cardType.toLowerCase()] : undefined
  const base = isObject(typed) && isObject(typed.base_info) ? typed.base_info : undefined
  if (!base) throw wechatError(`WeChat ${API}: the answer for ${cardId} has no card.<card_type>.base_info`)
  const date = isObject(base.date_info) ? base.date_info : {}
  const type = str(date.type)
  const dateInfo: CardInfo['dateInfo'] =
    type === 'DATE_TYPE_FIX_TIME_RANGE'
      ? { type, beginTime: int(date.begin_timestamp), endTime: int(date.end_timestamp) }
      : type === 'DATE_TYPE_FIX_TERM'
        ? { type, fixedTerm: int(date.fixed_term), fixedBeginTerm: int(date.fixed_begin_term) }
        : { type }
  return {
    cardId,
    cardType,
    title: str(base.title),
    logoUrl: str(base.logo_url),
    color: str(base.color),
    useCustomCode: base.use_custom_code === true,
    bindOpenid: base.bind_openid === true,
    getLimit: int(base.get_limit),
    quantity: isObject(base.sku) ? int(base.sku.quantity) : 0,
    dateInfo,
  }
}

/**
 * A CardInfoSource over `card/get`: see CardInfoSource. Throws a `TypeError` naming the option for bad options.
 */
export function createCardInfoSource(o: CardInfoSourceOptions): CardInfoSource {
  if (!o || typeof o !== 'object') throw new TypeError(`${FN}: options are required`)
  if (typeof o.getAccessToken !== 'function') throw new TypeError(`${FN}: getAccessToken must be a function`)
  if (typeof o.appid !== 'string' || !o.appid) throw new TypeError(`${FN}: appid must be a non-empty string`)
  const transport = checkTransport(FN, o)
  const now = o.now ?? Date.now
  const store = o.store ?? createMemoryStore({ now })
  if (typeof store.get !== 'function' || typeof store.set !== 'function')
    throw new TypeError(`${FN}: store must have get(key) and set(key, value, ttlMs)`)
  const positive = (name: 'ttlMs' | 'staleMs', fallback: number): number => {
    const v = o[name] ?? fallback
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new TypeError(`${FN}: ${name} must be a positive number of ms`)
    return v
  }
  const ttlMs = positive('ttlMs', 600_000)
  const staleMs = positive('staleMs', 86_400_000)
  const warn = (message: string) => {
    try {
      if (o.onError) o.onError(new Error(message))
      else console.warn(`weapp-card-coupon: ${message}`)
    } catch {
      // A failing onError must not fail the call it reports on.
    }
  }
  const { appid, getAccessToken } = o
  const keyOf = (cardId: string) => `card_info:${appid}:${cardId}`
  const local = new Map<string, { info: CardInfo; refreshAt: number; expiresAt: number }>()
  const flights = new Map<string, Promise<CardInfo>>()

  async function cached(cardId: string): Promise<{ info: CardInfo; refreshAt: number; expiresAt: number } | undefined> {
    const own = local.get(cardId)
    if (own && own.refreshAt > now()) return own
    try {
      const stored = await store.get(keyOf(cardId))
      if (stored && stored.expiresAt > now()) {
        const entry = {
          info: JSON.parse(stored.value) as CardInfo,
          refreshAt: stored.refreshAt,
          expiresAt: stored.expiresAt,
        }
        local.set(cardId, entry)
        return entry
      }
    } catch (e) {
      warn(`${FN}: store get failed for ${keyOf(cardId)} (${describeError(e)}); using this process's copy`)
    }
    return own && own.expiresAt > now() ? own : undefined
  }

  async function fetchInfo(cardId: string): Promise<CardInfo> {
    const data = await withAccessToken(FN, getAccessToken, (accessToken) =>
      requestWeChat({ api: API, method: 'POST', accessToken, body: { card_id: cardId }, ...transport }),
    )
    const info = readCardInfo(cardId, data)
    const entry = { info, refreshAt: now() + ttlMs, expiresAt: now() + ttlMs + staleMs }
    local.set(cardId, entry)
    try {
      await store.set(keyOf(cardId), { value: JSON.stringify(info), ...entry }, ttlMs + staleMs)
    } catch (e) {
      warn(`${FN}: store set failed for ${keyOf(cardId)} (${describeError(e)}); kept in this process`)
    }
    return info
  }

  return {
    async getCardInfo(cardId) {
      if (typeof cardId !== 'string' || !cardId) throw new TypeError(`${FN}: getCardInfo takes a card id`)
      const entry = await cached(cardId)
      if (entry && entry.refreshAt > now()) return entry.info
      let flight = flights.get(cardId)
      if (!flight) {
        flight = fetchInfo(cardId).finally(() => flights.delete(cardId))
        flights.set(cardId, flight)
      }
      if (!entry) return flight
      // Stale-if-error: until the stale window ends, a failed refresh still answers with what was cached.
      return flight.catch((e: unknown) => {
        warn(`${FN}: refreshing ${cardId} failed (${describeError(e)}); serving the settings read before`)
        return entry.info
      })
    },
  }
}
