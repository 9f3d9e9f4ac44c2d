// The WeChat server APIs a card server calls, answered with WeChat's JSON shapes: one router, one place per API,
// reached through a socket (listen()) or in process (platform.fetch).
import { randomBytes } from 'crypto'
import { createServer, type IncomingMessage } from 'http'
import {
  CHINA_TIME_OFFSET_MS,
  CREDENTIAL_LIFETIME_SECONDS,
  DAY_MS,
  FORCE_REFRESHES_PER_DAY,
  FORCE_REFRESH_INTERVAL_MS,
  WECHAT_API,
} from '../server/constants'
import { exactValueProblem, isPlainObject } from '../utils/rules'
import { MEMBER_ROUTES, type MemberApiName, type MemberBackend } from './member-cards'

export const TICKET_PATH = `/${WECHAT_API.getTicket}`
export const DECRYPT_PATH = `/${WECHAT_API.decryptCode}`
export const STABLE_TOKEN_PATH = `/${WECHAT_API.stableToken}`
export const GET_CARD_LIST_PATH = `/${WECHAT_API.getCardList}`
export const CODE_GET_PATH = `/${WECHAT_API.getCode}`
export const CARD_GET_PATH = `/${WECHAT_API.getCard}`
export const CODE2SESSION_PATH = `/${WECHAT_API.code2Session}`

type Body = Record<string, unknown>

/** Requests per API, whatever the answer (over HTTP and through platform.fetch alike). */
interface BaseRequestCounts {
  /** `GET /cgi-bin/ticket/getticket`. */
  getticket: number
  /** `POST /card/code/decrypt`. */
  decrypt: number
  /** `POST /cgi-bin/stable_token`. */
  stable_token: number
  /** `POST /card/user/getcardlist`. */
  getcardlist: number
  /** `POST /card/code/get`. */
  code_get: number
  /** `POST /card/get`. */
  card_get: number
  /** `GET /sns/jscode2session` (the mini-program's AppID). */
  jscode2session: number
  /** Requests to any other path (answered 404). */
  other: number
}
/** Requests to the member-card APIs and to consume / unavailable (member-cards.ts), by the same count. */
export type RequestCounts = BaseRequestCounts & Record<MemberApiName, number>

/** The APIs the simulator answers, by their key in RequestCounts. */
export type ApiName = Exclude<keyof RequestCounts, 'other'>

export const newRequestCounts = (): RequestCounts => ({
  stable_token: 0,
  getticket: 0,
  decrypt: 0,
  getcardlist: 0,
  code_get: 0,
  card_get: 0,
  jscode2session: 0,
  activateuserform_set: 0,
  activate_geturl: 0,
  activatetempinfo_get: 0,
  membercard_activate: 0,
  membercard_userinfo: 0,
  code_consume: 0,
  code_unavailable: 0,
  other: 0,
})

/** The options of createCardPlatform that shape the access_token. */
export interface AccessTokenOptions {
  accessToken: string
  expiredAccessTokens?: string[] | undefined
  appid?: string | undefined
  secret?: string | undefined
  now?: (() => number) | undefined
}

const LIFETIME_MS = CREDENTIAL_LIFETIME_SECONDS * 1000
/** WeChat renews a token in its last 5 minutes, and answers with a new one from then on. */
const RENEW_WITHIN_MS = 300 * 1000

/** The platform's access_token over time: what stable_token answers and which tokens the other APIs accept. */
export interface AccessTokens {
  /** The error for a token the APIs refuse, or undefined when it is valid now. */
  check(token: string | null): Body | undefined
  /** The stable_token answer for a request body (already parsed). */
  stable(body: Record<string, unknown>): Body
}

