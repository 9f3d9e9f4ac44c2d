// Member cards (会员卡) and the counter, on WeChat's card APIs: the parameters of one-click activation (一键激活), the
// form the user submitted, the activation with the merchant's member data, the member data afterwards, and what staff
// do with a code: 核销 (check, then consume) and invalidation. Failures WeChat reports as a state of the code are
// typed outcomes; anything else (network, token, a refusal that is no state) rejects.
import { exactValueProblem } from '../utils/rules'
import { WECHAT_API } from './constants'
import {
  checkTransport,
  isObject,
  requestWeChat,
  wechatError,
  withAccessToken,
  WeChatApiError,
  type AccessTokenSource,
  type TransportOptions,
} from './wechat'

/** The AppID of WeChat's activation mini-program (开卡组件): `wx.navigateToMiniProgram({ appId })`. */
export const ACTIVATION_APP_ID = 'wxeb490c6f9b154ef9'

/** What every function here takes: how to reach WeChat, and the access_token of the AppID that owns the cards. */
export interface MemberCardApiOptions extends TransportOptions {
  /** `createStableAccessTokenProvider(...).getAccessToken`: refreshed once when WeChat rejects the token. */
  getAccessToken: AccessTokenSource
}

/** A code and its card: `cardId` is required for a custom-code card, optional (but checked) for the others. */
export interface CodeRef {
  code: string
  cardId?: string | undefined
}

/** `wx.navigateToMiniProgram`'s `extraData` for the activation mini-program, URL-decoded, named as WeChat names them. */
export interface ActivationExtraData {
  encrypt_card_id: string
  outer_str: string
  biz: string
}

/** The user's activation form (activatetempinfo/get), as WeChat's lists and as look-ups. */
export interface ActivationForm {
  /** Common fields by id, e.g. `{ USER_FORM_INFO_FLAG_MOBILE: '13800000000' }`. */
  common: Record<string, string>
  /** Custom fields by name: the value, or the chosen values of a check box. */
  custom: Record<string, string | string[]>
}

/** What the merchant sets when activating (card/membercard/activate). Bonus and balance are integers (balance in 分). */
export interface MemberActivation {
  membershipNumber: string
  initBonus?: number | undefined
  initBalance?: number | undefined
  /** Validity of the membership, Unix seconds. */
  activateBeginTime?: number | undefined
  activateEndTime?: number | undefined
}

/** A member card's data (card/membercard/userinfo/get). */
export interface MemberInfo {
  cardId: string
  code: string
  /** Whether the card has been activated. */
  activated: boolean
  membershipNumber: string
  bonus: number
  /** In 分 (cents), as WeChat stores it. */
  balance: number
  /** WeChat's user_card_status: NORMAL, CONSUMED, EXPIRE, … */
  status: string
  /** The holder, as an openid of the AppID that owns the card. */
  openid: string
}

/** Why a code cannot be consumed, made unavailable or activated now. */
export type CodeNotUsableReason = 'deleted' | 'expired' | 'gifting' | 'unavailable' | 'not_started' | 'not_usable'

/**
 * The outcome of a consume: `consumed` (`openid` the holder), `already_consumed` (WeChat 40099), `not_usable`
 * (40127 or can_consume false: `reason` from the code's state), `unknown_code` (40056: no such code, or not this
 * card's).
 */
export type ConsumeOutcome =
  | { outcome: 'consumed'; cardId: string; openid: string }
  | { outcome: 'already_consumed'; cardId?: string | undefined }
  | { outcome: 'not_usable'; reason: CodeNotUsableReason; status?: string | undefined; cardId?: string | undefined }
  | { outcome: 'unknown_code' }

/** The outcome of card/code/unavailable: `made_unavailable`, or why not (same meanings as ConsumeOutcome). */
export type UnavailableOutcome =
  | { outcome: 'made_unavailable' }
  | { outcome: 'already_consumed' }
  | { outcome: 'not_usable'; reason: CodeNotUsableReason }
  | { outcome: 'unknown_code' }

/** The code's state as check_consume=false reads it: the holder, the card, the status and whether it can be used. */
export interface CodeState {
  cardId: string
  openid: string
  status: string
  canConsume: boolean
}

/** WeChat's errcodes these functions turn into outcomes. */
export const MEMBER_CARD_ERRCODES = {
  invalidCode: 40056,
  alreadyConsumed: 40099,
  notUsable: 40127,
  activateTicketInvalid: 72011,
  activateTicketExpired: 72012,
  notWxActivate: 72026,
} as const

const INTEGER = (v: unknown) => Number.isInteger(v) && (v as number) >= 0

