// One POST of JSON (or one GET) to your server through wx.request, for the tags and clients that fetch what they need
// from it (the card-ext, send-coupon and pay-coupons endpoints). Every failure is a CardError('source') whose message
// names its cause.
import { CardError } from './error'
import { isPlainObject } from './rules'

export interface JsonPostOptions<Answer> {
  /** Your endpoint (HTTPS, in request 合法域名). */
  url: string
  /** Sent as JSON (POST), or as the query string (GET). */
  body: object
  /** Default 'POST'. */
  method?: 'GET' | 'POST' | undefined
  /** e.g. `{ Authorization: 'Bearer <your login token>' }`: wx.request sends no cookies. */
  header?: Record<string, string> | undefined
  /** ms before the request counts as failed. */
  timeoutMs: number
  /** Starts every message: `card source`, `send-coupon source`. */
  label: string
  /** Checks a `200` JSON answer and returns what it carries; throws CardError('source') for a wrong shape. */
  read(data: unknown): Answer
}

/** A CardError('source') whose message starts with the label: `card source: <message>`. */
export const sourceError = (label: string, message: string, detail: string): CardError =>
  new CardError('source', `${label}: ${message}`, { detail })

/**
 * `POST url` with `body` as JSON (wx.request); with `method: 'GET'`, `GET url` with `body` as the query string. Resolves `read(data)` of a `200` answer. Rejects CardError('source')
 * naming the cause: the request failed, no answer within `timeoutMs`, an HTTP status other than 200 (with the
 * server's `message` when it sent one), an answer that is not JSON, or what `read` threw.
 */
export function postJson<Answer>(options: JsonPostOptions<Answer>): Promise<Answer> {
  const { url, label, timeoutMs } = options
  return new Promise((resolve, reject) => {
    // wx.request's own timeout is 2.10.0+; this timer covers older clients and one that never calls back
    const noAnswer = () => sourceError(label, `no answer from ${url} within ${timeoutMs} ms`, 'timeout')
    const timer = setTimeout(() => reject(noAnswer()), timeoutMs)
    const settle = (outcome: () => void) => {
      clearTimeout(timer)
      outcome()
    }
    // wx.request's own timeout and this timer say the same: no answer in time
    const failed = (errMsg: string) =>
      settle(() =>
        reject(/timeout/.test(errMsg) ? noAnswer() : sourceError(label, `request to ${url} failed: ${errMsg}`, errMsg)),
      )
    try {
      wx.request({
        url,
        method: options.method ?? 'POST',
        data: options.body as WechatMiniprogram.IAnyObject,
        header: { 'content-type': 'application/json', ...options.header },
        timeout: timeoutMs,
        success: ({ statusCode, data }) =>
          settle(() => {
            if (statusCode !== 200) {
              const said = isPlainObject(data) && typeof data.message === 'string' ? `: ${data.message}` : ''
              return reject(sourceError(label, `${url} answered HTTP ${statusCode}${said}`, `HTTP ${statusCode}`))
            }
            // wx.request parses JSON itself and hands over the text when it cannot
            if (typeof data === 'string')
              return reject(sourceError(label, `${url} answered something that is not JSON`, 'not JSON'))
            try {
              resolve(options.read(data))
            } catch (error) {
              reject(error)
            }
          }),
        fail: ({ errMsg }) => failed(errMsg),
      })
    } catch (thrown) {
      failed(thrown instanceof Error ? thrown.message : String(thrown))
    }
  })
}