export function createAccessTokens(o: AccessTokenOptions): AccessTokens {
  const fn = 'createCardPlatform'
  const appid = o.appid ?? 'wx0000000000card00'
  const secret = o.secret ?? 'simulator-app-secret-0000000000'
  const now = o.now ?? Date.now
  for (const [name, v] of [
    ['appid', appid],
    ['secret', secret],
  ] as const) {
    if (typeof v !== 'string' || !v) throw new TypeError(`${fn}: ${name} must be a non-empty string`)
  }
  if (typeof now !== 'function') throw new TypeError(`${fn}: now must be a function`)
  const expired = o.expiredAccessTokens ?? []
  let current = { token: o.accessToken, expiresAt: now() + LIFETIME_MS }
  // After a normal-mode renewal the old token stays valid until its own expiry (at most 5 minutes).
  let previous: { token: string; expiresAt: number } | undefined
  const forcedOut = new Set<string>()
  let lastForcedAt: number | undefined
  const forcesOn = { day: -1, count: 0 }

  const issue = () => ({ token: randomBytes(48).toString('base64url'), expiresAt: now() + LIFETIME_MS })
  const answer = (): Body => ({
    access_token: current.token,
    expires_in: Math.floor((current.expiresAt - now()) / 1000),
  })

  return {
    check(token) {
      if (!token) return { errcode: 41001, errmsg: 'access_token missing' }
      const t = now()
      if (token === current.token && t < current.expiresAt) return undefined
      if (previous && token === previous.token && t < previous.expiresAt) return undefined
      if (!forcedOut.has(token) && (token === current.token || token === previous?.token || expired.includes(token)))
        return { errcode: 42001, errmsg: 'access_token expired' }
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }
    },
    stable(b) {
      if (b.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' }
      if (b.appid === undefined || b.appid === '') return { errcode: 41002, errmsg: 'appid missing' }
      if (b.appid !== appid) return { errcode: 40013, errmsg: 'invalid appid' }
      if (b.secret === undefined || b.secret === '') return { errcode: 41004, errmsg: 'appsecret missing' }
      if (b.secret !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' }
      const force = b.force_refresh ?? false
      if (typeof force !== 'boolean') return { errcode: 47001, errmsg: 'data format error' }
      const t = now()
      if (!force) {
        if (current.expiresAt - t <= RENEW_WITHIN_MS) {
          previous = current
          current = issue()
        }
        return answer()
      }
      // 否则不会刷新: a forced refresh within 30 s of the last one answers the current token unchanged.
      if (lastForcedAt !== undefined && t - lastForcedAt < FORCE_REFRESH_INTERVAL_MS) return answer()
      const day = Math.floor((t + CHINA_TIME_OFFSET_MS) / DAY_MS)
      if (forcesOn.day !== day) Object.assign(forcesOn, { day, count: 0 })
      if (forcesOn.count >= FORCE_REFRESHES_PER_DAY)
        return { errcode: 45009, errmsg: 'reach max api daily quota limit' }
      forcesOn.count++
      lastForcedAt = t
      forcedOut.add(current.token)
      if (previous) forcedOut.add(previous.token)
      previous = undefined
      current = issue()
      return answer()
    },
  }
}

/** A held card as the card APIs see it (testing/platform.ts keeps the card bag). */
export interface ApiHeldCard {
  cardId: string
  code: string
  encryptCode: string
  outerStr?: string | undefined
  /** The holder's openid under the Official Account. */
  openid: string
  beginTime: number
  endTime: number
}

/** A card as card/get describes it (testing/platform.ts SimCard). */
export interface ApiCard {
  cardId: string
  useCustomCode?: boolean | undefined
  bindOpenid?: boolean | undefined
  quantity?: number | undefined
  getLimit?: number | undefined
  title?: string | undefined
  logoUrl?: string | undefined
  color?: string | undefined
  dateInfo?:
    | { type: 'DATE_TYPE_FIX_TIME_RANGE'; beginTimestamp: number; endTimestamp: number }
    | { type: 'DATE_TYPE_FIX_TERM'; fixedTerm: number; fixedBeginTerm?: number | undefined }
    | undefined
}

/** A user of the account under both AppIDs (testing/platform.ts SimUser). */
export interface ApiUser {
  name: string
  openid: string
  miniOpenid: string
  unionid: string
}

/** What the card APIs read from the platform. */
export interface CardBag {
  /** The user of `platform.wx` (an openid under the card's AppID). */
  openid: string
  /** Every user of the account. */
  users: readonly ApiUser[]
  /** The card `cardId` as the merchant created it, or undefined. */
  card(cardId: string): ApiCard | undefined
  /** The card's stock left (Infinity: unlimited). */
  stock(cardId: string): number
  /** Whether the platform lists `cardId` (an own entry: `constructor` is no card unless listed). */
  hasCard(cardId: string): boolean
  /** Whether `cardId` uses custom codes (card/code/get then needs card_id). */
  usesCustomCode(cardId: string): boolean
  /** The user's cards, in the order added. */
  held(): readonly ApiHeldCard[]
  /** A held card's `user_card_status` and `can_consume` now (the clock may have expired it). */
  stateOf(card: ApiHeldCard): { status: string; canConsume: boolean }
}

export interface ApiBackend {
  tokens: AccessTokens
  /** The api_ticket getticket answers now (platform.rotateTicket replaces it). */
  apiTicket: string
  /** The mini-program's AppID and AppSecret: what `sns/jscode2session` accepts. */
  miniProgram: { appid: string; secret: string }
  /** The js_codes of wx.login not exchanged yet: the user, and until when (ms) the code is valid. */
  logins: Map<string, { user: ApiUser; until: number; used: boolean }>
  /** The platform's clock, in ms. */
  now(): number
  jsapiTicket: string
  cards: CardBag
  /** What member cards add: activation, member data, consume and unavailable (member-cards.ts). */
  members: MemberBackend
  /** Requests per API, whatever the answer. */
  requests: RequestCounts
  /** Requests per API received and not answered yet. */
  inFlight: RequestCounts
  /** The most requests per API ever in flight at once. */
  maxInFlight: RequestCounts
  /** Answers queued by failNextRequest, taken one per request to that API before anything else is looked at. */
  faults: Map<ApiName, Body[]>
}

/** One request to the simulated API, whatever carried it. */
export interface ApiRequest {
  method: string
  /** The URL, or just its path and query: `/card/code/get?access_token=…`. */
  url: string
  /** The body as text; undefined when there was none or it was larger than MAX_BODY. */
  body: string | undefined
}

export interface ApiAnswer {
  /** 200 for every API answer, errors included (as WeChat does); 404 for an unknown path. */
  status: number
  body: Body
}

export interface Listening {
  /** e.g. `http://127.0.0.1:53211`, no trailing slash: use it as your server's WeChat API base URL. */
  url: string
  /** Stops the server, dropping idle keep-alive connections; resolves when closed. */
  close(): Promise<void>
}

const MAX_BODY = 1 << 20

// ------------------------------------------------------------------ requests, whatever carried them

/** The path and a query reader of a URL (absolute or a path), without the URL class (absent in a mini-program). */
function splitUrl(url: string): { path: string; query: (name: string) => string | null } {
  const noFragment = url.split('#')[0]
  const at = noFragment.indexOf('?')
  const beforeQuery = at < 0 ? noFragment : noFragment.slice(0, at)
  const path = beforeQuery.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/'
  const pairs = (at < 0 ? '' : noFragment.slice(at + 1)).split('&').filter(Boolean)
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '))
    } catch {
      return text
    }
  }
  return {
    path,
    query(name) {
      for (const pair of pairs) {
        const eq = pair.indexOf('=')
        if (decode(eq < 0 ? pair : pair.slice(0, eq)) === name) return eq < 0 ? '' : decode(pair.slice(eq + 1))
      }
      return null
    },
  }
}

