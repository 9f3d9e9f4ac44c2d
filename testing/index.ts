// A card platform in one process: the client's wx.addCard/openCard and WeChat's server APIs (stable_token,
// getticket, decrypt, getcardlist, code/get), sharing one user's card bag and one clock, so a card server and
// mini-program code can be tested end to end. For Node; a bundler can carry it into a demo with platform.fetch.
import { randomBytes, randomInt } from 'crypto'
import { WECHAT_USER_CARD_STATUSES, type WeChatUserCardStatus } from '../utils/protocol'
import { exactValueProblem, isPlainObject } from '../utils/rules'
import { checkCardExt, PARAM_ERROR, type CheckedExt } from './cardext'
import {
  createSimulatedClient,
  type AddCardSuccessCallbackResult,
  type CallAnswer,
  type CallRecord,
  type CardApiName,
  type ClientSettings,
  type GeneralCallbackResult,
  type HeldCall,
  type InstallOptions,
  type ShowModalOption,
  type SimWx,
} from './client'
import {
  createAccessTokens,
  createApiFetch,
  listenHttp,
  newRequestCounts,
  type ApiBackend,
  type ApiName,
  type Listening,
  type RequestCounts,
} from './http'

export {
  CODE_GET_PATH,
  DECRYPT_PATH,
  GET_CARD_LIST_PATH,
  STABLE_TOKEN_PATH,
  TICKET_PATH,
  type ApiName,
  type Listening,
  type RequestCounts,
} from './http'
export type {
  AddCardResponseInfo,
  AddCardSuccessCallbackResult,
  CallOptions,
  CallRecord,
  CardApiName,
  ClientSettings,
  GeneralCallbackResult,
  HeldCall,
  InstallOptions,
  PromiseCallOptions,
  ShowModalOption,
  ShowModalSuccessCallbackResult,
  SimWx,
  WxApiName,
} from './client'

// The shapes of WeChat's callbacks, written out so this Node entry needs no mini-program typings
// (a server project has @types/node, whose globals clash with miniprogram-api-typings).
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
  /** Validity, as the card's date_info in WeChat. Default `{ type: 'DATE_TYPE_FIX_TERM', fixedTerm: 30 }`. */
  dateInfo?: DateInfo
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

export interface CardPlatformOptions {
  apiTicket: string
  accessToken: string
  /** The current user. */
  openid: string
  cards: SimCard[]
  /** What getSystemInfoSync/getAppBaseInfo report; default '3.12.0'. */
  SDKVersion?: string
  /** APIs the simulated client lacks, e.g. `['addCard']` (an old client); default none. */
  missingApis?: ClientSettings['missingApis']
  /** Tokens answered with 42001 (expired) instead of 40001, to test a server's token refresh. */
  expiredAccessTokens?: string[]
  /** Ticket answered for `type=jsapi`; it never signs a card. Default: derived from apiTicket. */
  jsapiTicket?: string
  /** The AppID `cgi-bin/stable_token` accepts. Default `wx0000000000card00`. */
  appid?: string | undefined
  /** The AppSecret `cgi-bin/stable_token` accepts. Default `simulator-app-secret-0000000000`. */
  secret?: string | undefined
  /**
   * Clock in ms since the epoch: the access_token's expiry, the 30 s between forced refreshes, card validity.
   * Default Date.now. `advanceTime(ms)` moves the platform's clock ahead of it.
   */
  now?: (() => number) | undefined
}

