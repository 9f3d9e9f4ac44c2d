import { createHash, hash, randomInt, timingSafeEqual } from 'crypto'
import { cardExtValueError } from '../utils/rules'

export interface SignFields {
  apiTicket: string
  cardId: string
  timestamp: number | string
  nonceStr?: string
  code?: string
  openid?: string
}

const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== ''

/** One-shot crypto.hash (Node 20.12+) skips the Hash object; older Node uses createHash. */
const sha1Hex: (data: string | Buffer) => string =
  typeof hash === 'function'
    ? (data) => hash('sha1', data, 'hex')
    : (data) => createHash('sha1').update(data).digest('hex')

/**
 * 卡券签名: sha1 (lowercase hex) of the present values of api_ticket, timestamp, card_id, code,
 * openid and nonce_str, sorted in byte order and joined with nothing. Empty optional values are left out.
 */
export function signCardExt(f: SignFields): string {
  // Without these the hash would no longer depend on the secret or the card: refuse rather than sign.
  if (!f || !isNonEmpty(f.apiTicket)) throw new TypeError('signCardExt: apiTicket is required')
  if (!isNonEmpty(f.cardId)) throw new TypeError('signCardExt: cardId is required')
  const timestamp = typeof f.timestamp === 'number' ? String(f.timestamp) : f.timestamp
  if (!isNonEmpty(timestamp)) throw new TypeError('signCardExt: timestamp is required')
  const values = [f.apiTicket, timestamp, f.cardId]
  if (isNonEmpty(f.code)) values.push(f.code)
  if (isNonEmpty(f.openid)) values.push(f.openid)
  if (isNonEmpty(f.nonceStr)) values.push(f.nonceStr)
  // Insertion sort of at most six strings: cheaper than Array#sort on this hot path (servers sign per tap).
  for (let i = 1; i < values.length; i++) {
    const x = values[i]
    let k = i - 1
    for (; k >= 0 && values[k] > x; k--) values[k + 1] = values[k]
    values[k + 1] = x
  }
  const joined = values.join('')
  // Code-unit order is byte order for ASCII, which is all WeChat's values are; anything else sorts by UTF-8 bytes.
  if (Buffer.byteLength(joined) !== joined.length) {
    return sha1Hex(Buffer.concat(values.map((v) => Buffer.from(v, 'utf8')).sort(Buffer.compare)))
  }
  return sha1Hex(joined)
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random nonce_str of letters and digits (crypto randomness, no modulo bias). */
export function createNonceStr(length = 32): string {
  if (!Number.isInteger(length) || length < 1 || length > 32) {
    throw new RangeError(`nonce_str length must be an integer 1..32, got ${length}`)
  }
  let s = ''
  for (let i = 0; i < length; i++) s += ALNUM[randomInt(ALNUM.length)]
  return s
}

export interface CardExtOptions {
  apiTicket: string
  cardId: string
  code?: string
  openid?: string
  outerStr?: string
  fixedBeginTimestamp?: number
  /** Unix seconds; defaults to now. */
  timestamp?: number
  /** Defaults to createNonceStr(). */
  nonceStr?: string
}

/** The cardExt JSON string for wx.addCard, signed over exactly the signed keys it carries. */
export function createCardExt(o: CardExtOptions): string {
  if (!o || !isNonEmpty(o.apiTicket)) throw new TypeError('createCardExt: apiTicket is required')
  if (!isNonEmpty(o.cardId)) throw new TypeError('createCardExt: cardId is required')
  for (const k of ['code', 'openid', 'outerStr', 'nonceStr'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'string') throw new TypeError(`createCardExt: ${k} must be a string`)
  }
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000)
  const nonceStr = o.nonceStr ?? createNonceStr()
  const ext: Record<string, string | number> = {}
  if (o.code) ext.code = o.code
  if (o.openid) ext.openid = o.openid
  ext.timestamp = timestamp
  if (nonceStr) ext.nonce_str = nonceStr
  // fixed_begintimestamp and outer_str travel in cardExt but are not part of the signature.
  if (o.fixedBeginTimestamp !== undefined) ext.fixed_begintimestamp = o.fixedBeginTimestamp
  if (o.outerStr) ext.outer_str = o.outerStr
  // The client's rules (utils/rules.ts): a cardExt that would fail in the mini-program fails here, on the server.
  for (const [key, value] of Object.entries(ext)) {
    const why = cardExtValueError(key, value)
    if (why) throw new TypeError(`createCardExt: ${key} ${why}, got ${JSON.stringify(value)}`)
  }
  ext.signature = signCardExt({
    apiTicket: o.apiTicket,
    cardId: o.cardId,
    timestamp,
    nonceStr,
    code: o.code,
    openid: o.openid,
  })
  return JSON.stringify(ext)
}

/** Recomputes the signature of a cardExt string and compares it in constant time. */
export function verifyCardExt(cardExt: string, o: { apiTicket: string; cardId: string }): boolean {
  if (!o || !isNonEmpty(o.apiTicket)) throw new TypeError('verifyCardExt: apiTicket is required')
  if (!isNonEmpty(o.cardId)) throw new TypeError('verifyCardExt: cardId is required')
  let ext: unknown
  try {
    ext = JSON.parse(cardExt)
  } catch (e) {
    return false
  }
  if (!ext || typeof ext !== 'object' || Array.isArray(ext)) return false
  const f = ext as Record<string, unknown>
  if (typeof f.signature !== 'string') return false
  if (typeof f.timestamp !== 'number' && typeof f.timestamp !== 'string') return false
  // A signed key that is present but not a string would be left out of the hash, i.e. unsigned: reject it.
  for (const k of ['nonce_str', 'code', 'openid']) {
    if (f[k] !== undefined && typeof f[k] !== 'string') return false
  }
  let want: string
  try {
    want = signCardExt({
      apiTicket: o.apiTicket,
      cardId: o.cardId,
      timestamp: f.timestamp,
      nonceStr: f.nonce_str as string | undefined,
      code: f.code as string | undefined,
      openid: f.openid as string | undefined,
    })
  } catch (e) {
    return false // e.g. an empty timestamp
  }
  const got = Buffer.from(f.signature.toLowerCase())
  return got.length === want.length && timingSafeEqual(got, Buffer.from(want))
}
