import { createHash, hash, randomInt, timingSafeEqual } from 'crypto'
import {
  CARD_EXT_RULES,
  CARD_EXT_KEYS,
  SIGNED_CARD_EXT_KEYS,
  cardExtFromOptions,
  cardExtValueProblem,
  exactValueProblem,
  isPlainObject,
  optionsFromCardExt,
  type CardExtOption,
} from '../utils/rules'

/** The values of one 卡券签名 (camelCase names of the cardExt keys, plus the api_ticket and the card's id). */
export interface SignFields {
  /** The `wx_card` api_ticket (a server secret). */
  apiTicket: string
  cardId: string
  /** Unix seconds. */
  timestamp: number | string
  nonceStr?: string | undefined
  code?: string | undefined
  openid?: string | undefined
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''

/** One-shot crypto.hash (Node 20.12+) skips the Hash object; older Node uses createHash. */
const sha1Hex: (data: string | Buffer) => string =
  typeof hash === 'function'
    ? (data) => hash('sha1', data, 'hex')
    : (data) => createHash('sha1').update(data).digest('hex')

/**
 * 卡券签名 (JS-SDK 附录4): sha1, lowercase hex, of the present values of api_ticket, card_id and the signed cardExt
 * keys (timestamp, code, openid, nonce_str: utils/rules.ts), sorted in byte order and joined with nothing.
 * Empty optional values are left out. Throws TypeError without an apiTicket, cardId or timestamp.
 */
export function signCardExt(fields: SignFields): string {
  // Without these the hash would no longer depend on the secret or the card: refuse rather than sign.
  if (!fields || !isNonEmptyString(fields.apiTicket)) throw new TypeError('signCardExt: apiTicket is required')
  if (!isNonEmptyString(fields.cardId)) throw new TypeError('signCardExt: cardId is required')
  const values = [fields.apiTicket, fields.cardId]
  const byOption: Partial<Record<CardExtOption, unknown>> = fields
  for (const key of SIGNED_CARD_EXT_KEYS) {
    const value = byOption[CARD_EXT_RULES[key].option]
    const text = typeof value === 'number' ? String(value) : value
    if (isNonEmptyString(text)) values.push(text)
    else if (CARD_EXT_RULES[key].required) throw new TypeError(`signCardExt: ${CARD_EXT_RULES[key].option} is required`)
  }
  // Array#sort orders UTF-16 code units: byte order for ASCII, which is all WeChat's values are; anything else is
  // sorted by its UTF-8 bytes below.
  values.sort()
  const joined = values.join('')
  if (Buffer.byteLength(joined) !== joined.length) {
    return sha1Hex(Buffer.concat(values.map((value) => Buffer.from(value, 'utf8')).sort(Buffer.compare)))
  }
  return sha1Hex(joined)
}

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random nonce_str of `length` (1–32) letters and digits (crypto randomness, no modulo bias). Throws RangeError. */
export function createNonceStr(length = 32): string {
  if (!Number.isInteger(length) || length < 1 || length > 32) {
    throw new RangeError(`nonce_str length must be an integer 1..32, got ${length}`)
  }
  let nonce = ''
  for (let i = 0; i < length; i++) nonce += LETTERS_AND_DIGITS[randomInt(LETTERS_AND_DIGITS.length)]
  return nonce
}

export interface CardExtOptions {
  /** The `wx_card` api_ticket (a server secret: it signs, it never travels). */
  apiTicket: string
  cardId: string
  /** Custom-code (自定义 code) cards only: the code to issue, ≤ 20 letters/digits. */
  code?: string | undefined
  /** Cards bound to one user only: that user's openid, from your own session. */
  openid?: string | undefined
  /** Unsigned; comes back in WeChat's card events. */
  outerStr?: string | undefined
  /** Unsigned; Unix seconds. */
  fixedBeginTimestamp?: number | undefined
  /** Unix seconds; defaults to now. */
  timestamp?: number | undefined
  /** Defaults to createNonceStr(). */
  nonceStr?: string | undefined
}

/**
 * The cardExt JSON string for wx.addCard, signed over exactly the signed keys it carries. Every value is checked
 * with the client's rules (utils/rules.ts), so a cardExt that would fail in the mini-program fails here, on the
 * server. Throws TypeError naming the option.
 */
export function createCardExt(options: CardExtOptions): string {
  if (!options || !isNonEmptyString(options.apiTicket)) throw new TypeError('createCardExt: apiTicket is required')
  // a ticket read from a file or an env var may end in a newline: WeChat would answer 签名错误
  if (exactValueProblem(options.apiTicket)) {
    throw new TypeError('createCardExt: apiTicket has whitespace or a control character')
  }
  const cardIdProblem = exactValueProblem(options.cardId)
  if (cardIdProblem) throw new TypeError(`createCardExt: cardId ${cardIdProblem}`)
  const cardExt = cardExtFromOptions({
    ...options,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    nonceStr: options.nonceStr ?? createNonceStr(),
  })
  for (const key of CARD_EXT_KEYS) {
    // '' adds nothing to the signature: leave it out rather than send an empty value
    if (cardExt[key] === '' && !CARD_EXT_RULES[key].required) delete cardExt[key]
    const problem = cardExtValueProblem(key, cardExt[key])
    if (problem) throw new TypeError(`createCardExt: ${CARD_EXT_RULES[key].option} ${problem}`)
  }
  const { timestamp, nonceStr, code, openid } = optionsFromCardExt(cardExt) as SignFields
  cardExt.signature = signCardExt({
    apiTicket: options.apiTicket,
    cardId: options.cardId,
    timestamp,
    nonceStr,
    code,
    openid,
  })
  return JSON.stringify(cardExt)
}

/**
 * Recomputes the signature of a cardExt string with `apiTicket` and `cardId` and compares it in constant time.
 * False for anything that cannot be a signed cardExt (not JSON, a signed key that is not a string). Throws
 * TypeError without an apiTicket or cardId.
 */
export function verifyCardExt(cardExt: string, card: { apiTicket: string; cardId: string }): boolean {
  if (!card || !isNonEmptyString(card.apiTicket)) throw new TypeError('verifyCardExt: apiTicket is required')
  if (!isNonEmptyString(card.cardId)) throw new TypeError('verifyCardExt: cardId is required')
  let parsed: unknown
  try {
    parsed = JSON.parse(cardExt)
  } catch {
    return false
  }
  if (!isPlainObject(parsed) || typeof parsed.signature !== 'string') return false
  // A signed key that is present but not a string (a number for timestamp) would be left out of the hash,
  // i.e. unsigned: reject it.
  for (const key of SIGNED_CARD_EXT_KEYS) {
    const value = parsed[key]
    const allowed = typeof value === 'string' || (key === 'timestamp' && typeof value === 'number')
    if (value !== undefined && !allowed) return false
  }
  const { timestamp, nonceStr, code, openid } = optionsFromCardExt(parsed) as SignFields
  let expected: string
  try {
    expected = signCardExt({ apiTicket: card.apiTicket, cardId: card.cardId, timestamp, nonceStr, code, openid })
  } catch {
    return false // e.g. an empty timestamp
  }
  const given = Buffer.from(parsed.signature.toLowerCase())
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected))
}
