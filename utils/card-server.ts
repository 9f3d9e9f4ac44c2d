// The return leg: clients for your server's card-codes, user-cards and member-info endpoints (utils/protocol.ts,
// utils/member-protocol.ts), beside requestCardList. Every failure is a CardError('source') that names its cause; bad input a CardError('invalid')
// naming the field, before any wx call.
import { CardError } from './error'
import type { MemberCardData } from './member-protocol'
import type { CardCodeResult, CardCodesRequestBody, UserCard } from './protocol'
import { postJson, sourceError } from './request'
import { isPlainObject } from './rules'

/** What a request to your server takes besides its own fields. */
export interface CardServerRequestOptions {
  /** The endpoint (HTTPS, in request 合法域名), e.g. `https://your.server/card-codes`. */
  url: string
  /** e.g. `{ Authorization: 'Bearer <your login token>' }`: wx.request sends no cookies. */
  header?: Record<string, string> | undefined
  /** ms before the request counts as failed. Default 10 000. */
  timeoutMs?: number | undefined
}

export interface CardCodesRequestOptions extends CardServerRequestOptions {
  /**
   * The encrypted codes to decrypt, `{ cardId, encryptCode }`: from `<add-card-button>`'s `success`,
   * `e.detail.succeeded.map((card) => ({ cardId: card.cardId, encryptCode: card.code }))`.
   */
  cards: { cardId: string; encryptCode: string }[]
}

export interface UserCardsRequestOptions extends CardServerRequestOptions {
  /** Only this card's codes. Default: every card of the server the user holds. */
  cardId?: string | undefined
}

export interface MemberInfoRequestOptions extends CardServerRequestOptions {
  /** The member card (会员卡) whose codes the user holds. */
  cardId: string
}

const invalid = (field: string, problem: string) => new CardError('invalid', `${field} ${problem}`, { field })

/**
 * The list at `data[key]` when it is an array whose every item passes `isItem` (and, when given, of `length` items);
 * else CardError('source', `label`: `expected`, detail 'shape').
 */
function listOf<Item>(
  data: unknown,
  key: string,
  isItem: (item: Record<string, unknown>) => boolean,
  label: string,
  expected: string,
  length?: number,
): Item[] {
  const list = isPlainObject(data) ? data[key] : undefined
  const shaped =
    Array.isArray(list) &&
    (length === undefined || list.length === length) &&
    list.every((item: unknown) => isPlainObject(item) && isItem(item))
  if (!shaped) throw sourceError(label, expected, 'shape')
  return list as Item[]
}

function checkCommon(fn: string, o: CardServerRequestOptions): number {
  if (!isPlainObject(o)) throw new CardError('invalid', `${fn}: options are required`)
  if (typeof o.url !== 'string' || !o.url) throw invalid('url', 'must be the endpoint URL')
  if (o.header !== undefined && !isPlainObject(o.header)) throw invalid('header', 'must be an object')
  const timeoutMs = o.timeoutMs ?? 10_000
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw invalid('timeoutMs', 'must be a positive number of ms')
  return timeoutMs
}

/**
 * `POST url` with `{ cards: [{ cardId, encryptCode }] }` (the card-codes endpoint): resolves one result per code,
 * in order: `{ cardId, code }` (decrypted: what wx.openCard needs) or `{ cardId, error: { code, message } }`
 * (`not_holder`, `invalid_code`…). Rejects CardError('invalid') for bad options (before any request), and
 * CardError('source') naming the cause: the request failed, no answer within `timeoutMs`, an HTTP status other than
 * 200 (with the server's `message`), an answer that is not `{ cards: [...] }` with one result per code.
 */
export function requestCardCodes(o: CardCodesRequestOptions): Promise<CardCodeResult[]> {
  let timeoutMs: number
  try {
    timeoutMs = checkCommon('requestCardCodes', o)
    if (!Array.isArray(o.cards) || !o.cards.length) throw invalid('cards', 'must be a non-empty array')
    o.cards.forEach((card, i) => {
      if (!isPlainObject(card) || typeof card.cardId !== 'string' || typeof card.encryptCode !== 'string')
        throw invalid(`cards[${i}]`, 'must be { cardId: string, encryptCode: string }')
    })
  } catch (error) {
    return Promise.reject(error)
  }
  const body: CardCodesRequestBody = { cards: o.cards.map(({ cardId, encryptCode }) => ({ cardId, encryptCode })) }
  return postJson({
    url: o.url,
    body,
    header: o.header,
    timeoutMs,
    label: 'card-codes source',
    read: (data) =>
      listOf<CardCodeResult>(
        data,
        'cards',
        (card) => typeof card.cardId === 'string' && (typeof card.code === 'string' || isPlainObject(card.error)),
        'card-codes source',
        'the answer must be { cards: [{ cardId, code } | { cardId, error }, …] } with one result per code',
        body.cards.length,
      ),
  })
}

/**
 * `GET url` (with `?cardId=` when given) of the user-cards endpoint: resolves the user's cards, `{ cardId, code,
 * status, canConsume, beginTime?, endTime?, title?, logo?, color? }` in WeChat's order, ready for
 * `<open-card-list cards>`. Rejects as requestCardCodes does (an answer that is not `{ cards: [...] }` included).
 */
export function requestUserCards(o: UserCardsRequestOptions): Promise<UserCard[]> {
  let timeoutMs: number
  try {
    timeoutMs = checkCommon('requestUserCards', o)
    if (o.cardId !== undefined && (typeof o.cardId !== 'string' || !o.cardId))
      throw invalid('cardId', 'must be a non-empty string when given')
  } catch (error) {
    return Promise.reject(error)
  }
  return postJson({
    url: o.url,
    method: 'GET',
    // the query string: ?cardId= when given
    body: o.cardId === undefined ? {} : { cardId: o.cardId },
    header: o.header,
    timeoutMs,
    label: 'user-cards source',
    read: (data) =>
      listOf<UserCard>(
        data,
        'cards',
        (card) => typeof card.cardId === 'string' && typeof card.status === 'string',
        'user-cards source',
        'the answer must be { cards: [{ cardId, code, status, … }, …] }',
      ),
  })
}

/**
 * `GET url?cardId=` of the member-info endpoint: resolves the user's codes of that member card with their member data,
 * `{ cardId, code, activated, membershipNumber, bonus, balance (分), status }`, in WeChat's order. Rejects
 * CardError('invalid') naming the field for bad options (before any request), and CardError('source') naming the
 * cause as requestCardCodes does (an answer that is not `{ members: [...] }` included).
 */
export function requestMemberInfo(o: MemberInfoRequestOptions): Promise<MemberCardData[]> {
  let timeoutMs: number
  try {
    timeoutMs = checkCommon('requestMemberInfo', o)
    if (typeof o.cardId !== 'string' || !o.cardId) throw invalid('cardId', 'must be the member card id')
  } catch (error) {
    return Promise.reject(error)
  }
  return postJson({
    url: o.url,
    method: 'GET',
    // the query string: ?cardId=
    body: { cardId: o.cardId },
    header: o.header,
    timeoutMs,
    label: 'member-info source',
    read: (data) =>
      listOf<MemberCardData>(
        data,
        'members',
        (member) =>
          typeof member.cardId === 'string' && typeof member.code === 'string' && typeof member.activated === 'boolean',
        'member-info source',
        'the answer must be { members: [{ cardId, code, activated, membershipNumber, bonus, balance, status }, …] }',
      ),
  })
}