export interface HeldCard {
  cardId: string
  /** The decrypted code: what wx.openCard needs. */
  code: string
  /** What wx.addCard returned for it: only /card/code/decrypt turns it back into `code`. */
  encryptCode: string
  outerStr?: string
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

export interface PlatformState {
  /** The user's card bag, in the order cards were added. */
  held: HeldCard[]
  /** Stock left per cardId; Infinity when the card has no quantity. */
  stock: Record<string, number>
  /** Cards issued per cardId (all to the current user). */
  taken: Record<string, number>
  /** cardExt timestamp + nonce_str pairs already used, per card. */
  nonces: NonceRecord[]
  /** Requests per API (over HTTP and through `fetch`), whatever the answer. */
  requests: RequestCounts
  /** Requests per API received and not answered yet. */
  inFlight: RequestCounts
  /** The most requests per API in flight at once so far (set a key to 0 to measure again). */
  maxInFlight: RequestCounts
  /** wx calls, whatever their outcome. */
  calls: { addCard: number; openCard: number }
  /** Every addCard/openCard call in order: what was passed, and how it was answered (`pending` while held). */
  log: CallRecord[]
  /** Cards the user opened through wx.openCard. */
  opened: OpenCardRequestInfo[]
  /** Every wx.showModal option object, in call order. */
  modals: ShowModalOption[]
  /** Queued user decisions, consumed one per addCard/openCard call. */
  pendingActions: UserAction[]
}

export interface CardPlatform {
  /** The simulated client's functions (always all of them; see `install` for a client that lacks some). */
  wx: SimWx
  /**
   * Puts the simulator's functions on `target`, or on the global `wx` (created when absent): addCard and
   * openCard, or with `{ all: true }` also getSystemInfoSync, getAppBaseInfo and showModal. APIs the client
   * settings list as missing are left off. Returns an undo function that restores exactly what was there.
   */
  install(target?: object, options?: InstallOptions): () => void
  /** Changes the simulated client (base library version, missing APIs); installed targets follow at once. */
  setClient(settings: ClientSettings): void
  /** Starts WeChat's API (stable_token, getticket, decrypt, getcardlist, code/get) on 127.0.0.1 (free port). */
  listen(): Promise<Listening>
  /**
   * The same API in process, with the global fetch's signature: pass it as the server toolkit's `fetch` (any
   * baseUrl) where there is no socket (a mini-program, a browser). Answers on a later macrotask; honours `signal`.
   */
  fetch: typeof fetch
  /**
   * Changes a held card's state, as the user or the merchant would: consume it, gift it (GIFTING, then GIFT_SUCC
   * or GIFT_TIMEOUT), delete it, make it UNAVAILABLE or EXPIRE, or NORMAL again. TypeError when the user holds no
   * such card or the status is not one of WeChat's.
   */
  setCardStatus(card: { cardId: string; code: string }, status: HeldCardStatus): void
  /** Moves the platform's clock ahead by `ms` (token expiry, forced-refresh spacing, card validity). */
  advanceTime(ms: number): void
  /** The platform's clock, in ms since the epoch. */
  now(): number
  /**
   * The next request to `api` is answered with `answer` (default `{ errcode: -1, errmsg: 'system error' }`) before
   * anything else of it is looked at; queued, one per call.
   */
  failNextRequest(api: ApiName, answer?: { errcode: number; errmsg: string }): void
  /** Queues what the user does on the next addCard/openCard page. */
  nextUserAction(action: UserAction): void
  /** From now on addCard/openCard calls are held until the test answers them (`heldCalls()`), or never. */
  hold(on?: boolean): void
  /** Held calls not answered yet, oldest first: `answer()` as the platform would, or `respond(...)` raw. */
  heldCalls(): HeldCall[]
  /** Delay before each addCard/openCard answer, in ms (default 0: the next macrotask); showModal is not delayed. */
  setAnswerDelay(ms: number): void
  /** The next call of `api` throws `error` synchronously, as a broken client might. */
  throwOnNextCall(api: CardApiName, error: Error): void
  state: PlatformState
}

const typeName = (v: unknown): string =>
  v === null ? 'Null' : Array.isArray(v) ? 'Array' : (typeof v).replace(/^./, (c) => c.toUpperCase())

function checkOptions(o: CardPlatformOptions): void {
  const str = (v: unknown, name: string) => {
    if (typeof v !== 'string' || !v) throw new TypeError(`createCardPlatform: ${name} must be a non-empty string`)
  }
  if (!isPlainObject(o)) throw new TypeError('createCardPlatform: options are required')
  str(o.apiTicket, 'apiTicket')
  str(o.accessToken, 'accessToken')
  str(o.openid, 'openid')
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

const DAY_MS = 24 * 3600 * 1000
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** The validity (Unix seconds) of a card added at `addedAt` (ms). */
function validity(d: DateInfo, addedAt: number): { beginTime: number; endTime: number } {
  if (d.type === 'DATE_TYPE_FIX_TIME_RANGE') return { beginTime: d.beginTimestamp, endTime: d.endTimestamp }
  const dayStart = Math.floor((addedAt + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS
  const begin = d.fixedBeginTerm ?? 0
  return {
    beginTime: (dayStart + begin * DAY_MS) / 1000,
    endTime: (dayStart + (begin + d.fixedTerm) * DAY_MS) / 1000 - 1,
  }
}
const DEFAULT_DATE_INFO: DateInfo = { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 30 }

export function createCardPlatform(options: CardPlatformOptions): CardPlatform {
  checkOptions(options)
  const o = options
  const cards = new Map<string, SimCard>(o.cards.map((c) => [c.cardId, { ...c }]))
  const baseClock = o.now ?? Date.now
  let clockOffset = 0
  const now = () => baseClock() + clockOffset
  const state: PlatformState = {
    held: [],
    stock: {},
    taken: {},
    nonces: [],
    requests: newRequestCounts(),
    inFlight: newRequestCounts(),
    maxInFlight: newRequestCounts(),
    calls: { addCard: 0, openCard: 0 },
    log: [],
    opened: [],
    modals: [],
    pendingActions: [],
  }
  // Defined, not assigned: a card id such as `__proto__` is then an own entry, not the object's prototype.
  const setEntry = (table: Record<string, number>, cardId: string, value: number) =>
    Object.defineProperty(table, cardId, { value, writable: true, enumerable: true, configurable: true })
  const tokens = createAccessTokens({ ...o, now })
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

  function addCard(list: unknown): CallAnswer<AddCardSuccessCallbackResult> {
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
      const ext = checkCardExt(cardExt, { apiTicket: o.apiTicket, cardId, openid: o.openid, card })
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
        (card.getLimit !== undefined && state.taken[id] >= card.getLimit) ||
        (ext.code !== undefined && state.held.some((h) => h.cardId === id && h.code === ext.code))
      if (refused) return { cardId: id, cardExt, code: '', isSuccess: false }
      const held: HeldCard = {
        cardId: id,
        code: ext.code ?? newCode(),
        encryptCode: newEncryptCode(),
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

  function openCard(list: unknown): CallAnswer<GeneralCallbackResult> {
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
      if (!state.held.some((h) => h.cardId === cardId && h.code === code)) {
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

  const client = createSimulatedClient(
    { addCard, openCard },
    { SDKVersion: o.SDKVersion, missingApis: o.missingApis },
    state,
  )

  /** A held card's status and can_consume now: a NORMAL card past its end time reads EXPIRE. */
  function stateOf(card: HeldCard): { status: HeldCardStatus; canConsume: boolean } {
    const seconds = Math.floor(now() / 1000)
    if (card.status !== 'NORMAL') return { status: card.status, canConsume: false }
    if (seconds > card.endTime) return { status: 'EXPIRE', canConsume: false }
    return { status: 'NORMAL', canConsume: seconds >= card.beginTime }
  }
  const backend: ApiBackend = {
    tokens,
    apiTicket: o.apiTicket,
    jsapiTicket: o.jsapiTicket ?? `jsapi-${o.apiTicket}`,
    requests: state.requests,
    inFlight: state.inFlight,
    maxInFlight: state.maxInFlight,
    faults: new Map(),
    cards: {
      openid: o.openid,
      hasCard: (cardId) => cards.has(cardId),
      usesCustomCode: (cardId) => Boolean(cards.get(cardId)?.useCustomCode),
      held: () => state.held,
      stateOf: (card) => stateOf(card as HeldCard),
    },
  }
  const REQUEST_APIS: readonly ApiName[] = ['stable_token', 'getticket', 'decrypt', 'getcardlist', 'code_get']

  return {
    wx: client.wx,
    install: client.install,
    setClient: client.setClient,
    hold: client.hold,
    heldCalls: client.heldCalls,
    setAnswerDelay: client.setAnswerDelay,
    throwOnNextCall: client.throwOnNextCall,
    listen: () => listenHttp(backend),
    fetch: createApiFetch(backend),
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
    advanceTime(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw new TypeError(`advanceTime: ms must be a finite number >= 0, got ${String(ms)}`)
      clockOffset += ms
    },
    now,
    failNextRequest(api, answer = { errcode: -1, errmsg: 'system error' }) {
      if (!REQUEST_APIS.includes(api))
        throw new TypeError(`failNextRequest: api must be one of ${REQUEST_APIS.join(', ')}, got ${String(api)}`)
      if (!isPlainObject(answer) || typeof answer.errcode !== 'number' || answer.errcode === 0)
        throw new TypeError('failNextRequest: answer must be { errcode: <non-zero number>, errmsg }')
      const queue = backend.faults.get(api) ?? []
      queue.push({ errcode: answer.errcode, errmsg: String(answer.errmsg) })
      backend.faults.set(api, queue)
    },
    nextUserAction(action) {
      if (action !== 'accept' && action !== 'cancel')
        throw new TypeError(`nextUserAction: 'accept' or 'cancel', got ${String(action)}`)
      state.pendingActions.push(action)
    },
    state,
  }
}
