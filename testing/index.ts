// weapp-card-coupon/testing: a card platform in one process, to test a card server and mini-program code end to end
// without a certified account. The facade: createCardPlatform puts together the platform's card rules and state
// (platform.ts), the simulated wx client (wx.ts) and WeChat's server API (wechat-api.ts), on one clock, with the
// simulator's own endpoints for a page in another process beside that API (page-bridge.ts).
import { randomBytes } from 'crypto'
import { isPlainObject } from '../utils/rules'
import {
  createActivationClient,
  createMemberBackend,
  type ActivationClient,
  type ActivationVisit,
  type MemberApiName,
  type MemberRecord,
} from './member-cards'
import { createPageBridge } from './page-bridge'
import { createScanner, type Scanner } from './scanner'
import type { PayPlatform } from './pay-platform'
import {
  checkPlatformOptions,
  createCardRules,
  usersOf,
  type CardState,
  type HeldCardStatus,
  type SimCard,
  type SimUser,
  type UserAction,
} from './platform'
import {
  createAccessTokens,
  createApiFetch,
  listenHttp,
  newRequestCounts,
  type ApiBackend,
  type ApiName,
  type Listening,
  type RequestCounts,
} from './wechat-api'
import {
  createSimulatedClient,
  type CallRecord,
  type CardApiName,
  type ClientSettings,
  type HeldCall,
  type InstallOptions,
  type ShowModalOption,
  type SimWx,
} from './wx'

export { PAGE_BRIDGE_PREFIX } from './page-bridge'
export {
  SCAN_CHAR_SET,
  SCAN_INPUT_TYPES,
  type PromiseScanCodeOption,
  type ScanCodeOption,
  type ScanCodeSuccessCallbackResult,
  type ScanInputType,
  type Scanner,
  type ScannerWx,
  type ScanView,
} from './scanner'
export {
  ACTIVATE_TICKET_LIFETIME_MS,
  ACTIVATION_APP_ID,
  type ActivationClient,
  type ActivationFormValues,
  type ActivationReferrerInfo,
  type ActivationVisit,
  type ActivationWx,
  type EnterOptions,
  type MemberApiName,
  type MemberCardSettings,
  type MemberRecord,
  type NavigateToMiniProgramOption,
} from './member-cards'
export {
  CARD_GET_PATH,
  CODE2SESSION_PATH,
  CODE_GET_PATH,
  DECRYPT_PATH,
  GET_CARD_LIST_PATH,
  STABLE_TOKEN_PATH,
  TICKET_PATH,
  type ApiName,
  type Listening,
  type RequestCounts,
} from './wechat-api'
export type {
  AddCardResponseInfo,
  AddCardSuccessCallbackResult,
  CallOptions,
  CallRecord,
  CardApiName,
  ClientSettings,
  GeneralCallbackResult,
  HeldCall,
  InstallOptions,
  PromiseCallOptions,
  ShowModalOption,
  ShowModalSuccessCallbackResult,
  SimWx,
  WxApiName,
} from './wx'
export {
  FIXTURE_ACCOUNT,
  FIXTURE_CARDS,
  FIXTURE_MINI_PROGRAM,
  FIXTURE_USERS,
  fixtureUser,
  type FixtureUserName,
  FIXTURE_CARD_IDS,
  fixtureCard,
  fixturePlatformOptions,
  FIXTURE_PAY,
  fixturePayPlatformOptions,
  type FixtureCard,
  type FixtureCardName,
} from './fixtures'
export {
  installRequest,
  loadPage,
  renderPage,
  request,
  waitFor,
  type MiniProgramOptions,
  type RenderPageOptions,
  type SimulatedComponent,
} from './miniprogram'
export type {
  DateInfo,
  HeldCard,
  HeldCardStatus,
  NonceRecord,
  OpenCardRequestInfo,
  SimCard,
  SimUser,
  UserAction,
} from './platform'