/** A POST body as a JSON object, or WeChat's answer for an empty or malformed one. */
function jsonObject(raw: string | undefined): { body: Body } | { error: Body } {
  if (raw === undefined || raw.trim() === '') return { error: { errcode: 44002, errmsg: 'empty post data' } }
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    return { error: { errcode: 47001, errmsg: 'data format error' } }
  }
  if (!isPlainObject(body)) return { error: { errcode: 47001, errmsg: 'data format error' } }
  return { body }
}

// ------------------------------------------------------------------ the APIs, one place each

const INVALID_CODE: Body = { errcode: 40056, errmsg: 'invalid serial code' }
const INVALID_OPENID: Body = { errcode: 40003, errmsg: 'invalid openid' }
const INVALID_CARD_ID: Body = { errcode: 40073, errmsg: 'invalid card_id' }
const missing = (field: string): Body => ({ errcode: 41011, errmsg: `missing required fields: ${field}` })
/** A value WeChat reads as absent: not sent, null or ''. */
const absent = (v: unknown) => v === undefined || v === null || v === ''

interface Route {
  api: ApiName
  method: 'GET' | 'POST'
  /** Checks `access_token` in the query before anything else of the request. */
  accessToken: boolean
  /** The answer once method, access_token and (for POST) the JSON body passed. */
  answer(b: ApiBackend, query: (name: string) => string | null, body: Body): Body
}

