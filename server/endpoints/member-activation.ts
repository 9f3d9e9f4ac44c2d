// Member cards for their holder: `POST /member-activation-params` (the activation mini-program's parameters),
// `POST /member-activate` (what the user submitted, then the activation with the merchant's member data), and
// `GET /member-info` (the session user's member data).
import type { IncomingMessage } from 'http'
import type {
  ActivateResponseBody,
  ActivationParamsResponseBody,
  MemberCardData,
  MemberInfoResponseBody,
} from '../../utils/member-protocol'
import { isPlainObject } from '../../utils/rules'
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
  type CardHandler,
  type CardUser,
  type HandlerOptions,
  type HandlerRequest,
} from './core'

/** The options of the three member-card handlers of a card's holder. */
export interface MemberHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context>, TransportOptions {
  /** `createStableAccessTokenProvider(...).getAccessToken`: the AppID that owns the member cards. */
  getAccessToken: AccessTokenSource
  /** The member cards this server serves (a table by card id, a Map or a function): another card id is answered 404. */
  cards: CardCatalogue<unknown>
}

export interface ActivationParamsHandlerOptions<Context = IncomingMessage> extends MemberHandlerOptions<Context> {
  /** The channel WeChat reports back in the card events (outer_str). Default ''. */
  outerStr?: string | undefined
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
   * (a short Chinese message the user sees: 手机号已注册…). Called again when the user retries: answer the same.
   * A rejection is answered 500 `server_error` and nothing is activated.
   */
  onActivate(
    activation: ActivationRequest,
    request: HandlerRequest<Context>,
  ): MemberActivation | { refuse: string } | Promise<MemberActivation | { refuse: string }>
}

const MAX_TICKET_LENGTH = 512

function checkMemberOptions<Context>(fn: string, o: MemberHandlerOptions<Context>) {
  const kit = checkHandlerOptions(fn, o)
  const transport = checkWeChatReader(fn, o)
  if (o.cards === undefined) throw new TypeError(`${fn}: cards is required (the member cards this server serves)`)
  checkCatalogue(fn, 'cards', o.cards)
  return { kit, transport }
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
  const { kit, transport } = checkMemberOptions(fn, o)
  if (o.outerStr !== undefined && typeof o.outerStr !== 'string')
    throw new TypeError(`${fn}: outerStr must be a string`)
  const name = 'activation-params handler'
  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ body }) {
      const cardId = checkCardId(objectBody(body, '{ cardId }').cardId, 'cardId')
      await requireKnown(o.cards, [cardId], 'cardId')
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
 * WeChat call); the code must be held by them (card/code/get, else 403 `not_holder`); the form
 * (card/membercard/activatetempinfo/get; 72012 → `expired`); `onActivate` decides the member data; then
 * card/membercard/activate, and the member data as userinfo/get reads it. Up to four WeChat requests one after the
 * other, within the handler's `deadlineMs`: once it has passed (the page was answered 504 `timeout`), neither
 * `onActivate` nor the activation runs, so a retry starts clean. Errors: 405, 415, 413, 401, 400, 403, 404
 * `unknown_card`, 502 `wechat_error`, 504 `timeout`, 500 `server_error` (onActivate failed). Throws a `TypeError`
 * naming the option.
 */
export function createActivateHandler<Context = IncomingMessage>(
  o: ActivateHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createActivateHandler'
  const { kit, transport } = checkMemberOptions(fn, o)
  if (typeof o.onActivate !== 'function') throw new TypeError(`${fn}: onActivate must be a function`)
  const name = 'activate handler'
  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body, request, expired }) {
      const holder = user.cardOpenid
      if (holder === undefined)
        throw new HandlerError(
          403,
          'no_card_openid',
          'this session has no openid under the Official Account that owns the cards; its card cannot be activated',
        )
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
      let form: ActivationForm
      try {
        form = await getActivationForm({ ...api, activateTicket })
      } catch (e) {
        if (e instanceof WeChatApiError && e.errcode === MEMBER_CARD_ERRCODES.activateTicketExpired) {
          const expired: ActivateResponseBody = { outcome: 'expired', message: '激活信息已过期，请重新激活' }
          return jsonAnswer(200, expired)
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
      if (isPlainObject(decided) && typeof decided.refuse === 'string') {
        const refused: ActivateResponseBody = { outcome: 'refused', message: decided.refuse }
        return jsonAnswer(200, refused)
      }
      const activation = decided as MemberActivation
      if (expired()) throw outOfTime()
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
      const info = await wechat(WECHAT_API.memberUserInfo, () => getMemberInfo({ ...api, cardId, code }))
      const activated: ActivateResponseBody = { outcome: 'activated', member: memberData(info) }
      return jsonAnswer(200, activated)
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
 * (nothing goes to WeChat), 404 `unknown_card`, 502 `wechat_error`, 504 `timeout`. Throws a `TypeError` naming the
 * option.
 */
export function createMemberInfoHandler<Context = IncomingMessage>(
  o: MemberHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createMemberInfoHandler'
  const { kit, transport } = checkMemberOptions(fn, o)
  const name = 'member-info handler'
  const core = createCore(kit, {
    name,
    method: 'GET',
    async run({ user, request }) {
      const openid = user.cardOpenid
      if (openid === undefined)
        throw new HandlerError(
          403,
          'no_card_openid',
          'this session has no openid under the Official Account that owns the cards; its member data cannot be read',
        )
      const cardId = checkCardId(queryParam(request.url, 'cardId'), 'cardId')
      await requireKnown(o.cards, [cardId], 'cardId')
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
