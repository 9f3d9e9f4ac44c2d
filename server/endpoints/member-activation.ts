// Member cards for their holder: `POST /member-activation-params` (the activation mini-program's parameters),
// `POST /member-activate` (what the user submitted, then the activation with the merchant's member data), and
// `GET /member-info` (the session user's member data).
import { createHash } from 'crypto'
import type { IncomingMessage } from 'http'
import type {
  ActivateResponseBody,
  ActivationParamsResponseBody,
  MemberCardData,
  MemberInfoResponseBody,
} from '../../utils/member-protocol'
import { isPlainObject } from '../../utils/rules'
import type { CredentialStore } from '../cache'
import { WECHAT_API } from '../constants'
import {
  ACTIVATION_APP_ID,
  activateMemberCard,
  getActivationExtraData,
  getActivationForm,
  getCodeState,
  getMemberInfo,
  MEMBER_CARD_ERRCODES,
  type ActivationForm,
  type MemberActivation,
} from '../member-card'
import {
  batchAccessToken,
  mapWithConcurrency,
  requestWeChat,
  withAccessToken,
  WeChatApiError,
  type AccessTokenSource,
  type TransportOptions,
} from '../wechat'
import { checkCatalogue, requireKnown, type CardCatalogue } from './catalogue'
import {
  checkCardId,
  checkHandlerOptions,
  checkWeChatReader,
  createCore,
  HandlerError,
  jsonAnswer,
  nodeHandler,
  objectBody,
  queryParam,
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
import { createRecordBook } from './records'

/** The options of the three member-card handlers of a card's holder. */
export interface MemberHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context>, TransportOptions {
  /** `createStableAccessTokenProvider(...).getAccessToken`: the AppID that owns the member cards. */
  getAccessToken: AccessTokenSource
  /** The member cards this server serves (a table by card id, a Map or a function): another card id is answered 404. */
  cards: CardCatalogue<unknown>
  /**
   * Where the per-user bounds are counted. Default: this process's memory. Pass your shared store
   * (`createRedisStore(...)` counts) so that instances share them.
   */
  rateCounter?: RateCounter | undefined
}

export interface ActivationParamsHandlerOptions<Context = IncomingMessage> extends MemberHandlerOptions<Context> {
  /** The channel WeChat reports back in the card events (outer_str). Default ''. */
  outerStr?: string | undefined
  /**
   * Most activation parameters one user (`CardUser.id`) may ask for within a window (each costs a
   * card/membercard/activate/geturl): past it, 429 `rate_limited` before WeChat is asked. Default 20 per 10 minutes.
   */
  paramsLimit?: Partial<RateBound> | undefined
}

/** What `onActivate` is told: the holder, the card, and the form the user submitted. */
export interface ActivationRequest {
  /** The holder (the session user, as `getUser` resolved them; `cardOpenid` is the card's holder openid). */
  user: CardUser
  cardId: string
  code: string
  form: ActivationForm
}

export interface ActivateHandlerOptions<Context = IncomingMessage> extends MemberHandlerOptions<Context> {
  /**
   * Decides the member data: resolve `{ membershipNumber, initBonus?, initBalance?, activateBeginTime?,
   * activateEndTime? }` (bonus and balance integers, balance in 分; times Unix seconds), or `{ refuse: message }`
   * (a short Chinese message the user sees: 手机号已注册…). Called once per activate_ticket: a retry of the same
   * ticket is answered from `store` (see there). A rejection is answered 500 `server_error` and nothing is activated.
   */
  onActivate(
    activation: ActivationRequest,
    request: HandlerRequest<Context>,
  ): MemberActivation | { refuse: string } | Promise<MemberActivation | { refuse: string }>
  /**
   * Where each activate_ticket's outcome is remembered for a day (by its SHA-256, never the ticket itself), so that a
   * retry after a lost answer reports the first outcome (`activated` or `refused`) without calling `onActivate` or
   * WeChat's activation again; a ticket sent with another user, card or code is a 400. Share it between instances
   * (`createRedisStore`) so a retry reaching another instance is answered the same. Default: this process's memory.
   */
  store?: CredentialStore | undefined
  /**
   * Most activations one user (`CardUser.id`) may ask for within a window: past it, 429 `rate_limited` before any
   * WeChat request. Default 10 per 10 minutes.
   */
  activateLimit?: Partial<RateBound> | undefined
}

/** `GET` member-info options. */
export interface MemberInfoHandlerOptions<Context = IncomingMessage> extends MemberHandlerOptions<Context> {
  /**
   * Most member-info reads one user (`CardUser.id`) may make within a window (each costs card/user/getcardlist and
   * one userinfo/get per code): past it, 429 `rate_limited` before WeChat is asked. Default 60 per 10 minutes.
   */
  memberInfoLimit?: Partial<RateBound> | undefined
}

const MAX_TICKET_LENGTH = 512
const TEN_MINUTES_MS = 10 * 60 * 1000
const DEFAULT_PARAMS_LIMIT: RateBound = { max: 20, windowMs: TEN_MINUTES_MS }
const DEFAULT_ACTIVATE_LIMIT: RateBound = { max: 10, windowMs: TEN_MINUTES_MS }
const DEFAULT_MEMBER_INFO_LIMIT: RateBound = { max: 60, windowMs: TEN_MINUTES_MS }
/** How long an activate_ticket's outcome is remembered, in ms. */
export const ACTIVATE_TICKET_TTL_MS = 24 * 3600 * 1000
/** How long one activation may hold its ticket's lock, in ms (beyond any handler deadline). */
const ACTIVATE_LOCK_MS = 60_000
const TICKET_KEY_PREFIX = 'weapp-card-coupon:activate-ticket:'

/**
 * What the store keeps per activate_ticket: who sent it for which code; `pending` from just before
 * card/membercard/activate, then `done` with the answer.
 */
interface TicketRecord {
  userId: string
  cardId: string
  code: string
  state: 'pending' | 'done'
  answer?: ActivateResponseBody | undefined
}

function checkMemberOptions<Context>(fn: string, o: MemberHandlerOptions<Context>) {
  const kit = checkHandlerOptions(fn, o)
  const transport = checkWeChatReader(fn, o)
  if (o.cards === undefined) throw new TypeError(`${fn}: cards is required (the member cards this server serves)`)
  checkCatalogue(fn, 'cards', o.cards)
  const counter = checkRateCounter(fn, o.rateCounter) ?? createMemoryRateCounter()
  return { kit, transport, counter }
}

/** A code from a request: a non-empty string of at most 64 characters without whitespace. */
function checkCode(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(value))
    throw new HandlerError(400, 'invalid_request', `${field} must be 1 to 64 visible ASCII characters`)
  return value
}