const ROUTES = new Map<string, Route>([
  [
    TICKET_PATH,
    {
      api: 'getticket',
      method: 'GET',
      accessToken: true,
      answer(b, query) {
        const type = query('type')
        // type=jsapi answers the JS-SDK ticket: a real and common mix-up that then fails as 签名错误.
        if (type === 'wx_card')
          return { errcode: 0, errmsg: 'ok', ticket: b.apiTicket, expires_in: CREDENTIAL_LIFETIME_SECONDS }
        if (type === 'jsapi')
          return { errcode: 0, errmsg: 'ok', ticket: b.jsapiTicket, expires_in: CREDENTIAL_LIFETIME_SECONDS }
        return { errcode: 40097, errmsg: 'invalid args' }
      },
    },
  ],
  [
    STABLE_TOKEN_PATH,
    { api: 'stable_token', method: 'POST', accessToken: false, answer: (b, _, body) => b.tokens.stable(body) },
  ],
  [
    DECRYPT_PATH,
    {
      api: 'decrypt',
      method: 'POST',
      accessToken: true,
      answer(b, _, body) {
        const enc = body.encrypt_code
        if (absent(enc)) return missing('encrypt_code')
        const card = b.cards.held().find((h) => h.encryptCode === enc)
        return card ? { errcode: 0, errmsg: 'ok', code: card.code } : INVALID_CODE
      },
    },
  ],
  [
    GET_CARD_LIST_PATH,
    {
      api: 'getcardlist',
      method: 'POST',
      accessToken: true,
      answer(b, _, body) {
        const { openid, card_id: cardId } = body
        if (absent(openid)) return { errcode: 41009, errmsg: 'missing openid' }
        // Matched exactly against the Official Account's users: a mini-program openid is not one of them.
        if (exactValueProblem(openid) || !b.cards.users.some((u) => u.openid === openid)) return INVALID_OPENID
        // card_id may be left out or sent empty: all of this AppID's cards
        if (!absent(cardId) && (typeof cardId !== 'string' || !b.cards.hasCard(cardId))) return INVALID_CARD_ID
        const cardList = b.cards
          .held()
          .filter((h) => h.openid === openid && (absent(cardId) || h.cardId === cardId))
          .map((h) => ({ code: h.code, card_id: h.cardId }))
        return { errcode: 0, errmsg: 'ok', card_list: cardList, has_share_card: false }
      },
    },
  ],
  [
    CODE_GET_PATH,
    {
      api: 'code_get',
      method: 'POST',
      accessToken: true,
      answer(b, _, body) {
        const { code, card_id: cardId } = body
        const checkConsume = body.check_consume ?? true
        if (absent(code)) return missing('code')
        if (typeof checkConsume !== 'boolean') return { errcode: 47001, errmsg: 'data format error' }
        if (!absent(cardId) && (typeof cardId !== 'string' || !b.cards.hasCard(cardId))) return INVALID_CARD_ID
        const card = b.cards.held().find((h) => h.code === code && (absent(cardId) || h.cardId === cardId))
        if (!card) return INVALID_CODE
        // A custom code is only unique within its card: WeChat wants card_id with it.
        if (absent(cardId) && b.cards.usesCustomCode(card.cardId)) return missing('card_id')
        const { status, canConsume } = b.cards.stateOf(card)
        if (checkConsume && status === 'CONSUMED')
          return { errcode: 40099, errmsg: 'invalid code, this code has consumed.' }
        if (checkConsume && status !== 'NORMAL') {
          return {
            errcode: 40127,
            errmsg:
              'invalid user-card status! Hint: the card was given to user, but may be deleted or set unavailable !',
          }
        }
        return {
          errcode: 0,
          errmsg: 'ok',
          card: { card_id: card.cardId, begin_time: card.beginTime, end_time: card.endTime },
          openid: card.openid,
          can_consume: canConsume,
          ...(card.outerStr === undefined ? {} : { outer_str: card.outerStr }),
          user_card_status: status,
        }
      },
    },
  ],
  ...MEMBER_ROUTES.map((route): [string, Route] => [
    route.path,
    {
      api: route.api,
      method: 'POST',
      accessToken: true,
      answer: (b, _, body) => route.answer(b.members, body, b.cards.usesCustomCode),
    },
  ]),
  [
    CARD_GET_PATH,
    {
      api: 'card_get',
      method: 'POST',
      accessToken: true,
      answer(b, _, body) {
        const cardId = body.card_id
        if (absent(cardId)) return missing('card_id')
        const card = typeof cardId === 'string' ? b.cards.card(cardId) : undefined
        if (!card) return INVALID_CARD_ID
        const base = baseInfo(card, b.cards.stock(card.cardId))
        // A member card answers as one, with how it is activated (the fields member cards add that we model).
        const member = b.members.settings(card.cardId)
        if (member)
          return {
            errcode: 0,
            errmsg: 'ok',
            card: {
              card_type: 'MEMBER_CARD',
              member_card: {
                base_info: base,
                wx_activate: Boolean(member.wxActivate),
                auto_activate: Boolean(member.autoActivate),
                ...(member.activateUrl ? { activate_url: member.activateUrl } : {}),
              },
            },
          }
        return { errcode: 0, errmsg: 'ok', card: { card_type: 'GENERAL_COUPON', general_coupon: { base_info: base } } }
      },
    },
  ],
  [
    CODE2SESSION_PATH,
    {
      api: 'jscode2session',
      method: 'GET',
      accessToken: false,
      answer(b, query) {
        // The mini-program's AppID, not the Official Account's: a mix-up answers 40013 (invalid appid).
        if (query('appid') !== b.miniProgram.appid) return { errcode: 40013, errmsg: 'invalid appid' }
        if (query('secret') !== b.miniProgram.secret) return { errcode: 40125, errmsg: 'invalid appsecret' }
        if (query('grant_type') !== 'authorization_code') return { errcode: 40002, errmsg: 'invalid grant_type' }
        const jsCode = query('js_code') ?? ''
        const login = b.logins.get(jsCode)
        // A js_code works once, for 5 minutes.
        if (!login || login.until <= b.now()) return { errcode: 40029, errmsg: 'invalid code' }
        if (login.used) return { errcode: 40163, errmsg: 'code been used' }
        login.used = true
        return {
          openid: login.user.miniOpenid,
          session_key: randomBytes(16).toString('base64'),
          unionid: login.user.unionid,
        }
      },
    },
  ],
])

