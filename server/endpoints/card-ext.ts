// `POST /card-ext`: a freshly signed cardExt per requested card, the protocol `<add-card-button card-ext-url>` speaks.
import type { IncomingMessage } from 'http'
import type { CardExtResponseBody } from '../../utils/protocol'
import { isPlainObject } from '../../utils/rules'
import type { CardInfo } from '../card-info'
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
  type CardUser,
  type HandlerOptions,
} from './core'
import {
  checkBound,
  checkRateCounter,
  createMemoryRateCounter,
  spend,
  type RateBound,
  type RateCounter,
} from './limits'

/** At most 10 cardExts of one card per user in 10 minutes, by default (fewer for a card with a get_limit). */
export const DEFAULT_ISSUE_LIMIT: RateBound = { max: 10, windowMs: 10 * 60_000 }
/** Issues allowed per unit of get_limit: a tap the user cancelled or WeChat refused costs an issue too. */
const ISSUES_PER_GET_LIMIT = 3
/**
 * How one card is issued. With `getCardInfo`, what card/get says is the rule, and these are optional overrides that
 * must agree with it.
 */
export interface CardExtRule {
  /** The card uses custom codes (use_custom_code): its cardExt carries a code from `createCode`. */
  useCustomCode?: boolean | undefined
  /** The card is bound to one user (bind_openid): its cardExt carries the user's `cardOpenid`. */
  bindOpenid?: boolean | undefined
  /**
   * The card's get_limit (how many one user may hold): one user is issued at most 3 × this many of its cardExts
   * within `issueLimit.windowMs` (and never more than `issueLimit.max`).
   */
  getLimit?: number | undefined
  /** `outer_str` for this card's cardExt: a tag WeChat hands back in the card events (e.g. the channel). */
  outerStr?: string | undefined
}

export interface CardExtHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context> {
  /**
   * Your api_ticket source: `createApiTicketProvider(...).getTicket`. Called with `{ forceRefresh: true }` when the
   * request says the last add failed with 签名错误 (`signatureFailed`): WeChat rotated the ticket.
   */
  getTicket(o?: { forceRefresh?: boolean | undefined }): Promise<string>
  /**
   * The card's own settings (card/get): `createCardInfoSource(...).getCardInfo`. With it, use_custom_code,
   * bind_openid and get_limit come from the card, a rule in `cards` that contradicts them is answered 500
   * `card_rule_conflict` naming both, and a custom-code card without `createCode` 500 `no_create_code`, before
   * anything is signed. Recommended: without it, the rules in `cards` must match each card by hand.
   */
  getCardInfo?: ((cardId: string) => Promise<CardInfo>) | undefined
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
        /** The session's user. */
        user: CardUser
        /** @deprecated `user.id`. */
        openid: string
        data: Record<string, unknown> | undefined
      }) => string | Promise<string>)
    | undefined
  /** Most cards per request. Default 10. */
  maxCards?: number | undefined
  /**
   * Most cardExts of one card issued to one user (`CardUser.id`) within a window: a request that would pass it is
   * answered 429 `rate_limited` before anything is signed, so a loop cannot drain a custom-code pool. Default 10 per
   * 10 minutes, and 3 × the card's get_limit when that is lower.
   */
  issueLimit?: Partial<RateBound> | undefined
  /**
   * Where the bounds are counted. Default: this process's memory. Pass your shared store (`createRedisStore(...)`
   * counts) so that instances share them.
   */
  rateCounter?: RateCounter | undefined
}