/**
 * `POST` activation-params endpoint: `{ cardId }` → `200 { appId, extraData: { encrypt_card_id, outer_str, biz } }`
 * (card/membercard/activate/geturl, URL-decoded): what `wx.navigateToMiniProgram` takes. Errors: 405, 413, 401,
 * 400, 404 `unknown_card`, 502 `wechat_error` (72026: the card is not set for one-click activation, reported to
 * onError). Throws a `TypeError` naming the option.
 */
export function createActivationParamsHandler<Context = IncomingMessage>(
  o: ActivationParamsHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createActivationParamsHandler'
  const { kit, transport, counter } = checkMemberOptions(fn, o)
  if (o.outerStr !== undefined && typeof o.outerStr !== 'string')
    throw new TypeError(`${fn}: outerStr must be a string`)
  const paramsLimit = checkBound(fn, 'paramsLimit', o.paramsLimit, DEFAULT_PARAMS_LIMIT)
  const name = 'activation-params handler'
  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body }) {
      const cardId = checkCardId(objectBody(body, '{ cardId }').cardId, 'cardId')
      await requireKnown(o.cards, [cardId], 'cardId')
      await spend(
        counter,
        { key: `member-activation-params:${user.id}`, amount: 1, ...paramsLimit, what: 'activation parameters' },
        kit.report,
      )
      let answer: ActivationParamsResponseBody
      try {
        const extraData = await getActivationExtraData({
          getAccessToken: o.getAccessToken,
          cardId,
          outerStr: o.outerStr,
          ...transport,
        })
        answer = { appId: ACTIVATION_APP_ID, extraData }
      } catch (e) {
        kit.report(`${name}: ${cardId}`, e)
        throw new HandlerError(
          502,
          'wechat_error',
          'could not get the activation parameters from WeChat; try again later',
        )
      }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}

/**
 * `POST` activate endpoint: `{ activateTicket, cardId, code }` (referrerInfo.extraData of the activation
 * mini-program) → `200 { outcome: 'activated', member } | { outcome: 'expired' } | { outcome: 'refused', message }`.
 * Steps: the session must know the user's card-account openid (`cardOpenid`, else 403 `no_card_openid` before any
 * WeChat call); the per-user bound (`activateLimit`, 429); the code must be held by them (card/code/get, else 403
 * `not_holder`); a ticket already answered is answered again from `store` (same user, card and code, else 400;
 * being handled elsewhere: 409 `in_progress`); the form (card/membercard/activatetempinfo/get; 72012 → `expired`);
 * `onActivate` decides the member data; then card/membercard/activate, and the member data as userinfo/get reads
 * it. Up to four WeChat requests one after the other, within the handler's `deadlineMs`: once it has passed (the
 * page was answered 504 `timeout`), neither `onActivate` nor the activation runs, so a retry starts clean. Errors:
 * 405, 415, 413, 401, 400, 403, 404 `unknown_card`, 409 `in_progress`, 429 `rate_limited`, 502 `wechat_error` (an
 * activate_ticket of another AppID is WeChat's 72011, reported), 504 `timeout`, 500 `server_error` (onActivate
 * failed). Throws a `TypeError` naming the option.
 */
