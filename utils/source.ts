// Where <add-card-button> gets fresh cards at tap time: your server's card-ext endpoint (the protocol of
// utils/protocol.ts) or a function of the page. Every failure is a CardError('source') that names its cause.
import { CardError } from './error'
import type { CardExtRequestBody, CardExtResponseBody } from './protocol'
import { postJson, sourceError as cardSourceError } from './request'
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
  /** The last add with cards from this endpoint failed with 签名错误: the server asks for a fresh ticket first. */
  signatureFailed?: boolean | undefined
}

const sourceError = (message: string, detail: string) => cardSourceError('card source', message, detail)

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
  const body: CardExtRequestBody = {
    cardIds: options.cardIds,
    data: options.data,
    ...(options.signatureFailed ? { signatureFailed: true } : {}),
  }
  return postJson({
    url: options.url,
    body,
    header: options.header,
    timeoutMs: options.timeoutMs,
    label: 'card source',
    read: (data) => cardListFromSource(data as CardExtResponseBody),
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