/**
 * `POST` card-ext endpoint, the protocol `<add-card-button card-ext-url>` speaks: `{ cardIds: string[], data? }` →
 * `200 { cardList: [{ cardId, cardExt }] }`, one freshly signed cardExt per requested card, in order (custom code
 * from `createCode`, the user's `cardOpenid` for bound cards). Errors: 405, 401 `no_session`, 415, 413, 400
 * `invalid_json` / `body_too_deep` / `invalid_request`, 403 `no_card_openid` (a bound card for a session without a
 * card-account openid), 404 `unknown_card`, 429 `rate_limited` (issueLimit), 502 `wechat_error` (no api_ticket),
 * 504 `timeout`, 500 `server_error` (your callbacks failed). Throws a `TypeError` naming the option for bad options.
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
  const issueLimit = checkBound(fn, 'issueLimit', o.issueLimit, DEFAULT_ISSUE_LIMIT)
  const counter = checkRateCounter(fn, o.rateCounter) ?? createMemoryRateCounter()
  if (typeof o.cards !== 'function' && !o.createCode) {
    const rules = o.cards instanceof Map ? [...o.cards] : Object.entries(o.cards)
    const custom = rules.find(([, rule]) => isPlainObject(rule) && rule.useCustomCode)
    if (custom) throw new TypeError(`${fn}: createCode is required: card ${custom[0]} has useCustomCode`)
  }
  if (o.getCardInfo !== undefined && typeof o.getCardInfo !== 'function')
    throw new TypeError(`${fn}: getCardInfo must be a function`)
  const { cards, createCode, getTicket, getCardInfo } = o
  const name = 'card-ext handler'

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body }) {
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
      // The card's own settings, with the rules as overrides that must agree.
      if (getCardInfo) {
        const unique = [...new Set(cardIds)]
        const infos = new Map<string, CardInfo>()
        await Promise.all(
          unique.map(async (cardId) => {
            try {
              infos.set(cardId, await getCardInfo(cardId))
            } catch (e) {
              kit.report(`${name}: card/get failed for ${cardId}`, e)
              throw new HandlerError(
                502,
                'wechat_error',
                `could not read the settings of card ${quote(cardId)} from WeChat; try again later`,
              )
            }
          }),
        )
        for (const [i, cardId] of cardIds.entries()) {
          const rule = rules[i] as CardExtRule
          const info = infos.get(cardId) as CardInfo
          const settings = [
            ['useCustomCode', 'use_custom_code', info.useCustomCode],
            ['bindOpenid', 'bind_openid', info.bindOpenid],
          ] as const
          for (const [option, field, value] of settings) {
            if (rule[option] !== undefined && rule[option] !== value) {
              const message =
                `card ${quote(cardId)}: its rule says ${option}: ${String(rule[option])}, and card/get says ` +
                `${field}: ${String(value)}; fix the rule or leave it out`
              kit.report(`${name}: ${message}`)
              throw new HandlerError(500, 'card_rule_conflict', message)
            }
          }
          rules[i] = {
            ...rule,
            useCustomCode: info.useCustomCode,
            bindOpenid: info.bindOpenid,
            getLimit: rule.getLimit ?? (info.getLimit > 0 ? info.getLimit : undefined),
          }
        }
      }
      // Before anything is signed: what WeChat would refuse, and the bounds.
      const custom = rules.findIndex((rule) => (rule as CardExtRule).useCustomCode)
      if (custom >= 0 && !createCode) {
        const message = `card ${quote(cardIds[custom])} uses custom codes (use_custom_code), and no createCode was given`
        kit.report(`${name}: ${message}`)
        throw new HandlerError(500, 'no_create_code', message)
      }
      const bound = rules.findIndex((rule) => (rule as CardExtRule).bindOpenid)
      if (bound >= 0 && user.cardOpenid === undefined)
        throw new HandlerError(
          403,
          'no_card_openid',
          `cardIds[${bound}] ${quote(cardIds[bound])} is bound to one user (bind_openid), and this session has no ` +
            'openid under the Official Account that owns the cards',
        )
      const perCard = new Map<string, number>()
      for (const cardId of cardIds) perCard.set(cardId, (perCard.get(cardId) ?? 0) + 1)
      for (const [cardId, amount] of perCard) {
        const getLimit = (rules[cardIds.indexOf(cardId)] as CardExtRule).getLimit
        const max =
          typeof getLimit === 'number' && getLimit > 0
            ? Math.min(issueLimit.max, ISSUES_PER_GET_LIMIT * getLimit)
            : issueLimit.max
        await spend(
          counter,
          { key: `card-ext:${user.id}:${cardId}`, amount, max, windowMs: issueLimit.windowMs, what: `cards ${cardId}` },
          kit.report,
        )
      }

      let apiTicket: string
      try {
        // The page's last add failed its signature: WeChat rotated the ticket (the provider asks again at most once
        // per 30 s, whoever asks).
        const signatureFailed = (body as { signatureFailed?: unknown }).signatureFailed === true
        apiTicket = await (signatureFailed ? getTicket({ forceRefresh: true }) : getTicket())
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
            code = await createCode({ cardId, user, openid: user.id, data: data ?? undefined })
          }
          const cardExt = createCardExt({
            apiTicket,
            cardId,
            code,
            openid: rule.bindOpenid ? user.cardOpenid : undefined,
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
