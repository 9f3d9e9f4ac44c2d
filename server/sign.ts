import { createHash, randomInt, timingSafeEqual } from 'crypto'

export interface SignFields {
  apiTicket: string
  cardId: string
  timestamp: number | string
  nonceStr?: string
  code?: string
  openid?: string
}

/**
 * 卡券签名: sha1 (lowercase hex) of the present values of api_ticket, timestamp, card_id, code,
 * openid and nonce_str, sorted in byte order and joined with nothing. Empty optional values are left out.
 */
export function signCardExt(f: SignFields): string {
  const values = [f.apiTicket, String(f.timestamp), f.cardId, f.code, f.openid, f.nonceStr]
    .filter((v): v is string => typeof v === 'string' && v !== '')
  // Plain string comparison orders by UTF-16 code unit, which equals byte order for the ASCII WeChat uses.
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha1').update(values.join(''), 'utf8').digest('hex')
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
  if (!o || typeof o.apiTicket !== 'string' || !o.apiTicket) throw new TypeError('createCardExt: apiTicket is required')
  if (typeof o.cardId !== 'string' || !o.cardId) throw new TypeError('createCardExt: cardId is required')
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000)
  const nonceStr = o.nonceStr ?? createNonceStr()
  const ext: Record<string, string | number> = {}
  if (o.code) ext.code = o.code
  if (o.openid) ext.openid = o.openid
  ext.timestamp = timestamp
  if (nonceStr) ext.nonce_str = nonceStr
  if (o.fixedBeginTimestamp !== undefined) ext.fixed_begintimestamp = o.fixedBeginTimestamp
  if (o.outerStr) ext.outer_str = o.outerStr
  ext.signature = signCardExt({ apiTicket: o.apiTicket, cardId: o.cardId, timestamp, nonceStr, code: o.code, openid: o.openid })
  return JSON.stringify(ext)
}

/** Recomputes the signature of a cardExt string and compares it in constant time. */
export function verifyCardExt(cardExt: string, o: { apiTicket: string; cardId: string }): boolean {
  let ext: Record<string, unknown>
  try {
    ext = JSON.parse(cardExt)
  } catch (e) {
    return false
  }
  if (!ext || typeof ext !== 'object' || typeof ext.signature !== 'string' || ext.timestamp === undefined) return false
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const want = signCardExt({
    apiTicket: o.apiTicket,
    cardId: o.cardId,
    timestamp: ext.timestamp as number | string,
    nonceStr: str(ext.nonce_str),
    code: str(ext.code),
    openid: str(ext.openid),
  })
  const got = Buffer.from(ext.signature.toLowerCase())
  return got.length === want.length && timingSafeEqual(got, Buffer.from(want))
}