export interface CardPlatformOptions {
  apiTicket: string
  accessToken: string
  /** The user of `platform.wx`: their openid under the Official Account that owns the cards. */
  openid: string
  /**
   * Every user of the account, each with an openid under the Official Account (`openid`), another under the
   * mini-program (`miniOpenid`) and the `unionid` both share. Default: one user, `openid`.
   */
  users?: SimUser[] | undefined
  /** The mini-program's AppID and AppSecret (`sns/jscode2session`). Default `wx0000000000mini00` and its secret. */
  miniProgram?: { appid: string; secret: string } | undefined
  cards: SimCard[]
  /** What getSystemInfoSync/getAppBaseInfo report; default '3.12.0'. */
  SDKVersion?: string
  /** APIs the simulated client lacks, e.g. `['addCard']` (an old client); default none. */
  missingApis?: ClientSettings['missingApis']
  /** Tokens answered with 42001 (expired) instead of 40001, to test a server's token refresh. */
  expiredAccessTokens?: string[]
  /** Ticket answered for `type=jsapi`; it never signs a card. Default: derived from apiTicket. */
  jsapiTicket?: string
  /** The AppID `cgi-bin/stable_token` accepts. Default `wx0000000000card00`. */
  appid?: string | undefined
  /** The AppSecret `cgi-bin/stable_token` accepts. Default `simulator-app-secret-0000000000`. */
  secret?: string | undefined
  /**
   * Clock in ms since the epoch: the access_token's expiry, the 30 s between forced refreshes, card validity.
   * Default Date.now. `advanceTime(ms)` moves the platform's clock ahead of it.
   */
  now?: (() => number) | undefined
}

/** Where and what `listen()` serves. */
export interface PlatformListenOptions {
  /** The port on 127.0.0.1; default 0: a free one. */
  port?: number | undefined
  /**
   * Also answer the simulator's own endpoints under `/simulator/` (not WeChat's): the simulated wx.addCard /
   * wx.openCard of a page outside this process (the browser playground, WeChat devtools) and the hands a demo
   * plays the user and the merchant with. See page-bridge.ts.
   */
  pageBridge?: boolean | undefined
  /**
   * With `pageBridge`: the WeChat Pay simulator whose send-coupon plugin the page's stand-in plays
   * (`POST /simulator/plugin/send-coupon`). Without it that path is a 404.
   */
  payPlatform?: Pick<PayPlatform, 'sendCoupon'> | undefined
}

/** Everything the platform remembers, for a test to read: the card bag, the requests, the client's calls. */
export interface PlatformState extends CardState {
  /** Requests per API (over HTTP and through `fetch`), whatever the answer. */
  requests: RequestCounts
  /** Requests per API received and not answered yet. */
  inFlight: RequestCounts
  /** The most requests per API in flight at once so far (set a key to 0 to measure again). */
  maxInFlight: RequestCounts
  /** wx calls, whatever their outcome. */
  calls: { addCard: number; openCard: number }
  /** Every addCard/openCard call in order: what was passed, and how it was answered (`pending` while held). */
  log: CallRecord[]
  /** Every wx.showModal option object, in call order. */
  modals: ShowModalOption[]
}

/** The simulated client of one user (`platform.clientOf(user)`). */
export interface UserClient {
  user: SimUser
  /** wx.addCard / wx.openCard of this user's client (a bound cardExt must carry this user's openid). */
  wx: Pick<SimWx, 'addCard' | 'openCard'>
  /**
   * wx.login of this user's client: a js_code to exchange at `sns/jscode2session` (with the mini-program's AppID and
   * AppSecret) for this user's mini-program openid and unionid; it works once, for 5 minutes.
   */
  login(): Promise<{ code: string; errMsg: 'login:ok' }>
}

/** How `rotateTicket` replaces the api_ticket. */
export interface RotateTicketOptions {
  /** How long the replaced ticket still signs, in ms. Default 0: from now on it signs 签名错误. */
  graceMs?: number | undefined
  /** The new ticket. Default: a random one. */
  ticket?: string | undefined
}