export function createActivateHandler<Context = IncomingMessage>(
  o: ActivateHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createActivateHandler'
  const { kit, transport, counter } = checkMemberOptions(fn, o)
  if (typeof o.onActivate !== 'function') throw new TypeError(`${fn}: onActivate must be a function`)
  const activateLimit = checkBound(fn, 'activateLimit', o.activateLimit, DEFAULT_ACTIVATE_LIMIT)
  const tickets = createRecordBook<TicketRecord>(fn, o.store, {
    ttlMs: ACTIVATE_TICKET_TTL_MS,
    isRecord: (r) => typeof r.userId === 'string' && typeof r.code === 'string',
  })
  const { store } = tickets
  const name = 'activate handler'

  const keyOf = (ticket: string) => TICKET_KEY_PREFIX + createHash('sha256').update(ticket).digest('hex')

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body, request, expired }) {
      const holder = requireCardOpenid(user, 'its card cannot be activated')
      const b = objectBody(body, '{ activateTicket, cardId, code }')
      if (typeof b.activateTicket !== 'string' || !b.activateTicket || b.activateTicket.length > MAX_TICKET_LENGTH)
        throw new HandlerError(
          400,
          'invalid_request',
          `activateTicket must be a string of 1 to ${MAX_TICKET_LENGTH} characters`,
        )
      const activateTicket = b.activateTicket
      const cardId = checkCardId(b.cardId, 'cardId')
      const code = checkCode(b.code, 'code')
      await requireKnown(o.cards, [cardId], 'cardId')
      await spend(
        counter,
        { key: `member-activate:${user.id}`, amount: 1, ...activateLimit, what: 'activations' },
        kit.report,
      )
      const api = { getAccessToken: batchAccessToken(o.getAccessToken), ...transport }
      const wechat = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
        try {
          return await call()
        } catch (e) {
          kit.report(`${name}: ${what} failed for ${cardId}`, e)
          throw new HandlerError(502, 'wechat_error', 'WeChat could not activate the card now; try again later')
        }
      }
      // Only the holder activates: the code comes from the client.
      const state = await wechat(WECHAT_API.getCode, () => getCodeState({ ...api, cardId, code }))
      if (!state || state.openid !== holder || state.cardId !== cardId)
        throw new HandlerError(403, 'not_holder', "this code is not the session user's code of this card")

      // A ticket is answered once: a retry (its answer was lost) gets the first outcome.
      const key = keyOf(activateTicket)
      let before: TicketRecord | undefined
      try {
        before = await tickets.read(key)
      } catch (e) {
        kit.report(`${name}: the store could not be read`, e)
        throw new HandlerError(502, 'wechat_error', 'could not check this activation now; try again later')
      }
      if (before && (before.userId !== user.id || before.cardId !== cardId || before.code !== code))
        throw new HandlerError(400, 'invalid_request', 'this activateTicket was sent for another card: activate again')
      if (before?.state === 'done' && before.answer) return jsonAnswer(200, before.answer)
      const lock = store.lock ? await store.lock(`${key}:lock`, ACTIVATE_LOCK_MS).catch(() => undefined) : undefined
      if (store.lock && !lock)
        throw new HandlerError(409, 'in_progress', 'this activation is being handled; wait a moment and refresh')
      try {
        const remember = async (answer: ActivateResponseBody) => {
          await tickets
            .write(key, { userId: user.id, cardId, code, state: 'done', answer })
            .catch((e: unknown) => kit.report(`${name}: the outcome for ${cardId} could not be stored`, e))
          return jsonAnswer(200, answer)
        }
        const activatedAnswer = async () => {
          const info = await wechat(WECHAT_API.memberUserInfo, () => getMemberInfo({ ...api, cardId, code }))
          const activated: ActivateResponseBody = { outcome: 'activated', member: memberData(info) }
          return activated
        }
        if (before?.state === 'pending') {
          // This ticket reached card/membercard/activate before and its answer was lost: the card tells.
          const answer = await activatedAnswer()
          if (answer.outcome === 'activated' && answer.member.activated) return await remember(answer)
        }
        let form: ActivationForm
        try {
          form = await getActivationForm({ ...api, activateTicket })
        } catch (e) {
          if (e instanceof WeChatApiError && e.errcode === MEMBER_CARD_ERRCODES.activateTicketExpired) {
            const expiredTicket: ActivateResponseBody = { outcome: 'expired', message: '激活信息已过期，请重新激活' }
            return jsonAnswer(200, expiredTicket)
          }
          kit.report(`${name}: ${WECHAT_API.activateTempInfo} failed for ${cardId}`, e)
          throw new HandlerError(502, 'wechat_error', 'WeChat could not read the activation form now; try again later')
        }
        // The page has its 504 already: decide and activate nothing (a retry starts over with a fresh answer).
        const outOfTime = () => new HandlerError(504, 'timeout', 'the activation ran out of time; try again')
        if (expired()) throw outOfTime()
        let decided: MemberActivation | { refuse: string }
        try {
          decided = await o.onActivate({ user, cardId, code, form }, request)
        } catch (e) {
          kit.report(`${name}: onActivate failed for ${cardId}`, e)
          throw new HandlerError(500, 'server_error', 'could not decide the membership')
        }
        if (isPlainObject(decided) && typeof decided.refuse === 'string')
          return await remember({ outcome: 'refused', message: decided.refuse })
        const activation = decided as MemberActivation
        if (expired()) throw outOfTime()
        try {
          await tickets.write(key, { userId: user.id, cardId, code, state: 'pending' })
        } catch (e) {
          kit.report(`${name}: the store could not be written`, e)
          throw new HandlerError(502, 'wechat_error', 'could not record this activation now; try again later')
        }
        try {
          await activateMemberCard({ ...api, cardId, code, ...activation })
        } catch (e) {
          kit.report(
            `${name}: ${e instanceof TypeError ? 'onActivate resolved bad member data' : WECHAT_API.activateMemberCard} for ${cardId}`,
            e,
          )
          if (e instanceof TypeError) throw new HandlerError(500, 'server_error', 'could not decide the membership')
          throw new HandlerError(502, 'wechat_error', 'WeChat could not activate the card now; try again later')
        }
        return await remember(await activatedAnswer())
      } finally {
        await lock?.release().catch(() => undefined)
      }
    },
  })
  return nodeHandler(kit, core)
}