/** A card's base_info as card/get answers it (the fields the simulator models; the rest WeChat has is left out). */
function baseInfo(card: ApiCard, stock: number): Body {
  const d = card.dateInfo ?? { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 30 }
  const dateInfo =
    d.type === 'DATE_TYPE_FIX_TIME_RANGE'
      ? { type: d.type, begin_timestamp: d.beginTimestamp, end_timestamp: d.endTimestamp }
      : { type: d.type, fixed_term: d.fixedTerm, fixed_begin_term: d.fixedBeginTerm ?? 0 }
  return {
    id: card.cardId,
    logo_url: card.logoUrl ?? '',
    code_type: 'CODE_TYPE_QRCODE',
    title: card.title ?? card.cardId,
    color: card.color ?? '#63b359',
    date_info: dateInfo,
    sku: { quantity: Number.isFinite(stock) ? stock : 100_000_000 },
    get_limit: card.getLimit ?? 0,
    use_custom_code: Boolean(card.useCustomCode),
    bind_openid: Boolean(card.bindOpenid),
    status: 'CARD_STATUS_VERIFY_OK',
  }
}

/** Which API a URL names ('other' for an unknown path): what requests and in-flight requests are counted under. */
export function apiOf(url: string): keyof RequestCounts {
  const route = ROUTES.get(splitUrl(url).path)
  return route ? route.api : 'other'
}

