// A card platform in one process: the client's wx.addCard/openCard and WeChat's getticket/decrypt APIs,
// sharing one user's card bag, so a signing server and mini-program code can be tested end to end.
// Node only: never bundled into the mini-program.
import { randomBytes, randomInt } from 'crypto'
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
import { createAccessTokens, listenHttp, type Listening, type RequestCounts } from './http'

export { DECRYPT_PATH, STABLE_TOKEN_PATH, TICKET_PATH, type Listening, type RequestCounts } from './http'
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
}

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
  /** Clock in ms since the epoch for the access_token's expiry and the 30 s between forced refreshes. Default Date.now. */
  now?: (() => number) | undefined
}

export interface HeldCard {
  cardId: string
  /** The decrypted code: what wx.openCard needs. */
  code: string
  /** What wx.addCard returned for it: only /card/code/decrypt turns it back into `code`. */
  encryptCode: string
  outerStr?: string
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
  /** HTTP requests per endpoint. */
  requests: RequestCounts
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
  /** Starts WeChat's API (stable_token, getticket, card/code/decrypt) on 127.0.0.1 (free port). */
  listen(): Promise<Listening>
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
  })
}

export function createCardPlatform(options: CardPlatformOptions): CardPlatform {
  checkOptions(options)
  const o = options
  const cards = new Map<string, SimCard>(o.cards.map((c) => [c.cardId, { ...c }]))
  const state: PlatformState = {
    held: [],
    stock: {},
    taken: {},
    nonces: [],
    requests: { stable_token: 0, getticket: 0, decrypt: 0, other: 0 },
    calls: { addCard: 0, openCard: 0 },
    log: [],
    opened: [],
    modals: [],
    pendingActions: [],
  }
  // Defined, not assigned: a card id such as `__proto__` is then an own entry, not the object's prototype.
  const setEntry = (table: Record<string, number>, cardId: string, value: number) =>
    Object.defineProperty(table, cardId, { value, writable: true, enumerable: true, configurable: true })
  const tokens = createAccessTokens(o)
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
      const held: HeldCard = { cardId: id, code: ext.code ?? newCode(), encryptCode: newEncryptCode() }
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

  return {
    wx: client.wx,
    install: client.install,
    setClient: client.setClient,
    hold: client.hold,
    heldCalls: client.heldCalls,
    setAnswerDelay: client.setAnswerDelay,
    throwOnNextCall: client.throwOnNextCall,
    listen: () =>
      listenHttp({
        tokens,
        apiTicket: o.apiTicket,
        jsapiTicket: o.jsapiTicket ?? `jsapi-${o.apiTicket}`,
        requests: state.requests,
        decrypt: (enc) => {
          const h = state.held.find((x) => x.encryptCode === enc)
          return h && h.code
        },
      }),
    nextUserAction(action) {
      if (action !== 'accept' && action !== 'cancel')
        throw new TypeError(`nextUserAction: 'accept' or 'cancel', got ${String(action)}`)
      state.pendingActions.push(action)
    },
    state,
  }
}
