import { invalid } from './error'
import { cardExtValueError } from './rules'

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses (when a string) and checks a cardExt; throws CardError('invalid') naming the field. */
export function validateCardExt(ext: string | object, index?: number): CardExtFields {
  // '' is what a card-ext binding holds before the page has loaded it
  if (ext == null || ext === '') throw invalid('is required', 'cardExt', index)
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
    const why = cardExtValueError(key, o[key])
    if (why) throw invalid(why, `cardExt.${key}`, index)
  }
  for (const key of ['timestamp', 'signature'] as const) {
    if (o[key] === undefined) throw invalid('is required', `cardExt.${key}`, index)
  }
  return o as unknown as CardExtFields
}

/** `at[i]` is how the caller numbers item i in messages (a subset of a longer list); default: i. */
function checkList<T>(
  list: unknown,
  each: (item: Record<string, unknown>, i: number) => T,
  at?: readonly number[],
): T[] {
  if (!Array.isArray(list) || !list.length) throw invalid('must be a non-empty array')
  return list.map((item: unknown, i) => {
    const n = at ? at[i] : i
    if (!isObject(item)) throw invalid('must be an object', undefined, n)
    if (typeof item.cardId !== 'string' || !item.cardId.trim()) throw invalid('must be a non-empty string', 'cardId', n)
    return each(item, n)
  })
}

/** Validates cards for wx.addCard and returns them with cardExt as a JSON string. */
export function normalizeCardList(list: readonly AddCardInput[]): WechatMiniprogram.AddCardRequestInfo[] {
  return checkList(list, (item, i) => {
    const ext = item.cardExt as string | object
    validateCardExt(ext, i)
    return { cardId: item.cardId as string, cardExt: typeof ext === 'string' ? ext : JSON.stringify(ext) }
  })
}

/**
 * Validates cards for wx.openCard: each needs a cardId and its decrypted code. `at` numbers the items in
 * messages when they are a subset of a longer list (the selected rows of a list).
 */
export function normalizeOpenList(list: readonly OpenCardInput[], at?: readonly number[]): OpenCardInput[] {
  return checkList(
    list,
    (item, i) => {
      if (typeof item.code !== 'string' || !item.code) throw invalid('must be the decrypted code', 'code', i)
      return { cardId: item.cardId as string, code: item.code }
    },
    at,
  )
}
