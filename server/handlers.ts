// The three ready-made endpoints of a card server, speaking utils/protocol.ts: issuing cardExt, decrypting codes
// (per code), and the user's cards with their states. Each is a transport-agnostic core plus a Node adapter.
import type { IncomingMessage } from 'http'
import type {
  CardCodeResult,
  CardCodesResponseBody,
  CardExtResponseBody,
  UserCard,
  UserCardsResponseBody,
} from '../utils/protocol'
import { isPlainObject } from '../utils/rules'
import { decryptCardCode } from './decrypt'
import {
  checkCardId,
  checkCatalogue,
  checkHandlerOptions,
  createCore,
  HandlerError,
  jsonAnswer,
  lookUpCard,
  nodeHandler,
  queryParam,
  quote,
  type CardCatalogue,
  type CardHandler,
  type HandlerOptions,
  type HandlerRequest,
} from './handler'
import { createCardExt } from './sign'
import { DEFAULT_USER_CARDS_CONCURRENCY, getUserCards } from './user-cards'
import {
  batchAccessToken,
  checkTransport,
  mapWithConcurrency,
  WeChatApiError,
  type AccessTokenSource,
  type TransportOptions,
} from './wechat'

/** A positive integer option with a default, or a TypeError naming it. */
function count(fn: string, name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 1) throw new TypeError(`${fn}: ${name} must be an integer >= 1`)
  return v
}

/** The options of the handlers that ask WeChat with an access_token: checked, with the transport. */
function checkWeChatReader(
  fn: string,
  o: TransportOptions & { getAccessToken: unknown; cards?: unknown },
): ReturnType<typeof checkTransport> {
  if (typeof o.getAccessToken !== 'function') throw new TypeError(`${fn}: getAccessToken must be a function`)
  if (o.cards !== undefined) checkCatalogue(fn, 'cards', o.cards)
  return checkTransport(fn, o)
}

/** The `cards` array of a request body, 1 to `max` items, or a 400 naming what is wrong. */
function itemsOf(body: unknown, key: string, max: number): unknown[] {
  if (!isPlainObject(body)) throw new HandlerError(400, 'invalid_request', `the body must be a JSON object with ${key}`)
  const items = body[key]
  if (!Array.isArray(items)) throw new HandlerError(400, 'invalid_request', `${key} must be an array`)
  if (items.length === 0) throw new HandlerError(400, 'invalid_request', `${key} is empty`)
  if (items.length > max)
    throw new HandlerError(400, 'invalid_request', `${key} has ${items.length} items; at most ${max} per request`)
  return items
}

/** Whether the catalogue lists each card id (own entries only; a function's undefined, null or false: no). */
async function known(cards: CardCatalogue<unknown>, cardIds: readonly string[]): Promise<boolean[]> {
  const found = await Promise.all(cardIds.map((cardId) => lookUpCard(cards, cardId)))
  return found.map((rule) => rule !== undefined && rule !== null && rule !== false)
}

/** 404 unless the catalogue knows every card id. */
async function requireKnown(cards: CardCatalogue<unknown>, cardIds: readonly string[], field: string): Promise<void> {
  const at = (await known(cards, cardIds)).indexOf(false)
  if (at >= 0)
    throw new HandlerError(
      404,
      'unknown_card',
      `${field.replace('#', String(at))} ${quote(cardIds[at])} is not a card of this server`,
    )
}

// ---------------------------------------------------------------------------------------------- card-ext

/** How one card is issued. */
export interface CardExtRule {
  /** The card uses custom codes (use_custom_code): its cardExt carries a code from `createCode`. */
  useCustomCode?: boolean | undefined
  /** The card is bound to one user (bind_openid): its cardExt carries the session's openid. */
  bindOpenid?: boolean | undefined
  /** `outer_str` for this card's cardExt: a tag WeChat hands back in the card events (e.g. the channel). */
  outerStr?: string | undefined
}

export interface CardExtHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context> {
  /** Your api_ticket source: `createApiTicketProvider(...).getTicket`. */
  getTicket(): Promise<string>
  /**
   * The cards this endpoint may issue, and how: `{ [cardId]: CardExtRule }`, a Map, or a function of the card id
   * (resolve undefined for a card it must not issue). Any other card id is answered 404 `unknown_card`.
   */
  cards: CardCatalogue<CardExtRule>
  /**
   * The code of one custom-code card (at most 20 letters and digits, unique per card; e.g. from your code pool).
   * Required when a card has `useCustomCode`. `data` is the request's `data` (the page's `request-data`).
   */
  createCode?:
    | ((card: {
        cardId: string
        openid: string
        data: Record<string, unknown> | undefined
      }) => string | Promise<string>)
    | undefined
  /** Most cards per request. Default 10. */
  maxCards?: number | undefined
}

/**
 * `POST` card-ext endpoint, the protocol `<add-card-button card-ext-url>` speaks: `{ cardIds: string[], data? }` →
 * `200 { cardList: [{ cardId, cardExt }] }`, one freshly signed cardExt per requested card, in order (custom code
 * from `createCode`, the session's openid for bound cards). Errors: 405, 413, 401 `no_session`, 400
 * `invalid_json` / `invalid_request`, 404 `unknown_card`, 502 `wechat_error` (no api_ticket), 500 `server_error`
 * (your callbacks failed). Throws a `TypeError` naming the option for bad options.
 */
