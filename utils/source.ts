// Where <add-card-button> gets fresh cards at tap time: your server's card-ext endpoint (the protocol of
// utils/protocol.ts) or a function of the page. Every failure is a CardError('source') that names its cause.
import { CardError } from './error'
import type { CardExtRequestBody, CardExtResponseBody } from './protocol'
import { isPlainObject } from './rules'
import type { AddCardInput } from './validate'

/** A page's own way to get fresh cards for `cardIds` (custom auth or transport): resolve `{ cardId, cardExt }[]`. */
export type CardSource = (cardIds: string[]) => Promise<AddCardInput[]> | AddCardInput[]

export interface CardExtRequestOptions {
  /** Your card-ext endpoint (HTTPS, in request 合法域名). */
  url: string
  cardIds: string[]
  /** Extra fields, sent as `data` in the body. */
  data?: Record<string, unknown> | undefined
  /** e.g. `{ Authorization: 'Bearer <your login token>' }`: wx.request sends no cookies. */
  header?: Record<string, string> | undefined
  /** ms before the request counts as failed. */
  timeoutMs: number
}

const sourceError = (message: string, detail: string) => new CardError('source', `card source: ${message}`, { detail })

/**
 * Checks what a source answered: `{ cardList: [{ cardId, cardExt }] }` (the endpoint) or the list itself (a
 * function). Throws CardError('source') for anything else; the cards themselves are validated later, by the call.
 */
export function cardListFromSource(answer: unknown): AddCardInput[] {
  const list = Array.isArray(answer) ? answer : isPlainObject(answer) ? answer.cardList : undefined
  const shaped =
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((card: unknown) => isPlainObject(card) && typeof card.cardId === 'string' && card.cardExt !== undefined)
  if (!shaped) {
    throw sourceError('the answer must be { cardList: [{ cardId, cardExt }, …] } with at least one card', 'shape')
  }
  return list as AddCardInput[]
}

/**
 * Asks the card-ext endpoint for fresh cards: `POST url` with `{ cardIds, data }` (wx.request). Resolves the
 * `cardList` of a `200` answer. Rejects CardError('source') naming the cause: the request failed, no answer
 * within `timeoutMs`, an HTTP status other than 200 (with the server's `message` when it sent one), an answer
 * that is not JSON or has the wrong shape.
 */
export function requestCardList(options: CardExtRequestOptions): Promise<AddCardInput[]> {
  return new Promise((resolve, reject) => {
    const body: CardExtRequestBody = { cardIds: options.cardIds, data: options.data }
    // wx.request's own timeout is 2.10.0+; this timer covers older clients and one that never calls back
    const noAnswer = () => sourceError(`no answer from ${options.url} within ${options.timeoutMs} ms`, 'timeout')
    const timer = setTimeout(() => reject(noAnswer()), options.timeoutMs)
    const settle = (outcome: () => void) => {
      clearTimeout(timer)
      outcome()
    }
    // wx.request's own timeout and this timer say the same: no answer in time
    const failed = (errMsg: string) =>
      settle(() =>
        reject(
          /timeout/.test(errMsg) ? noAnswer() : sourceError(`request to ${options.url} failed: ${errMsg}`, errMsg),
        ),
      )
    try {
      wx.request({
        url: options.url,
        method: 'POST',
        data: body as unknown as WechatMiniprogram.IAnyObject,
        header: { 'content-type': 'application/json', ...options.header },
        timeout: options.timeoutMs,
        success: ({ statusCode, data }) =>
          settle(() => {
            if (statusCode !== 200) {
              const said = isPlainObject(data) && typeof data.message === 'string' ? `: ${data.message}` : ''
              return reject(sourceError(`${options.url} answered HTTP ${statusCode}${said}`, `HTTP ${statusCode}`))
            }
            // wx.request parses JSON itself and hands over the text when it cannot
            if (typeof data === 'string')
              return reject(sourceError(`${options.url} answered something that is not JSON`, 'not JSON'))
            try {
              resolve(cardListFromSource(data as CardExtResponseBody))
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

/**
 * Calls a source with `cardIds` and checks its answer's shape. A rejection or a wrong shape becomes
 * CardError('source') naming the cause (a CardError the source threw is kept as it is).
 */
export async function fetchFreshCards(source: CardSource, cardIds: string[]): Promise<AddCardInput[]> {
  let answer: unknown
  try {
    answer = await source(cardIds)
  } catch (error) {
    if (error instanceof CardError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw sourceError(`the page's source failed: ${reason}`, reason)
  }
  return cardListFromSource(answer)
}
