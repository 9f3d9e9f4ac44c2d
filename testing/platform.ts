// The card platform's rules and state: the merchant's cards, the user's card bag, stock and per-user limits, used
// nonces, card validity and states, and how WeChat judges a wx.addCard / wx.openCard call. The simulated client
// (wx.ts) delivers these answers; WeChat's server API (wechat-api.ts) reads the same card bag.
import { randomBytes, randomInt } from 'crypto'
import { CHINA_TIME_OFFSET_MS, DAY_MS } from '../server/constants'
import { verifyCardExt } from '../server/sign'
import { WECHAT_USER_CARD_STATUSES, type WeChatUserCardStatus } from '../utils/protocol'
import {
  SIGNED_CARD_EXT_KEYS,
  cardExtValueProblem,
  exactValueProblem,
  isCardExtKey,
  isPlainObject,
} from '../utils/rules'
import type { AddCardSuccessCallbackResult, CallAnswer, GeneralCallbackResult } from './wx'
import type { MemberCardSettings } from './member-cards'
import type { CardBag } from './wechat-api'

/** `{ cardId, code }` as wx.openCard takes it (code decrypted). */
export interface OpenCardRequestInfo {
  cardId: string
  code: string
}
export type UserAction = 'accept' | 'cancel'

export interface SimCard {
  cardId: string
  /** The card uses 自定义 code: cardExt must carry `code`, and the platform issues that code. */
  useCustomCode?: boolean
  /** The card is bound to an openid: cardExt must carry the current user's `openid`. */
  bindOpenid?: boolean
  /** Stock; unlimited when absent. */
  quantity?: number
  /** How many of this card one user may hold (get_limit); unlimited when absent. */
  getLimit?: number
  title?: string
  /** The logo's URL, as card/get answers it (`base_info.logo_url`). */
  logoUrl?: string
  /** The card's color as card/get answers it (`base_info.color`), e.g. `#63b359`. */
  color?: string
  /** Validity, as the card's date_info in WeChat. Default `{ type: 'DATE_TYPE_FIX_TERM', fixedTerm: 30 }`. */
  dateInfo?: DateInfo
  /** A member card (会员卡): how it is activated (see testing/member-cards.ts). Absent for other cards. */
  memberCard?: MemberCardSettings
}

/**
 * One user of the simulated account, known to both AppIDs: `openid` under the Official Account that owns the cards
 * (the card APIs and a bound cardExt speak it), `miniOpenid` under the mini-program (what code2Session answers), and
 * the `unionid` both share.
 */
export interface SimUser {
  /** What a test calls the user by, e.g. `'other'`. */
  name: string
  openid: string
  miniOpenid: string
  unionid: string
}

/**
 * When a card can be used, as WeChat's date_info: a fixed range (`begin_timestamp`/`end_timestamp`, Unix seconds),
 * or a term counted in days from the day the user adds the card (`fixed_term`, `fixed_begin_term`; days run on
 * China time, and the last one ends at 23:59:59).
 */
export type DateInfo =
  | { type: 'DATE_TYPE_FIX_TIME_RANGE'; beginTimestamp: number; endTimestamp: number }
  | { type: 'DATE_TYPE_FIX_TERM'; fixedTerm: number; fixedBeginTerm?: number }

/**
 * A held card's state, WeChat's `user_card_status`: NORMAL (usable), CONSUMED (used), EXPIRE, GIFTING (being given
 * away), GIFT_SUCC (given away), GIFT_TIMEOUT (the gift was not taken in time), DELETE (the user deleted it),
 * UNAVAILABLE (the merchant made it unavailable).
 */
export type HeldCardStatus = WeChatUserCardStatus

const HELD_CARD_STATUSES: readonly HeldCardStatus[] = WECHAT_USER_CARD_STATUSES

export interface HeldCard {
  cardId: string
  /** The decrypted code: what wx.openCard needs. */
  code: string
  /** What wx.addCard returned for it: only /card/code/decrypt turns it back into `code`. */
  encryptCode: string
  outerStr?: string
  /** The holder: their openid under the Official Account (card/code/get names it). */
  openid: string
  /**
   * NORMAL when added; changed by `setCardStatus`. card/code/get answers it, except that a NORMAL card past its
   * endTime answers EXPIRE.
   */
  status: HeldCardStatus
  /** Validity, Unix seconds, fixed when the card was added (from the card's dateInfo). */
  beginTime: number
  endTime: number
}

export interface NonceRecord {
  cardId: string
  timestamp: string
  nonceStr: string
}

