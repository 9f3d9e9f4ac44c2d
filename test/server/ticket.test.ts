// createApiTicketProvider (server/ticket.ts) against a stand-in for WeChat on 127.0.0.1: the request, caching,
// invalidation, retries and a rejected access_token.
import {
  createApiTicketProvider,
  createMemoryStore,
  WeChatApiError,
  type ApiTicketProviderOptions,
  type CredentialStore,
} from '../../server'
import { expectTypeError } from '../helpers/platform'
import { reply, startServer, type Handler, type TestServer } from './http-server'

let srv: TestServer
beforeAll(async () => {
  srv = await startServer()
})
afterAll(() => srv.close())

const T0 = 1_700_000_000_000
let clock = T0
let tokens: string[]
let tokenCalls: ({ forceRefresh: boolean } | undefined)[]
let issued: number
// The ticket is a secret: nothing may be logged while the provider runs.
const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m))

beforeEach(() => {
  srv.reset()
  clock = T0
  tokens = ['token-1', 'token-2', 'token-3']
  tokenCalls = []
  issued = 0
})
afterEach(() => {
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled()
})
afterAll(() => consoleSpies.forEach((s) => s.mockRestore()))

const ok = (): Handler => (_, res) =>
  reply(res, 200, { errcode: 0, errmsg: 'ok', ticket: `ticket-${++issued}`, expires_in: 7200 })
/** Answers each request with the next handler; the last one repeats. */
const sequence = (...handlers: Handler[]): Handler => {
  let i = 0
  return (req, res) => handlers[Math.min(i++, handlers.length - 1)](req, res)
}
/** Polls (without a fixed sleep) until the condition holds. */
const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 1))
}
const errcode =
  (code: number, errmsg = 'error'): Handler =>
  (_, res) =>
    reply(res, 200, { errcode: code, errmsg })

const provider = (o: Partial<ApiTicketProviderOptions> = {}) =>
  createApiTicketProvider({
    getAccessToken: async (opts) => {
      tokenCalls.push(opts)
      return tokens[tokenCalls.length - 1]
    },
    baseUrl: srv.baseUrl,
    now: () => clock,
    retryDelayMs: 1,
    timeoutMs: 10_000, // a bound for a stuck test: cases about no answer set their own
    ...o,
  })

