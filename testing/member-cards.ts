// Member cards (会员卡) on the simulated platform: one-click activation (一键激活: the activation form, the parameters
// of WeChat's activation mini-program, the activate_ticket it hands back and how long it lives, the activation
// itself), member data (userinfo), and what the counter does with a code (核销 card/code/consume, invalidation
// card/code/unavailable). The held cards themselves live in platform.ts; this file keeps what a member card adds.
import { randomBytes } from 'crypto'
import { WECHAT_API } from '../server/constants'
import { isPlainObject } from '../utils/rules'
import type { HeldCard, HeldCardStatus, SimCard } from './platform'

/** The AppID of WeChat's activation mini-program (开卡组件): fixed by WeChat. */
export const ACTIVATION_APP_ID = 'wxeb490c6f9b154ef9'

/** How long an activate_ticket can be read with activatetempinfo/get, in ms (WeChat does not document it: modelled). */
export const ACTIVATE_TICKET_LIFETIME_MS = 30 * 60 * 1000

/**
 * How a member card is activated, as its `member_card` settings in WeChat: `wxActivate` (一键激活, the only one the
 * activation mini-program serves), or `activateUrl` / `autoActivate`, which take precedence over wx_activate.
 */
export interface MemberCardSettings {
  wxActivate?: boolean | undefined
  activateUrl?: string | undefined
  autoActivate?: boolean | undefined
}

/** The form the user fills in the activation mini-program: common field ids and custom field names → values. */
export interface ActivationFormValues {
  /** e.g. `{ USER_FORM_INFO_FLAG_MOBILE: '13800000000', USER_FORM_INFO_FLAG_NAME: '张三' }`. */
  common?: Readonly<Record<string, string>> | undefined
  /** Custom fields (custom_field_list): the name and the value, or the chosen values of a check box. */
  custom?: Readonly<Record<string, string | readonly string[]>> | undefined
}

/** What the user does in the activation mini-program on the next visit. */
export type ActivationVisit = { fill: ActivationFormValues } | 'leave'

/** A member card's data once activated (card/membercard/activate), as userinfo/get reports it. */
export interface MemberRecord {
  membershipNumber: string
  bonus: number
  balance: number
  /** The fields the user submitted (the activatetempinfo answer). */
  form: ActivationFormValues
}

/** What the activation mini-program hands back to the mini-program that opened it (referrerInfo). */
export interface ActivationReferrerInfo {
  appId: typeof ACTIVATION_APP_ID
  /** Only when the user submitted the form. */
  extraData?: { activate_ticket: string; card_id: string; code: string } | undefined
}

type Body = Record<string, unknown>

/** What the member-card APIs read and change on the platform. */
export interface MemberBackend {
  /** The settings of a card, or undefined when it is no member card. */
  settings(cardId: string): MemberCardSettings | undefined
  /** The user's held card with this card id (the most recent one), and the bag's own state function. */
  held(): readonly HeldCard[]
  stateOf(card: HeldCard): { status: string; canConsume: boolean }
  setStatus(card: HeldCard, status: HeldCardStatus): void
  now(): number
  /** card/membercard/activateuserform/set bodies by card id (the last one set). */
  forms: Map<string, Body>
  /** Activated member cards by `cardId code`. */
  members: Map<string, MemberRecord>
  /** Issued activation parameters: encrypt_card_id → card id. */
  encryptedCardIds: Map<string, string>
  /** Issued activate_tickets. */
  tickets: Map<string, { cardId: string; code: string; form: ActivationFormValues; expiresAt: number }>
  /** Queued visits of the activation mini-program. */
  visits: ActivationVisit[]
  /** The biz of the account (公众号), as geturl puts it in the URL. */
  biz: string
}

const key = (cardId: string, code: string) => `${cardId} ${code}`