/** The card platform's own state (the card bag and what it remembers), part of `platform.state`. */
export interface CardState {
  /** The user's card bag, in the order cards were added. */
  held: HeldCard[]
  /** Stock left per cardId; Infinity when the card has no quantity. */
  stock: Record<string, number>
  /** Cards issued per cardId (all to the current user). */
  taken: Record<string, number>
  /** cardExt timestamp + nonce_str pairs already used, per card. */
  nonces: NonceRecord[]
  /** Cards the user opened through wx.openCard. */
  opened: OpenCardRequestInfo[]
  /** Queued user decisions, consumed one per addCard/openCard call. */
  pendingActions: UserAction[]
}

/** What the card rules are made of: the options of createCardPlatform that are about cards and the users. */
export interface CardRulesOptions {
  apiTicket: string
  /** The user of `platform.wx` (an openid under the Official Account): one of `users` when they are given. */
  openid: string
  /** Every user of the account. Default: one user, `openid`, with a mini-program openid and unionid made from it. */
  users?: SimUser[] | undefined
  cards: SimCard[]
  now?: (() => number) | undefined
}

/** The users of the options: `users`, or the one user `openid` names. */
export function usersOf(o: Pick<CardRulesOptions, 'openid' | 'users'>): SimUser[] {
  if (o.users !== undefined) return o.users
  return [{ name: 'default', openid: o.openid, miniOpenid: `${o.openid}-mini`, unionid: `${o.openid}-union` }]
}

// ------------------------------------------------------------------ how WeChat judges one cardExt

export const SIGN_ERROR = '签名错误'
export const PARAM_ERROR = '参数错误'

/** The fields of an accepted cardExt (empty strings count as absent, as in signCardExt). */
export interface CheckedExt {
  timestamp: string
  nonceStr: string
  code?: string
  openid?: string
  outerStr?: string
}

const present = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * Returns the accepted fields, or the failure detail (`签名错误` / `参数错误`) for `addCard:fail <detail>`.
 * Signature problems are checked before parameter rules, so a card with both shows 签名错误 like the client.
 */
export function checkCardExt(
  cardExt: unknown,
  o: { apiTicket: string; cardId: string; openid: string; card: Pick<SimCard, 'useCustomCode' | 'bindOpenid'> },
): CheckedExt | string {
  // iOS reads the fields out of a string only; an object arrives with nothing to verify.
  if (typeof cardExt !== 'string') return SIGN_ERROR
  let ext: unknown
  try {
    ext = JSON.parse(cardExt)
  } catch (e) {
    return SIGN_ERROR
  }
  if (!isPlainObject(ext)) return SIGN_ERROR
  const f = ext
  // api_ticket inside, or any unknown key, cannot be part of what WeChat signs.
  if (Object.keys(f).some((k) => !isCardExtKey(k))) return SIGN_ERROR
  if (f.timestamp === undefined || typeof f.signature !== 'string') return SIGN_ERROR
  // A non-string signed field is a signature problem, reported before any parameter rule (as the client does).
  for (const k of SIGNED_CARD_EXT_KEYS) {
    if (k !== 'timestamp' && f[k] !== undefined && typeof f[k] !== 'string') return SIGN_ERROR
  }
  if (!verifyCardExt(cardExt, { apiTicket: o.apiTicket, cardId: o.cardId })) return SIGN_ERROR
  // Value rules WeChat documents (seconds, nonce ≤ 32, code ≤ 20 letters/digits, exact ids): the client's table.
  if (Object.keys(f).some((k) => cardExtValueProblem(k, f[k]))) return PARAM_ERROR

  const code = present(f.code)
  const openid = present(f.openid)
  const nonceStr = present(f.nonce_str) ?? ''
  // code iff the card uses custom codes; openid iff the card is bound, and then only the current user's.
  if (Boolean(o.card.useCustomCode) !== (code !== undefined)) return PARAM_ERROR
  if (Boolean(o.card.bindOpenid) !== (openid !== undefined)) return PARAM_ERROR
  if (openid !== undefined && openid !== o.openid) return PARAM_ERROR
  return { timestamp: String(f.timestamp), nonceStr, code, openid, outerStr: present(f.outer_str) }
}

// ------------------------------------------------------------------ options and validity

const typeName = (v: unknown): string =>
  v === null ? 'Null' : Array.isArray(v) ? 'Array' : (typeof v).replace(/^./, (c) => c.toUpperCase())

