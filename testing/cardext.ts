// How the simulated client judges one cardExt before the user sees the card page.
import { verifyCardExt } from '../server/sign'
import { SIGNED_CARD_EXT_KEYS, cardExtValueProblem, isCardExtKey, isPlainObject } from '../utils/rules'

export const SIGN_ERROR = '签名错误'
export const PARAM_ERROR = '参数错误'

export interface CardRules {
  useCustomCode?: boolean
  bindOpenid?: boolean
}

/** The fields of an accepted cardExt (empty strings count as absent, as in signCardExt). */
export interface CheckedExt {
  timestamp: string
  nonceStr: string
  code?: string
  openid?: string
  outerStr?: string
}

const present = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * Returns the accepted fields, or the failure detail (`签名错误` / `参数错误`) for `addCard:fail <detail>`.
 * Signature problems are checked before parameter rules, so a card with both shows 签名错误 like the client.
 */
export function checkCardExt(
  cardExt: unknown,
  o: { apiTicket: string; cardId: string; openid: string; card: CardRules },
): CheckedExt | string {
  // iOS reads the fields out of a string only; an object arrives with nothing to verify.
  if (typeof cardExt !== 'string') return SIGN_ERROR
  let ext: unknown
  try {
    ext = JSON.parse(cardExt)
  } catch (e) {
    return SIGN_ERROR
  }
  if (!isPlainObject(ext)) return SIGN_ERROR
  const f = ext
  // api_ticket inside, or any unknown key, cannot be part of what WeChat signs.
  if (Object.keys(f).some((k) => !isCardExtKey(k))) return SIGN_ERROR
  if (f.timestamp === undefined || typeof f.signature !== 'string') return SIGN_ERROR
  // A non-string signed field is a signature problem, reported before any parameter rule (as the client does).
  for (const k of SIGNED_CARD_EXT_KEYS) {
    if (k !== 'timestamp' && f[k] !== undefined && typeof f[k] !== 'string') return SIGN_ERROR
  }
  if (!verifyCardExt(cardExt, { apiTicket: o.apiTicket, cardId: o.cardId })) return SIGN_ERROR
  // Value rules WeChat documents (seconds, nonce ≤ 32, code ≤ 20 letters/digits, exact ids): the client's table.
  if (Object.keys(f).some((k) => cardExtValueProblem(k, f[k]))) return PARAM_ERROR

  const code = present(f.code)
  const openid = present(f.openid)
  const nonceStr = present(f.nonce_str) ?? ''
  // code iff the card uses custom codes; openid iff the card is bound, and then only the current user's.
  if (Boolean(o.card.useCustomCode) !== (code !== undefined)) return PARAM_ERROR
  if (Boolean(o.card.bindOpenid) !== (openid !== undefined)) return PARAM_ERROR
  if (openid !== undefined && openid !== o.openid) return PARAM_ERROR
  return { timestamp: String(f.timestamp), nonceStr, code, openid, outerStr: present(f.outer_str) }
}
