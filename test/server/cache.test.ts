// The credential cache both providers share (server/cache.ts), for each of them: its options, a failing store,
// stale-if-error, short lifetimes and the lock between instances. Real HTTP on 127.0.0.1 (a stand-in for WeChat
// with scripted answers), an injected clock, no timing assertions.
import {
  createApiTicketProvider,
  createMemoryStore,
  createStableAccessTokenProvider,
  type CacheOptions,
  type CredentialStore,
  type StoredCredential,
} from '../../server'
import { expectTypeError } from '../helpers/platform'
import { reply, startServer, type Handler, type TestServer } from './http-server'

let srv: TestServer
beforeAll(async () => {
  srv = await startServer()
})
afterAll(() => srv.close())

const T0 = 1_700_000_000_000
// An AppSecret is 32 hex digits.
const SECRET = '9f8e7d6c5b4a39281706f5e4d3c2b1a0'
let clock = T0
const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
  jest.spyOn(console, m).mockImplementation(() => undefined),
)
beforeEach(() => {
  srv.reset()
  clock = T0
  consoleSpies.forEach((s) => s.mockClear())
})
afterEach(() => {
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled()
})
afterAll(() => consoleSpies.forEach((s) => s.mockRestore()))

const never = (): Promise<never> => new Promise<never>(() => undefined)
const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 1))
}

interface Subject {
  get(): Promise<string>
  invalidate(): Promise<void>
}
interface Kind {
  name: string
  path: string
  /** The API, as errors name it. */
  api: string
  /** What it caches, as messages name it. */
  what: string
  /** Its key in the store. */
  key: string
  /** The nth value WeChat issues. */
  value(n: number): string
  ok(n: number, expiresIn: number): Record<string, unknown>
  make(o: CacheOptions & { maxRetries?: number; timeoutMs?: number }): Subject
}

// timeoutMs: a bound for a stuck test, not part of what is tested (cases about no answer set their own)
const common = () => ({ baseUrl: srv.baseUrl, now: () => clock, retryDelayMs: 1, timeoutMs: 10_000 })
const kinds: Kind[] = [
  {
    name: 'createApiTicketProvider',
    path: '/cgi-bin/ticket/getticket',
    api: 'cgi-bin/ticket/getticket',
    what: 'api_ticket',
    key: 'wx_card_api_ticket:wxapp',
    value: (n) => `ticket-${n}-secret`,
    ok: (n, expiresIn) => ({ errcode: 0, errmsg: 'ok', ticket: `ticket-${n}-secret`, expires_in: expiresIn }),
    make(o) {
      const p = createApiTicketProvider({ getAccessToken: async () => 'token', appid: 'wxapp', ...common(), ...o })
      return { get: () => p.getTicket(), invalidate: () => p.invalidate() }
    },
  },
  {
    name: 'createStableAccessTokenProvider',
    path: '/cgi-bin/stable_token',
    api: 'cgi-bin/stable_token',
    what: 'access_token',
    key: 'access_token:wxapp',
    value: (n) => `token-${n}-secret`,
    ok: (n, expiresIn) => ({ access_token: `token-${n}-secret`, expires_in: expiresIn }),
    make(o) {
      const p = createStableAccessTokenProvider({ appid: 'wxapp', secret: SECRET, ...common(), ...o })
      return { get: () => p.getAccessToken(), invalidate: () => p.invalidate() }
    },
  },
]

type Outcome = 'ok' | 'HTTP 500' | 'errcode 40164' | 'errcode -1' | 'malformed JSON' | 'no answer'
/** Answers each upstream request with the next outcome (the last repeats); counts only the kind's path. */
function upstream(kind: Kind, outcomes: Outcome[], expiresIn = 7200) {
  let issued = 0
  let i = 0
  const handler: Handler = (req, res) => {
    if (req.path !== kind.path) return reply(res, 404, 'wrong path')
    const outcome = outcomes[Math.min(i++, outcomes.length - 1)]
    if (outcome === 'ok') return reply(res, 200, kind.ok(++issued, expiresIn))
    if (outcome === 'HTTP 500') return reply(res, 500, 'down')
    if (outcome === 'errcode 40164') return reply(res, 200, { errcode: 40164, errmsg: 'invalid ip' })
    if (outcome === 'errcode -1') return reply(res, 200, { errcode: -1, errmsg: 'system error' })
    if (outcome === 'malformed JSON') return reply(res, 200, '{"errcode":0,')
  }
  srv.handle(handler)
  return { requests: () => srv.requests.filter((r) => r.path === kind.path).length }
}