export function createMemberBackend(o: {
  cards: readonly SimCard[]
  held: () => readonly HeldCard[]
  stateOf: (card: HeldCard) => { status: string; canConsume: boolean }
  setStatus: (card: HeldCard, status: HeldCardStatus) => void
  now: () => number
}): MemberBackend {
  const settings = new Map(o.cards.filter((c) => c.memberCard).map((c) => [c.cardId, { ...c.memberCard }]))
  return {
    settings: (cardId) => settings.get(cardId),
    held: o.held,
    stateOf: o.stateOf,
    setStatus: o.setStatus,
    now: o.now,
    forms: new Map(),
    members: new Map(),
    encryptedCardIds: new Map(),
    tickets: new Map(),
    visits: [],
    biz: 'MzAwMDAwMDAwMA==',
  }
}

/** Whether a member card is set for one-click activation (wx_activate, not overridden by activate_url/auto_activate). */
const oneClick = (s: MemberCardSettings) => Boolean(s.wxActivate) && !s.activateUrl && !s.autoActivate

// ------------------------------------------------------------------ the activation mini-program, client side

/**
 * What `wx.navigateToMiniProgram({ appId: ACTIVATION_APP_ID, extraData })` does on the simulated platform: the
 * extraData must be the parameters geturl issued (`encrypt_card_id`, `outer_str`, `biz`, URL-decoded); then the
 * queued visit decides: `fill` submits the form (a new activate_ticket comes back in referrerInfo.extraData), `leave`
 * (also the default) comes back with referrerInfo and no extraData. Answers `{ ok: false, errMsg }` for parameters
 * WeChat's activation mini-program would not open with (it shows an error page; modelled as a fail).
 */
export function visitActivationApp(
  m: MemberBackend,
  extraData: unknown,
  holder: string,
): { ok: true; referrerInfo: ActivationReferrerInfo } | { ok: false; errMsg: string } {
  const visit = m.visits.shift() ?? 'leave'
  if (!isPlainObject(extraData)) return { ok: false, errMsg: 'navigateToMiniProgram:fail invalid extraData' }
  const { encrypt_card_id: encrypted, biz } = extraData
  const cardId = typeof encrypted === 'string' ? m.encryptedCardIds.get(encrypted) : undefined
  if (!cardId || biz !== m.biz) return { ok: false, errMsg: 'navigateToMiniProgram:fail invalid extraData' }
  if (visit === 'leave') return { ok: true, referrerInfo: { appId: ACTIVATION_APP_ID } }
  // The user activates the card they hold (their most recent one of that card id that is still usable).
  const held = [...m.held()]
    .reverse()
    .find((h) => h.openid === holder && h.cardId === cardId && m.stateOf(h).status === 'NORMAL')
  if (!held) return { ok: true, referrerInfo: { appId: ACTIVATION_APP_ID } }
  const ticket = randomBytes(36).toString('base64')
  m.tickets.set(ticket, {
    cardId,
    code: held.code,
    form: visit.fill,
    expiresAt: m.now() + ACTIVATE_TICKET_LIFETIME_MS,
  })
  return {
    ok: true,
    referrerInfo: {
      appId: ACTIVATION_APP_ID,
      extraData: { activate_ticket: ticket, card_id: cardId, code: held.code },
    },
  }
}

// ------------------------------------------------------------------ WeChat's server APIs

const INVALID_CODE: Body = { errcode: 40056, errmsg: 'invalid serial code' }
const INVALID_CARD_ID: Body = { errcode: 40073, errmsg: 'invalid card_id' }
const CONSUMED: Body = { errcode: 40099, errmsg: 'invalid code, this code has consumed.' }
const NOT_USABLE: Body = {
  errcode: 40127,
  errmsg: 'invalid user-card status! Hint: the card was given to user, but may be deleted or set unavailable !',
}
const NOT_WX_ACTIVATE: Body = { errcode: 72026, errmsg: 'card not support wx_activate' }
const TICKET_EXPIRED: Body = { errcode: 72012, errmsg: 'activate_ticket has been expired' }
const INVALID_TICKET: Body = {
  errcode: 72011,
  errmsg: 'invalid activate_ticket.Maybe this ticket is not belong this AppId',
}
const missing = (field: string): Body => ({ errcode: 41011, errmsg: `missing required fields: ${field}` })
const absent = (v: unknown) => v === undefined || v === null || v === ''
const formatError: Body = { errcode: 47001, errmsg: 'data format error' }