function checkCommon(fn: string, o: MemberCardApiOptions) {
  if (!o || typeof o !== 'object') throw new TypeError(`${fn}: options are required`)
  if (typeof o.getAccessToken !== 'function') throw new TypeError(`${fn}: getAccessToken must be a function`)
  const transport = checkTransport(fn, o)
  return (api: string, body: object) =>
    withAccessToken(fn, o.getAccessToken, (accessToken) =>
      requestWeChat({ api, method: 'POST', accessToken, body, ...transport }),
    )
}

function exact(fn: string, name: string, value: unknown): string {
  const problem = exactValueProblem(value)
  if (problem) throw new TypeError(`${fn}: ${name} ${problem}`)
  return value as string
}

function codeBody(fn: string, o: CodeRef): { code: string; card_id?: string } {
  const code = exact(fn, 'code', o.code)
  if (o.cardId === undefined) return { code }
  return { code, card_id: exact(fn, 'cardId', o.cardId) }
}

const errcodeOf = (e: unknown) => (e instanceof WeChatApiError ? e.errcode : undefined)

/** The typed reason of a status that is not NORMAL (CONSUMED is its own outcome). */
function reasonOf(status: string, canConsume: boolean): CodeNotUsableReason {
  if (status === 'DELETE') return 'deleted'
  if (status === 'EXPIRE') return 'expired'
  if (status === 'GIFTING' || status === 'GIFT_SUCC' || status === 'GIFT_TIMEOUT') return 'gifting'
  if (status === 'UNAVAILABLE') return 'unavailable'
  if (status === 'NORMAL' && !canConsume) return 'not_started'
  return 'not_usable'
}

/**
 * The activation mini-program's parameters for a card: `POST card/membercard/activate/geturl` `{ card_id,
 * outer_str }` → `{ url }`, whose query carries `encrypt_card_id`, `outer_str` and `biz`, returned URL-decoded
 * (pass them as `extraData` as they are). Rejects a `TypeError` for a bad cardId; a `WeChatApiError` when WeChat
 * refuses (72026: the card is not set for one-click activation: `wx_activate: true` without `activate_url` or
 * `auto_activate`); an `Error` naming the API when the URL lacks a parameter.
 */
export async function getActivationExtraData(
  o: MemberCardApiOptions & { cardId: string; outerStr?: string | undefined },
): Promise<ActivationExtraData> {
  const fn = 'getActivationExtraData'
  const post = checkCommon(fn, o)
  const cardId = exact(fn, 'cardId', o.cardId)
  if (o.outerStr !== undefined && typeof o.outerStr !== 'string')
    throw new TypeError(`${fn}: outerStr must be a string`)
  const api = WECHAT_API.activateGetUrl
  const data = await post(api, { card_id: cardId, outer_str: o.outerStr ?? '' })
  if (typeof data.url !== 'string') throw wechatError(`WeChat ${api}: response has no url`)
  const query = data.url.split('#')[0].split('?').slice(1).join('?')
  const param = (name: string): string | undefined => {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=')
      if (eq > 0 && pair.slice(0, eq) === name) {
        try {
          return decodeURIComponent(pair.slice(eq + 1))
        } catch {
          return undefined
        }
      }
    }
    return undefined
  }
  const encrypted = param('encrypt_card_id')
  const biz = param('biz')
  if (!encrypted || !biz) throw wechatError(`WeChat ${api}: the url lacks encrypt_card_id or biz`)
  return { encrypt_card_id: encrypted, outer_str: param('outer_str') ?? '', biz }
}

/**
 * The form the user submitted in the activation mini-program: `POST card/membercard/activatetempinfo/get`
 * `{ activate_ticket }` → `info.common_field_list` / `custom_field_list`. Rejects a `WeChatApiError` when WeChat
 * refuses: 72012 the ticket expired (ask the user to activate again), 72011 the ticket is unknown or
 * another AppID's (call with the card-owning Official Account's access_token)…
 */
export async function getActivationForm(o: MemberCardApiOptions & { activateTicket: string }): Promise<ActivationForm> {
  const fn = 'getActivationForm'
  const post = checkCommon(fn, o)
  if (typeof o.activateTicket !== 'string' || !o.activateTicket)
    throw new TypeError(`${fn}: activateTicket must be a non-empty string`)
  const api = WECHAT_API.activateTempInfo
  const data = await post(api, { activate_ticket: o.activateTicket })
  const info = isObject(data.info) ? data.info : {}
  const form: ActivationForm = { common: {}, custom: {} }
  for (const field of Array.isArray(info.common_field_list) ? info.common_field_list : []) {
    if (isObject(field) && typeof field.name === 'string' && typeof field.value === 'string')
      form.common[field.name] = field.value
  }
  for (const field of Array.isArray(info.custom_field_list) ? info.custom_field_list : []) {
    if (!isObject(field) || typeof field.name !== 'string') continue
    if (Array.isArray(field.value_list)) form.custom[field.name] = field.value_list.map(String)
    else if (typeof field.value === 'string') form.custom[field.name] = field.value
  }
  return form
}

