// Issue 17's proof with real parts: a redis-server started here, 4 Node processes (2 on ioredis, 2 on node-redis)
// running the built providers (dist/server) against the simulator's HTTP API. A front server on 127.0.0.1 passes
// requests to the simulator and can hold getticket answers, so a lock holder can be killed mid-fetch.
import { Redis } from 'ioredis'
import type { CardPlatform, Listening } from '../../testing'
import { ACCOUNT, makePlatform } from '../helpers/platform'
import { startWorker, type FleetConfig, type Worker } from './fleet'
import { startServer, type TestServer } from './http-server'
import { startRedis, type RedisServer } from './redis-server'

const { appid: APPID, secret: SECRET, apiTicket: TICKET } = ACCOUNT
/**
 * The lock expiry while a holder gets killed: the others must still be waiting on it when the test looks, however
 * busy the machine (≥ 10× what the test does in between). Otherwise 5 s, so a slow fetch keeps its lock.
 */
const KILL_LOCK_TTL_MS = 3000
const LOCK_TTL_MS = 5000
/**
 * Long enough that a busy machine (other suites, lint, a second npm test) never turns a slow Redis reply into a store
 * fault: 1 s was missed under a load of 30 on 2 cores.
 */
const STORE_TIMEOUT_MS = 5000
/** What a getTicket may take beyond the store timeouts it waits out: a bound on a hang, wide for a busy machine. */
const SETTLE_MARGIN_MS = 30_000
const TICKET_KEY = `weapp-card-coupon:wx_card_api_ticket:${APPID}`

let redis: RedisServer
let look: Redis
let platform: CardPlatform
let api: Listening
let front: TestServer
/** getticket requests the front server held (never passed on) until released. */
let hold = false
const held: (() => void)[] = []
let workers: Worker[] = []

const getticketCount = () => front.requests.filter((r) => r.path === '/cgi-bin/ticket/getticket').length
const tickets = (w: Worker, n: number, deadlineMs?: number) => w.call({ cmd: 'tickets', n, deadlineMs })
const faults = (w: Worker) => w.call({ cmd: 'faults' })

beforeAll(async () => {
  redis = await startRedis()
  look = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 1 })
  look.on('error', () => undefined)
  await look.connect()
  platform = makePlatform()
  api = await platform.listen()
  front = await startServer()
  front.handle((req, res) => {
    const pass = async () => {
      const query = req.query.toString()
      const r = await fetch(`${api.url}${req.path}${query ? `?${query}` : ''}`, {
        method: req.method,
        headers: req.body ? { 'content-type': 'application/json' } : {},
        body: req.method === 'POST' ? req.body : undefined,
      })
      res.writeHead(r.status, { 'content-type': 'application/json' })
      res.end(await r.text())
    }
    if (hold && req.path === '/cgi-bin/ticket/getticket') held.push(() => void pass())
    else void pass()
  })
  const config = (client: FleetConfig['client']): FleetConfig => ({
    client,
    redisPort: redis.port,
    baseUrl: front.baseUrl,
    appid: APPID,
    secret: SECRET,
    lockTtlMs: LOCK_TTL_MS,
    storeTimeoutMs: STORE_TIMEOUT_MS,
  })
  workers = await Promise.all(
    (['ioredis', 'node-redis', 'ioredis', 'node-redis'] as const).map((c) => startWorker(config(c))),
  )
})

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()))
  look?.disconnect()
  await Promise.all([api?.close(), front?.close()])
  await redis?.stop()
})

