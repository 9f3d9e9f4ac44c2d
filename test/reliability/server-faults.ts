// Faults the server toolkit meets in production, injected through real HTTP on 127.0.0.1 (a stand-in for
// api.weixin.qq.com with scripted answers, or the card-platform simulator), stores that fail, and an injected clock.
// Each call must settle once with the documented result, without a flood of requests upstream. Run by
// server-faults.test.ts, which builds the world.
import {
  createApiTicketProvider,
  createCardExt,
  createMemoryStore,
  createRedisStore,
  createStableAccessTokenProvider,
  decryptCardCode,
  type ApiTicketProviderOptions,
  type CredentialStore,
  type RedisClientLike,
  type StableAccessTokenProviderOptions,
} from '../../server'
import type { CardPlatform } from '../../testing'
import { reply, type Handler } from '../server/http-server'
import type { Fault, Outcome } from './catalogue'

export interface ServerWorld {
  /** Serves `handler` as api.weixin.qq.com on 127.0.0.1 for this case; returns its base URL. */
  upstream(handler: Handler): string
  /** The card-platform simulator (its api_ticket is SIMULATOR_TICKET, its access_token SIMULATOR_TOKEN). */
  platform: CardPlatform
  /** The simulator's WeChat API base URL. */
  platformUrl: string
  /** The injected clock, ms since the epoch; `advance` moves it. */
  now(): number
  advance(ms: number): void
  /** A Redis client of that library pointed at a port nobody listens on (closed after the case). */
  unreachableRedis(library: 'ioredis' | 'node-redis'): RedisClientLike
  /** Requests this case sent to the stand-in and the simulator. */
  requests(): number
}

export const SIMULATOR_TICKET = 'simulator-api-ticket'
export const SIMULATOR_TOKEN = 'simulator-access-token'
/** A token the simulator answers with 42001 (expired); any other unknown one gets 40001. */
export const EXPIRED_TOKEN = 'expired-access-token'

type Case = Fault<ServerWorld>

/** What the stand-in answers one request with. */
type Answer =
  'ticket' | 'ticket for 120 s' | 'token' | 'HTTP 500' | 'malformed JSON' | 'errcode -1' | 'no expires_in' | 'no answer'

/** Answers each request with the next of `answers` (the last repeats); issued values count up: ticket-1, ticket-2. */
function answering(...answers: Answer[]): Handler {
  let requests = 0
  let issued = 0
  return (_, res) => {
    const answer = answers[Math.min(requests++, answers.length - 1)]
    if (answer === 'ticket')
      reply(res, 200, { errcode: 0, errmsg: 'ok', ticket: `ticket-${++issued}`, expires_in: 7200 })
    if (answer === 'ticket for 120 s')
      reply(res, 200, { errcode: 0, errmsg: 'ok', ticket: `ticket-${++issued}`, expires_in: 120 })
    if (answer === 'token') reply(res, 200, { access_token: `token-${++issued}`, expires_in: 7200 })
    if (answer === 'HTTP 500') reply(res, 500, 'down')
    if (answer === 'malformed JSON') reply(res, 200, '{"errcode":0,')
    if (answer === 'errcode -1') reply(res, 200, { errcode: -1, errmsg: 'system error' })
    if (answer === 'no expires_in') reply(res, 200, { errcode: 0, errmsg: 'ok', ticket: `ticket-${++issued}` })
    // 'no answer': the request stays open until the client gives up
  }
}

/** How one call settled: the value, or `<name>: <message>` of the error. */
const settle = (call: Promise<string>): Promise<string> =>
  call.then(
    (value) => value,
    (error: Error) => `${error.name}: ${error.message}`,
  )

/** What the store faults told onError (the messages, which must never carry a credential). */
function reports() {
  const messages: string[] = []
  return { onError: (error: Error) => messages.push(error.message), messages }
}

/** What both providers take in these cases: the stand-in, the injected clock, no retries, onError told. */
function onStandIn(w: ServerWorld, handler: Handler) {
  const told = reports()
  const options = { baseUrl: w.upstream(handler), now: w.now, maxRetries: 0, retryDelayMs: 1, onError: told.onError }
  return { options, reported: told.messages }
}

/** `getTicket` of an api_ticket provider on the stand-in, and what it reported. */
function ticketsFrom(w: ServerWorld, handler: Handler, options: Partial<ApiTicketProviderOptions> = {}) {
  const standIn = onStandIn(w, handler)
  const getAccessToken = async () => 'ACCESS_TOKEN'
  const provider = createApiTicketProvider({ getAccessToken, ...standIn.options, ...options })
  return { get: () => provider.getTicket(), reported: standIn.reported }
}