const memberData = (info: MemberCardData & { openid?: string }): MemberCardData => ({
  cardId: info.cardId,
  code: info.code,
  activated: info.activated,
  membershipNumber: info.membershipNumber,
  bonus: info.bonus,
  balance: info.balance,
  status: info.status,
})

/**
 * `GET` member-info endpoint, `?cardId=` (required): `200 { members: [{ cardId, code, activated, membershipNumber,
 * bonus, balance, status }] }`, the session user's cards of that member card (card/user/getcardlist for the user's
 * `cardOpenid`, then card/membercard/userinfo/get per code, 4 at once). Errors: 405, 401, 400, 403 `no_card_openid`
 * (nothing goes to WeChat), 404 `unknown_card`, 429 `rate_limited` (memberInfoLimit), 502 `wechat_error`, 504
 * `timeout`. Throws a `TypeError` naming the
 * option.
 */
export function createMemberInfoHandler<Context = IncomingMessage>(
  o: MemberInfoHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createMemberInfoHandler'
  const { kit, transport, counter } = checkMemberOptions(fn, o)
  const memberInfoLimit = checkBound(fn, 'memberInfoLimit', o.memberInfoLimit, DEFAULT_MEMBER_INFO_LIMIT)
  const name = 'member-info handler'
  const core = createCore(kit, {
    name,
    method: 'GET',
    async run({ user, request }) {
      const openid = requireCardOpenid(user, 'its member data cannot be read')
      const cardId = checkCardId(queryParam(request.url, 'cardId'), 'cardId')
      await requireKnown(o.cards, [cardId], 'cardId')
      await spend(
        counter,
        { key: `member-info:${user.id}`, amount: 1, ...memberInfoLimit, what: 'member-info reads' },
        kit.report,
      )
      const getAccessToken = batchAccessToken(o.getAccessToken)
      try {
        const list = await withAccessToken(fn, getAccessToken, (accessToken) =>
          requestWeChat({
            api: WECHAT_API.getCardList,
            method: 'POST',
            accessToken,
            body: { openid, card_id: cardId },
            ...transport,
          }),
        )
        const codes = (Array.isArray(list.card_list) ? list.card_list : [])
          .map((item: unknown) => (isPlainObject(item) && typeof item.code === 'string' ? item.code : ''))
          .filter(Boolean)
        const members = await mapWithConcurrency(codes, 4, async (code) =>
          memberData(await getMemberInfo({ getAccessToken, cardId, code, ...transport })),
        )
        const answer: MemberInfoResponseBody = { members }
        return jsonAnswer(200, answer)
      } catch (e) {
        kit.report(`${name}: ${cardId}`, e)
        throw new HandlerError(502, 'wechat_error', 'could not read the member card from WeChat; try again later')
      }
    },
  })
  return nodeHandler(kit, core)
}