export interface CardPlatform {
  /** The simulated client's functions (always all of them; see `install` for a client that lacks some). */
  wx: SimWx
  /**
   * The client of another user of the account (by `name`, or by either openid): their own wx.addCard, wx.openCard
   * (their own cards only) and wx.login. TypeError for a user the account does not have.
   */
  clientOf(user: string): UserClient
  /**
   * WeChat replaces the api_ticket: getticket answers a new one from now on; cardExts signed with the old one still
   * verify for `graceMs`, then fail with 签名错误. Resolves the new ticket.
   */
  rotateTicket(options?: RotateTicketOptions): string
  /**
   * Puts the simulator's functions on `target`, or on the global `wx` (created when absent): addCard and
   * openCard, or with `{ all: true }` also getSystemInfoSync, getAppBaseInfo and showModal. APIs the client
   * settings list as missing are left off. Returns an undo function that restores exactly what was there.
   */
  install(target?: object, options?: InstallOptions): () => void
  /** Changes the simulated client (base library version, missing APIs); installed targets follow at once. */
  setClient(settings: ClientSettings): void
  /**
   * Starts WeChat's API (stable_token, getticket, decrypt, getcardlist, code/get) on 127.0.0.1, on a free port or
   * `options.port`; with `pageBridge`, the simulator's own endpoints beside it. Rejects a port in use (EADDRINUSE)
   * and, with a TypeError, one that is not an integer from 0 to 65535.
   */
  listen(options?: PlatformListenOptions): Promise<Listening>
  /**
   * The same API in process, with the global fetch's signature: pass it as the server toolkit's `fetch` (any
   * baseUrl) where there is no socket (a mini-program, a browser). Answers on a later macrotask; honours `signal`.
   */
  fetch: typeof fetch
  /**
   * Changes a held card's state, as the user or the merchant would: consume it, gift it (GIFTING, then GIFT_SUCC
   * or GIFT_TIMEOUT), delete it, make it UNAVAILABLE or EXPIRE, or NORMAL again. TypeError when the user holds no
   * such card or the status is not one of WeChat's.
   */
  setCardStatus(card: { cardId: string; code: string }, status: HeldCardStatus): void
  /** Moves the platform's clock ahead by `ms` (token expiry, forced-refresh spacing, card validity). */
  advanceTime(ms: number): void
  /** The platform's clock, in ms since the epoch. */
  now(): number
  /**
   * The next request to `api` is answered with `answer` (default `{ errcode: -1, errmsg: 'system error' }`) before
   * anything else of it is looked at; queued, one per call.
   */
  failNextRequest(api: ApiName, answer?: { errcode: number; errmsg: string }): void
  /** Queues what the user does on the next addCard/openCard page. */
  nextUserAction(action: UserAction): void
  /**
   * Member cards (会员卡): WeChat's activation mini-program and what the platform knows of each member card.
   * - `nextVisit({ fill: { common, custom } })`: on the next jump the user submits this form (an activate_ticket
   *   comes back in referrerInfo.extraData); `nextVisit('leave')` (also the default): the user comes back without.
   * - `client`: the app-level functions of the round trip (navigateToMiniProgram, getEnterOptionsSync,
   *   onAppShow, offAppShow) of platform.wx's user; `client.install(target?)` puts them on a wx object.
   *   `clientOf(user)`: the same for another user (a name or either openid, as `clientOf` takes): in the activation
   *   mini-program they activate their own card.
   * - `member(card)`: the member data card/membercard/activate set, or undefined while not activated.
   * - `form(cardId)`: the last body activateuserform/set received for the card.
   */
  memberCards: {
    nextVisit(visit: ActivationVisit): void
    client: ActivationClient
    clientOf(user: string): ActivationClient
    member(card: { cardId: string; code: string }): MemberRecord | undefined
    form(cardId: string): Record<string, unknown> | undefined
  }
  /**
   * The counter's phone (the staff member's client, not platform.wx's): `wx.scanCode` answers with what its camera
   * sees, in WeChat's shape. `nextScan({ card: { cardId, code } })` (a held card's QR code: it carries the code),
   * `nextScan({ text })` (any other code) or `nextScan('cancel')` (the staff member closes the scanner) queues the
   * next scan; with none queued the customer shows platform.wx's user's newest usable card, and without one the scan
   * is cancelled. `install(target?)` puts scanCode on a wx object and returns `undo()`.
   */
  scanner: Scanner
  /** From now on addCard/openCard calls are held until the test answers them (`heldCalls()`), or never. */
  hold(on?: boolean): void
  /** Held calls not answered yet, oldest first: `answer()` as the platform would, or `respond(...)` raw. */
  heldCalls(): HeldCall[]
  /** Delay before each addCard/openCard answer, in ms (default 0: the next macrotask); showModal is not delayed. */
  setAnswerDelay(ms: number): void
  /** The next call of `api` throws `error` synchronously, as a broken client might. */
  throwOnNextCall(api: CardApiName, error: Error): void
  state: PlatformState
}