/** `getAccessToken` of a stable access_token provider on the stand-in, likewise. */
function tokensFrom(w: ServerWorld, handler: Handler, options: Partial<StableAccessTokenProviderOptions> = {}) {
  const standIn = onStandIn(w, handler)
  const app = { appid: 'wxapp', secret: '9f8e7d6c5b4a39281706f5e4d3c2b1a0' }
  const provider = createStableAccessTokenProvider({ ...app, ...standIn.options, ...options })
  return { get: () => provider.getAccessToken(), reported: standIn.reported }
}

type Source = { get(): Promise<string>; reported?: string[] }

/** Calls `source` once at each clock step (ms after the previous call), one after the other. */
async function inTurn(w: ServerWorld, source: Source, steps: number[]): Promise<Outcome> {
  const settled: string[] = []
  for (const ms of steps) {
    w.advance(ms)
    settled.push(await settle(source.get()))
  }
  return { settled, calls: w.requests(), reported: source.reported }
}

/** `callers` calls of `source` at once. */
async function atOnce(w: ServerWorld, source: Source, callers: number): Promise<Outcome> {
  const settled = await Promise.all(Array.from({ length: callers }, () => settle(source.get())))
  return { settled, calls: w.requests() }
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined)
const rejects = (message: string) => async (): Promise<never> => Promise.reject(new Error(message))

const STORE = 'The store fails (a cache, not a single point of failure)'
const NOTHING_CACHED = 'WeChat fails, nothing cached (one fetch for all callers)'
const STALE = 'WeChat fails, a value cached (stale-if-error)'
const SHORT = 'WeChat answers a short expires_in'
const TOKEN = 'WeChat rejects the access_token (refreshed once)'

const TICKET_KEY = 'wx_card_api_ticket'
/** What a provider tells onError about a store call that failed; the value it serves is never in it. */
const storeFault = (op: string, error: string, fn = 'createApiTicketProvider', key = TICKET_KEY, what = 'api_ticket') =>
  `${fn}: store ${op} failed for ${key} (${error}); serving the ${what} held in this process`
const THREE_CALLS = [0, 0, 0]

/** A store fault: three calls, all served from one fetch, the fault reported once (the store is then left alone). */
const storeFails = (
  name: string,
  reported: string,
  options: (w: ServerWorld) => Partial<ApiTicketProviderOptions>,
): Case => ({
  className: STORE,
  name,
  expected: { settled: ['ticket-1', 'ticket-1', 'ticket-1'], calls: 1, reported: [reported] },
  run: (w) => inTurn(w, ticketsFrom(w, answering('ticket'), options(w)), THREE_CALLS),
})

/** WeChat failing while nothing is cached: ten callers at once share one fetch (with its retries) and its error. */
const nothingCached = (
  name: string,
  answer: Answer,
  error: string,
  calls: number,
  options: Partial<ApiTicketProviderOptions>,
): Case => ({
  className: NOTHING_CACHED,
  name,
  expected: { settled: Array(10).fill(error), calls },
  run: (w) => atOnce(w, ticketsFrom(w, answering(answer), options), 10),
})

const API = 'WeChat cgi-bin/ticket/getticket'
/** What WeChat gives an api_ticket or access_token: 7,200 s. */
const LIFETIME_MS = 7200 * 1000
/** 7,200 s − the 300 s margin: the refresh point of a value WeChat gave for 7,200 s. */
const REFRESH_POINT_MS = LIFETIME_MS - 300 * 1000
/** What onError hears when a refresh fails before the real expiry (the clock starts at the world's epoch). */
const staleServed = (fn: string, what: string, error: string, expiresAt: string) =>
  `${fn}: refreshing the ${what} failed (${error}); serving the cached one until it expires at ${expiresAt}, next try in 5 s`

