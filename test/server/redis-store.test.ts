// createRedisStore (server/redis-store.ts) with both real clients (ioredis, node-redis) against a real
// redis-server started here, and the providers on a Redis that cannot be reached.
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import {
  createApiTicketProvider,
  createRedisStore,
  createStableAccessTokenProvider,
  type RedisClientLike,
  type StoredCredential,
} from '../../server'
import { ACCOUNT, expectTypeError, makePlatform } from '../helpers/platform'
import { closedPort } from './http-server'
import { startRedis, type RedisServer } from './redis-server'
/** What the tests need of a client besides the store: raw commands to look at Redis, and a way to close it. */
interface Client {
  name: string
  client: RedisClientLike
  raw(...args: string[]): Promise<unknown>
  close(): Promise<void>
}

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis?.stop())

const clients: [string, () => Promise<Client>][] = [
  [
    'ioredis',
    async () => {
      const c = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true })
      c.on('error', () => undefined)
      await c.connect()
      return {
        name: 'ioredis',
        client: c,
        raw: (...a) => c.call(a[0], a.slice(1)),
        close: () => c.quit().then(() => undefined),
      }
    },
  ],
  [
    'node-redis',
    async () => {
      const c = createClient({ url: redis.url })
      c.on('error', () => undefined)
      await c.connect()
      return {
        name: 'node-redis',
        client: c,
        raw: (...a) => c.sendCommand(a),
        close: () => c.quit().then(() => undefined),
      }
    },
  ],
]

const value = (v: string, expiresAt = Date.now() + 7_200_000): StoredCredential => ({
  value: v,
  expiresAt,
  refreshAt: expiresAt - 300_000,
})