export function checkPlatformOptions(o: CardRulesOptions): void {
  const str = (v: unknown, name: string) => {
    if (typeof v !== 'string' || !v) throw new TypeError(`createCardPlatform: ${name} must be a non-empty string`)
  }
  if (!isPlainObject(o)) throw new TypeError('createCardPlatform: options are required')
  str(o.apiTicket, 'apiTicket')
  str(o.accessToken, 'accessToken')
  str(o.openid, 'openid')
  if (o.users !== undefined) {
    if (!Array.isArray(o.users) || !o.users.length)
      throw new TypeError('createCardPlatform: users must be a non-empty array')
    const seen = new Set<string>()
    o.users.forEach((u, i) => {
      for (const k of ['name', 'openid', 'miniOpenid', 'unionid'] as const) {
        str(u && u[k], `users[${i}].${k}`)
        const problem = exactValueProblem(u[k])
        if (problem) throw new TypeError(`createCardPlatform: users[${i}].${k} ${problem}`)
        // A name, an openid of either AppID or a unionid names one user only.
        if (seen.has(`${k === 'name' ? 'name' : 'id'}:${u[k]}`))
          throw new TypeError(`createCardPlatform: users[${i}].${k} ${u[k]} is another user's too`)
        seen.add(`${k === 'name' ? 'name' : 'id'}:${u[k]}`)
      }
    })
    if (!o.users.some((u) => u.openid === o.openid))
      throw new TypeError('createCardPlatform: openid must be the openid of one of users')
  }
  if (!Array.isArray(o.cards)) throw new TypeError('createCardPlatform: cards must be an array')
  const ids = new Set<string>()
  o.cards.forEach((c, i) => {
    str(c && c.cardId, `cards[${i}].cardId`)
    if (ids.has(c.cardId)) throw new TypeError(`createCardPlatform: cards[${i}].cardId ${c.cardId} is listed twice`)
    ids.add(c.cardId)
    for (const k of ['quantity', 'getLimit'] as const) {
      const v = c[k]
      if (v !== undefined && !(Number.isInteger(v) && v >= 0))
        throw new TypeError(`createCardPlatform: cards[${i}].${k} must be an integer >= 0`)
    }
    if (c.dateInfo !== undefined) checkDateInfo(c.dateInfo, `cards[${i}].dateInfo`)
  })
  if (o.now !== undefined && typeof o.now !== 'function')
    throw new TypeError('createCardPlatform: now must be a function')
}

function checkDateInfo(d: DateInfo, name: string): void {
  const fail = (what: string) => {
    throw new TypeError(`createCardPlatform: ${name}${what}`)
  }
  // Unix seconds have at most 10 digits: Date.now() (13) is the usual mistake.
  const seconds = (v: unknown, key: string) => {
    if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e10))
      fail(`.${key} must be Unix seconds (an integer of at most 10 digits), got ${String(v)}`)
  }
  if (!isPlainObject(d)) return fail(' must be an object')
  if (d.type === 'DATE_TYPE_FIX_TIME_RANGE') {
    seconds(d.beginTimestamp, 'beginTimestamp')
    seconds(d.endTimestamp, 'endTimestamp')
    if (d.endTimestamp < d.beginTimestamp) fail('.endTimestamp is before beginTimestamp')
  } else if (d.type === 'DATE_TYPE_FIX_TERM') {
    if (!(Number.isInteger(d.fixedTerm) && d.fixedTerm >= 1)) fail('.fixedTerm must be a whole number of days >= 1')
    const begin = d.fixedBeginTerm ?? 0
    if (!(Number.isInteger(begin) && begin >= 0)) fail('.fixedBeginTerm must be a whole number of days >= 0')
  } else fail(".type must be 'DATE_TYPE_FIX_TIME_RANGE' or 'DATE_TYPE_FIX_TERM'")
}

