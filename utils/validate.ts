import { invalidInput } from './error'
import {
  CARD_EXT_KEYS,
  CARD_EXT_RULES,
  cardExtValueProblem,
  decryptedCodeProblem,
  describeType,
  exactValueProblem,
  hasOwn,
  isPlainObject,
} from './rules'

/** The keys of a cardExt after parsing (WeChat's snake_case names). */
export interface CardExtFields {
  /** Unix seconds (not ms). */
  timestamp: number | string
  /** 卡券签名: 40 hex digits. */
  signature: string
  /** ≤ 32 letters/digits. */
  nonce_str?: string | undefined
  /** Custom code (自定义 code cards only): ≤ 20 letters/digits. */
  code?: string | undefined
  /** Only for cards bound to one user: that user's openid. */
  openid?: string | undefined
  /** Unsigned; comes back in WeChat's card events. */
  outer_str?: string | undefined
  /** Unsigned; Unix seconds. */
  fixed_begintimestamp?: number | string | undefined
}

/** One card for wx.addCard; cardExt may be the JSON string from your server or the object (serialized for you). */
export interface AddCardInput {
  cardId: string
  cardExt: string | CardExtFields
}

/** One card as wx.addCard receives it: `cardExt` is a JSON string. */
export interface AddCardRequestInfo {
  cardId: string
  cardExt: string
}

/** One card for wx.openCard: `code` is the decrypted code (`card/code/decrypt`), not the one addCard returned. */
export interface OpenCardInput {
  cardId: string
  code: string
}

/**
 * Parses (when a string) and checks a cardExt against WeChat's rules (utils/rules.ts).
 * `index` is the card's index in its list, for the message. Throws CardError('invalid') naming the field.
 */
export function validateCardExt(cardExt: unknown, index?: number): CardExtFields {
  // '' is what a card-ext binding holds before the page has loaded it
  if (cardExt === undefined || cardExt === null || cardExt === '') throw invalidInput('is required', 'cardExt', index)
  let parsed: unknown = cardExt
  if (typeof cardExt === 'string') {
    try {
      parsed = JSON.parse(cardExt)
    } catch {
      throw invalidInput('is not valid JSON (pass the string your server returned, unchanged)', 'cardExt', index)
    }
  } else if (!isPlainObject(cardExt)) {
    throw invalidInput(
      `must be the JSON string from your server or an object, got ${describeType(cardExt)}`,
      'cardExt',
      index,
    )
  }
  if (!isPlainObject(parsed)) throw invalidInput(`must be a JSON object, got ${describeType(parsed)}`, 'cardExt', index)
  for (const key of Object.keys(parsed)) {
    const problem = cardExtValueProblem(key, parsed[key])
    if (problem) throw invalidInput(problem, `cardExt.${key}`, index)
  }
  for (const key of CARD_EXT_KEYS) {
    // own properties only: an inherited timestamp would never reach WeChat (JSON.stringify drops it)
    if (CARD_EXT_RULES[key].required && (!hasOwn(parsed, key) || parsed[key] === undefined)) {
      throw invalidInput('is required', `cardExt.${key}`, index)
    }
  }
  return parsed as unknown as CardExtFields
}

/** Checks the list and each item's shape and cardId; `at[i]` numbers item i in messages (default i). */
function checkCardItems<T>(
  list: unknown,
  checkItem: (item: Record<string, unknown>, index: number) => T,
  at?: readonly number[],
): T[] {
  if (!Array.isArray(list)) throw invalidInput(`must be an array of cards, got ${describeType(list)}`)
  if (!list.length) throw invalidInput('is empty: pass at least one card')
  return list.map((item: unknown, i) => {
    const index = at ? (at[i] ?? i) : i
    if (!isPlainObject(item))
      throw invalidInput(`must be an object { cardId, … }, got ${describeType(item)}`, undefined, index)
    const problem = exactValueProblem(item.cardId)
    if (problem) throw invalidInput(problem, 'cardId', index)
    return checkItem(item, index)
  })
}

/**
 * What makes a signed cardExt single-use: its signature (over the card, timestamp, nonce_str, code and openid).
 * Strings of the same signed values, with other spacing, key order or unsigned keys, are one cardExt.
 */
const usedOnceKey = (fields: CardExtFields) => fields.signature.toLowerCase()

/** The cardExts WeChat has accepted (by usedOnceKey): each works once, so sending one again ends in 已领完. */
const spentCardExts = new Set<string>()

/** Records the cardExt of every card in an `addCard:ok` answer as used. */
export function markCardExtsSpent(cardList: readonly { cardExt?: unknown }[]): void {
  for (const card of cardList) {
    try {
      spentCardExts.add(usedOnceKey(validateCardExt(card.cardExt)))
    } catch {
      // not a cardExt that could have been sent: nothing to remember
    }
  }
}

/**
 * Validates cards for wx.addCard and returns them with cardExt as a JSON string. Throws CardError('invalid')
 * with `index` and `field`: a bad item or cardExt; the same cardExt twice in the list; a cardExt WeChat has
 * already accepted (a signed cardExt works once).
 */
export function normalizeCardList(list: readonly AddCardInput[]): AddCardRequestInfo[] {
  const firstIndexOf = new Map<string, number>()
  return checkCardItems(list, (item, index) => {
    const key = usedOnceKey(validateCardExt(item.cardExt, index))
    const cardExt = typeof item.cardExt === 'string' ? item.cardExt : JSON.stringify(item.cardExt)
    const first = firstIndexOf.get(key)
    if (first !== undefined) {
      throw invalidInput(
        `is the same cardExt as cardList[${first}]: each card needs its own (a cardExt works once)`,
        'cardExt',
        index,
      )
    }
    if (spentCardExts.has(key)) {
      throw invalidInput(
        'was already used: WeChat accepted this cardExt before, and a cardExt works once. Get a fresh one from your server for every add (card-ext-url, or setCardSource)',
        'cardExt',
        index,
      )
    }
    firstIndexOf.set(key, index)
    return { cardId: item.cardId as string, cardExt }
  })
}

/**
 * Validates cards for wx.openCard: each needs a cardId and its decrypted code. `at` numbers the items in
 * messages when they are a subset of a longer list (the selected rows of a list).
 */
export function normalizeOpenList(list: readonly OpenCardInput[], at?: readonly number[]): OpenCardInput[] {
  return checkCardItems(
    list,
    (item, index) => {
      const problem = exactValueProblem(item.code)
      if (problem) throw invalidInput(`${problem} (the decrypted code from card/code/decrypt)`, 'code', index)
      const encrypted = decryptedCodeProblem(item.code)
      if (encrypted) throw invalidInput(encrypted, 'code', index)
      return { cardId: item.cardId as string, code: item.code as string }
    },
    at,
  )
}