export function createCardExtHandler<Context = IncomingMessage>(
  o: CardExtHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createCardExtHandler'
  const kit = checkHandlerOptions(fn, o)
  if (typeof o.getTicket !== 'function') throw new TypeError(`${fn}: getTicket must be a function`)
  checkCatalogue(fn, 'cards', o.cards)
  if (o.createCode !== undefined && typeof o.createCode !== 'function')
    throw new TypeError(`${fn}: createCode must be a function`)
  const maxCards = count(fn, 'maxCards', o.maxCards, 10)
  if (typeof o.cards !== 'function' && !o.createCode) {
    const rules = o.cards instanceof Map ? [...o.cards] : Object.entries(o.cards)
    const custom = rules.find(([, rule]) => isPlainObject(rule) && rule.useCustomCode)
    if (custom) throw new TypeError(`${fn}: createCode is required: card ${custom[0]} has useCustomCode`)
  }
  const { cards, createCode, getTicket } = o
  const name = 'card-ext handler'

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ openid, body }) {
      const cardIds = itemsOf(body, 'cardIds', maxCards).map((id, i) => checkCardId(id, `cardIds[${i}]`))
      const data = (body as { data?: unknown }).data
      if (data !== undefined && data !== null && !isPlainObject(data))
        throw new HandlerError(400, 'invalid_request', 'data must be an object when present')
      const rules = await Promise.all(cardIds.map((cardId) => lookUpCard(cards, cardId)))
      const unknown = rules.findIndex((rule) => !isPlainObject(rule))
      if (unknown >= 0)
        throw new HandlerError(
          404,
          'unknown_card',
          `cardIds[${unknown}] ${quote(cardIds[unknown])} is not a card this server issues`,
        )

      let apiTicket: string
      try {
        apiTicket = await getTicket()
        if (typeof apiTicket !== 'string' || !apiTicket) throw new TypeError('getTicket resolved no string')
      } catch (e) {
        kit.report(`${name}: could not get the api_ticket`, e)
        throw new HandlerError(502, 'wechat_error', 'could not get the api_ticket from WeChat; try again later')
      }
      kit.secret(apiTicket)
      const cardList: CardExtResponseBody['cardList'] = []
      for (const [i, cardId] of cardIds.entries()) {
        const rule = rules[i] as CardExtRule
        try {
          let code: string | undefined
          if (rule.useCustomCode) {
            if (!createCode) throw new TypeError(`card ${cardId} has useCustomCode, and no createCode was given`)
            code = await createCode({ cardId, openid, data: data ?? undefined })
          }
          const cardExt = createCardExt({
            apiTicket,
            cardId,
            code,
            openid: rule.bindOpenid ? openid : undefined,
            outerStr: rule.outerStr,
          })
          cardList.push({ cardId, cardExt })
        } catch (e) {
          kit.report(`${name}: could not issue cardIds[${i}] (${cardId})`, e)
          throw new HandlerError(500, 'server_error', `could not issue cardIds[${i}] ${quote(cardId)}`)
        }
      }
      const answer: CardExtResponseBody = { cardList }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}

// ---------------------------------------------------------------------------------------------- card-codes

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

// ---------------------------------------------------------------------------------------------- user-cards

export interface UserCardsHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context>, TransportOptions {
  /** Your access_token source: `createStableAccessTokenProvider(...).getAccessToken`. */
  getAccessToken: AccessTokenSource
  /**
   * When given, only these cards are listed (the card-ext table fits), and `?cardId=` naming another is answered
   * 404. Default: every card of the AppID the user holds.
   */
  cards?: CardCatalogue<unknown> | undefined
  /** Most card/code/get look-ups pending at once. Default 8. */
  concurrency?: number | undefined
}

/**
 * `GET` user-cards endpoint (optional query `cardId`): `200 { cards: [{ cardId, code, status, canConsume,
 * beginTime?, endTime? }] }`, the session user's cards with their states (`getUserCards`: getcardlist + code/get;
 * times in Unix seconds; a card whose look-up failed reads `UNKNOWN`). Errors: 405, 401, 400 (a malformed
 * `cardId`), 404 `unknown_card`, 502 `wechat_error` (getcardlist failed). Throws a `TypeError` naming the option.
 */
export function createUserCardsHandler<Context = IncomingMessage>(
  o: UserCardsHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createUserCardsHandler'
  const kit = checkHandlerOptions(fn, o)
  const transport = checkWeChatReader(fn, o)
  const concurrency = count(fn, 'concurrency', o.concurrency, DEFAULT_USER_CARDS_CONCURRENCY)
  const { cards, getAccessToken } = o
  const name = 'user-cards handler'

  const core = createCore(kit, {
    name,
    method: 'GET',
    async run({ openid, request }) {
      const asked = queryParam(request.url, 'cardId')
      const cardId = asked === undefined || asked === '' ? undefined : checkCardId(asked, 'cardId')
      if (cardId !== undefined && cards) await requireKnown(cards, [cardId], 'cardId')
      let held: UserCard[]
      try {
        held = await getUserCards({
          getAccessToken,
          openid,
          cardId,
          concurrency,
          ...transport,
          onError: (e) => kit.report(`${name}: ${e.message}`),
        })
      } catch (e) {
        kit.report(`${name}: getUserCards failed`, e)
        throw new HandlerError(502, 'wechat_error', "could not read the user's cards from WeChat; try again later")
      }
      if (cards) {
        const listed = await known(
          cards,
          held.map((card) => card.cardId),
        )
        held = held.filter((_, i) => listed[i])
      }
      const answer: UserCardsResponseBody = { cards: held }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}