describe.each(clients)('createRedisStore with %s', (_, connect) => {
  let c: Client
  beforeEach(async () => {
    c = await connect()
    await c.raw('FLUSHALL')
  })
  afterEach(() => c.close())

  it('writes JSON under the prefixed key with a PX expiry, and reads it back', async () => {
    const store = createRedisStore(c.client)
    await store.set('access_token:wxapp', value('token-1', 1_700_007_200_000), 7_200_000)
    await expect(store.get('access_token:wxapp')).resolves.toEqual(value('token-1', 1_700_007_200_000))
    expect(await c.raw('GET', 'weapp-card-coupon:access_token:wxapp')).toBe(
      JSON.stringify({ value: 'token-1', expiresAt: 1_700_007_200_000, refreshAt: 1_700_006_900_000 }),
    )
    const pttl = Number(await c.raw('PTTL', 'weapp-card-coupon:access_token:wxapp'))
    expect(pttl).toBeGreaterThan(7_000_000)
    expect(pttl).toBeLessThanOrEqual(7_200_000)
    await expect(store.get('other')).resolves.toBeUndefined()
  })

  it('deletes the key for ttlMs <= 0 (invalidate)', async () => {
    const store = createRedisStore(c.client, { prefix: 'app1:' })
    await store.set('k', value('x'), 1000)
    expect(await c.raw('EXISTS', 'app1:k')).toBe(1)
    await store.set('k', { value: '', expiresAt: 0, refreshAt: 0 }, 0)
    expect(await c.raw('EXISTS', 'app1:k')).toBe(0)
    await store.set('k', value('y'), -5)
    expect(await c.raw('EXISTS', 'app1:k')).toBe(0)
  })

  it('reads a value it cannot parse as absent', async () => {
    await c.raw('SET', 'weapp-card-coupon:k', '{not json')
    await expect(createRedisStore(c.client).get('k')).resolves.toBeUndefined()
  })

  it('locks with SET NX PX: one holder at a time, and the lock expires', async () => {
    const store = createRedisStore(c.client)
    const a = await store.lock('k:lock', 5000)
    expect(a).toBeDefined()
    await expect(store.lock('k:lock', 5000)).resolves.toBeUndefined()
    const pttl = Number(await c.raw('PTTL', 'weapp-card-coupon:k:lock'))
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(5000)
    await a?.release()
    const b = await store.lock('k:lock', 5000)
    expect(b).toBeDefined()
    await b?.release()
  })

  it('counts with INCRBY in a window that starts with the first add (a RateCounter the handlers share)', async () => {
    const store = createRedisStore(c.client)
    await expect(store.increment('card-codes:u1', 20, 60_000)).resolves.toBe(20)
    await expect(store.increment('card-codes:u1', 5, 60_000)).resolves.toBe(25)
    const pttl = Number(await c.raw('PTTL', 'weapp-card-coupon:card-codes:u1'))
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(60_000)
    await c.raw('PEXPIRE', 'weapp-card-coupon:card-codes:u1', '1')
    await new Promise((resolve) => setTimeout(resolve, 20))
    await expect(store.increment('card-codes:u1', 1, 60_000)).resolves.toBe(1) // a new window
    await c.raw('SET', 'weapp-card-coupon:no-ttl', '3') // a counter left without expiry gets one
    await expect(store.increment('no-ttl', 1, 60_000)).resolves.toBe(4)
    expect(Number(await c.raw('PTTL', 'weapp-card-coupon:no-ttl'))).toBeGreaterThan(0)
  })

  it('releases only its own lock, never one taken after it expired', async () => {
    const store = createRedisStore(c.client)
    const a = await store.lock('k:lock', 5000)
    await c.raw('DEL', 'weapp-card-coupon:k:lock') // as if a's lock expired
    const b = await store.lock('k:lock', 5000)
    expect(b).toBeDefined()
    await a?.release()
    expect(await c.raw('EXISTS', 'weapp-card-coupon:k:lock')).toBe(1)
    await expect(store.lock('k:lock', 5000)).resolves.toBeUndefined()
    await b?.release()
    expect(await c.raw('EXISTS', 'weapp-card-coupon:k:lock')).toBe(0)
  })

  it('rejects with an Error naming the command and key, never the value, once the client is closed', async () => {
    const store = createRedisStore(c.client)
    await c.close()
    const err = await store.set('k', value('token-never-shown'), 1000).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/^Redis SET weapp-card-coupon:k failed: \w/)
    expect(`${(err as Error).message} ${JSON.stringify(err)} ${String((err as Error).cause)}`).not.toContain(
      'token-never-shown',
    )
    await expect(store.get('k')).rejects.toThrow(/^Redis GET weapp-card-coupon:k failed: /)
    c = await connect() // for afterEach
  })

  it('shares one ticket between two providers with their own clients (one getticket, one stable_token)', async () => {
    const other = await connect()
    const platform = makePlatform()
    const api = await platform.listen()
    try {
      const providers = [c, other].map((x) => {
        const store = createRedisStore(x.client)
        const common = { store, baseUrl: api.url, appid: ACCOUNT.appid }
        const tokens = createStableAccessTokenProvider({ ...common, secret: ACCOUNT.secret })
        return createApiTicketProvider({ ...common, getAccessToken: tokens.getAccessToken })
      })
      const all = await Promise.all(Array.from({ length: 200 }, (__, i) => providers[i % 2].getTicket()))
      expect(new Set(all)).toEqual(new Set([ACCOUNT.apiTicket]))
      expect(platform.state.requests).toMatchObject({ stable_token: 1, getticket: 1 })
      expect(await c.raw('EXISTS', 'weapp-card-coupon:wx_card_api_ticket:wx0000000000card00')).toBe(1)
      expect(await c.raw('EXISTS', 'weapp-card-coupon:access_token:wx0000000000card00')).toBe(1)
      // One instance invalidates: the other sees it through Redis and one new fetch serves both.
      await providers[0].invalidate()
      await Promise.all([providers[1].getTicket(), providers[0].getTicket()])
      expect(platform.state.requests.getticket).toBe(2)
    } finally {
      await api.close()
      await other.close()
    }
  })
})

