// `POST /card-ext`: a freshly signed cardExt per requested card, the protocol `<add-card-button card-ext-url>` speaks.
import type { IncomingMessage } from 'http'
import type { CardExtResponseBody } from '../../utils/protocol'
import { isPlainObject } from '../../utils/rules'
import { createCardExt } from '../sign'
import { checkCatalogue, lookUpCard, type CardCatalogue } from './catalogue'
import {
  checkCardId,
  checkHandlerOptions,
  count,
  createCore,
  HandlerError,
  itemsOf,
  jsonAnswer,
  nodeHandler,
  quote,
  type CardHandler,
  type HandlerOptions,
} from './core'
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
