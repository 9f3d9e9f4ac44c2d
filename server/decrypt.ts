import { exactValueProblem } from '../utils/rules'
import {
  checkTransport,
  requestWeChat,
  wechatError,
  withAccessToken,
  type AccessTokenSource,
  type TransportOptions,
} from './wechat'
import { WECHAT_API } from './constants'

interface DecryptCardCodeBase extends TransportOptions {
  /** The encrypt_code WeChat handed you (wx.addCard's `code`, the card's jump URL, a card event), as it was issued. */
  encryptCode: string
}

/** Options of `decryptCardCode`: an access_token source (refreshed once when WeChat rejects the token), or a fixed token. */
export type DecryptCardCodeOptions = DecryptCardCodeBase &
  (
    | {
        /** Your access_token source, e.g. `createStableAccessTokenProvider(...).getAccessToken`. */
        getAccessToken: AccessTokenSource
        accessToken?: undefined
      }
    | {
        /** A fixed access_token; WeChat's 40001/40014/42001 then reject the call (no refresh). */
        accessToken: string
        getAccessToken?: undefined
      }
  )

const API = WECHAT_API.decryptCode
const FN = 'decryptCardCode'

/**
 * Why an encrypt_code cannot be one WeChat issued (standard base64: letters, digits, `+`, `/`, `=`), or undefined.
 * A space is almost always a `+` that went through a URL query without encodeURIComponent.
 */
function encryptCodeProblem(code: string): string | undefined {
  if (code.includes(' '))
    return "contains a space: a '+' turns into a space when the code passes through a URL query unencoded (use encodeURIComponent)"
  if (/%[0-9A-Fa-f]{2}/.test(code)) return 'is still URL-encoded (decode it once, e.g. with decodeURIComponent)'
  if (/[^A-Za-z0-9+/=_-]/.test(code))
    return 'has characters base64 does not use (whitespace, control characters or punctuation)'
  return undefined
}

/**
 * Turns an encrypt_code into the real card code (what wx.openCard needs) via `POST card/code/decrypt`.
 * With `getAccessToken`, a token WeChat rejects (40001/40014/42001) is refreshed once (`{ forceRefresh: true,
 * rejectedToken }`) and the call repeated. Rejects with a `TypeError` before any request for bad options or an
 * encryptCode that cannot be WeChat's, a `WeChatApiError` when WeChat refuses (40056: invalid code), or an `Error`
 * naming the API for HTTP, JSON and timeout (timeoutMs, default 10 s) failures.
 */
export async function decryptCardCode(o: DecryptCardCodeOptions): Promise<string> {
  if (!o || typeof o !== 'object') throw new TypeError(`${FN}: options are required`)
  const source: AccessTokenSource | undefined = o.getAccessToken
  const fixed: unknown = o.accessToken
  if (source !== undefined && typeof source !== 'function')
    throw new TypeError(`${FN}: getAccessToken must be a function`)
  if (source !== undefined && fixed !== undefined)
    throw new TypeError(`${FN}: pass accessToken or getAccessToken, not both`)
  if (source === undefined && fixed === undefined)
    throw new TypeError(`${FN}: accessToken or getAccessToken is required`)
  if (fixed !== undefined && (typeof fixed !== 'string' || !fixed))
    throw new TypeError(`${FN}: accessToken must be a non-empty string`)
  // WeChat matches the token exactly: one read from a file or an env var may carry a newline (never shown)
  const fixedProblem = fixed === undefined ? '' : exactValueProblem(fixed)
  if (fixedProblem) throw new TypeError(`${FN}: accessToken ${fixedProblem}`)
  if (typeof o.encryptCode !== 'string' || !o.encryptCode) throw new TypeError(`${FN}: encryptCode is required`)
  const problem = encryptCodeProblem(o.encryptCode)
  if (problem) throw new TypeError(`${FN}: encryptCode ${problem}`)
  const transport = checkTransport(FN, o)
  const body = { encrypt_code: o.encryptCode }
  const call = (accessToken: string) => requestWeChat({ api: API, method: 'POST', accessToken, body, ...transport })
  // A fixed token is not refreshed: asking again would send the same rejected token.
  const data = source ? await withAccessToken(FN, source, call) : await call(String(fixed))
  if (typeof data.code !== 'string' || !data.code) throw wechatError(`WeChat ${API}: response has no code`)
  return data.code
}
