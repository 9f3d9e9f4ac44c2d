// `POST /card-codes`: the encrypted codes wx.addCard returned, decrypted one by one (card/code/decrypt).
import type { IncomingMessage } from 'http'
import type { CardCodeResult, CardCodesResponseBody } from '../../utils/protocol'
import { isPlainObject } from '../../utils/rules'
import { WECHAT_API } from '../constants'
import { decryptCardCode } from '../decrypt'
import {
  batchAccessToken,
  isObject,
  mapWithConcurrency,
  requestWeChat,
  WeChatApiError,
  withAccessToken,
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
  requireCardOpenid,
  type CardHandler,
  type CardUser,
  type HandlerOptions,
  type HandlerRequest,
} from './core'
import {
  checkBound,
  checkRateCounter,
  createMemoryRateCounter,
  spend,
  type RateBound,
  type RateCounter,
} from './limits'

/** At most 40 codes decrypted per user in 10 minutes, by default. */
export const DEFAULT_DECRYPT_LIMIT: RateBound = { max: 40, windowMs: 10 * 60_000 }
export interface CardCodesHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context>, TransportOptions {
  /** Your access_token source: `createStableAccessTokenProvider(...).getAccessToken`. */
  getAccessToken: AccessTokenSource
  /** The cards this server knows (the card-ext table fits): a request naming another is answered 404. Default: every card id. */
  cards?: CardCatalogue<unknown> | undefined
  /**
   * Told each decrypted code once card/code/get confirmed that the session's user holds it in that card: `openid` is
   * the user's card-account openid (`user.cardOpenid`), `user` the session's user. When it rejects, that code's
   * result is `server_error` (the others still count). Never called for a code of another user, nor after the
   * request's deadline.
   */
  onCode?:
    | ((
        card: { openid: string; cardId: string; code: string; user: CardUser },
        request: HandlerRequest<Context>,
      ) => void | Promise<void>)
    | undefined
  /**
   * Most codes one user (`CardUser.id`) may have decrypted within a window: a request that would pass it is answered
   * 429 `rate_limited` before any is decrypted. Default 40 per 10 minutes.
   */
  decryptLimit?: Partial<RateBound> | undefined
  /**
   * Where the bounds are counted. Default: this process's memory. Pass your shared store (`createRedisStore(...)`
   * counts) so that instances share them.
   */
  rateCounter?: RateCounter | undefined
  /** Most codes per request. Default 20. */
  maxCodes?: number | undefined
  /** Most card/code/decrypt requests pending at once. Default 4. */
  concurrency?: number | undefined
}

/**
 * `POST` card-codes endpoint: `{ cards: [{ cardId, encryptCode }] }` (what wx.addCard returned) → `200 { cards: [{
 * cardId, code } | { cardId, error: { code, message } }] }`, one result per code in order. Each code is decrypted
 * (card/code/decrypt), then checked with card/code/get: it goes back (and to `onCode`) only when its holder is the
 * session's user (`cardOpenid`) and its card is the card named; else that item is `not_holder`, with no code. A code
 * that is malformed or unknown to WeChat (40056) is `invalid_code`, one WeChat could not decrypt or look up now
 * `wechat_error`, one `onCode` refused `server_error`: the others still count. Request errors: 405, 401, 403
 * `no_card_openid` (the session has no card-account openid), 415, 413, 400, 404 `unknown_card`, 429
 * `rate_limited` (decryptLimit), 504 `timeout`. Throws a `TypeError` naming the option.
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
  const decryptLimit = checkBound(fn, 'decryptLimit', o.decryptLimit, DEFAULT_DECRYPT_LIMIT)
  const counter = checkRateCounter(fn, o.rateCounter) ?? createMemoryRateCounter()
  const { cards, onCode } = o
  const name = 'card-codes handler'

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body, request, expired }) {
      const openid = requireCardOpenid(user, 'its codes cannot be checked')
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
      await spend(
        counter,
        { key: `card-codes:${user.id}`, amount: items.length, ...decryptLimit, what: 'codes decrypted' },
        kit.report,
      )
      // One token (and at most one refresh) for the whole batch.
      const getAccessToken = batchAccessToken(o.getAccessToken)
      const post = (api: string, payload: object) =>
        withAccessToken(fn, getAccessToken, (accessToken) =>
          requestWeChat({ api, method: 'POST', accessToken, body: payload, ...transport }),
        )
      const results = await mapWithConcurrency(items, concurrency, async ({ cardId, encryptCode }, i) => {
        const failed = (
          code: 'invalid_code' | 'not_holder' | 'wechat_error' | 'server_error',
          message: string,
        ): CardCodeResult => ({
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
        // The holder: card/code/get with the card named (a code of another card is unknown there: 40056).
        const notHolder = () => failed('not_holder', "this code is not the session user's code of this card")
        try {
          const held = await post(WECHAT_API.getCode, { card_id: cardId, code, check_consume: false })
          const heldCardId = isObject(held.card) ? held.card.card_id : undefined
          if (held.openid !== openid || heldCardId !== cardId) return notHolder()
        } catch (e) {
          if (e instanceof WeChatApiError && e.errcode === 40056) return notHolder()
          kit.report(`${name}: holder look-up failed for cards[${i}] (${cardId})`, e)
          return failed('wechat_error', 'WeChat could not look up this code now; try again later')
        }
        if (expired()) return failed('server_error', 'the request ran out of time')
        try {
          if (onCode) await onCode({ openid, cardId, code, user }, request)
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