describe('the 30 s rule for forced refreshes through Redis', () => {
  it('instances on ioredis and node-redis, all told their token was rejected at once, force once', async () => {
    const [io, nr] = await Promise.all(clients.map(([, connect]) => connect()))
    await io.raw('FLUSHALL')
    const platform = makePlatform()
    const api = await platform.listen()
    let forced = 0
    const counting: typeof fetch = (input, init) => {
      if (typeof init?.body === 'string' && JSON.parse(init.body).force_refresh === true) forced++
      return fetch(input, init)
    }
    try {
      const providers = [io, nr, io, nr].map((x) =>
        createStableAccessTokenProvider({
          appid: ACCOUNT.appid,
          secret: ACCOUNT.secret,
          store: createRedisStore(x.client),
          baseUrl: api.url,
          fetch: counting,
        }),
      )
      const first = await Promise.all(providers.map((p) => p.getAccessToken()))
      expect(new Set(first)).toEqual(new Set([ACCOUNT.accessToken]))
      const renewed = await Promise.all(
        providers.flatMap((p) => Array.from({ length: 25 }, () => p.getAccessToken({ forceRefresh: true }))),
      )
      expect(new Set(renewed).size).toBe(1)
      expect(renewed[0]).not.toBe(ACCOUNT.accessToken)
      expect(forced).toBe(1)
      expect(Number(await io.raw('PTTL', 'weapp-card-coupon:access_token:wx0000000000card00:force'))).toBeGreaterThan(0)
    } finally {
      await api.close()
      await Promise.all([io.close(), nr.close()])
    }
  })
})

describe('a Redis that cannot be reached: the providers serve what they fetched, and say why once', () => {
  let port: number
  beforeAll(async () => {
    port = await closedPort()
  })
  const KEY = 'wx_card_api_ticket:wx0000000000card00'

  it.each<[string, () => { client: RedisClientLike; close(): void }, Record<string, number>, string]>([
    [
      'ioredis on a closed port (commands queued until storeTimeoutMs)',
      () => {
        // a short disconnectTimeout: the socket of a refused connection never closes again, so ioredis waits it out
        const client = new Redis({ port, host: '127.0.0.1', disconnectTimeout: 10 })
        client.on('error', () => undefined)
        return { client, close: () => client.disconnect() }
      },
      // the skip after the fault lasts storeTimeoutMs: long enough (≥ 20× a local getticket) that the set after the
      // fetch is skipped too, on a busy machine
      { storeTimeoutMs: 1000 },
      `the store (get ${KEY}) did not answer within 1000 ms (storeTimeoutMs)`,
    ],
    [
      'node-redis never connected (commands refused)',
      () => {
        const client = createClient({ url: `redis://127.0.0.1:${port}` })
        client.on('error', () => undefined)
        return { client, close: () => undefined }
      },
      {},
      `Redis GET weapp-card-coupon:${KEY} failed: The client is closed`,
    ],
  ])('%s', async (_, connect, options, cause) => {
    const { client, close } = connect()
    const platform = makePlatform()
    const api = await platform.listen()
    try {
      const reported: string[] = []
      const tickets = createApiTicketProvider({
        getAccessToken: async () => ACCOUNT.accessToken,
        appid: ACCOUNT.appid,
        baseUrl: api.url,
        store: createRedisStore(client),
        onError: (e) => reported.push(e.message),
        ...options,
      })
      for (let i = 0; i < 3; i++) await expect(tickets.getTicket()).resolves.toBe(ACCOUNT.apiTicket)
      expect(platform.state.requests.getticket).toBe(1)
      expect(reported).toEqual([
        `createApiTicketProvider: store get failed for ${KEY} (Error: ${cause}); serving the api_ticket held in this process`,
      ])
    } finally {
      close()
      await api.close()
    }
  })
})

describe('createRedisStore options', () => {
  const CLIENT = 'client must be an ioredis client (call) or a node-redis v4+ client (sendCommand)'
  it.each<[string, unknown, unknown, string]>([
    ['no client', undefined, undefined, CLIENT],
    ['a null client', null, undefined, CLIENT],
    ['a client with neither call nor sendCommand', { get: () => undefined }, undefined, CLIENT],
    ['a call that is not a function', { call: 'GET' }, undefined, CLIENT],
    ['a client URL', 'redis://127.0.0.1:6379', undefined, CLIENT],
    ['an empty prefix', { call: async () => null }, { prefix: '' }, 'prefix must be a non-empty string'],
    ['a numeric prefix', { sendCommand: async () => null }, { prefix: 7 }, 'prefix must be a non-empty string'],
  ])('throws a TypeError for %s', async (_, client, options, message) => {
    await expectTypeError(() => createRedisStore(client as never, options as never), `createRedisStore: ${message}`)
  })
})