/**
 * Activates a member card: `POST card/membercard/activate` `{ card_id, code, membership_number, init_bonus?,
 * init_balance?, activate_begin_time?, activate_end_time? }`. Rejects a `TypeError` naming the field before any
 * request (bonus and balance are integers >= 0, times Unix seconds); a `WeChatApiError` when WeChat refuses.
 */
export async function activateMemberCard(
  o: MemberCardApiOptions & { cardId: string; code: string } & MemberActivation,
): Promise<void> {
  const fn = 'activateMemberCard'
  const post = checkCommon(fn, o)
  const body: Record<string, unknown> = {
    card_id: exact(fn, 'cardId', o.cardId),
    code: exact(fn, 'code', o.code),
    membership_number: exact(fn, 'membershipNumber', o.membershipNumber),
  }
  const numbers = [
    ['initBonus', 'init_bonus'],
    ['initBalance', 'init_balance'],
    ['activateBeginTime', 'activate_begin_time'],
    ['activateEndTime', 'activate_end_time'],
  ] as const
  for (const [name, field] of numbers) {
    const v = o[name]
    if (v === undefined) continue
    if (!INTEGER(v)) throw new TypeError(`${fn}: ${name} must be an integer >= 0`)
    body[field] = v
  }
  await post(WECHAT_API.activateMemberCard, body)
}

/**
 * A member card's data: `POST card/membercard/userinfo/get` `{ card_id, code }` → `has_active`,
 * `membership_number`, `bonus`, `balance`, `user_card_status`, `openid`. Rejects a `WeChatApiError` when WeChat
 * refuses (40056 unknown code…).
 */
export async function getMemberInfo(o: MemberCardApiOptions & { cardId: string; code: string }): Promise<MemberInfo> {
  const fn = 'getMemberInfo'
  const post = checkCommon(fn, o)
  const cardId = exact(fn, 'cardId', o.cardId)
  const code = exact(fn, 'code', o.code)
  const data = await post(WECHAT_API.memberUserInfo, { card_id: cardId, code })
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  return {
    cardId,
    code,
    activated: data.has_active === true,
    membershipNumber: typeof data.membership_number === 'string' ? data.membership_number : '',
    bonus: num(data.bonus),
    balance: num(data.balance),
    status: typeof data.user_card_status === 'string' ? data.user_card_status : 'UNKNOWN',
    openid: typeof data.openid === 'string' ? data.openid : '',
  }
}

/**
 * A code's state without checking it can be consumed: `POST card/code/get` `{ code, card_id?, check_consume: false
 * }`. Resolves undefined for a code WeChat does not know (40056); rejects otherwise.
 */
export async function getCodeState(o: MemberCardApiOptions & CodeRef): Promise<CodeState | undefined> {
  const fn = 'getCodeState'
  const post = checkCommon(fn, o)
  try {
    return codeStateOf(await post(WECHAT_API.getCode, { ...codeBody(fn, o), check_consume: false }))
  } catch (e) {
    if (errcodeOf(e) === MEMBER_CARD_ERRCODES.invalidCode) return undefined
    throw e
  }
}

function codeStateOf(data: Record<string, unknown>): CodeState {
  const card = isObject(data.card) ? data.card : {}
  return {
    cardId: typeof card.card_id === 'string' ? card.card_id : '',
    openid: typeof data.openid === 'string' ? data.openid : '',
    status: typeof data.user_card_status === 'string' ? data.user_card_status : 'UNKNOWN',
    canConsume: data.can_consume === true || data.can_consume === 'true',
  }
}

/**
 * 核销: checks the code (`POST card/code/get` with `check_consume: true`), then consumes it (`POST
 * card/code/consume` `{ code, card_id? }`). `beforeConsume(state)` runs between the two (e.g. refuse the holder or
 * remember that this request is about to consume); when it throws, nothing is consumed and the error passes through.
 * Resolves a ConsumeOutcome for every answer that is a state of the code (40056, 40099, 40127, can_consume false; a
 * not-usable code is looked up again without check_consume to name its reason). Rejects a `TypeError` for a bad code
 * or cardId before any request, a `WeChatApiError` for another refusal, an `Error` for network failures.
 */
