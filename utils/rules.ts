// The card rules in one place: every cardExt key WeChat accepts (what its value must look like, whether it is
// part of the 卡券签名, its camelCase option name) and the values WeChat matches exactly (cardId, code, openid,
// encrypt_code). The client validator, the server toolkit's cardExt signing and checking, and the card-platform
// simulator all read this table, so all three judge a card alike. No wx here.

/** Why a value is not acceptable, in words that describe the value ('' when it is acceptable). */
export type ValueProblem = string

/** Own-property test: a key such as `constructor` or `__proto__` never finds an inherited member. */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key)
}

/** A plain JSON-style object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `string`, `number`, `array`, `null`… for messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}

// Whitespace (\s: spaces, tabs, line breaks, NBSP, U+2028/2029, U+3000, BOM), control characters (C0, DEL, C1)
// and the zero-width ones that hide in copied text (ZWSP, ZWNJ, ZWJ, word joiner).
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2060]/

// A high surrogate not followed by a low one, or a low one not preceded by a high one: half a character, which
// no UTF-8 encoder can send as it is (it becomes U+FFFD on the way, so WeChat would receive another value).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/

/** True when `text` holds half of a UTF-16 surrogate pair (a lone surrogate). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text)
}

const LONE_SURROGATE_PROBLEM = 'contains a lone UTF-16 surrogate (half of an emoji or rare character: cut text)'

/**
 * A value WeChat compares byte for byte (card_id, code, openid, encrypt_code): a non-empty string with no
 * whitespace or control characters anywhere (a stray space or newline turns it into another id).
 */
export function exactValueProblem(value: unknown): ValueProblem {
  if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`
  if (value === '') return 'is empty'
  if (value.trim() !== value) return 'has leading or trailing whitespace (WeChat matches it exactly)'
  if (WHITESPACE_OR_CONTROL.test(value)) return 'contains whitespace or a control character (WeChat matches it exactly)'
  if (hasLoneSurrogate(value)) return LONE_SURROGATE_PROBLEM
  return ''
}

/** The longest code WeChat issues or accepts (a custom code: at most 20 letters and digits). */
export const MAX_CODE_LENGTH = 20

/**
 * A decrypted card code, as wx.openCard needs it: an exact value (exactValueProblem) of at most 20 characters.
 * A longer one is the encrypted code wx.addCard answered (base64, 24+ characters): decrypt it on the server.
 */
export function decryptedCodeProblem(value: unknown): ValueProblem {
  const problem = exactValueProblem(value)
  if (problem) return problem
  if ((value as string).length > MAX_CODE_LENGTH) {
    return `is ${(value as string).length} characters, longer than any WeChat code (at most ${MAX_CODE_LENGTH}): it looks like the encrypted code from wx.addCard; decrypt it on your server (card/code/decrypt)`
  }
  return ''
}

/** Unix time in whole seconds: a number or a string of digits, at most 10 digits. */
export function secondsProblem(value: unknown): ValueProblem {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return `must be integer seconds (a number or a string of digits), got ${describeType(value)}`
  }
  const digits = String(value)
  if (digits === '') return 'is empty'
  // String(): NaN and Infinity read as themselves (JSON.stringify would say null)
  if (!/^\d+$/.test(digits)) {
    return `must be integer seconds (digits only), got ${typeof value === 'number' ? digits : JSON.stringify(value)}`
  }
  // 13 digits is Date.now(): the usual mistake.
  if (digits.length === 13) return 'looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)'
  if (digits.length > 10) return `is too long: ${digits.length} digits (Unix seconds have at most 10)`
  return ''
}

/** Up to `max` ASCII letters and digits. */
function lettersAndDigits(max: number): (value: unknown) => ValueProblem {
  return (value) => {
    if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`
    if (value.length > max) return `is too long: ${value.length} characters (at most ${max})`
    if (!/^[A-Za-z0-9]*$/.test(value)) return 'may contain only letters and digits (A-Z, a-z, 0-9)'
    return ''
  }
}

function signatureProblem(value: unknown): ValueProblem {
  if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`
  if (value === '') return 'is empty'
  if (value.length !== 40) return `must be 40 hex digits (a sha1), got ${value.length} characters`
  if (!/^[0-9A-Fa-f]+$/.test(value)) return 'may contain only hex digits (0-9, a-f)'
  return ''
}

function textProblem(value: unknown): ValueProblem {
  if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`
  return hasLoneSurrogate(value) ? LONE_SURROGATE_PROBLEM : ''
}