describe('4 processes sharing a real Redis (2 × ioredis, 2 × node-redis)', () => {
  it('4 × 250 concurrent getTicket() on a cold store: 1 stable_token, 1 getticket, one ticket for all 1,000', async () => {
    const results = await Promise.all(workers.map((w) => tickets(w, 250)))
    expect(results.map((r) => r.errors)).toEqual([[], [], [], []])
    expect(results.reduce((n, r) => n + r.count, 0)).toBe(1000)
    expect(new Set(results.flatMap((r) => r.distinct))).toEqual(new Set([TICKET]))
    expect(platform.state.requests).toMatchObject({ stable_token: 1, getticket: 1 })
    expect(await look.get(TICKET_KEY)).toContain(TICKET)
  })

  it('the lock holder SIGKILLed mid-fetch: another process gets the ticket within the lock expiry + 5 s, ≤ 2 getticket', async () => {
    await look.flushall()
    await Promise.all(workers.map((w) => w.call({ cmd: 'fresh', lockTtlMs: KILL_LOCK_TTL_MS }))) // cold in memory too
    front.requests.length = 0
    hold = true
    const [holder, ...others] = workers
    const dying = tickets(holder, 10).catch(() => undefined)
    while (getticketCount() < 1) await new Promise((resolve) => setTimeout(resolve, 5))
    hold = false // later requests pass; the holder's stays unanswered
    const waiting = others.map((w) => tickets(w, 50, KILL_LOCK_TTL_MS + 5000))
    await new Promise((resolve) => setTimeout(resolve, 50)) // they are waiting on the lock
    expect(getticketCount()).toBe(1)
    expect(await holder.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    await dying
    const results = await Promise.all(waiting)
    expect(results.map((r) => r.errors)).toEqual([[], [], []])
    expect(new Set(results.flatMap((r) => r.distinct))).toEqual(new Set([TICKET]))
    expect(results.reduce((n, r) => n + r.count, 0)).toBe(150)
    expect(getticketCount()).toBeLessThanOrEqual(2)
    held.length = 0
    workers = others
    await Promise.all(workers.map((w) => w.call({ cmd: 'fresh' }))) // back to the 5 s lock, warmed from Redis
    const warm = await Promise.all(workers.map((w) => tickets(w, 1)))
    expect(warm.map((r) => r.distinct)).toEqual([[TICKET], [TICKET], [TICKET]])
    expect(getticketCount()).toBeLessThanOrEqual(2)
  })

  it('Redis stopped: warm processes serve their in-process copy within the store timeout; a cold one fetches once', async () => {
    await Promise.all(workers.map((w) => faults(w)))
    const before = getticketCount()
    await redis.stop()
    const results = await Promise.all(workers.map((w) => tickets(w, 20, STORE_TIMEOUT_MS + SETTLE_MARGIN_MS)))
    expect(results.map((r) => r.errors)).toEqual([[], [], []])
    expect(new Set(results.flatMap((r) => r.distinct))).toEqual(new Set([TICKET]))
    expect(getticketCount()).toBe(before)
    const reported = (await Promise.all(workers.map(faults))).flat()
    expect(reported.length).toBeGreaterThan(0)
    for (const message of reported) {
      expect(message).toMatch(
        /^createApiTicketProvider: store (get|set|lock) failed for wx_card_api_ticket:wx0000000000card00 \(.+\); serving/,
      )
      expect(message).not.toContain(TICKET)
    }
    // A process with nothing in memory cannot coordinate now: it fetches once for all its callers, never in a loop.
    await workers[0].call({ cmd: 'fresh' })
    const cold = await tickets(workers[0], 50, 2 * STORE_TIMEOUT_MS + SETTLE_MARGIN_MS)
    expect(cold).toEqual({ count: 50, distinct: [TICKET], errors: [] })
    expect(getticketCount()).toBe(before + 1)
  }, 180_000)

  it('Redis started again: the same processes use it again without a restart', async () => {
    await redis.start() // empty: nothing was saved
    const before = getticketCount()
    // Each process finds its ticket gone from the store (as after an invalidate) and refetches under the lock.
    for (let round = 0; !(await look.get(TICKET_KEY).catch(() => null)); round++) {
      if (round > 100) throw new Error('no process wrote the ticket to Redis again')
      const results = await Promise.all(workers.map((w) => tickets(w, 5)))
      expect(results.map((r) => r.errors)).toEqual([[], [], []])
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // Shared again: one invalidate reaches every process, and one fetch serves them all.
    const settled = await Promise.all(workers.map((w) => tickets(w, 5)))
    expect(new Set(settled.flatMap((r) => r.distinct))).toEqual(new Set([TICKET]))
    const afterRecovery = getticketCount()
    expect(afterRecovery - before).toBeLessThanOrEqual(workers.length)
    await workers[1].call({ cmd: 'invalidate' })
    // the mark invalidate() leaves, so no process writes its old copy back
    expect(JSON.parse((await look.get(TICKET_KEY)) ?? 'null')).toMatchObject({ value: '', expiresAt: 0 })
    const results = await Promise.all(workers.map((w) => tickets(w, 50)))
    expect(results.map((r) => r.errors)).toEqual([[], [], []])
    expect(getticketCount()).toBe(afterRecovery + 1)
  })
})