const MEMBER_APIS: readonly MemberApiName[] = [
  'activateuserform_set',
  'activate_geturl',
  'activatetempinfo_get',
  'membercard_activate',
  'membercard_userinfo',
  'code_consume',
  'code_unavailable',
]
const REQUEST_APIS: readonly ApiName[] = [
  'stable_token',
  'getticket',
  'decrypt',
  'getcardlist',
  'code_get',
  ...MEMBER_APIS,
  'card_get',
  'jscode2session',
]

/** A card platform: see CardPlatform. Throws a TypeError naming the option for bad options. */
export function createCardPlatform(options: CardPlatformOptions): CardPlatform {
  checkPlatformOptions(options)
  const o = options
  const baseClock = o.now ?? Date.now
  let clockOffset = 0
  const now = () => baseClock() + clockOffset
  const rules = createCardRules(o, now)
  const users = usersOf(o)
  const miniProgram = o.miniProgram ?? { appid: 'wx0000000000mini00', secret: 'simulator-mini-secret-000000000' }
  if (!isPlainObject(miniProgram) || typeof miniProgram.appid !== 'string' || typeof miniProgram.secret !== 'string')
    throw new TypeError('createCardPlatform: miniProgram must be { appid, secret }')
  const state: PlatformState = Object.assign(rules.state, {
    requests: newRequestCounts(),
    inFlight: newRequestCounts(),
    maxInFlight: newRequestCounts(),
    calls: { addCard: 0, openCard: 0 },
    log: [],
    modals: [],
  })
  const client = createSimulatedClient(rules, { SDKVersion: o.SDKVersion, missingApis: o.missingApis }, state)
  const backend: ApiBackend = {
    tokens: createAccessTokens({ ...o, now }),
    apiTicket: o.apiTicket,
    jsapiTicket: o.jsapiTicket ?? `jsapi-${o.apiTicket}`,
    requests: state.requests,
    inFlight: state.inFlight,
    maxInFlight: state.maxInFlight,
    faults: new Map(),
    cards: rules.cardBag,
    members: createMemberBackend({
      cards: o.cards,
      held: () => rules.state.held,
      stateOf: (card) => rules.cardBag.stateOf(card),
      setStatus: (card, status) => rules.setCardStatus(card, status),
      now,
    }),
    miniProgram,
    logins: new Map(),
    now,
  }
  // The activation round trip of each user's app, by their Official Account openid (platform.wx's user first).
  const activationClients = new Map<string, ActivationClient>()
  const activationClientOf = (openid: string): ActivationClient => {
    const known = activationClients.get(openid)
    if (known) return known
    const made = createActivationClient(backend.members, openid)
    activationClients.set(openid, made)
    return made
  }
  const scanner = createScanner({
    held: () => rules.state.held,
    // the customer at the counter: platform.wx's user, showing their newest card that can be consumed now
    shownByDefault: () =>
      [...rules.state.held].reverse().find((h) => h.openid === o.openid && rules.cardBag.stateOf(h).canConsume),
  })
  const LOGIN_CODE_MS = 5 * 60_000
  const clients = new Map<string, UserClient>()

  const platform: CardPlatform = {
    wx: client.wx,
    clientOf(name) {
      const user = users.find((u) => u.name === name || u.openid === name || u.miniOpenid === name)
      if (!user) throw new TypeError(`clientOf: the account has no user ${String(name)}`)
      const known = clients.get(user.openid)
      if (known) return known
      const own = createSimulatedClient(
        {
          addCard: (list) => rules.addCard(list, user.openid),
          openCard: (list) => rules.openCard(list, user.openid),
        },
        { SDKVersion: o.SDKVersion },
        state,
      )
      const userClient: UserClient = {
        user,
        wx: { addCard: own.wx.addCard, openCard: own.wx.openCard },
        async login() {
          const code = randomBytes(24).toString('base64url')
          backend.logins.set(code, { user, until: now() + LOGIN_CODE_MS, used: false })
          return { code, errMsg: 'login:ok' }
        },
      }
      clients.set(user.openid, userClient)
      return userClient
    },
    rotateTicket(options = {}) {
      const graceMs = options.graceMs ?? 0
      if (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0)
        throw new TypeError('rotateTicket: graceMs must be a finite number >= 0')
      const next = options.ticket ?? `simulator-api-ticket-${randomBytes(12).toString('hex')}`
      if (typeof next !== 'string' || !next || next === backend.apiTicket)
        throw new TypeError('rotateTicket: ticket must be a new non-empty string')
      rules.rotateTicket(next, now() + graceMs)
      backend.apiTicket = next
      return next
    },
    install: client.install,
    setClient: client.setClient,
    hold: client.hold,
    heldCalls: client.heldCalls,
    setAnswerDelay: client.setAnswerDelay,
    throwOnNextCall: client.throwOnNextCall,
    listen: (listenOptions = {}) =>
      listenHttp(backend, {
        port: listenOptions.port,
        answerFirst: listenOptions.pageBridge
          ? createPageBridge(platform, o.cards, listenOptions.payPlatform)
          : undefined,
      }),
    fetch: createApiFetch(backend),
    setCardStatus: rules.setCardStatus,
    advanceTime(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw new TypeError(`advanceTime: ms must be a finite number >= 0, got ${String(ms)}`)
      clockOffset += ms
    },
    now,
    failNextRequest(api, answer = { errcode: -1, errmsg: 'system error' }) {
      if (!REQUEST_APIS.includes(api))
        throw new TypeError(`failNextRequest: api must be one of ${REQUEST_APIS.join(', ')}, got ${String(api)}`)
      if (!isPlainObject(answer) || typeof answer.errcode !== 'number' || answer.errcode === 0)
        throw new TypeError('failNextRequest: answer must be { errcode: <non-zero number>, errmsg }')
      const queue = backend.faults.get(api) ?? []
      queue.push({ errcode: answer.errcode, errmsg: String(answer.errmsg) })
      backend.faults.set(api, queue)
    },
    nextUserAction: rules.nextUserAction,
    memberCards: {
      nextVisit(visit) {
        if (visit !== 'leave' && !(isPlainObject(visit) && isPlainObject(visit.fill)))
          throw new TypeError("memberCards.nextVisit: 'leave' or { fill: { common?, custom? } }")
        backend.members.visits.push(visit)
      },
      client: activationClientOf(o.openid),
      clientOf(name) {
        const user = users.find((u) => u.name === name || u.openid === name || u.miniOpenid === name)
        if (!user) throw new TypeError(`memberCards.clientOf: the account has no user ${String(name)}`)
        return activationClientOf(user.openid)
      },
      member: (card) => backend.members.members.get(`${card.cardId} ${card.code}`),
      form: (cardId) => backend.members.forms.get(cardId),
    },
    scanner,
    state,
  }
  return platform
}

// WeChat Pay: the send-coupon plugin stand-in, the coupon rules and the 商家券 APIv3 (pay-*.ts).
export {
  createPayPlatform,
  sendCouponStandIn,
  SIMULATOR_PUBLIC_KEY_ID,
  type PayPlatform,
  type PayPlatformOptions,
  type PayPlatformState,
  type ToastRecord,
} from './pay-platform'
export {
  PAY_COUPON_STATES,
  type HeldPayCoupon,
  type PayCouponState,
  type PayStock,
  type SheetAction,
} from './pay-coupons'
export type { PluginSheet, PluginStandIn } from './pay-plugin'
export { PAY_API, chinaRfc3339 } from './pay-api'