/**
 * Answers one request as WeChat would. Order of checks: path → a queued fault → method → access_token → JSON body
 * → the API's own fields. Counts the request.
 */
export function answerRequest(b: ApiBackend, r: ApiRequest): ApiAnswer {
  const { path, query } = splitUrl(r.url)
  const route = ROUTES.get(path)
  if (!route) {
    b.requests.other++
    return { status: 404, body: { errcode: 404, errmsg: `not found: ${path}` } }
  }
  b.requests[route.api]++
  const fault = b.faults.get(route.api)?.shift()
  if (fault) return { status: 200, body: fault }
  if (r.method.toUpperCase() !== route.method) {
    const body =
      route.method === 'GET'
        ? { errcode: 43001, errmsg: 'require GET method' }
        : { errcode: 43002, errmsg: 'require POST method' }
    return { status: 200, body }
  }
  if (route.accessToken) {
    const bad = b.tokens.check(query('access_token'))
    if (bad) return { status: 200, body: bad }
  }
  if (route.method === 'GET') return { status: 200, body: route.answer(b, query, {}) }
  const parsed = jsonObject(r.body)
  // WeChat answers API errors with HTTP 200 and an errcode.
  return { status: 200, body: 'error' in parsed ? parsed.error : route.answer(b, query, parsed.body) }
}

/** Counts `api` in flight until `done` settles. */
async function inFlight<T>(b: ApiBackend, api: keyof RequestCounts, done: () => Promise<T>): Promise<T> {
  b.inFlight[api]++
  b.maxInFlight[api] = Math.max(b.maxInFlight[api], b.inFlight[api])
  try {
    return await done()
  } finally {
    b.inFlight[api]--
  }
}

// ------------------------------------------------------------------ over a socket

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' }

/** How `listen()` serves: the port, and what answers before WeChat's router. */
export interface ListenOptions {
  /** The port on 127.0.0.1; default 0: a free one. */
  port?: number | undefined
  /**
   * Answers the requests it recognises before WeChat's router looks at them (the simulator's own endpoints, see
   * page-bridge.ts); undefined for any other request.
   */
  answerFirst?: ((r: ApiRequest) => Promise<ApiAnswer> | undefined) | undefined
}

