import { CardError } from './error'
import { describeType, hasOwn, isPlainObject } from './rules'
import {
  markCardExtsSpent,
  normalizeCardList,
  normalizeOpenList,
  type AddCardInput,
  type AddCardRequestInfo,
  type OpenCardInput,
} from './validate'
import { CARD_API_MIN_VERSION, getSDKVersion, isCardApiSupported, type CardApi } from './version'

/** One card of wx.addCard's answer. `code` is encrypted: decrypt it on your server (`card/code/decrypt`). */
export interface AddCardResponseInfo {
  cardId: string
  cardExt: string
  code: string
  isSuccess: boolean
}

export interface AddCardResult {
  /** Everything WeChat returned, in order. */
  cardList: AddCardResponseInfo[]
  /** Cards added (`isSuccess`); their `code` is encrypted: decrypt it on your server. */
  succeeded: AddCardResponseInfo[]
  /** Cards WeChat refused within an otherwise successful call (out of stock, per-user limit reached). */
  failed: AddCardResponseInfo[]
}

export interface OpenCardResult {
  /** The cards WeChat opened: `{ cardId, code }` (code decrypted). */
  cardList: OpenCardInput[]
}

/** A card call that passed validation and the version guard: run() makes the one wx call. */
export interface PreparedCardCall<Result> {
  /** What will be sent: validated, cardExt as a JSON string. */
  readonly cardList: readonly (AddCardRequestInfo | OpenCardInput)[]
  /** Calls wx once. Resolves, or rejects CardError `cancel` / `fail`; settles once even if WeChat calls back twice. */
  run(): Promise<Result>
}

/** run() of a prepared call: the first run makes the wx call, later ones get the same promise. */
function once<Result>(run: () => Promise<Result>): () => Promise<Result> {
  let result: Promise<Result> | undefined
  return () => (result = result || run())
}

/** Throws CardError('unsupported') when this client cannot run `wx[api]` (base library < 1.1.0 or no such API). */
export function assertSupported(api: CardApi): void {
  if (!isCardApiSupported(api)) {
    const version = getSDKVersion()
    throw new CardError(
      'unsupported',
      `wx.${api} needs base library ${CARD_API_MIN_VERSION} or later (this client: ${version || 'unknown'})`,
      {
        detail: version,
      },
    )
  }
}

/**
 * Maps a failure answer of wx.addCard / wx.openCard to a CardError: `…:fail cancel` → `cancel`; any other
 * `…:fail <why>` (space or colon) → `fail` with `detail` = why. An answer without an errMsg is a `fail` that says so.
 */
export function toCardError(api: CardApi, answer: unknown): CardError {
  const errMsg = answer !== null && typeof answer === 'object' ? (answer as { errMsg?: unknown }).errMsg : undefined
  if (typeof errMsg !== 'string' || !errMsg) {
    return new CardError('fail', `wx.${api} failed without an errMsg`, { detail: '' })
  }
  const detail = errMsg.replace(/^\w+:fail[ :]?/, '').trim()
  if (detail === 'cancel') return new CardError('cancel', 'cancelled by the user', { errMsg })
  return new CardError('fail', detail || errMsg, { errMsg, detail })
}

type CardApiCall = (options: {
  cardList: (AddCardRequestInfo | OpenCardInput)[]
  success: (answer: unknown) => void
  fail: (answer: unknown) => void
}) => void

/** Calls wx[api] once; a synchronous throw from the client is a `fail`. */
function callCardApi(api: CardApi, cardList: (AddCardRequestInfo | OpenCardInput)[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    try {
      ;(wx[api] as unknown as CardApiCall)({
        cardList,
        success: resolve,
        fail: (answer) => reject(toCardError(api, answer)),
      })
    } catch (thrown) {
      const detail = thrown instanceof Error ? thrown.message : String(thrown)
      reject(new CardError('fail', `wx.${api} threw: ${detail}`, { detail }))
    }
  })
}

