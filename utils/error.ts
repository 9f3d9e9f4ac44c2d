/**
 * Why a card call did not happen or did not succeed:
 * - `invalid`: the input is wrong (checked before any wx call); `index` / `field` name the card and key;
 * - `unsupported`: this client has no `wx.addCard` / `wx.openCard` (or reports a base library below 1.1.0);
 * - `cancel`: the user closed WeChat's card page;
 * - `fail`: WeChat answered `…:fail <detail>`, or the call threw;
 * - `timeout`: WeChat never answered (the user came back to the page and the grace period passed);
 * - `source`: the cards could not be fetched from your server (HTTP status, timeout, not JSON, wrong shape).
 */
export type CardErrorCode = 'invalid' | 'unsupported' | 'cancel' | 'fail' | 'timeout' | 'source'

export interface CardErrorInfo {
  /** The platform's errMsg, e.g. `addCard:fail cancel`. */
  errMsg?: string | undefined
  /** The platform's reason after `fail`, or what is wrong with the input. */
  detail?: string | undefined
  /** Index of the offending card in the list (`invalid` only). */
  index?: number | undefined
  /** Offending key, as a path inside the card item: `cardId`, `code`, `cardExt.timestamp` (`invalid` only). */
  field?: string | undefined
}

/** Every rejection of the card utils and every `fail` / `cancel` / `unsupported` the tags report. */
export class CardError extends Error implements CardErrorInfo {
  code: CardErrorCode
  errMsg?: string | undefined
  detail?: string | undefined
  index?: number | undefined
  field?: string | undefined

  constructor(code: CardErrorCode, message: string, info: CardErrorInfo = {}) {
    super(message)
    // Keeps instanceof working where the devtools transpile classes to ES5.
    Object.setPrototypeOf(this, CardError.prototype)
    this.name = 'CardError'
    this.code = code
    this.errMsg = info.errMsg
    this.detail = info.detail
    this.index = info.index
    this.field = info.field
  }
}

/**
 * An `invalid` error whose message says where: `cardList[1].cardExt.timestamp: <problem>`, `cardList[1]: …`,
 * `cardList: …`; a lone cardExt (no index) is just `cardExt.timestamp: …`.
 */
export function invalidInput(problem: string, field?: string, index?: number): CardError {
  let where: string
  if (index === undefined) where = field || 'cardList'
  else where = field ? `cardList[${index}].${field}` : `cardList[${index}]`
  return new CardError('invalid', `${where}: ${problem}`, { index, field, detail: problem })
}
