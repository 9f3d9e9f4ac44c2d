import { invalid } from './error'

/** The keys of a cardExt after parsing (WeChat's snake_case names). */
export interface CardExtFields {
  timestamp: number | string
  signature: string
  nonce_str?: string
  code?: string
  openid?: string
  outer_str?: string
  fixed_begintimestamp?: number | string
}

/** One card for wx.addCard; cardExt may be the JSON string or the object (it is serialized for you). */
export interface AddCardInput {
  cardId: string
  cardExt: string | CardExtFields
}

/** One card for wx.openCard: `code` is the decrypted code. */
export type OpenCardInput = WechatMiniprogram.OpenCardRequestInfo

type Check = (v: unknown) => string | undefined

const INT = /^\d+$/
const ALNUM = (max: number): Check => (v) =>
  typeof v === 'string' && v.length <= max && /^[A-Za-z0-9]*$/.test(v) ? undefined : `must be ≤ ${max} letters/digits`
const STR: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string')
const SECONDS: Check = (v) =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && INT.test(v))
    ? Number(v) > 9999999999
      ? 'must be seconds, not ms'
      : undefined
    : 'must be integer seconds'

// Exactly the keys WeChat accepts; the signed set must equal this set as sent.
const RULES: Record<keyof CardExtFields, Check> = {
  timestamp: SECONDS,
  signature: (v) => (typeof v === 'string' && /^[0-9a-fA-F]{40}$/.test(v) ? undefined : 'must be 40 hex digits'),
  nonce_str: ALNUM(32),
  code: ALNUM(20),
  openid: STR,
  outer_str: STR,
  fixed_begintimestamp: SECONDS,
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses (when a string) and checks a cardExt; throws CardError('invalid') naming the field. */
export function validateCardExt(ext: string | object, index?: number): CardExtFields {
  let o: unknown = ext
  if (typeof ext === 'string') {
    try {
      o = JSON.parse(ext)
    } catch (e) {
      throw invalid('is not valid JSON', 'cardExt', index)
    }
  }
  if (!isObject(o)) throw invalid('must be a JSON object', 'cardExt', index)
  for (const key of Object.keys(o)) {
    const rule = (RULES as Record<string, Check>)[key]
    const why = key === 'api_ticket'
      ? 'is a server secret: sign on the server, never send it'
      : rule
        ? o[key] === undefined ? undefined : rule(o[key])
        : 'is not a cardExt key'
    if (why) throw invalid(why, `cardExt.${key}`, index)
  }
  for (const key of ['timestamp', 'signature'] as const) {
    if (o[key] === undefined) throw invalid('is required', `cardExt.${key}`, index)
  }
  return o as unknown as CardExtFields
}

function checkList<T>(list: unknown, each: (item: Record<string, unknown>, i: number) => T): T[] {
  if (!Array.isArray(list) || !list.length) throw invalid('must be a non-empty array')
  return list.map((item: unknown, i) => {
    if (!isObject(item)) throw invalid('must be an object', undefined, i)
    if (typeof item.cardId !== 'string' || !item.cardId.trim()) throw invalid('must be a non-empty string', 'cardId', i)
    return each(item, i)
  })
}

/** Validates cards for wx.addCard and returns them with cardExt as a JSON string. */
export function normalizeCardList(list: readonly AddCardInput[]): WechatMiniprogram.AddCardRequestInfo[] {
  return checkList(list, (item, i) => {
    const ext = item.cardExt
    if (typeof ext !== 'string' && !isObject(ext)) throw invalid('is required', 'cardExt', i)
    validateCardExt(ext, i)
    return { cardId: item.cardId as string, cardExt: typeof ext === 'string' ? ext : JSON.stringify(ext) }
  })
}

/** Validates cards for wx.openCard: each needs a cardId and its decrypted code. */
export function normalizeOpenList(list: readonly OpenCardInput[]): OpenCardInput[] {
  return checkList(list, (item, i) => {
    if (typeof item.code !== 'string' || !item.code) throw invalid('must be the decrypted code', 'code', i)
    return { cardId: item.cardId as string, code: item.code }
  })
}
