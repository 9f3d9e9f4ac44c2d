// One server instance of a fleet, in its own Node process: its own Redis client (ioredis or node-redis), the built
// providers (dist/server) sharing a Redis store, answering its parent over IPC. Plain JS so the bench can use it.
//   parent: const w = await startWorker({ client, redisPort, baseUrl, appid, secret, ... }); await w.call({ cmd: 'tickets', n: 250 })
//   child:  this file run by fork()
const { fork } = require('child_process')
const fs = require('fs')
const path = require('path')

const DIST = path.resolve(__dirname, '../../dist/server/index.js')

/**
 * Forks a worker and resolves once its providers are ready.
 * @param {{ client: 'ioredis' | 'node-redis', redisPort: number, baseUrl: string, appid: string, secret: string,
 *   lockTtlMs?: number, storeTimeoutMs?: number, memoryStore?: boolean }} config (memoryStore: each process its own
 *   in-memory store instead of Redis, the baseline the bench compares with)
 */
function startWorker(config) {
  if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npm run build; npm test does)`)
  const child = fork(__filename, [], {
    env: { ...process.env, FLEET_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  let next = 0
  const pending = new Map()
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  void exited.then(({ code, signal }) => {
    for (const { reject } of pending.values())
      reject(new Error(`worker exited (${signal || code}) during a call:\n${output}`))
    pending.clear()
  })
  child.on('message', (m) => {
    const p = pending.get(m.id)
    if (!p) return
    pending.delete(m.id)
    if (m.error) p.reject(new Error(m.error))
    else p.resolve(m.result)
  })
  const ready = new Promise((resolve, reject) => {
    child.once('message', (m) => (m && m.ready ? resolve() : reject(new Error(`worker: ${JSON.stringify(m)}`))))
    void exited.then(({ code, signal }) => reject(new Error(`worker exited (${signal || code}) at start:\n${output}`)))
  })
  return ready.then(() => ({
    pid: child.pid,
    exited,
    /** Sends a command ({ cmd, ... }) and resolves its result. */
    call(message) {
      const id = ++next
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.send({ ...message, id })
      })
    },
    kill(signal = 'SIGTERM') {
      child.kill(signal)
      return exited
    },
  }))
}

async function runWorker() {
  const config = JSON.parse(process.env.FLEET_CONFIG)
  const server = require(DIST)
  let client
  if (config.client === 'ioredis') {
    const { Redis } = require('ioredis')
    client = new Redis({ host: '127.0.0.1', port: config.redisPort })
  } else {
    const { createClient } = require('redis')
    client = createClient({ url: `redis://127.0.0.1:${config.redisPort}` })
    await client.connect()
  }
  // Both clients emit 'error' while Redis is away; node-redis would crash the process without a listener.
  client.on('error', () => undefined)
  const store = config.memoryStore ? undefined : server.createRedisStore(client)
  const faults = []
  const onError = (e) => faults.push(e.message)
  const options = {
    store,
    baseUrl: config.baseUrl,
    onError,
    lockTtlMs: config.lockTtlMs,
    storeTimeoutMs: config.storeTimeoutMs,
  }
  let providers
  /** New providers (nothing in memory), optionally with another lock expiry. */
  const fresh = ({ lockTtlMs = config.lockTtlMs } = {}) => {
    const o = { ...options, lockTtlMs }
    const tokens = server.createStableAccessTokenProvider({ appid: config.appid, secret: config.secret, ...o })
    const tickets = server.createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid: config.appid, ...o })
    providers = { tokens, tickets }
  }
  fresh()

  /** n concurrent getTicket(); each must settle within deadlineMs (when given). */
  async function tickets({ n, deadlineMs }) {
    const one = () => {
      const call = providers.tickets.getTicket()
      if (!deadlineMs) return call
      let timer
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`getTicket did not settle within ${deadlineMs} ms`)), deadlineMs)
      })
      return Promise.race([call, late]).finally(() => clearTimeout(timer))
    }
    const settled = await Promise.allSettled(Array.from({ length: n }, one))
    const values = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)
    const errors = settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason && s.reason.message))
    return { count: values.length, distinct: [...new Set(values)], errors: [...new Set(errors)] }
  }

  const commands = {
    tickets,
    fresh: async (m) => fresh(m),
    invalidate: () => providers.tickets.invalidate(),
    faults: async () => faults.splice(0),
  }
  process.on('message', async (m) => {
    try {
      const result = await commands[m.cmd](m)
      process.send({ id: m.id, result })
    } catch (e) {
      process.send({ id: m.id, error: e && e.message ? e.message : String(e) })
    }
  })
  process.on('disconnect', () => process.exit(0))
  process.send({ ready: true })
}

if (require.main === module) {
  runWorker().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}

module.exports = { startWorker }