/** The errMsg of an answer, when it has one. */
function errMsgOf(answer: unknown): string | undefined {
  const errMsg = isPlainObject(answer) ? answer.errMsg : undefined
  return typeof errMsg === 'string' ? errMsg : undefined
}

/**
 * What is missing from an `addCard:ok` answer ('' when it has WeChat's shape): `{ cardList: [{ cardId, cardExt,
 * code, isSuccess }, …] }` with one object per card.
 */
function addCardAnswerProblem(answer: unknown): string {
  if (!isPlainObject(answer)) return `the answer is ${describeType(answer)}, not an object`
  if (!hasOwn(answer, 'cardList') || answer.cardList === undefined) return 'the answer has no cardList'
  const answered = answer.cardList
  if (!Array.isArray(answered)) return `its cardList is ${describeType(answered)}, not an array`
  const at = answered.findIndex((card: unknown) => !isPlainObject(card))
  if (at >= 0) return `its cardList[${at}] is ${describeType(answered[at])}, not a card object`
  return ''
}

/**
 * Validates the cards (utils/rules.ts) and guards the version, once; throws CardError `invalid` or
 * `unsupported` before any wx call. run() calls wx.addCard; the cardExt of every card WeChat answered is
 * then spent (a cardExt works once), so a later prepare refuses it as `invalid` instead of WeChat's 已领完.
 */
export function prepareAddCards(list: readonly AddCardInput[]): PreparedCardCall<AddCardResult> {
  const cardList = normalizeCardList(list)
  assertSupported('addCard')
  return {
    cardList,
    run: once(() =>
      callCardApi('addCard', cardList).then((answer) => {
        const problem = addCardAnswerProblem(answer)
        if (problem) {
          // WeChat said ok: it has seen these cardExts, and the cards may be in the user's bag
          markCardExtsSpent(cardList)
          throw new CardError('fail', `wx.addCard answered ok, but ${problem}: the cards may have been added`, {
            errMsg: errMsgOf(answer),
            detail: 'malformed answer',
          })
        }
        const all = (answer as { cardList: AddCardResponseInfo[] }).cardList
        markCardExtsSpent(all)
        return { cardList: all, succeeded: all.filter((c) => c.isSuccess), failed: all.filter((c) => !c.isSuccess) }
      }),
    ),
  }
}

/**
 * Validates `{ cardId, code }` items and guards the version, once; run() calls wx.openCard. `at` numbers the
 * items in error messages when they are a subset of a longer list.
 */
export function prepareOpenCards(
  list: readonly OpenCardInput[],
  at?: readonly number[],
): PreparedCardCall<OpenCardResult> {
  const cardList = normalizeOpenList(list, at)
  assertSupported('openCard')
  return { cardList, run: once(() => callCardApi('openCard', cardList).then(() => ({ cardList }))) }
}

/** prepare, then run, as one promise: invalid input and an old client reject before any wx call. */
function prepareAndRun<Result>(prepare: () => PreparedCardCall<Result>): Promise<Result> {
  let call: PreparedCardCall<Result>
  try {
    call = prepare()
  } catch (error) {
    return Promise.reject(error)
  }
  return call.run()
}

/**
 * Validates, guards the version and calls wx.addCard. Resolves `{ cardList, succeeded, failed }`; rejects
 * CardError `invalid` / `unsupported` (no call), `cancel`, or `fail` (WeChat's detail; `malformed answer` when an
 * `addCard:ok` answer lacks `cardList`, has a non-array one or an item that is not an object).
 */
export function addCards(list: readonly AddCardInput[]): Promise<AddCardResult> {
  return prepareAndRun(() => prepareAddCards(list))
}

/** Validates, guards the version and calls wx.openCard with decrypted codes; resolves the cards it opened. */
export function openCards(list: readonly OpenCardInput[], at?: readonly number[]): Promise<OpenCardResult> {
  return prepareAndRun(() => prepareOpenCards(list, at))
}