/** The held card a request names by `code` (and `card_id`, required for a custom-code card), or WeChat's error. */
function heldCard(m: MemberBackend, body: Body, usesCustomCode: (cardId: string) => boolean): HeldCard | Body {
  const { code, card_id: cardId } = body
  if (absent(code)) return missing('code')
  if (!absent(cardId) && typeof cardId !== 'string') return INVALID_CARD_ID
  const card = m.held().find((h) => h.code === code && (absent(cardId) || h.cardId === cardId))
  if (!card) return INVALID_CODE
  if (absent(cardId) && usesCustomCode(card.cardId)) return missing('card_id')
  return card
}
const isHeld = (v: HeldCard | Body): v is HeldCard => typeof (v as HeldCard).encryptCode === 'string'

/** Unsigned integer fields of card/membercard/activate. */
const count = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0)

/** The member-card API names, as keys of RequestCounts. */
export type MemberApiName =
  | 'activateuserform_set'
  | 'activate_geturl'
  | 'activatetempinfo_get'
  | 'membercard_activate'
  | 'membercard_userinfo'
  | 'code_consume'
  | 'code_unavailable'

/** One member-card route: its path below the API root, its name, and its answer to a checked JSON body. */
export interface MemberRoute {
  path: string
  api: MemberApiName
  answer(m: MemberBackend, body: Body, usesCustomCode: (cardId: string) => boolean): Body
}

