/** Why a card call did not happen or did not succeed. */
export type CardErrorCode = 'invalid' | 'unsupported' | 'cancel' | 'fail'

export interface CardErrorInfo {
  /** The platform's errMsg, e.g. `addCard:fail cancel`. */
  errMsg?: string
  /** The platform's reason after `fail`, or what was wrong with the input. */
  detail?: string
  /** Index of the offending card in the list (`invalid` only). */
  index?: number
  /** Offending key, as a path inside the card item: `cardId`, `code`, `cardExt.timestamp` (`invalid` only). */
  field?: string
}

export class CardError extends Error implements CardErrorInfo {
  code: CardErrorCode
  errMsg?: string
  detail?: string
  index?: number
  field?: string

  constructor(code: CardErrorCode, message: string, info?: CardErrorInfo) {
    super(message)
    // Keeps instanceof working where the devtools transpile classes to ES5.
    Object.setPrototypeOf(this, CardError.prototype)
    this.name = 'CardError'
    this.code = code
    Object.assign(this, info) // a missing info copies nothing
  }
}

/** Builds an `invalid` error whose message names the card and the field. */
export function invalid(reason: string, field?: string, index?: number): CardError {
  // cardList[1].cardExt.timestamp, cardList[1], cardList; a lone cardExt (no index) is just `cardExt`
  const where = index === undefined ? field || 'cardList' : `cardList[${index}]` + (field ? '.' + field : '')
  return new CardError('invalid', `${where}: ${reason}`, { index, field, detail: reason })
}