/** An optional exact-match value: '' means absent (it adds nothing to the signature). */
function optionalExactValueProblem(value: unknown): ValueProblem {
  return value === '' ? '' : exactValueProblem(value)
}

/** What WeChat expects of one cardExt key. */
export interface CardExtKeyRule {
  /** The same value as a camelCase option of the server toolkit (cardExt signing). */
  readonly option: 'timestamp' | 'signature' | 'nonceStr' | 'code' | 'openid' | 'outerStr' | 'fixedBeginTimestamp'
  /** Part of the 卡券签名 (with the server's ticket and the card's id); the others travel unsigned. */
  readonly signed: boolean
  /** WeChat refuses a cardExt without it. */
  readonly required: boolean
  /** What is wrong with a present value ('' when nothing). */
  readonly problem: (value: unknown) => ValueProblem
}

/**
 * Exactly the keys WeChat reads from a cardExt (JS-SDK 附录4 卡券扩展字段). The signature covers the signed keys
 * a cardExt carries, so any other key (a typo, `card_id`, `nonceStr`) can never verify.
 */
export const CARD_EXT_RULES: Readonly<Record<CardExtKey, CardExtKeyRule>> = {
  timestamp: { option: 'timestamp', signed: true, required: true, problem: secondsProblem },
  signature: { option: 'signature', signed: false, required: true, problem: signatureProblem },
  nonce_str: { option: 'nonceStr', signed: true, required: false, problem: lettersAndDigits(32) },
  code: { option: 'code', signed: true, required: false, problem: lettersAndDigits(20) },
  openid: { option: 'openid', signed: true, required: false, problem: optionalExactValueProblem },
  outer_str: { option: 'outerStr', signed: false, required: false, problem: textProblem },
  fixed_begintimestamp: { option: 'fixedBeginTimestamp', signed: false, required: false, problem: secondsProblem },
}

/** WeChat's snake_case cardExt keys. */
export type CardExtKey =
  'timestamp' | 'signature' | 'nonce_str' | 'code' | 'openid' | 'outer_str' | 'fixed_begintimestamp'

/** Every cardExt key, in the table's order. */
export const CARD_EXT_KEYS = Object.keys(CARD_EXT_RULES) as CardExtKey[]

/** The cardExt keys that are part of the signature (besides the server's ticket and the card's id). */
export const SIGNED_CARD_EXT_KEYS = CARD_EXT_KEYS.filter((key) => CARD_EXT_RULES[key].signed)

/** True for a key WeChat reads from a cardExt (own-property look-up: `constructor` is not one). */
export function isCardExtKey(key: string): key is CardExtKey {
  return hasOwn(CARD_EXT_RULES, key)
}

/**
 * What is wrong with `value` as cardExt key `key` ('' when nothing; undefined counts as absent).
 * An unknown key, or the server's secret ticket sent by mistake, is a problem whatever its value.
 */
export function cardExtValueProblem(key: string, value: unknown): ValueProblem {
  if (key === 'api_ticket') return 'is a server secret: sign on the server and never send it to the mini-program'
  if (!isCardExtKey(key))
    return 'is not a cardExt key (WeChat reads timestamp, signature, nonce_str, code, openid, outer_str, fixed_begintimestamp)'
  return value === undefined ? '' : CARD_EXT_RULES[key].problem(value)
}

/** The camelCase name of each cardExt value, as the server toolkit takes it. */
export type CardExtOption = CardExtKeyRule['option']

/** camelCase options → the cardExt's snake_case keys, in the table's order; undefined values are left out. */
export function cardExtFromOptions(
  options: Partial<Record<CardExtOption, unknown>>,
): Partial<Record<CardExtKey, unknown>> {
  const cardExt: Partial<Record<CardExtKey, unknown>> = {}
  for (const key of CARD_EXT_KEYS) {
    const value = options[CARD_EXT_RULES[key].option]
    if (value !== undefined) cardExt[key] = value
  }
  return cardExt
}

/** A cardExt's snake_case keys → camelCase options (unknown keys are left out). */
export function optionsFromCardExt(cardExt: Record<string, unknown>): Partial<Record<CardExtOption, unknown>> {
  const options: Partial<Record<CardExtOption, unknown>> = {}
  for (const key of CARD_EXT_KEYS) if (hasOwn(cardExt, key)) options[CARD_EXT_RULES[key].option] = cardExt[key]
  return options
}