export const MEMBER_ROUTES: readonly MemberRoute[] = [
  {
    path: `/${WECHAT_API.activateUserForm}`,
    api: 'activateuserform_set',
    answer(m, body) {
      const cardId = body.card_id
      if (absent(cardId)) return missing('card_id')
      const settings = typeof cardId === 'string' ? m.settings(cardId) : undefined
      if (!settings) return INVALID_CARD_ID
      if (!oneClick(settings)) return NOT_WX_ACTIVATE
      for (const part of ['required_form', 'optional_form'] as const) {
        if (body[part] !== undefined && !isPlainObject(body[part])) return formatError
      }
      m.forms.set(cardId as string, { ...body })
      return { errcode: 0, errmsg: 'ok' }
    },
  },
  {
    path: `/${WECHAT_API.activateGetUrl}`,
    api: 'activate_geturl',
    answer(m, body) {
      const cardId = body.card_id
      if (absent(cardId)) return missing('card_id')
      const settings = typeof cardId === 'string' ? m.settings(cardId) : undefined
      if (!settings) return INVALID_CARD_ID
      if (!oneClick(settings)) return NOT_WX_ACTIVATE
      const outerStr = body.outer_str ?? ''
      if (typeof outerStr !== 'string') return formatError
      const encrypted = randomBytes(24).toString('base64') // with + / =: the client must URL-decode
      m.encryptedCardIds.set(encrypted, cardId as string)
      const q = (v: string) => encodeURIComponent(v)
      const url =
        `https://mp.weixin.qq.com/bizmall/activatemembercard?action=preshow&&encrypt_card_id=${q(encrypted)}` +
        `&outer_str=${q(outerStr)}&biz=${q(m.biz)}#wechat_redirect`
      return { errcode: 0, errmsg: 'ok', url }
    },
  },
  {
    path: `/${WECHAT_API.activateTempInfo}`,
    api: 'activatetempinfo_get',
    answer(m, body) {
      const ticket = body.activate_ticket
      if (absent(ticket)) return missing('activate_ticket')
      const issued = typeof ticket === 'string' ? m.tickets.get(ticket) : undefined
      if (!issued) return INVALID_TICKET
      if (m.now() >= issued.expiresAt) return TICKET_EXPIRED
      const common = Object.entries(issued.form.common ?? {}).map(([name, value]) => ({ name, value }))
      const custom = Object.entries(issued.form.custom ?? {}).map(([name, value]) =>
        typeof value === 'string' ? { name, value } : { name, value_list: [...value] },
      )
      return { errcode: 0, errmsg: 'ok', info: { common_field_list: common, custom_field_list: custom } }
    },
  },
  {
    path: `/${WECHAT_API.activateMemberCard}`,
    api: 'membercard_activate',
    answer(m, body, usesCustomCode) {
      if (absent(body.card_id)) return missing('card_id')
      if (absent(body.membership_number)) return missing('membership_number')
      if (typeof body.membership_number !== 'string') return formatError
      if (!count(body.init_bonus) || !count(body.init_balance)) return formatError
      const card = heldCard(m, body, usesCustomCode)
      if (!isHeld(card)) return card
      if (!m.settings(card.cardId)) return INVALID_CARD_ID
      const { status } = m.stateOf(card)
      if (status === 'CONSUMED') return CONSUMED
      if (status !== 'NORMAL') return NOT_USABLE
      // Activating again updates the member data, as WeChat's activate does.
      const before = m.members.get(key(card.cardId, card.code))
      const form = [...m.tickets.values()].find((t) => t.cardId === card.cardId && t.code === card.code)?.form ?? {}
      m.members.set(key(card.cardId, card.code), {
        membershipNumber: body.membership_number,
        bonus: (body.init_bonus as number | undefined) ?? before?.bonus ?? 0,
        balance: (body.init_balance as number | undefined) ?? before?.balance ?? 0,
        form,
      })
      return { errcode: 0, errmsg: 'ok' }
    },
  },
  {
    path: `/${WECHAT_API.memberUserInfo}`,
    api: 'membercard_userinfo',
    answer(m, body, usesCustomCode) {
      if (absent(body.card_id)) return missing('card_id')
      const card = heldCard(m, body, usesCustomCode)
      if (!isHeld(card)) return card
      if (!m.settings(card.cardId)) return INVALID_CARD_ID
      const member = m.members.get(key(card.cardId, card.code))
      const common = Object.entries(member?.form.common ?? {}).map(([name, value]) => ({ name, value }))
      return {
        errcode: 0,
        errmsg: 'ok',
        openid: card.openid,
        nickname: '',
        membership_number: member?.membershipNumber ?? '',
        bonus: member?.bonus ?? 0,
        balance: member?.balance ?? 0,
        sex: '',
        user_info: { common_field_list: common, custom_field_list: [] },
        user_card_status: m.stateOf(card).status,
        has_active: member !== undefined,
      }
    },
  },
  {
    path: `/${WECHAT_API.consumeCode}`,
    api: 'code_consume',
    answer(m, body, usesCustomCode) {
      const card = heldCard(m, body, usesCustomCode)
      if (!isHeld(card)) return card
      const { status, canConsume } = m.stateOf(card)
      if (status === 'CONSUMED') return CONSUMED
      if (status !== 'NORMAL' || !canConsume) return NOT_USABLE
      m.setStatus(card, 'CONSUMED')
      return { errcode: 0, errmsg: 'ok', card: { card_id: card.cardId }, openid: card.openid }
    },
  },
  {
    path: `/${WECHAT_API.codeUnavailable}`,
    api: 'code_unavailable',
    answer(m, body, usesCustomCode) {
      if (body.reason !== undefined && typeof body.reason !== 'string') return formatError
      const card = heldCard(m, body, usesCustomCode)
      if (!isHeld(card)) return card
      const { status } = m.stateOf(card)
      if (status === 'CONSUMED') return CONSUMED
      if (status === 'UNAVAILABLE' || status === 'DELETE') return NOT_USABLE
      m.setStatus(card, 'UNAVAILABLE')
      return { errcode: 0, errmsg: 'ok' }
    },
  },
]

// ------------------------------------------------------------------ the mini-program side of the jump

/** The options the app is shown with (wx.onAppShow's argument, wx.getEnterOptionsSync's answer), in part. */
export interface EnterOptions {
  /** 1001 at the first launch; 1038 when coming back from another mini-program. */
  scene: number
  path: string
  query: Record<string, string>
  referrerInfo: ActivationReferrerInfo | Record<string, never>
}

