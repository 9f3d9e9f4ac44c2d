// `GET /user-cards`: the session user's cards with their states (card/user/getcardlist + card/code/get).
import type { IncomingMessage } from 'http'
import type { UserCard, UserCardsResponseBody } from '../../utils/protocol'
import type { CardInfo } from '../card-info'
import { DEFAULT_USER_CARDS_CONCURRENCY, getUserCards } from '../user-cards'
import type { AccessTokenSource, TransportOptions } from '../wechat'
import { checkCatalogue, known, requireKnown, type CardCatalogue } from './catalogue'
import {
  checkCardId,
  checkHandlerOptions,
  checkWeChatReader,
  count,
  createCore,
  HandlerError,
  jsonAnswer,
  nodeHandler,
  queryParam,
  requireCardOpenid,
  type CardHandler,
  type HandlerOptions,
} from './core'
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
  /**
   * The card's own settings (card/get): `createCardInfoSource(...).getCardInfo`. With it, each card carries its
   * `title`, `logo` and `color`, ready for `<open-card-list>`; a card whose settings cannot be read comes without.
   */
  getCardInfo?: ((cardId: string) => Promise<CardInfo>) | undefined
  /**
   * How long a card's state (card/code/get) is reused for the same user, in ms (in this process): a page that lists
   * again within it costs WeChat one getcardlist, plus a look-up per card it had not seen (a new card shows at once).
   * Default 10 000; 0 turns it off.
   */
  cacheMs?: number | undefined
}

/**
 * `GET` user-cards endpoint (optional query `cardId`): `200 { cards: [{ cardId, code, status, canConsume,
 * beginTime?, endTime? }] }`, the session user's cards with their states (`getUserCards`: getcardlist + code/get;
 * times in Unix seconds; a card whose look-up failed reads `UNKNOWN`). Errors: 405, 401, 400 (a malformed
 * `cardId`), 403 `no_card_openid`, 404 `unknown_card`, 502 `wechat_error` (getcardlist failed), 504 `timeout`. Throws a `TypeError` naming the option.
 */
export function createUserCardsHandler<Context = IncomingMessage>(
  o: UserCardsHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createUserCardsHandler'
  const kit = checkHandlerOptions(fn, o)
  const transport = checkWeChatReader(fn, o)
  if (o.cards !== undefined) checkCatalogue(fn, 'cards', o.cards)
  const concurrency = count(fn, 'concurrency', o.concurrency, DEFAULT_USER_CARDS_CONCURRENCY)
  if (o.getCardInfo !== undefined && typeof o.getCardInfo !== 'function')
    throw new TypeError(`${fn}: getCardInfo must be a function`)
  const cacheMs = o.cacheMs ?? 10_000
  if (typeof cacheMs !== 'number' || !Number.isFinite(cacheMs) || cacheMs < 0)
    throw new TypeError(`${fn}: cacheMs must be a number of ms >= 0`)
  const { cards, getAccessToken, getCardInfo } = o
  const name = 'user-cards handler'
  /** Per user (card-account openid): the states read recently, by `${cardId}\n${code}`, and until when. */
  const recent = new Map<string, { until: number; states: Map<string, UserCard> }>()

  const core = createCore(kit, {
    name,
    method: 'GET',
    async run({ user, request }) {
      const openid = requireCardOpenid(user, 'its cards cannot be listed')
      const asked = queryParam(request.url, 'cardId')
      const cardId = asked === undefined || asked === '' ? undefined : checkCardId(asked, 'cardId')
      if (cardId !== undefined && cards) await requireKnown(cards, [cardId], 'cardId')
      const reused = recent.get(openid)
      const knownStates = reused && reused.until > Date.now() ? reused.states : undefined
      let held: UserCard[]
      try {
        held = await getUserCards({
          getAccessToken,
          openid,
          cardId,
          concurrency,
          known: knownStates,
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
      if (getCardInfo) {
        const infos = new Map<string, CardInfo | undefined>()
        await Promise.all(
          [...new Set(held.map((card) => card.cardId))].map(async (id) => {
            try {
              infos.set(id, await getCardInfo(id))
            } catch (e) {
              kit.report(`${name}: card/get failed for ${id}; its cards come without title and logo`, e)
            }
          }),
        )
        held = held.map((card) => {
          const info = infos.get(card.cardId)
          return info ? { ...card, title: info.title, logo: info.logoUrl, color: info.color } : card
        })
      }
      if (cacheMs > 0) {
        const now = Date.now()
        if (recent.size > 10_000) for (const [key, entry] of recent) if (entry.until <= now) recent.delete(key)
        const states = knownStates ?? new Map<string, UserCard>()
        // A look-up that failed (UNKNOWN) is asked again next time.
        for (const card of held) if (card.status !== 'UNKNOWN') states.set(`${card.cardId}\n${card.code}`, card)
        if (!knownStates) recent.set(openid, { until: now + cacheMs, states })
      }
      const answer: UserCardsResponseBody = { cards: held }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}
