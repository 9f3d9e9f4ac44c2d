// Why a row of <open-card-list> can never open, in words with the fix, for the devtools console: the rules of
// wx.openCard's validation (utils/rules.ts) plus the row's own fields. card-row.wxs makes the same decision for the
// template and the tap, without words (WXS cannot import TypeScript); a test holds the two equal.
import { WECHAT_USER_CARD_STATUSES, decryptedCodeProblem, exactValueProblem, secondsProblem } from '../../utils/index'
import type { problem } from './card-row.wxs'

type RowField = Exclude<ReturnType<typeof problem>, ''>

/**
 * What is wrong with a row, and the fix, by the rules wx.openCard's validation uses (utils/rules.ts); card-row.wxs
 * makes the same decision in the template (a test holds the two equal). undefined when nothing is wrong.
 */
export function rowProblem(card: unknown): { field: RowField; problem: string } | undefined {
  if (!card || typeof card !== 'object') return { field: 'card', problem: 'must be an object' }
  const row = card as Record<string, unknown>
  const cardId = exactValueProblem(row.cardId)
  if (cardId) return { field: 'cardId', problem: cardId }
  if (row.code !== undefined && row.code !== null && row.code !== '') {
    const code = exactValueProblem(row.code)
    if (code) return { field: 'code', problem: `${code}: pass the decrypted code from card/code/decrypt, as a string` }
    const encrypted = decryptedCodeProblem(row.code)
    if (encrypted) return { field: 'code', problem: encrypted }
  }
  const status = row.status
  if (status !== undefined && status !== null && !(typeof status === 'string' && hasStatusWords(status))) {
    return { field: 'status', problem: `must be one of WeChat's user_card_status values or UNKNOWN` }
  }
  for (const field of ['beginTime', 'endTime'] as const) {
    if (row[field] === undefined || row[field] === null) continue
    const time = secondsProblem(row[field])
    if (time) return { field, problem: `${time} (Unix seconds)` }
  }
  return undefined
}

/** One of WeChat's user_card_status values, or UNKNOWN (`constructor` is none of them). */
function hasStatusWords(status: string): boolean {
  return status === 'UNKNOWN' || (WECHAT_USER_CARD_STATUSES as readonly string[]).includes(status)
}