const down = (message: string) => async (): Promise<never> => Promise.reject(new Error(message))
const OOM = 'OOM command not allowed when used memory > maxmemory'
const LOADING = 'LOADING Redis is loading the dataset in memory'
/** [what fails, the store, the operation and the cause of the first report (`<key>` stands for the key)]. */
const faultStores: [string, () => CredentialStore, string, string][] = [
  // a Redis out of memory or read-only
  ['set rejects (OOM)', () => ({ get: async () => undefined, set: down(OOM) }), 'set', `Error: ${OOM}`],
  [
    'set never answers',
    () => ({ get: async () => undefined, set: never }),
    'set',
    'Error: the store (set <key>) did not answer within 100 ms (storeTimeoutMs)',
  ],
  [
    'get rejects',
    () => ({ get: down('READONLY replica'), set: async () => undefined }),
    'get',
    'Error: READONLY replica',
  ],
  [
    'get never answers',
    () => ({ get: never, set: async () => undefined }),
    'get',
    'Error: the store (get <key>) did not answer within 100 ms (storeTimeoutMs)',
  ],
  [
    'get throws instead of rejecting',
    () => ({
      get: () => {
        throw new Error('socket closed')
      },
      set: async () => undefined,
    }),
    'get',
    'Error: socket closed',
  ],
  [
    'get answers something else and set rejects',
    () => ({ get: async () => ({ ticket: 'from-0.1', expiresAt: Infinity }) as never, set: down('ERR wrong type') }),
    'set',
    'Error: ERR wrong type',
  ],
  [
    'lock rejects, set rejects',
    () => ({ get: async () => undefined, set: down(LOADING), lock: down(LOADING) }),
    'lock',
    `Error: ${LOADING}`,
  ],
  [
    'everything never answers',
    () => ({ get: never, set: never, lock: never }),
    'get',
    'Error: the store (get <key>) did not answer within 100 ms (storeTimeoutMs)',
  ],
]