export async function consumeCode(
  o: MemberCardApiOptions & CodeRef & { beforeConsume?: ((state: CodeState) => void | Promise<void>) | undefined },
): Promise<ConsumeOutcome> {
  const fn = 'consumeCode'
  const post = checkCommon(fn, o)
  const ref = codeBody(fn, o)
  const notUsable = async (): Promise<ConsumeOutcome> => {
    const state = await getCodeState(o)
    if (!state) return { outcome: 'unknown_code' }
    if (state.status === 'CONSUMED') return { outcome: 'already_consumed', cardId: state.cardId }
    return {
      outcome: 'not_usable',
      reason: reasonOf(state.status, state.canConsume),
      status: state.status,
      cardId: state.cardId,
    }
  }
  const known = async (call: () => Promise<ConsumeOutcome>): Promise<ConsumeOutcome> => {
    try {
      return await call()
    } catch (e) {
      const errcode = errcodeOf(e)
      if (errcode === MEMBER_CARD_ERRCODES.invalidCode) return { outcome: 'unknown_code' }
      if (errcode === MEMBER_CARD_ERRCODES.alreadyConsumed) return { outcome: 'already_consumed', cardId: o.cardId }
      if (errcode === MEMBER_CARD_ERRCODES.notUsable) return notUsable()
      throw e
    }
  }
  return known(async () => {
    const state = codeStateOf(await post(WECHAT_API.getCode, { ...ref, check_consume: true }))
    if (state.status === 'CONSUMED') return { outcome: 'already_consumed', cardId: state.cardId }
    if (state.status !== 'NORMAL' || !state.canConsume)
      return {
        outcome: 'not_usable',
        reason: reasonOf(state.status, state.canConsume),
        status: state.status,
        cardId: state.cardId,
      }
    if (o.beforeConsume) await o.beforeConsume(state)
    const data = await post(WECHAT_API.consumeCode, ref)
    const card = isObject(data.card) ? data.card : {}
    return {
      outcome: 'consumed',
      cardId: typeof card.card_id === 'string' ? card.card_id : state.cardId,
      openid: typeof data.openid === 'string' ? data.openid : state.openid,
    }
  })
}

/**
 * Makes a code unavailable for good (`POST card/code/unavailable` `{ code, card_id?, reason? }`): it cannot be undone.
 * Resolves an UnavailableOutcome (40056 `unknown_code`, 40099 `already_consumed`, 40127 `not_usable`); rejects a
 * `TypeError` before any request for a bad code, cardId or reason, a `WeChatApiError` for another refusal.
 */
export async function makeCodeUnavailable(
  o: MemberCardApiOptions & CodeRef & { reason?: string | undefined },
): Promise<UnavailableOutcome> {
  const fn = 'makeCodeUnavailable'
  const post = checkCommon(fn, o)
  const ref = codeBody(fn, o)
  if (o.reason !== undefined && typeof o.reason !== 'string') throw new TypeError(`${fn}: reason must be a string`)
  try {
    await post(WECHAT_API.codeUnavailable, o.reason === undefined ? ref : { ...ref, reason: o.reason })
    return { outcome: 'made_unavailable' }
  } catch (e) {
    const errcode = errcodeOf(e)
    if (errcode === MEMBER_CARD_ERRCODES.invalidCode) return { outcome: 'unknown_code' }
    if (errcode === MEMBER_CARD_ERRCODES.alreadyConsumed) return { outcome: 'already_consumed' }
    if (errcode === MEMBER_CARD_ERRCODES.notUsable) {
      const state = await getCodeState(o)
      return { outcome: 'not_usable', reason: state ? reasonOf(state.status, state.canConsume) : 'not_usable' }
    }
    throw e
  }
}

/** One field of a rich activation form field (radio, select, check box). */
export interface RichFormField {
  type: 'FORM_FIELD_RADIO' | 'FORM_FIELD_SELECT' | 'FORM_FIELD_CHECK_BOX'
  name: string
  values: string[]
}

/** One part of the activation form (required or optional), as WeChat names its fields. */
export interface ActivationFormPart {
  /** Whether the user may change these fields later. */
  can_modify?: boolean | undefined
  /** e.g. `['USER_FORM_INFO_FLAG_MOBILE', 'USER_FORM_INFO_FLAG_NAME']`. */
  common_field_id_list?: string[] | undefined
  custom_field_list?: string[] | undefined
  rich_field_list?: RichFormField[] | undefined
}

/**
 * Sets the form of one-click activation (一键激活) for a member card: `POST card/membercard/activateuserform/set`
 * `{ card_id, required_form?, optional_form? }`. Rejects a `WeChatApiError` when WeChat refuses (72026: the card is
 * not set for one-click activation).
 */
export async function setActivationForm(
  o: MemberCardApiOptions & {
    cardId: string
    requiredForm?: ActivationFormPart | undefined
    optionalForm?: ActivationFormPart | undefined
  },
): Promise<void> {
  const fn = 'setActivationForm'
  const post = checkCommon(fn, o)
  const body: Record<string, unknown> = { card_id: exact(fn, 'cardId', o.cardId) }
  if (o.requiredForm !== undefined) body.required_form = o.requiredForm
  if (o.optionalForm !== undefined) body.optional_form = o.optionalForm
  await post(WECHAT_API.activateUserForm, body)
}