describe('createApiTicketProvider against a local HTTP server', () => {
  it('GETs getticket with type=wx_card and the URL-encoded token, then serves the ticket from the store', async () => {
    srv.handle(ok())
    tokens = ['tok en/+&=']
    const p = provider()
    await expect(p.getTicket()).resolves.toBe('ticket-1')
    await expect(p.getTicket()).resolves.toBe('ticket-1')
    expect(srv.requests).toHaveLength(1)
    const [req] = srv.requests
    expect(req.method).toBe('GET')
    expect(req.path).toBe('/cgi-bin/ticket/getticket')
    expect(req.query.get('access_token')).toBe('tok en/+&=')
    expect(req.query.get('type')).toBe('wx_card')
    expect(tokenCalls).toEqual([{ forceRefresh: false }])
  })

  // when to refresh, and one fetch for concurrent callers, are the cache's (cache.test.ts)
  it.each<[Partial<ApiTicketProviderOptions>, string]>([
    [{ appid: 'wxapp' }, 'wx_card_api_ticket:wxapp'],
    [{ key: 'app-1' }, 'app-1'],
  ])('stores the ticket under its key: %j → %s', async (options, key) => {
    srv.handle(ok())
    const store = createMemoryStore()
    await provider({ store, ...options }).getTicket()
    await expect(store.get(key)).resolves.toMatchObject({ value: 'ticket-1', expiresAt: T0 + 7200_000 })
  })

  it('refetches after invalidate()', async () => {
    srv.handle(ok())
    const p = provider()
    await expect(p.getTicket()).resolves.toBe('ticket-1')
    await p.invalidate()
    await expect(p.getTicket()).resolves.toBe('ticket-2')
    await expect(p.getTicket()).resolves.toBe('ticket-2')
    expect(srv.requests).toHaveLength(2)
  })

  /** A fetch in flight, then invalidate(), then a second fetch; responses are held until the test releases them. */
  async function invalidateDuringFetch() {
    const held: (() => void)[] = []
    const answer = ok()
    srv.handle((req, res) => held.push(() => answer(req, res)))
    const store = createMemoryStore()
    const p = provider({ store, appid: 'wxapp' })
    const before = p.getTicket()
    await until(() => srv.requests.length === 1)
    await p.invalidate()
    const after = p.getTicket()
    await until(() => srv.requests.length === 2)
    return { held, store, p, before, after }
  }

  it('does not let callers after invalidate() join a fetch started before it', async () => {
    const { held, store, p, before, after } = await invalidateDuringFetch()
    held.forEach((release) => release())
    await expect(before).resolves.toBe('ticket-1')
    await expect(after).resolves.toBe('ticket-2')
    // The stale fetch finished after invalidate(): it must not have overwritten the store.
    await expect(store.get('wx_card_api_ticket:wxapp')).resolves.toMatchObject({ value: 'ticket-2' })
    await expect(p.getTicket()).resolves.toBe('ticket-2')
    expect(srv.requests).toHaveLength(2)
  })

  it('keeps the fresh ticket when the fetch started before invalidate() answers last', async () => {
    const { held, store, p, before, after } = await invalidateDuringFetch()
    held[1]() // the fresh fetch answers first…
    await expect(after).resolves.toBe('ticket-1')
    held[0]() // …then the stale one, which must not overwrite it
    await expect(before).resolves.toBe('ticket-2')
    await expect(store.get('wx_card_api_ticket:wxapp')).resolves.toMatchObject({ value: 'ticket-1' })
    await expect(p.getTicket()).resolves.toBe('ticket-1')
    expect(srv.requests).toHaveLength(2)
  })

  it('lets several instances share one ticket through a shared store', async () => {
    srv.handle(ok())
    const store = createMemoryStore()
    const a = provider({ store, appid: 'wxapp' })
    const b = provider({ store, appid: 'wxapp' })
    await expect(a.getTicket()).resolves.toBe('ticket-1')
    await expect(b.getTicket()).resolves.toBe('ticket-1')
    expect(srv.requests).toHaveLength(1)
    // One instance invalidating makes the other refetch too.
    await b.invalidate()
    await expect(a.getTicket()).resolves.toBe('ticket-2')
    await expect(b.getTicket()).resolves.toBe('ticket-2')
    expect(srv.requests).toHaveLength(2)
  })

  it('works with a custom asynchronous store', async () => {
    srv.handle(ok())
    const data = new Map<string, string>()
    // The smallest store: get/set only, no ttlMs, no lock.
    const store: CredentialStore = {
      get: async (k) => {
        const v = data.get(k)
        return v === undefined ? undefined : JSON.parse(v)
      },
      set: async (k, v) => {
        data.set(k, JSON.stringify(v))
      },
    }
    const p = provider({ store, appid: 'wxapp' })
    const tickets = await Promise.all(Array.from({ length: 50 }, () => p.getTicket()))
    expect(new Set(tickets)).toEqual(new Set(['ticket-1']))
    expect(data.size).toBe(1)
    expect(srv.requests).toHaveLength(1)
  })

  it.each([40001, 40014, 42001])('gets a fresh access_token once and retries on errcode %i', async (code) => {
    srv.handle(sequence(errcode(code, 'access_token expired'), ok()))
    const p = provider()
    await expect(p.getTicket()).resolves.toBe('ticket-1')
    expect(tokenCalls).toEqual([{ forceRefresh: false }, { forceRefresh: true, rejectedToken: 'token-1' }])
    expect(srv.requests.map((r) => r.query.get('access_token'))).toEqual(['token-1', 'token-2'])
  })

  it('gives up when the fresh access_token is rejected too', async () => {
    srv.handle(errcode(40001, 'invalid credential'))
    const err = await provider()
      .getTicket()
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WeChatApiError)
    expect(err).toMatchObject({ errcode: 40001, api: 'cgi-bin/ticket/getticket' })
    expect(srv.requests).toHaveLength(2)
    expect(tokenCalls).toHaveLength(2)
  })

  it('does not cache a failure', async () => {
    srv.handle(sequence(errcode(40164, 'invalid ip'), ok()))
    const p = provider()
    await expect(p.getTicket()).rejects.toThrow(
      'WeChat cgi-bin/ticket/getticket failed: errcode 40164, errmsg invalid ip',
    )
    expect(srv.requests).toHaveLength(1) // not a transient error: no retry
    await expect(p.getTicket()).resolves.toBe('ticket-1')
    expect(srv.requests).toHaveLength(2)
  })

  it('shares one fetch, its retries and its failure between concurrent callers', async () => {
    srv.handle((_, res) => reply(res, 500, 'down'))
    const p = provider({ maxRetries: 2 })
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => p.getTicket()))
    const reasons = results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'resolved'))
    expect(new Set(reasons)).toEqual(
      new Set(['Error: WeChat cgi-bin/ticket/getticket: HTTP 500 Internal Server Error']),
    )
    expect(srv.requests).toHaveLength(3)
  })

  it.each<[string, Handler, RegExp]>([
    ['HTTP 500', (_, res) => reply(res, 500, 'down'), /HTTP 500/],
    ['HTTP 429', (_, res) => reply(res, 429, 'slow down'), /HTTP 429/],
    ['malformed JSON', (_, res) => reply(res, 200, '<html>'), /not valid JSON/],
    ['errcode -1 (system busy)', errcode(-1, 'system error'), /errcode -1/],
    [
      'no ticket',
      (_, res) => reply(res, 200, { errcode: 0, errmsg: 'ok', expires_in: 7200 }),
      /response has no ticket/,
    ],
  ])('retries %s a bounded number of times', async (_, answer, message) => {
    srv.handle(answer)
    await expect(provider({ maxRetries: 2 }).getTicket()).rejects.toThrow(message)
    expect(srv.requests).toHaveLength(3)
    srv.reset()
    srv.handle(answer)
    await expect(provider({ maxRetries: 0 }).getTicket()).rejects.toThrow(message)
    expect(srv.requests).toHaveLength(1)
  })

  it('retries with the default bound (2 retries, 3 requests)', async () => {
    srv.handle((_, res) => reply(res, 503, 'down'))
    await expect(provider({ retryDelayMs: undefined }).getTicket()).rejects.toThrow(
      'WeChat cgi-bin/ticket/getticket: HTTP 503 Service Unavailable',
    )
    expect(srv.requests).toHaveLength(3)
  })

  it('waits retryDelayMs, doubling, between tries', async () => {
    srv.handle((_, res) => reply(res, 500, 'down'))
    const timer = jest.spyOn(global, 'setTimeout')
    try {
      await expect(provider({ maxRetries: 3, retryDelayMs: 7 }).getTicket()).rejects.toThrow(/HTTP 500/)
      // request timeouts use setTimeout too (seconds); the back-off waits are the small ones
      expect(timer.mock.calls.map((c) => c[1]).filter((ms) => typeof ms === 'number' && ms < 1000)).toEqual([7, 14, 28])
    } finally {
      timer.mockRestore()
    }
  })

  it('recovers when a retry succeeds', async () => {
    srv.handle(sequence((_, res) => reply(res, 500, 'down'), ok()))
    await expect(provider().getTicket()).resolves.toBe('ticket-1')
    expect(srv.requests).toHaveLength(2)
  })

  it('does not retry HTTP 4xx other than 429', async () => {
    srv.handle((_, res) => reply(res, 403, 'forbidden'))
    await expect(provider().getTicket()).rejects.toThrow('WeChat cgi-bin/ticket/getticket: HTTP 403 Forbidden')
    expect(srv.requests).toHaveLength(1)
  })

  it('times out and retries when the server never answers', async () => {
    srv.handle(() => undefined)
    await expect(provider({ timeoutMs: 50, maxRetries: 1 }).getTicket()).rejects.toThrow(
      'WeChat cgi-bin/ticket/getticket: no response within 50 ms (timeoutMs)',
    )
    expect(srv.requests).toHaveLength(2)
  })

  it('keeps the ticket and the token out of error messages', async () => {
    tokens = ['secret-token']
    srv.handle((_, res) => reply(res, 200, { errcode: 0, ticket: 'secret-ticket', expires_in: 'soon' }))
    const err = await provider({ maxRetries: 0 })
      .getTicket()
      .catch((e: unknown) => e)
    expect((err as Error).message).toBe('WeChat cgi-bin/ticket/getticket: response has no valid expires_in')
    expect(JSON.stringify(err)).not.toMatch(/secret/)
  })

  it('passes a getAccessToken failure through without a request, and does not cache it', async () => {
    srv.handle(ok())
    let fail = true
    const p = provider({
      getAccessToken: async () => {
        if (fail) throw new Error('token service down')
        return 'token'
      },
    })
    await expect(p.getTicket()).rejects.toThrow('token service down')
    expect(srv.requests).toHaveLength(0)
    fail = false
    await expect(p.getTicket()).resolves.toBe('ticket-1')
  })

  it('rejects an empty access_token with a TypeError', async () => {
    srv.handle(ok())
    await expect(provider({ getAccessToken: async () => '' }).getTicket()).rejects.toThrow(
      new TypeError('createApiTicketProvider: getAccessToken must resolve to a non-empty string'),
    )
    expect(srv.requests).toHaveLength(0)
  })

  it.each<[string, Record<string, unknown> | undefined, string]>([
    ['no options', undefined, 'getAccessToken is required'],
    ['no getAccessToken', { getAccessToken: undefined }, 'getAccessToken is required'],
    ['a token string as getAccessToken', { getAccessToken: 'ACCESS_TOKEN' }, 'getAccessToken is required'],
    ['an empty appid', { appid: '' }, 'appid must be a non-empty string'],
    ['an empty key', { key: '' }, 'key must be a non-empty string'],
    // the transport and retry options every server function shares (server/wechat.ts), all of them here
    ['a relative baseUrl', { baseUrl: '/api' }, 'baseUrl must be an http(s) URL'],
    ['a baseUrl without a scheme', { baseUrl: 'api.weixin.qq.com' }, 'baseUrl must be an http(s) URL'],
    [
      'a fetch that is not a function',
      { fetch: 'fetch' },
      'no fetch available; pass options.fetch (Node 18+ has a global fetch)',
    ],
    ['a zero timeoutMs', { timeoutMs: 0 }, 'timeoutMs must be a positive number'],
    ['a NaN timeoutMs', { timeoutMs: NaN }, 'timeoutMs must be a positive number'],
    ['a fractional maxRetries', { maxRetries: 1.5 }, 'maxRetries must be an integer >= 0'],
    ['a negative maxRetries', { maxRetries: -1 }, 'maxRetries must be an integer >= 0'],
    ['a negative retryDelayMs', { retryDelayMs: -1 }, 'retryDelayMs must be a number >= 0'],
    [
      'a store without appid or key (two accounts would share one ticket)',
      { store: createMemoryStore() },
      'appid is required with a store (or an explicit key), so accounts sharing it keep apart',
    ],
  ])('throws a TypeError naming the option at creation for %s', async (_, patch, message) => {
    const make = () => (patch ? provider(patch) : createApiTicketProvider(undefined as never))
    await expectTypeError(make, `createApiTicketProvider: ${message}`)
  })
})