describe.each(kinds)('$name', (kind) => {
  const MARGIN = 'refreshMarginSeconds must be a number of seconds >= 0 and < 7200'
  const MS = 'must be a positive number of ms'
  it.each<[string, Record<string, unknown>, string]>([
    ['a negative margin', { refreshMarginSeconds: -1 }, MARGIN],
    ['a tiny negative margin', { refreshMarginSeconds: -0.001 }, MARGIN],
    ['a NaN margin', { refreshMarginSeconds: NaN }, MARGIN],
    ['an infinite margin', { refreshMarginSeconds: Infinity }, MARGIN],
    ['a margin of 7200 s (the whole lifetime)', { refreshMarginSeconds: 7200 }, MARGIN],
    ['a margin in ms by mistake', { refreshMarginSeconds: 300_000 }, MARGIN],
    ['a string margin', { refreshMarginSeconds: '300' }, MARGIN],
    ['a zero storeTimeoutMs', { storeTimeoutMs: 0 }, `storeTimeoutMs ${MS}`],
    ['an infinite storeTimeoutMs', { storeTimeoutMs: Infinity }, `storeTimeoutMs ${MS}`],
    ['a NaN lockTtlMs', { lockTtlMs: NaN }, `lockTtlMs ${MS}`],
    ['a negative lockTtlMs', { lockTtlMs: -1 }, `lockTtlMs ${MS}`],
    ['a negative lockWaitMs', { lockWaitMs: -5 }, `lockWaitMs ${MS}`],
    ['a string onError', { onError: 'console' }, 'onError must be a function'],
    ['a non-function now', { now: 5 }, 'now must be a function'],
    [
      'a store without get',
      { store: { set: async () => undefined } },
      'store must have get(key) and set(key, value, ttlMs)',
    ],
    [
      'a store without set',
      { store: { get: async () => undefined } },
      'store must have get(key) and set(key, value, ttlMs)',
    ],
    [
      'a store whose lock is not a function',
      { store: { get: async () => undefined, set: async () => undefined, lock: true } },
      'store.lock must be a function when present',
    ],
  ])('throws a TypeError naming the option for %s, before any request', async (_, patch, message) => {
    upstream(kind, ['ok'])
    await expectTypeError(() => kind.make(patch), `${kind.name}: ${message}`)
    expect(srv.requests).toHaveLength(0)
  })

  describe('a store that fails', () => {
    it.each(faultStores)(
      '%s: every call succeeds, one upstream request, each fault reported without the value',
      async (_, makeStore, op, cause) => {
        const up = upstream(kind, ['ok'])
        const errors: Error[] = []
        // 100 ms: a hanging store times out; a healthy in-memory one answers well within it, even on a busy machine
        const p = kind.make({ store: makeStore(), storeTimeoutMs: 100, onError: (e) => errors.push(e) })
        for (let i = 0; i < 3; i++) await expect(p.get()).resolves.toBe(kind.value(1))
        const many = await Promise.all(Array.from({ length: 50 }, () => p.get()))
        expect(new Set(many)).toEqual(new Set([kind.value(1)]))
        // The store is tried again later (breaker), still without a new fetch.
        clock += 60_000
        await expect(p.get()).resolves.toBe(kind.value(1))
        expect(up.requests()).toBe(1)
        const report = (operation: string, error: string) =>
          `${kind.name}: store ${operation} failed for ${kind.key} (${error}); serving the ${kind.what} held in this process`
        expect(errors[0]?.message).toBe(report(op, cause.replace('<key>', kind.key)))
        for (const e of errors) {
          expect(e.message).toMatch(/store (get|set|lock) failed for /)
          expect(e.message).not.toContain('secret')
        }
      },
    )

    it('leaves a failing store alone for storeTimeoutMs, doubling while it fails, and writes the copy back once it answers', async () => {
      const up = upstream(kind, ['ok'])
      const calls: string[] = []
      let failing = true
      const inner = createMemoryStore({ now: () => clock })
      const store: CredentialStore = {
        async get(k) {
          calls.push('get')
          if (failing) throw new Error('down')
          return inner.get(k)
        },
        async set(k, v, ttl) {
          calls.push('set')
          if (failing) throw new Error('down')
          return inner.set(k, v, ttl)
        },
      }
      const errors: Error[] = []
      const p = kind.make({ store, storeTimeoutMs: 1000, onError: (e) => errors.push(e) })
      await p.get() // get fails (skip 1 s), set is skipped too
      expect(calls).toEqual(['get'])
      await p.get()
      clock += 999
      await p.get()
      expect(calls).toEqual(['get'])
      clock += 1
      await p.get() // fails again: skip 2 s
      expect(calls).toEqual(['get', 'get'])
      clock += 1999
      await p.get()
      expect(calls).toHaveLength(2)
      clock += 1
      failing = false
      await expect(p.get()).resolves.toBe(kind.value(1))
      await until(() => calls.length === 4) // the read found nothing, so the copy is written back
      expect(calls).toEqual(['get', 'get', 'get', 'set'])
      await expect(inner.get(kind.key)).resolves.toMatchObject({
        value: kind.value(1),
      })
      expect(up.requests()).toBe(1)
      expect(errors).toHaveLength(2)
    })

    it('by default warns once per fault episode, never with a value, the AppSecret or anything shaped like a token', async () => {
      upstream(kind, ['ok'])
      let failing = false
      const unseen = 'A1b2C3d4'.repeat(6) // another instance's token, say: never seen here
      const store: CredentialStore = {
        get: async () => {
          if (failing) throw new Error(`cannot read: values ${kind.value(1)} and ${unseen}, secret ${SECRET}`)
          return undefined
        },
        set: async () => undefined,
      }
      const p = kind.make({ store, storeTimeoutMs: 100 })
      await p.get()
      failing = true
      for (let i = 0; i < 5; i++) {
        clock += 10_000
        await expect(p.get()).resolves.toBe(kind.value(1))
      }
      const warn = consoleSpies[2]
      expect(warn).toHaveBeenCalledTimes(1)
      failing = false
      clock += 10_000
      await p.get() // the store answers: the episode is over
      failing = true
      clock += 10_000
      await p.get()
      expect(warn).toHaveBeenCalledTimes(2)
      for (const [line] of warn.mock.calls) {
        expect(line).toBe(
          `weapp-card-coupon: ${kind.name}: store get failed for ${kind.key} ` +
            `(Error: cannot read: values *** and ***, secret ***); serving the ${kind.what} held in this process`,
        )
      }
      warn.mockClear()
    })

    it('an onError that throws does not fail the call', async () => {
      upstream(kind, ['ok'])
      const store = { get: async () => Promise.reject(new Error('down')), set: async () => undefined }
      const p = kind.make({
        store,
        onError: () => {
          throw new Error('logger down')
        },
      })
      await expect(p.get()).resolves.toBe(kind.value(1))
    })

    it('invalidate() with a failing store rejects naming the key; the dropped value never comes back from the store', async () => {
      const up = upstream(kind, ['ok'])
      let failing = false
      const inner = createMemoryStore()
      const store: CredentialStore = {
        get: (k) => inner.get(k),
        set: async (k, v, ttl) => {
          if (failing) throw new Error('READONLY')
          return inner.set(k, v, ttl)
        },
      }
      const p = kind.make({ store, onError: () => undefined })
      await p.get()
      failing = true
      await expect(p.invalidate()).rejects.toThrow(
        new RegExp(
          `^${kind.name}: invalidate could not delete (wx_card_api_ticket|access_token):wxapp from the store \\(Error: READONLY\\)$`,
        ),
      )
      await expect(p.get()).resolves.toBe(kind.value(2))
      failing = false
      clock += 60_000
      // The store still holds value 1, which this process dropped: it writes value 2 over it instead of adopting it.
      await expect(p.get()).resolves.toBe(kind.value(2))
      const key = kind.key
      let stored: StoredCredential | undefined
      while (stored?.value !== kind.value(2)) stored = await inner.get(key) // written back in the background
      expect(stored).toMatchObject({ value: kind.value(2) })
      expect(up.requests()).toBe(2)
    })
  })

  describe('stale-if-error', () => {
    // [the refresh's failure, what onError is told it was]
    const failures: [Outcome, (api: string) => string][] = [
      ['HTTP 500', (api) => `Error: WeChat ${api}: HTTP 500 Internal Server Error`],
      ['errcode 40164', (api) => `WeChatApiError: WeChat ${api} failed: errcode 40164, errmsg invalid ip`],
      ['errcode -1', (api) => `WeChatApiError: WeChat ${api} failed: errcode -1, errmsg system error`],
      ['malformed JSON', (api) => `Error: WeChat ${api}: response is not valid JSON (HTTP 200, 13 characters)`],
      ['no answer', (api) => `Error: WeChat ${api}: no response within 300 ms (timeoutMs)`],
    ]

    it.each(failures)(
      'a refresh failing with %s before the real expiry serves the cached value, retries with back-off, fails once expired',
      async (failure, error) => {
        // the value another instance fetched at T0, from the shared store: only the refreshes meet WeChat, so only
        // they are bounded by the short timeout of the case where WeChat does not answer
        const store = createMemoryStore({ now: () => clock })
        const cached = { value: kind.value(0), expiresAt: T0 + 7200_000, refreshAt: T0 + 6900_000 }
        await store.set(kind.key, cached, 7200_000)
        const up = upstream(kind, [failure])
        const errors: Error[] = []
        const timeoutMs = failure === 'no answer' ? 300 : 10_000
        const p = kind.make({ store, maxRetries: 0, timeoutMs, onError: (e) => errors.push(e) })
        clock = T0 + 6900_000 // the refresh point
        await expect(p.get()).resolves.toBe(kind.value(0))
        expect(errors.map((e) => e.message)).toEqual([
          `${kind.name}: refreshing the ${kind.what} failed (${error(kind.api)}); serving the cached one until it ` +
            'expires at 2023-11-15T00:13:20.000Z, next try in 5 s',
        ])
        // Back-off: the next try 5 s later, then 10 s later (then 20 s…); until then no request.
        const steps: [advanceMs: number, requests: number][] = [
          [0, 1],
          [4999, 1],
          [1, 2],
          [9999, 2],
          [1, 3],
        ]
        for (const [advanceMs, requests] of steps) {
          clock += advanceMs
          await expect(p.get()).resolves.toBe(kind.value(0))
          expect(up.requests()).toBe(requests)
        }
        // WeChat's real expiry: no more stale answers.
        clock = T0 + 7200_000
        await expect(p.get()).rejects.toThrow(error(kind.api).replace(/^\w+: /, ''))
        expect(up.requests()).toBe(4)
      },
    )

    it('recovers on the first refresh that succeeds, and the back-off starts over', async () => {
      const up = upstream(kind, ['ok', 'HTTP 500', 'ok', 'HTTP 500'])
      const errors: Error[] = []
      const p = kind.make({ maxRetries: 0, onError: (e) => errors.push(e) })
      await p.get()
      clock = T0 + 6900 * 1000
      await expect(p.get()).resolves.toBe(kind.value(1))
      clock += 5000
      await expect(p.get()).resolves.toBe(kind.value(2))
      expect(up.requests()).toBe(3)
      clock += 6900 * 1000
      await expect(p.get()).resolves.toBe(kind.value(2))
      expect(errors.map((e) => /next try in (\d+) s/.exec(e.message)?.[1])).toEqual(['5', '5'])
    })

    it('serves the cached value at once while another instance holds the refresh lock', async () => {
      const held: (() => void)[] = []
      let issued = 0
      srv.handle((_, res) => {
        const n = ++issued
        if (n === 1) reply(res, 200, kind.ok(n, 7200))
        else held.push(() => reply(res, 200, kind.ok(n, 7200)))
      })
      const store = createMemoryStore({ now: () => clock })
      const a = kind.make({ store })
      const b = kind.make({ store })
      await a.get()
      await expect(b.get()).resolves.toBe(kind.value(1))
      clock = T0 + 6900 * 1000
      const refreshing = a.get() // holds the lock, its request unanswered
      await until(() => held.length === 1)
      await expect(b.get()).resolves.toBe(kind.value(1))
      expect(srv.requests).toHaveLength(2)
      held[0]()
      await expect(refreshing).resolves.toBe(kind.value(2))
      await expect(b.get()).resolves.toBe(kind.value(2))
    })
  })

  describe('short lifetimes and the margin', () => {
    it.each([7200, 3600, 1200, 600, 301, 300, 120, 60, 5, 1])(
      'expires_in %i s is cached until expires_in − min(300 s, a quarter of it)',
      async (expiresIn) => {
        const up = upstream(kind, ['ok'], expiresIn)
        const store = createMemoryStore({ now: () => clock })
        const p = kind.make({ store })
        await p.get()
        const lifetime = expiresIn * 1000
        const refreshAt = T0 + lifetime - Math.min(300_000, lifetime / 4)
        const key = kind.key
        await expect(store.get(key)).resolves.toEqual({ value: kind.value(1), expiresAt: T0 + lifetime, refreshAt })
        clock = refreshAt - 1
        for (let i = 0; i < 5; i++) await expect(p.get()).resolves.toBe(kind.value(1))
        expect(up.requests()).toBe(1)
        clock = refreshAt
        await expect(p.get()).resolves.toBe(kind.value(2))
        expect(up.requests()).toBe(2)
      },
    )

    it.each<[number, number, number]>([
      [0, 120, 120],
      [60, 120, 90],
      [10, 120, 110],
      [600, 7200, 6600],
      [7199, 7200, 5400],
    ])('refreshMarginSeconds %i with expires_in %i refreshes at %i s', async (margin, expiresIn, at) => {
      upstream(kind, ['ok'], expiresIn)
      const store = createMemoryStore({ now: () => clock })
      await kind.make({ store, refreshMarginSeconds: margin }).get()
      const key = kind.key
      await expect(store.get(key)).resolves.toMatchObject({ refreshAt: T0 + at * 1000 })
    })
  })

  describe('instances sharing a store that locks', () => {
    it('two instances × 200 concurrent callers on a cold store: one upstream request', async () => {
      const up = upstream(kind, ['ok'])
      const store = createMemoryStore({ now: () => clock })
      const a = kind.make({ store })
      const b = kind.make({ store })
      const all = await Promise.all(Array.from({ length: 400 }, (_, i) => (i % 2 ? a : b).get()))
      expect(new Set(all)).toEqual(new Set([kind.value(1)]))
      expect(up.requests()).toBe(1)
    })

    it('a holder that never answers: the other instance takes over once the lock expires', async () => {
      const held: (() => void)[] = []
      let issued = 0
      srv.handle((_, res) => {
        const n = ++issued
        if (n === 1) held.push(() => reply(res, 200, kind.ok(n, 7200)))
        else reply(res, 200, kind.ok(n, 7200))
      })
      const store = createMemoryStore({ now: () => clock })
      const a = kind.make({ store, lockTtlMs: 1000 })
      const b = kind.make({ store, lockTtlMs: 1000 })
      const first = a.get()
      await until(() => issued === 1)
      const second = b.get()
      await new Promise((resolve) => setTimeout(resolve, 30)) // b polls the store: nothing yet
      expect(issued).toBe(1)
      clock += 1000 // a's lock expires (on the store's clock)
      await expect(second).resolves.toBe(kind.value(2))
      expect(issued).toBe(2)
      held[0]()
      await expect(first).resolves.toBe(kind.value(1))
    })

    it('gives up waiting after lockWaitMs with a clear Error', async () => {
      srv.handle(() => undefined) // never answers
      const store = createMemoryStore({ now: () => clock })
      const a = kind.make({ store })
      void a.get().catch(() => undefined)
      await until(() => srv.requests.length === 1)
      const b = kind.make({ store, lockWaitMs: 60 })
      await expect(b.get()).rejects.toThrow(
        new RegExp(
          `^${kind.name}: no (api_ticket|access_token) after waiting 60 ms \\(lockWaitMs\\) for another instance to fetch it \\(lock (wx_card_api_ticket|access_token):wxapp:lock\\)$`,
        ),
      )
    })
  })
})
