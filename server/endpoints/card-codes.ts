// `POST /card-codes`: the encrypted codes wx.addCard returned, decrypted one by one (card/code/decrypt).
import type { IncomingMessage } from 'http'
import type { CardCodeResult, CardCodesResponseBody } from '../../utils/protocol'
import { isPlainObject } from '../../utils/rules'
import { decryptCardCode } from '../decrypt'
import {
  batchAccessToken,
  mapWithConcurrency,
  WeChatApiError,
  type AccessTokenSource,
  type TransportOptions,
} from '../wechat'
import { checkCatalogue, requireKnown, type CardCatalogue } from './catalogue'
import {
  checkCardId,
  checkHandlerOptions,
  checkWeChatReader,
  count,
  createCore,
  HandlerError,
  itemsOf,
  jsonAnswer,
  nodeHandler,
  type CardHandler,
  type HandlerOptions,
  type HandlerRequest,
} from './core'
export interface CardCodesHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context>, TransportOptions {
  /** Your access_token source: `createStableAccessTokenProvider(...).getAccessToken`. */
  getAccessToken: AccessTokenSource
  /** The cards this server knows (the card-ext table fits): a request naming another is answered 404. Default: every card id. */
  cards?: CardCatalogue<unknown> | undefined
  /**
   * Told each decrypted code, e.g. to remember which user holds it. When it rejects, that code's result is
   * `server_error` (the others still count).
   */
  onCode?:
    | ((
        card: { openid: string; cardId: string; code: string },
        request: HandlerRequest<Context>,
      ) => void | Promise<void>)
    | undefined
  /** Most codes per request. Default 20. */
  maxCodes?: number | undefined
  /** Most card/code/decrypt requests pending at once. Default 4. */
  concurrency?: number | undefined
}

/**
 * `POST` card-codes endpoint: `{ cards: [{ cardId, encryptCode }] }` (what wx.addCard returned) → `200 { cards: [{
 * cardId, code } | { cardId, error: { code, message } }] }`, one result per code in order (card/code/decrypt). A
 * code that is malformed or unknown to WeChat (40056) is `invalid_code`, one WeChat could not decrypt now
 * `wechat_error`, one `onCode` refused `server_error`: the others still count. Request errors: 405, 413, 401,
 * 400, 404 `unknown_card`. card/code/decrypt does not name the card: `cardId` is what the client says, so trust
 * the user-cards endpoint (getcardlist) for what the user holds. Throws a `TypeError` naming the option.
 */
export function createCardCodesHandler<Context = IncomingMessage>(
  o: CardCodesHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createCardCodesHandler'
  const kit = checkHandlerOptions(fn, o)
  const transport = checkWeChatReader(fn, o)
  if (o.cards !== undefined) checkCatalogue(fn, 'cards', o.cards)
  if (o.onCode !== undefined && typeof o.onCode !== 'function') throw new TypeError(`${fn}: onCode must be a function`)
  const maxCodes = count(fn, 'maxCodes', o.maxCodes, 20)
  const concurrency = count(fn, 'concurrency', o.concurrency, 4)
  const { cards, onCode } = o
  const name = 'card-codes handler'

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ openid, body, request }) {
      const items = itemsOf(body, 'cards', maxCodes).map((item, i) => {
        if (!isPlainObject(item))
          throw new HandlerError(400, 'invalid_request', `cards[${i}] must be an object { cardId, encryptCode }`)
        const cardId = checkCardId(item.cardId, `cards[${i}].cardId`)
        if (typeof item.encryptCode !== 'string')
          throw new HandlerError(400, 'invalid_request', `cards[${i}].encryptCode must be a string`)
        return { cardId, encryptCode: item.encryptCode }
      })
      if (cards)
        await requireKnown(
          cards,
          items.map((item) => item.cardId),
          'cards[#].cardId',
        )
      // One token (and at most one refresh) for the whole batch.
      const getAccessToken = batchAccessToken(o.getAccessToken)
      const results = await mapWithConcurrency(items, concurrency, async ({ cardId, encryptCode }, i) => {
        const failed = (code: 'invalid_code' | 'wechat_error' | 'server_error', message: string): CardCodeResult => ({
          cardId,
          error: { code, message },
        })
        let code: string
        try {
          code = await decryptCardCode({ getAccessToken, encryptCode, ...transport })
        } catch (e) {
          // Not WeChat's (e.g. a '+' that became a space in a URL), or unknown to WeChat.
          if (e instanceof TypeError) return failed('invalid_code', e.message.replace(/^decryptCardCode: /, ''))
          if (e instanceof WeChatApiError && e.errcode === 40056)
            return failed('invalid_code', 'WeChat does not know this code (40056 invalid serial code)')
          kit.report(`${name}: cards[${i}] (${cardId})`, e)
          return failed('wechat_error', 'WeChat could not decrypt this code now; try again later')
        }
        try {
          if (onCode) await onCode({ openid, cardId, code }, request)
        } catch (e) {
          kit.report(`${name}: onCode failed for cards[${i}] (${cardId})`, e)
          return failed('server_error', 'could not save this code')
        }
        return { cardId, code }
      })
      const answer: CardCodesResponseBody = { cards: results }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}