export const SERVER_FAULTS: Case[] = [
  storeFails("set rejects (Redis out of memory): the issue's example", storeFault('set', 'Error: OOM'), () => ({
    store: { get: async () => undefined, set: rejects('OOM') },
  })),
  storeFails(
    'get and set never answer',
    storeFault('get', 'Error: the store (get wx_card_api_ticket) did not answer within 20 ms (storeTimeoutMs)'),
    () => ({ store: { get: never, set: never }, storeTimeoutMs: 20 }),
  ),
  storeFails('get throws instead of rejecting', storeFault('get', 'Error: socket closed'), () => ({
    store: {
      get: () => {
        throw new Error('socket closed')
      },
      set: async () => undefined,
    } as CredentialStore,
  })),
  storeFails(
    'Redis unreachable (ioredis on a closed port, commands queued)',
    storeFault('get', 'Error: the store (get wx_card_api_ticket) did not answer within 50 ms (storeTimeoutMs)'),
    (w) => ({ store: createRedisStore(w.unreachableRedis('ioredis')), storeTimeoutMs: 50 }),
  ),
  storeFails(
    'Redis unreachable (node-redis never connected)',
    storeFault('get', 'Error: Redis GET weapp-card-coupon:wx_card_api_ticket failed: The client is closed'),
    (w) => ({ store: createRedisStore(w.unreachableRedis('node-redis')) }),
  ),
  {
    className: STORE,
    name: 'the access_token provider: set rejects (read-only replica)',
    expected: {
      settled: ['token-1', 'token-1', 'token-1'],
      calls: 1,
      reported: [
        storeFault('set', 'Error: READONLY', 'createStableAccessTokenProvider', 'access_token:wxapp', 'access_token'),
      ],
    },
    run: (w) =>
      inTurn(
        w,
        tokensFrom(w, answering('token'), { store: { get: async () => undefined, set: rejects('READONLY') } }),
        THREE_CALLS,
      ),
  },
  {
    className: STORE,
    name: 'set rejects and onError throws',
    expected: { settled: ['ticket-1', 'ticket-1', 'ticket-1'], calls: 1 },
    run: (w) =>
      inTurn(
        w,
        {
          get: ticketsFrom(w, answering('ticket'), {
            store: { get: async () => undefined, set: rejects('OOM') },
            onError: () => {
              throw new Error('logger down')
            },
          }).get,
        },
        THREE_CALLS,
      ),
  },
  nothingCached('HTTP 500 (retried twice)', 'HTTP 500', `Error: ${API}: HTTP 500 Internal Server Error`, 3, {
    maxRetries: 2,
  }),
  nothingCached(
    'malformed JSON (retried twice)',
    'malformed JSON',
    `Error: ${API}: response is not valid JSON (HTTP 200, 13 characters)`,
    3,
    { maxRetries: 2 },
  ),
  nothingCached(
    'errcode -1, system busy (retried twice)',
    'errcode -1',
    `WeChatApiError: ${API} failed: errcode -1, errmsg system error`,
    3,
    { maxRetries: 2 },
  ),
  nothingCached(
    'a ticket without expires_in (retried twice)',
    'no expires_in',
    `Error: ${API}: response has no valid expires_in`,
    3,
    { maxRetries: 2 },
  ),
  nothingCached('no answer', 'no answer', `Error: ${API}: no response within 30 ms (timeoutMs)`, 1, { timeoutMs: 30 }),
  {
    className: STALE,
    name: 'HTTP 500 after the refresh point: the cached ticket, one try, then back-off',
    expected: {
      settled: ['ticket-1', 'ticket-1', 'ticket-1', 'ticket-1'],
      calls: 2,
      reported: [
        staleServed(
          'createApiTicketProvider',
          'api_ticket',
          `Error: ${API}: HTTP 500 Internal Server Error`,
          '2023-11-15T00:13:20.000Z',
        ),
      ],
    },
    run: (w) => inTurn(w, ticketsFrom(w, answering('ticket', 'HTTP 500')), [0, REFRESH_POINT_MS, 0, 4_000]),
  },
  {
    className: STALE,
    name: "no answer at the refresh point of another instance's ticket (from the store): that ticket",
    expected: {
      settled: ['ticket-0', 'ticket-0'],
      calls: 1,
      reported: [
        staleServed(
          'createApiTicketProvider',
          'api_ticket',
          `Error: ${API}: no response within 30 ms (timeoutMs)`,
          '2023-11-15T00:13:20.000Z',
        ),
      ],
    },
    async run(w) {
      // The ticket comes from the shared store, so only the refresh meets WeChat, and only it is bounded by the
      // short timeout (a first fetch on a busy machine could take longer than that and still be an answer).
      const store = createMemoryStore({ now: w.now })
      const value = { value: 'ticket-0', expiresAt: w.now() + LIFETIME_MS, refreshAt: w.now() + REFRESH_POINT_MS }
      await store.set(TICKET_KEY, value, LIFETIME_MS)
      return inTurn(w, ticketsFrom(w, answering('no answer'), { store, timeoutMs: 30 }), [REFRESH_POINT_MS, 0])
    },
  },
  {
    className: STALE,
    name: 'the access_token provider: malformed JSON after the refresh point',
    expected: {
      settled: ['token-1', 'token-1', 'token-1'],
      calls: 2,
      reported: [
        staleServed(
          'createStableAccessTokenProvider',
          'access_token',
          'Error: WeChat cgi-bin/stable_token: response is not valid JSON (HTTP 200, 13 characters)',
          '2023-11-15T00:13:20.000Z',
        ),
      ],
    },
    run: (w) => inTurn(w, tokensFrom(w, answering('token', 'malformed JSON')), [0, REFRESH_POINT_MS, 0]),
  },
  {
    className: STALE,
    name: "HTTP 500 past WeChat's real expiry: the error, once",
    expected: { settled: ['ticket-1', `Error: ${API}: HTTP 500 Internal Server Error`], calls: 2, reported: [] },
    run: (w) => inTurn(w, ticketsFrom(w, answering('ticket', 'HTTP 500')), [0, LIFETIME_MS]),
  },
  {
    className: SHORT,
    name: 'expires_in 120 s: cached for 90 s (the margin shrinks to a quarter), then refreshed',
    expected: { settled: ['ticket-1', 'ticket-1', 'ticket-1', 'ticket-2'], calls: 2, reported: [] },
    run: (w) => inTurn(w, ticketsFrom(w, answering('ticket for 120 s')), [0, 60_000, 29_999, 1]),
  },
  {
    className: TOKEN,
    name: 'getticket answers 40001: one refresh, then the ticket',
    expected: { settled: [SIMULATOR_TICKET], calls: 2 },
    async run(w) {
      const getAccessToken = async (o?: { forceRefresh: boolean }) =>
        o?.forceRefresh ? SIMULATOR_TOKEN : 'stale-token'
      const provider = createApiTicketProvider({ getAccessToken, baseUrl: w.platformUrl })
      return { settled: [await settle(provider.getTicket())], calls: w.requests() }
    },
  },
  {
    className: TOKEN,
    name: 'getticket answers 40001 again after the refresh: the error, no third request',
    expected: {
      settled: [
        `WeChatApiError: ${API} failed: errcode 40001, errmsg invalid credential, access_token is invalid or not latest`,
      ],
      calls: 2,
    },
    async run(w) {
      const provider = createApiTicketProvider({ getAccessToken: async () => 'stale-token', baseUrl: w.platformUrl })
      return { settled: [await settle(provider.getTicket())], calls: w.requests() }
    },
  },
  {
    className: TOKEN,
    name: 'card/code/decrypt answers 42001: one refresh, then the code',
    expected: { settled: ['CODE2026'], calls: 2 },
    async run(w) {
      const encryptCode = await addedCard(w, 'CODE2026')
      const getAccessToken = async (o?: { forceRefresh: boolean }) =>
        o?.forceRefresh ? SIMULATOR_TOKEN : EXPIRED_TOKEN
      return {
        settled: [await settle(decryptCardCode({ encryptCode, getAccessToken, baseUrl: w.platformUrl }))],
        calls: w.requests(),
      }
    },
  },
  {
    className: TOKEN,
    name: 'card/code/decrypt with a fixed token WeChat rejects: the error, no retry',
    expected: {
      settled: ['WeChatApiError: WeChat card/code/decrypt failed: errcode 42001, errmsg access_token expired'],
      calls: 1,
    },
    async run(w) {
      const encryptCode = await addedCard(w, 'CODE2027')
      return {
        settled: [await settle(decryptCardCode({ encryptCode, accessToken: EXPIRED_TOKEN, baseUrl: w.platformUrl }))],
        calls: w.requests(),
      }
    },
  },
]

/** Adds the simulator's custom-code card `pCustom` with `code` to the user's bag; resolves its encrypt_code. */
function addedCard(w: ServerWorld, code: string): Promise<string> {
  const cardExt = createCardExt({ apiTicket: SIMULATOR_TICKET, cardId: 'pCustom', code })
  return new Promise((resolve, reject) => {
    w.platform.wx.addCard({
      cardList: [{ cardId: 'pCustom', cardExt }],
      success: (result) => resolve(result.cardList[0]?.code ?? ''),
      fail: (result) => reject(new Error(result.errMsg)),
    })
  })
}