/** The validity (Unix seconds) of a card added at `addedAt` (ms). */
function validity(d: DateInfo, addedAt: number): { beginTime: number; endTime: number } {
  if (d.type === 'DATE_TYPE_FIX_TIME_RANGE') return { beginTime: d.beginTimestamp, endTime: d.endTimestamp }
  const dayStart = Math.floor((addedAt + CHINA_TIME_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_TIME_OFFSET_MS
  const begin = d.fixedBeginTerm ?? 0
  return {
    beginTime: (dayStart + begin * DAY_MS) / 1000,
    endTime: (dayStart + (begin + d.fixedTerm) * DAY_MS) / 1000 - 1,
  }
}
const DEFAULT_DATE_INFO: DateInfo = { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 30 }

/** The card platform: its state, and its answers to the client's card calls and to the server API's questions. */
export interface CardRules {
  state: CardState
  /** wx.addCard of the client of the user `openid` (default: the options' openid). */
  addCard(list: unknown, openid?: string): CallAnswer<AddCardSuccessCallbackResult>
  /** wx.openCard of the client of the user `openid` (default: the options' openid): only their own cards open. */
  openCard(list: unknown, openid?: string): CallAnswer<GeneralCallbackResult>
  /** What the server API reads: the user, the cards, the card bag and each held card's state now. */
  cardBag: CardBag
  /** See CardPlatform.setCardStatus. */
  setCardStatus(card: { cardId: string; code: string }, status: HeldCardStatus): void
  /** See CardPlatform.nextUserAction. */
  nextUserAction(action: UserAction): void
  /** A new api_ticket signs from now on; the one it replaces still signs until `graceUntil` (ms). */
  rotateTicket(next: string, graceUntil: number): void
}

/** The card rules over `o.cards`, on the clock `now` (ms). Options are checked by checkPlatformOptions first. */
export function createCardRules(o: CardRulesOptions, now: () => number): CardRules {
  const cards = new Map<string, SimCard>(o.cards.map((c) => [c.cardId, { ...c }]))
  let apiTicket = o.apiTicket
  let replaced: { ticket: string; until: number } | undefined
  const state: CardState = { held: [], stock: {}, taken: {}, nonces: [], opened: [], pendingActions: [] }
  // Defined, not assigned: a card id such as `__proto__` is then an own entry, not the object's prototype.
  const setEntry = (table: Record<string, number>, cardId: string, value: number) =>
    Object.defineProperty(table, cardId, { value, writable: true, enumerable: true, configurable: true })
  for (const c of cards.values()) {
    setEntry(state.stock, c.cardId, c.quantity ?? Infinity)
    setEntry(state.taken, c.cardId, 0)
  }

  // Opaque and random: not derivable from the code, only the platform's table maps it back.
  const newEncryptCode = () => randomBytes(randomInt(46, 49)).toString('base64') // 64 chars, some with + / =
  const newCode = () => {
    let code: string
    do code = String(randomInt(1e11, 1e12))
    while (state.held.some((h) => h.code === code))
    return code
  }

  function addCard(list: unknown, openid = o.openid): CallAnswer<AddCardSuccessCallbackResult> {
    const fail = (detail: string): CallAnswer<never> => ({ ok: false, result: { errMsg: `addCard:fail ${detail}` } })
    const action = state.pendingActions.shift() ?? 'accept'
    if (!Array.isArray(list))
      return fail(`parameter error: parameter.cardList should be Array instead of ${typeName(list)};`)
    if (!list.length) return fail(PARAM_ERROR)
    const accepted: { card: SimCard; cardExt: string; ext: CheckedExt }[] = []
    // Any signature/parameter problem fails the whole call: the user only sees an error page.
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i]
      if (!isPlainObject(item))
        return fail(`parameter error: parameter.cardList[${i}] should be Object instead of ${typeName(item)};`)
      const { cardId, cardExt } = item
      if (typeof cardId !== 'string' || !cardId)
        return fail(`parameter error: parameter.cardList[${i}].cardId should be a non-empty String;`)
      // matched byte for byte: ' pCard ' is another (unknown) card
      const cardIdProblem = exactValueProblem(cardId)
      if (cardIdProblem) return fail(`invalid card_id: cardList[${i}].cardId ${cardIdProblem}`)
      const card = cards.get(cardId)
      if (!card) return fail(`invalid card_id: ${cardId}`)
      // A bound cardExt naming another user, or a mini-program openid, is refused (参数错误).
      let ext = checkCardExt(cardExt, { apiTicket, cardId, openid, card })
      // Within its grace period, a cardExt signed with the replaced ticket still verifies.
      if (ext === SIGN_ERROR && replaced && now() < replaced.until)
        ext = checkCardExt(cardExt, { apiTicket: replaced.ticket, cardId, openid, card })
      if (typeof ext === 'string') return fail(ext)
      accepted.push({ card, cardExt: String(cardExt), ext })
    }
    // A timestamp + nonce_str already used for the card (before, or earlier in this call) reads as 已领完.
    const fresh: NonceRecord[] = []
    for (const { card, ext } of accepted) {
      const n: NonceRecord = { cardId: card.cardId, timestamp: ext.timestamp, nonceStr: ext.nonceStr }
      const same = (r: NonceRecord) => r.cardId === n.cardId && r.timestamp === n.timestamp && r.nonceStr === n.nonceStr
      if (state.nonces.some(same) || fresh.some(same)) return fail('已领完')
      fresh.push(n)
    }
    if (action === 'cancel') return fail('cancel')
    state.nonces.push(...fresh)

    const cardList = accepted.map(({ card, cardExt, ext }) => {
      const id = card.cardId
      const refused =
        state.stock[id] <= 0 ||
        (card.getLimit !== undefined &&
          state.held.filter((h) => h.cardId === id && h.openid === openid).length >= card.getLimit) ||
        (ext.code !== undefined && state.held.some((h) => h.cardId === id && h.code === ext.code))
      if (refused) return { cardId: id, cardExt, code: '', isSuccess: false }
      const held: HeldCard = {
        cardId: id,
        code: ext.code ?? newCode(),
        encryptCode: newEncryptCode(),
        openid,
        status: 'NORMAL',
        ...validity(card.dateInfo ?? DEFAULT_DATE_INFO, now()),
      }
      if (ext.outerStr !== undefined) held.outerStr = ext.outerStr
      state.held.push(held)
      state.stock[id]--
      state.taken[id]++
      return { cardId: id, cardExt, code: held.encryptCode, isSuccess: true }
    })
    return { ok: true, result: { errMsg: 'addCard:ok', cardList } }
  }

  function openCard(list: unknown, openid = o.openid): CallAnswer<GeneralCallbackResult> {
    const fail = (detail: string): CallAnswer<never> => ({ ok: false, result: { errMsg: `openCard:fail ${detail}` } })
    const action = state.pendingActions.shift() ?? 'accept'
    if (!Array.isArray(list))
      return fail(`parameter error: parameter.cardList should be Array instead of ${typeName(list)};`)
    if (!list.length) return fail(PARAM_ERROR)
    const open: OpenCardRequestInfo[] = []
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i]
      if (!isPlainObject(item) || typeof item.cardId !== 'string' || typeof item.code !== 'string') {
        return fail(`parameter error: parameter.cardList[${i}] should be { cardId: String, code: String };`)
      }
      const { cardId, code } = item
      if (!state.held.some((h) => h.cardId === cardId && h.code === code && h.openid === openid)) {
        return state.held.some((h) => h.encryptCode === code)
          ? fail(
              `invalid code: cardList[${i}].code is the encrypted code from addCard, decrypt it with card/code/decrypt first`,
            )
          : fail(`invalid code: the user holds no card ${cardId} with code ${code}`)
      }
      open.push({ cardId, code })
    }
    if (action === 'cancel') return fail('cancel')
    state.opened.push(...open)
    return { ok: true, result: { errMsg: 'openCard:ok' } }
  }

  /** A held card's status and can_consume now: a NORMAL card past its end time reads EXPIRE. */
  function stateOf(card: HeldCard): { status: HeldCardStatus; canConsume: boolean } {
    const seconds = Math.floor(now() / 1000)
    if (card.status !== 'NORMAL') return { status: card.status, canConsume: false }
    if (seconds > card.endTime) return { status: 'EXPIRE', canConsume: false }
    return { status: 'NORMAL', canConsume: seconds >= card.beginTime }
  }

  return {
    state,
    addCard,
    openCard,
    cardBag: {
      openid: o.openid,
      users: usersOf(o),
      card: (cardId) => cards.get(cardId),
      stock: (cardId) => (cards.has(cardId) ? state.stock[cardId] : 0),
      hasCard: (cardId) => cards.has(cardId),
      usesCustomCode: (cardId) => Boolean(cards.get(cardId)?.useCustomCode),
      held: () => state.held,
      stateOf: (card) => stateOf(card as HeldCard),
    },
    setCardStatus(card, status) {
      if (!HELD_CARD_STATUSES.includes(status))
        throw new TypeError(
          `setCardStatus: status must be one of ${HELD_CARD_STATUSES.join(', ')}, got ${String(status)}`,
        )
      const held = isPlainObject(card)
        ? state.held.find((h) => h.cardId === card.cardId && h.code === card.code)
        : undefined
      if (!held) throw new TypeError('setCardStatus: the user holds no card with this cardId and code')
      held.status = status
    },
    rotateTicket(next, graceUntil) {
      replaced = { ticket: apiTicket, until: graceUntil }
      apiTicket = next
    },
    nextUserAction(action) {
      if (action !== 'accept' && action !== 'cancel')
        throw new TypeError(`nextUserAction: 'accept' or 'cancel', got ${String(action)}`)
      state.pendingActions.push(action)
    },
  }
}