/** Starts the API server on 127.0.0.1 (a free port unless `port` is given). */
export function listenHttp(b: ApiBackend, options: ListenOptions = {}): Promise<Listening> {
  const { port = 0, answerFirst } = options
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    return Promise.reject(new TypeError(`listen: port must be an integer from 0 to 65535, got ${String(port)}`))
  const server = createServer((req, res) => {
    const url = req.url || '/'
    inFlight(b, apiOf(url), async () => {
      const request = { method: req.method || 'GET', url, body: await readBody(req) }
      const answer = (await answerFirst?.(request)) ?? answerRequest(b, request)
      // Answered on a later macrotask, as platform.fetch: requests sent together are seen in flight together.
      await new Promise((resolve) => setTimeout(resolve, 0))
      res.writeHead(answer.status, JSON_HEADERS)
      await new Promise<void>((done) => res.end(JSON.stringify(answer.body), done))
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500, JSON_HEADERS)
      res.end(JSON.stringify({ errcode: -1, errmsg: 'system error' }))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      const addr = server.address()
      const boundPort = addr && typeof addr === 'object' ? addr.port : 0
      let closing: Promise<void> | undefined
      resolve({
        url: `http://127.0.0.1:${boundPort}`,
        close: () => {
          closing =
            closing ||
            new Promise<void>((done) => {
              server.close(() => done())
              server.closeAllConnections()
            })
          return closing
        },
      })
    })
  })
}

// ------------------------------------------------------------------ in process: platform.fetch

type FetchInput = Parameters<typeof fetch>[0]
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>

/** A Request object given as fetch's first argument (duck-typed: it may come from another realm). */
interface RequestLike {
  url: string
  method?: string
  text(): Promise<string>
}
const isRequestLike = (v: unknown): v is RequestLike =>
  typeof v === 'object' && v !== null && typeof (v as RequestLike).url === 'string' && 'text' in v

async function bodyText(body: FetchInit['body']): Promise<string | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const view =
      body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    return new TextDecoder().decode(view)
  }
  if (typeof Response === 'function') return new Response(body).text()
  throw new TypeError('platform.fetch: send the body as a string (this runtime has no Response to read it with)')
}

const abortReason = (signal: AbortSignal): unknown => {
  const reason: unknown = signal.reason
  if (reason !== undefined) return reason
  const error = new Error('This operation was aborted')
  error.name = 'AbortError'
  return error
}

/** A Response: the runtime's own where it has one (Node 18+, browsers), else the part a JSON client reads. */
function responseOf(answer: ApiAnswer): Response {
  const text = JSON.stringify(answer.body)
  const statusText = answer.status === 200 ? 'OK' : 'Not Found'
  if (typeof Response === 'function')
    return new Response(text, { status: answer.status, statusText, headers: JSON_HEADERS })
  const headers = new Map([['content-type', JSON_HEADERS['Content-Type']]])
  const minimal = {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText,
    headers: {
      get: (name: string) => headers.get(name.toLowerCase()) ?? null,
      has: (name: string) => headers.has(name.toLowerCase()),
    },
    text: async () => text,
    json: async (): Promise<unknown> => JSON.parse(text),
  }
  return minimal as unknown as Response
}

/**
 * A `fetch` that answers the simulated API in process: the same router as the socket server, for any origin (the
 * host of the URL is ignored), answered on a later macrotask like a network would. Honours `signal`.
 */
export function createApiFetch(b: ApiBackend): typeof fetch {
  return async function platformFetch(input: FetchInput, init: FetchInit = {}): Promise<Response> {
    const request = isRequestLike(input) ? input : undefined
    const url = request ? request.url : String(input)
    const method = init.method ?? request?.method ?? 'GET'
    const body = init.body !== undefined ? await bodyText(init.body) : request ? await request.text() : undefined
    const signal = init.signal ?? undefined
    if (signal?.aborted) throw abortReason(signal)
    return inFlight(b, apiOf(url), async () => {
      const answer = answerRequest(b, {
        method,
        url,
        body: body !== undefined && body.length > MAX_BODY ? undefined : body,
      })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }, 0)
        const onAbort = () => {
          clearTimeout(timer)
          reject(abortReason(signal as AbortSignal))
        }
        signal?.addEventListener('abort', onAbort, { once: true })
      })
      return responseOf(answer)
    })
  }
}