/** `wx.navigateToMiniProgram`'s options, as far as the simulator reads them. */
export interface NavigateToMiniProgramOption {
  appId?: unknown
  extraData?: unknown
  success?: ((result: { errMsg: string }) => void) | undefined
  fail?: ((result: { errMsg: string }) => void) | undefined
  complete?: ((result: { errMsg: string }) => void) | undefined
}

/** The app-level wx functions the activation round trip uses. */
export interface ActivationWx {
  /** Jumps to WeChat's activation mini-program; the user comes back on a later macrotask (onAppShow fires). */
  navigateToMiniProgram(option: NavigateToMiniProgramOption): void
  getEnterOptionsSync(): EnterOptions
  onAppShow(listener: (options: EnterOptions) => void): void
  offAppShow(listener?: (options: EnterOptions) => void): void
}

export interface ActivationClient {
  wx: ActivationWx
  /** Puts the four functions on `target` (default the global `wx`, created when absent); returns an undo function. */
  install(target?: object): () => void
}

const ACTIVATION_API_NAMES = ['navigateToMiniProgram', 'getEnterOptionsSync', 'onAppShow', 'offAppShow'] as const

/**
 * The simulated app of the user `holder` (their Official Account openid) around the activation mini-program:
 * navigateToMiniProgram answers `success` once the jump is made (`fail` for another appId, or parameters the
 * activation mini-program refuses), then the user comes back: the enter options become `{ scene: 1038, referrerInfo }`
 * and every onAppShow listener is called with them. In the activation mini-program the user activates their own card.
 */
export function createActivationClient(m: MemberBackend, holder: string): ActivationClient {
  let enter: EnterOptions = { scene: 1001, path: 'pages/index/index', query: {}, referrerInfo: {} }
  const listeners: ((options: EnterOptions) => void)[] = []
  const later = (f: () => void) => setTimeout(f, 0)
  const wx: ActivationWx = {
    navigateToMiniProgram(option) {
      const o: NavigateToMiniProgramOption = isPlainObject(option) ? option : {}
      const answer = (ok: boolean, errMsg: string) =>
        later(() => {
          try {
            if (ok) o.success?.({ errMsg })
            else o.fail?.({ errMsg })
          } finally {
            o.complete?.({ errMsg })
          }
        })
      if (o.appId !== ACTIVATION_APP_ID) {
        answer(false, `navigateToMiniProgram:fail the simulator only opens ${ACTIVATION_APP_ID}`)
        return
      }
      const visit = visitActivationApp(m, o.extraData, holder)
      if (!visit.ok) {
        answer(false, visit.errMsg)
        return
      }
      answer(true, 'navigateToMiniProgram:ok')
      // The user comes back after the jump was answered.
      later(() =>
        later(() => {
          enter = { scene: 1038, path: enter.path, query: {}, referrerInfo: visit.referrerInfo }
          for (const listener of [...listeners]) listener({ ...enter })
        }),
      )
    },
    getEnterOptionsSync: () => ({ ...enter }),
    onAppShow(listener) {
      if (typeof listener === 'function') listeners.push(listener)
    },
    offAppShow(listener) {
      if (listener === undefined) listeners.length = 0
      else if (listeners.includes(listener)) listeners.splice(listeners.indexOf(listener), 1)
    },
  }
  return {
    wx,
    install(target) {
      const global = globalThis as unknown as Record<string, unknown>
      const created = target === undefined && !isPlainObject(global.wx)
      if (created) global.wx = {}
      const host = (target ?? global.wx) as Record<string, unknown>
      const saved = ACTIVATION_API_NAMES.map((name) => [name, Object.getOwnPropertyDescriptor(host, name)] as const)
      for (const name of ACTIVATION_API_NAMES)
        Object.defineProperty(host, name, { value: wx[name], writable: true, enumerable: true, configurable: true })
      return () => {
        for (const [name, descriptor] of saved) {
          if (descriptor) Object.defineProperty(host, name, descriptor)
          else delete host[name]
        }
        if (created) delete global.wx
      }
    },
  }
}
