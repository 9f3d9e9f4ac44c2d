import { WECHAT_USER_CARD_STATUSES, type UserCard, type UserCardStatus } from '../utils/protocol'
import { exactValueProblem } from '../utils/rules'
import {
  batchAccessToken,
  checkTransport,
  describeError,
  isObject,
  mapWithConcurrency,
  redactSecrets,
  requestWeChat,
  wechatError,
  withAccessToken,
  type AccessTokenSource,
  type TransportOptions,
} from './wechat'
import { WECHAT_API } from './constants'

export interface GetUserCardsOptions extends TransportOptions {
  /**
   * Your access_token source, e.g. `createStableAccessTokenProvider(...).getAccessToken`: the token of the AppID
   * that owns the cards. Asked once per call; after a 40001/40014/42001 once more (`{ forceRefresh: true,
   * rejectedToken }`), for all look-ups of the call together.
   */
  getAccessToken: AccessTokenSource
  /** The user, as an openid of the AppID that owns the cards (from your login session, never from a request body). */
  openid: string
  /** Only this card's codes; default all of the AppID's cards the user holds. */
  cardId?: string | undefined
  /** Most card/code/get look-ups pending at once. Default 8 (a user may hold hundreds of cards). */
  concurrency?: number | undefined
  /**
   * States already known, by `` `${cardId}\n${code}` `` (e.g. a short cache of an earlier call): those cards are
   * not looked up again. Only what getcardlist lists is answered, so a card given away or new is never missed.
   */
  known?: ReadonlyMap<string, UserCard> | undefined
  /**
   * Told about each look-up that failed (its card then reads `UNKNOWN`). The message names the card id and the
   * WeChat API, never the code or a credential. Default: one `console.warn` per call that had failures.
   */
  onError?: ((error: Error) => void) | undefined
}

const FN = 'getUserCards'
const LIST_API = WECHAT_API.getCardList
const CODE_API = WECHAT_API.getCode
export const DEFAULT_USER_CARDS_CONCURRENCY = 8

const STATUSES: ReadonlySet<string> = new Set<string>(WECHAT_USER_CARD_STATUSES)

/** Unix seconds as WeChat sends them (a number, or digits in older answers), else undefined. */
function seconds(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined
}

/** The card as card/code/get described it; a status WeChat may add later reads UNKNOWN. */
function userCard(cardId: string, code: string, data: Record<string, unknown>): UserCard {
  const status = typeof data.user_card_status === 'string' ? data.user_card_status : ''
  if (!STATUSES.has(status)) throw wechatError(`WeChat ${CODE_API}: response has no known user_card_status`)
  const card = isObject(data.card) ? data.card : {}
  // Older answers carry can_consume as the string "true".
  const canConsume = data.can_consume === true || data.can_consume === 'true'
  return {
    cardId,
    code,
    status: status as UserCardStatus,
    canConsume,
    beginTime: seconds(card.begin_time),
    endTime: seconds(card.end_time),
  }
}

/**
 * The cards `openid` holds, with their states: `POST card/user/getcardlist` (`{ openid, card_id? }` → `card_list`
 * of `{ card_id, code }`, codes already decrypted), joined with one `POST card/code/get` per card (`{ card_id,
 * code, check_consume: false }` → `user_card_status`, `can_consume`, `card.begin_time` / `end_time`), at most
 * `concurrency` at once. Resolves `[{ cardId, code, status, canConsume, beginTime?, endTime? }]` in WeChat's order;
 * times are Unix **seconds**. A look-up that fails (any error) makes that card `{ status: 'UNKNOWN', canConsume:
 * false }` without times and is reported to `onError`; the others are unaffected.
 *
 * Rejects with a `TypeError` before any request for bad options (an openid or cardId that is empty, not a string
 * or has whitespace or control characters); with a `WeChatApiError` when getcardlist is refused (40003 invalid
 * openid: not a user of this AppID, 40073 invalid card_id…), after one token refresh for 40001/40014/42001; with an
 * `Error` naming the API for HTTP, JSON and timeout failures of getcardlist (timeoutMs per request, default 10 s).
 */
export async function getUserCards(o: GetUserCardsOptions): Promise<UserCard[]> {
  if (!o || typeof o !== 'object') throw new TypeError(`${FN}: options are required`)
  if (typeof o.getAccessToken !== 'function') throw new TypeError(`${FN}: getAccessToken must be a function`)
  const openidProblem = exactValueProblem(o.openid)
  if (openidProblem) throw new TypeError(`${FN}: openid ${openidProblem}`)
  const cardIdProblem = o.cardId === undefined ? '' : exactValueProblem(o.cardId)
  if (cardIdProblem) throw new TypeError(`${FN}: cardId ${cardIdProblem}`)
  const concurrency = o.concurrency ?? DEFAULT_USER_CARDS_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new TypeError(`${FN}: concurrency must be an integer >= 1`)
  if (o.onError !== undefined && typeof o.onError !== 'function')
    throw new TypeError(`${FN}: onError must be a function`)
  const transport = checkTransport(FN, o)
  const getAccessToken = batchAccessToken(o.getAccessToken)
  const post = (api: string, body: object) =>
    withAccessToken(FN, getAccessToken, (accessToken) =>
      requestWeChat({ api, method: 'POST', accessToken, body, ...transport }),
    )

  const list = await post(LIST_API, { openid: o.openid, ...(o.cardId === undefined ? {} : { card_id: o.cardId }) })
  const cardList: unknown = list.card_list ?? []
  if (!Array.isArray(cardList)) throw wechatError(`WeChat ${LIST_API}: card_list is not a list`)
  const held = cardList.map((item: unknown, i) => {
    const cardId: unknown = isObject(item) ? item.card_id : undefined
    const code: unknown = isObject(item) ? item.code : undefined
    if (typeof cardId !== 'string' || !cardId || typeof code !== 'string' || !code)
      throw wechatError(`WeChat ${LIST_API}: card_list[${i}] has no card_id and code`)
    return { cardId, code }
  })

  const failures: string[] = []
  const cards = await mapWithConcurrency(held, concurrency, async ({ cardId, code }, i) => {
    const known = o.known?.get(`${cardId}\n${code}`)
    if (known) return known
    try {
      return userCard(cardId, code, await post(CODE_API, { card_id: cardId, code, check_consume: false }))
    } catch (e) {
      // Messages of this toolkit never carry a code or a token; the redaction also covers a custom fetch's.
      failures.push(
        redactSecrets(`${FN}: ${CODE_API} failed for card_list[${i}] (${cardId}): ${describeError(e)}`, [code]),
      )
      return { cardId, code, status: 'UNKNOWN' as const, canConsume: false }
    }
  })
  for (const message of failures) {
    try {
      if (o.onError) o.onError(new Error(message))
    } catch {
      // A failing onError must not fail the list it reports on.
    }
  }
  if (failures.length && !o.onError) {
    console.warn(`weapp-card-coupon: ${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`)
  }
  return cards
}
