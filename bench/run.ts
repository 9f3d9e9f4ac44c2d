// `npm run bench [-- --no-test-time]`: measures P1–P8 and rewrites docs/benchmarks.md, one row per figure with its
// goal and how it is measured (a --no-test-time run skips P5 and only prints). Not part of `npm test`.
// Where a figure compares, both sides run in this one run, interleaved, and the median is reported.
import { execFileSync, spawnSync } from 'child_process'
import crypto from 'crypto'
import fs from 'fs'
import { Redis } from 'ioredis'
import os from 'os'
import path from 'path'
import { createClient } from 'redis'
import v8 from 'v8'
import vm from 'vm'
import { build } from '../scripts/build'
import { MP, bytesOf, filesBelow, kb } from '../scripts/weight'
import type * as Server from '../server/index'
import type { CardPlatform } from '../testing/index'
import type * as Testing from '../testing/index'

const ROOT = path.resolve(__dirname, '..')
const DOC = path.join(ROOT, 'docs', 'benchmarks.md')

const P3_ROUNDS = 21 // one round's ratio swings by ±20 % on a shared 2-core machine
const P4_ROUNDS = 9
const P4_CALLS = 200_000
const P6_PROCESSES = ['ioredis', 'node-redis', 'ioredis', 'node-redis'] as const
const P6_CALLERS = 250
const P7_CALLS = 10_000
const P7_CHUNK = 1_000

/** One row of the table. `met` is null for a figure reported without a goal. */
interface Row {
  id: string
  figure: string
  goal: string
  met: boolean | null
  method: string
}

// The package as users get it: built at the start of the run.
const server = () => require(path.join(ROOT, 'dist/server')) as typeof Server
const testing = () => require(path.join(ROOT, 'dist/testing')) as typeof Testing
// Test helpers in plain JS (a real redis-server on a free port; one fleet process), typed here by what is used.
const { startRedis } = require(path.join(ROOT, 'test/server/redis-server')) as {
  startRedis(): Promise<{ port: number; url: string; stop(): Promise<void> }>
}
const { startWorker } = require(path.join(ROOT, 'test/server/fleet')) as {
  startWorker(config: object): Promise<{
    call(message: { cmd: 'tickets'; n: number }): Promise<{ count: number; distinct: string[]; errors: string[] }>
    kill(): Promise<unknown>
  }>
}

v8.setFlagsFromString('--expose-gc') // a collection before each timed sample keeps one side's garbage out of the other's
const gc = vm.runInNewContext('gc') as () => void
/** What the timed loops compute lands here, so no call can be optimized away. */
const sink = { value: 0 }
const log = (line: string) => process.stderr.write(`bench: ${line}\n`)
const int = (n: number) => Math.round(n).toLocaleString('en-US')
const times = (ratio: number) => `${ratio.toFixed(2)}×`
const msText = (ms: number) => `${ms.toFixed(3)} ms`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Times `sample(side)` for both sides, `rounds` times, the order flipped each round; the medians and their ratio. */
function interleaved(rounds: number, sample: (side: 'subject' | 'baseline') => number) {
  const subject: number[] = []
  const baseline: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? (['baseline', 'subject'] as const) : (['subject', 'baseline'] as const)
    for (const side of order) (side === 'subject' ? subject : baseline).push(sample(side))
    ratios.push(subject[round]! / baseline[round]!)
  }
  return { subject: median(subject), baseline: median(baseline), ratio: median(ratios) }
}

// ---------------------------------------------------------------- P2 / P3: miniprogram-simulate, in jest (jsdom)

interface SetDataRecord {
  ours: number
  payloads: string[]
  bytes: number
}
interface ListResults {
  open: SetDataRecord
  select: SetDataRecord
  rowState: SetDataRecord
  pageMore: SetDataRecord
}
interface SimulateResults {
  addRoundTrip: SetDataRecord
  list10: ListResults
  list1000: ListResults
  list10000: ListResults
  render: { n: number; rounds: number; ratioMedian: number; oursMedianMs: number; baselineMedianMs: number }
  huge: {
    n: number
    rounds: number
    rows: number
    firstScreenMedianMs: number
    cardsBytes: number
    oursOnRender: number
  }
}

/** bench/simulate.bench.ts through bench/jest.config.js; it writes its results to the file named by BENCH_OUT. */
function simulate(): SimulateResults {
  const out = path.join(os.tmpdir(), `weapp-card-coupon-bench-${process.pid}.json`)
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '-c', path.join(__dirname, 'jest.config.js'), '--runInBand'],
    { cwd: ROOT, env: { ...process.env, BENCH_OUT: out, BENCH_P3_ROUNDS: String(P3_ROUNDS) }, encoding: 'utf8' },
  )
  if (jest.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`the simulate bench failed (exit ${jest.status}):\n${jest.stdout}${jest.stderr}`)
  }
  try {
    return JSON.parse(fs.readFileSync(out, 'utf8')) as SimulateResults
  } finally {
    fs.rmSync(out, { force: true })
  }
}

function simulateRows(results: SimulateResults): Row[] {
  const { addRoundTrip: add, list10, list1000, list10000, render, huge } = results
  const bothN = (record: (list: ListResults) => SetDataRecord, unit: (r: SetDataRecord) => string) =>
    `${unit(record(list10000))} at 10,000 cards, ${unit(record(list1000))} at 1,000, ${unit(record(list10))} at 10`
  const sameAtBothN = (record: (list: ListResults) => SetDataRecord) =>
    [list1000, list10000].every(
      (list) => record(list).bytes === record(list10).bytes && record(list).ours === record(list10).ours,
    )
  const calls = (r: SetDataRecord) => `${r.ours} setData`
  const payload = (r: SetDataRecord) => `${r.ours} setData of ${r.bytes} B`
  const simulated =
    'in miniprogram-simulate with the official compiler and vant, wx answered by the card-platform simulator'
  return [
    {
      id: 'P2a',
      figure: calls(add),
      goal: '≤ 2',
      met: add.ours <= 2,
      method: `setData calls of \`<add-card-button>\` from the tap to success and complete, ${simulated}.`,
    },
    {
      id: 'P2b',
      figure: bothN((list) => list.open, calls),
      goal: '≤ 1',
      met: Math.max(list10.open.ours, list1000.open.ours) <= 1,
      method: `setData calls of \`<open-card-list>\` from a row tap to open and complete, ${simulated}.`,
    },
    {
      id: 'P2c',
      figure: bothN((list) => list.select, payload),
      goal: 'the same at every size',
      met: sameAtBothN((list) => list.select),
      method: 'setData of `<open-card-list selectable>` when one checkbox is tapped, bytes of its JSON.',
    },
    {
      id: 'P2d',
      figure: bothN((list) => list.rowState, payload),
      goal: 'one call, the same at every size',
      met: sameAtBothN((list) => list.rowState) && list10000.rowState.ours === 1,
      method: "setData of `<open-card-list>` for `updateCard(5, { status: 'CONSUMED' })`, bytes of its JSON.",
    },
    {
      id: 'P2e',
      // at 10 cards every row is on the first page: no page more to render
      figure: `${payload(list10000.pageMore)} at 10,000 cards, ${payload(list1000.pageMore)} at 1,000`,
      goal: 'one call, the same at every size',
      met:
        list10000.pageMore.ours === 1 &&
        list10000.pageMore.bytes === list1000.pageMore.bytes &&
        list10000.pageMore.ours === list1000.pageMore.ours,
      method: 'setData of `<open-card-list>` when the next page of rows renders (`showMore()`, as scrolling does).',
    },
    {
      id: 'P3',
      figure: `${times(render.ratioMedian)} (${int(render.oursMedianMs)} ms vs ${int(render.baselineMedianMs)} ms)`,
      goal: '≤ 1.15×',
      met: render.ratioMedian <= 1.15,
      method:
        `Render and attach of ${int(render.n)} cards in \`<open-card-list>\` against the same rows as plain van-cells ` +
        `(bench/baseline-list), both rendering every row (\`page-size\` ${int(render.n)}), ${render.rounds} ` +
        'interleaved rounds, median of the per-round ratios.',
    },
    {
      id: 'P3b',
      figure:
        `${int(huge.firstScreenMedianMs)} ms for the first ${huge.rows} rows; the page's setData of \`cards\` ` +
        `${kb(huge.cardsBytes)}, the tag's own ${huge.oursOnRender} setData`,
      goal: 'reported',
      met: null,
      method:
        `Render and attach of \`<open-card-list selectable>\` with ${int(huge.n)} cards (default \`page-size\`), ` +
        `median of ${huge.rounds} rounds; bytes of the JSON of \`{ cards }\`, what the page's setData sends.`,
    },
  ]
}

// ---------------------------------------------------------------- P4: signing throughput

const API_TICKET = 'bench-api-ticket-' + 'x'.repeat(69) // 86 characters, the length of a real api_ticket
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const text = (length: number, seed: number) =>
  Array.from({ length }, (_, i) => LETTERS[(seed * 31 + i * 7 + ((seed * i) % 13)) % LETTERS.length]).join('')

/**
 * Calls per second of `subject(i)` against `baseline(i)` (i cycles over 256 inputs), interleaved rounds of `calls`
 * calls each; both must give the same answer for every input first.
 */
function throughput(subject: (i: number) => string, baseline: (i: number) => string, calls: number) {
  for (let i = 0; i < 256; i++) {
    if (subject(i) !== baseline(i)) throw new Error(`P4: the function and its baseline differ on input ${i}`)
  }
  const rate = (sign: (i: number) => string, n = calls) => {
    gc()
    const started = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink.value ^= sign(i & 255).charCodeAt(i & 31)
    return n / (Number(process.hrtime.bigint() - started) / 1e9)
  }
  for (let i = 0; i < 2; i++) for (const sign of [subject, baseline]) rate(sign, calls / 4) // warm-up
  return interleaved(P4_ROUNDS, (side) => rate(side === 'subject' ? subject : baseline))
}

/** signCardExt with the values of `fieldsOf(i)` against one sha1 over the same values already sorted and joined. */
function cardExtSigning(fieldsOf: (i: number) => Server.SignFields) {
  const { signCardExt } = server()
  const inputs = Array.from({ length: 256 }, (_, i) => fieldsOf(i))
  const joined = inputs.map((f) =>
    [f.apiTicket, String(f.timestamp), f.cardId, f.code, f.openid, f.nonceStr].filter(Boolean).sort().join(''),
  )
  const bareSha1 = (i: number) => crypto.createHash('sha1').update(joined[i]!).digest('hex')
  return throughput((i) => signCardExt(inputs[i]!), bareSha1, P4_CALLS)
}

/** The send-coupon sign of 3 coupons against one HMAC-SHA256 over the same string. */
function sendCouponSigning() {
  const { signSendCouponParams, sendCouponSignSource } = server()
  const key = 'K'.repeat(16) + 'k'.repeat(16)
  const inputs = Array.from({ length: 256 }, (_, i) => ({
    send_coupon_params: [0, 1, 2].map((c) => ({
      stock_id: String(1212000000 + c),
      out_request_no: `SC${(1700000000000 + i * 977 + c).toString(36)}${(i * 7919 + c).toString(16).padStart(16, '0')}`,
    })),
    send_coupon_merchant: '1900000001',
  }))
  const strings = inputs.map((params) => `${sendCouponSignSource(params)}&key=${key}`)
  const bareHmac = (i: number) =>
    crypto.createHmac('sha256', key).update(strings[i]!, 'utf8').digest('hex').toUpperCase()
  return throughput((i) => signSendCouponParams(inputs[i]!, key), bareHmac, P4_CALLS / 4)
}

function signingRows(): Row[] {
  const four = (i: number) => ({
    apiTicket: API_TICKET,
    cardId: 'pBench' + text(22, i),
    timestamp: 1700000000 + i,
    nonceStr: text(32, i + 1),
  })
  const six = (i: number) => ({ ...four(i), code: String(100000000000 + i * 7919), openid: 'oBench' + text(22, i + 2) })
  const rounds = `${P4_ROUNDS} interleaved rounds, median of the per-round ratios`
  const row = (id: string, { subject, baseline, ratio }: ReturnType<typeof throughput>, goal: number | null) => ({
    id,
    figure: `${times(ratio)} (${int(subject)}/s vs ${int(baseline)}/s)`,
    goal: goal === null ? 'reported' : `≥ ${goal}×`,
    met: goal === null ? null : ratio >= goal,
  })
  return [
    {
      ...row('P4a', cardExtSigning(four), 0.7),
      method: `signCardExt (dist/server) with api_ticket, timestamp, card_id and nonce_str against a bare sha1 of the same values sorted and joined, ${rounds}.`,
    },
    {
      ...row('P4b', cardExtSigning(six), 0.7),
      method: `The same with code and openid too (6 values), ${rounds}.`,
    },
    {
      ...row('P4c', sendCouponSigning(), null),
      method: `signSendCouponParams (dist/server) for 3 coupons against a bare HMAC-SHA256 over the same string, ${rounds}.`,
    },
  ]
}

// ---------------------------------------------------------------- P6 / P7: the server's store on a real redis-server

/** A redis-server and the simulator's HTTP API for one measurement; stopped whatever `work` does. */
async function withServers<T>(
  work: (redis: { port: number; url: string }, platform: CardPlatform, baseUrl: string) => Promise<T>,
) {
  const { createCardPlatform, fixturePlatformOptions } = testing()
  const redis = await startRedis()
  const platform = createCardPlatform(fixturePlatformOptions())
  const api = await platform.listen()
  try {
    return await work(redis, platform, api.url)
  } finally {
    await Promise.all([api.close(), redis.stop()])
  }
}

/** 4 processes × 250 concurrent getTicket() on a cold store: the upstream requests it took, and what the callers got. */
function fleet(memoryStore: boolean) {
  const { appid, secret } = testing().FIXTURE_ACCOUNT
  return withServers(async (redis, platform, baseUrl) => {
    const workers = await Promise.all(
      P6_PROCESSES.map((client) => startWorker({ client, redisPort: redis.port, baseUrl, appid, secret, memoryStore })),
    )
    try {
      const results = await Promise.all(workers.map((worker) => worker.call({ cmd: 'tickets', n: P6_CALLERS })))
      return {
        upstream: `${platform.state.requests.stable_token} stable_token + ${platform.state.requests.getticket} getticket`,
        oneEach: platform.state.requests.stable_token === 1 && platform.state.requests.getticket === 1,
        tickets: new Set(results.flatMap((r) => r.distinct)).size,
        errors: results.flatMap((r) => r.errors),
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.kill()))
    }
  })
}

async function fleetRow(): Promise<Row> {
  const shared = await fleet(false)
  const perProcess = await fleet(true)
  const callers = P6_PROCESSES.length * P6_CALLERS
  return {
    id: 'P6',
    figure: `${shared.upstream}, ${shared.errors.length} errors (a memory store per process: ${perProcess.upstream})`,
    goal: '1 + 1, no error',
    met: shared.oneEach && shared.tickets === 1 && shared.errors.length === 0,
    method:
      `${int(callers)} concurrent getTicket() in ${P6_PROCESSES.length} processes (ioredis and node-redis) sharing ` +
      "a cold Redis store (real redis-server), counted at the simulator's HTTP API.",
  }
}

/** p50/p99 of sequential getTicket() on a warm store: in memory, and in Redis over ioredis and node-redis. */
function latency() {
  const { createApiTicketProvider, createMemoryStore, createRedisStore, createStableAccessTokenProvider } = server()
  const { appid, secret } = testing().FIXTURE_ACCOUNT
  return withServers(async (redis, _platform, baseUrl) => {
    const ioredis = new Redis({ host: '127.0.0.1', port: redis.port })
    const nodeRedis = createClient({ url: redis.url })
    for (const client of [ioredis, nodeRedis]) client.on('error', () => undefined)
    await nodeRedis.connect()
    try {
      const provider = (store: Server.CredentialStore) => {
        const tokens = createStableAccessTokenProvider({ store, baseUrl, appid, secret })
        return createApiTicketProvider({ store, baseUrl, appid, getAccessToken: tokens.getAccessToken })
      }
      const sides = {
        memory: provider(createMemoryStore()),
        ioredis: provider(createRedisStore(ioredis, { prefix: 'bench-io:' })),
        'node-redis': provider(createRedisStore(nodeRedis, { prefix: 'bench-nr:' })),
      }
      const names = Object.keys(sides) as (keyof typeof sides)[]
      const samples = { memory: [] as number[], ioredis: [] as number[], 'node-redis': [] as number[] }
      for (const name of names) for (let i = 0; i < 500; i++) await sides[name].getTicket() // fetched, JIT-compiled
      for (let chunk = 0; chunk < P7_CALLS / P7_CHUNK; chunk++) {
        // in chunks, the order rotated each chunk, so drift and GC spread over all sides
        for (const name of names.map((_, i) => names[(i + chunk) % names.length]!)) {
          for (let i = 0; i < P7_CHUNK; i++) {
            const started = process.hrtime.bigint()
            await sides[name].getTicket()
            samples[name].push(Number(process.hrtime.bigint() - started) / 1e6)
          }
        }
      }
      const percentile = (name: keyof typeof sides, p: number) => {
        const sorted = samples[name].sort((a, b) => a - b)
        return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
      }
      return Object.fromEntries(names.map((name) => [name, { p50: percentile(name, 50), p99: percentile(name, 99) }]))
    } finally {
      ioredis.disconnect()
      await nodeRedis.quit()
    }
  })
}

async function latencyRows(): Promise<Row[]> {
  const sides = await latency()
  const memory = sides.memory!
  return (['ioredis', 'node-redis'] as const).map((client, i) => {
    const { p50, p99 } = sides[client]!
    return {
      id: i ? 'P7b' : 'P7a',
      figure: `p99 ${msText(p99)}, p50 ${msText(p50)} (in memory: p99 ${msText(memory.p99)}, p50 ${msText(memory.p50)})`,
      goal: 'p99 ≤ 2 ms',
      met: p99 <= 2,
      method:
        `${int(P7_CALLS)} sequential getTicket() on a warm Redis store over ${client}, interleaved in chunks with the ` +
        'other client and an in-memory store, each call timed alone.',
    }
  })
}

// ---------------------------------------------------------------- P8: /user-cards upstream requests

/** Upstream requests of 20 /user-cards calls by a user holding 50 cards: card/get + a per-user cache, and without. */
async function userCardsRow(): Promise<Row> {
  const { createCardExtHandler, createCardInfoSource, createStableAccessTokenProvider, createUserCardsHandler } =
    server()
  const { createCardPlatform, fixturePlatformOptions, FIXTURE_ACCOUNT, FIXTURE_CARD_IDS } = testing()
  const { appid, secret, apiTicket, openid } = FIXTURE_ACCOUNT
  const platform = createCardPlatform(fixturePlatformOptions())
  const api = await platform.listen()
  try {
    const baseUrl = api.url
    const tokens = createStableAccessTokenProvider({ appid, secret, baseUrl })
    const cardId = FIXTURE_CARD_IDS.voucher
    for (let i = 0; i < 5; i++) {
      const issue = createCardExtHandler({
        getUser: () => ({ id: `bench-${i}`, cardOpenid: openid }),
        getTicket: async () => apiTicket,
        cards: { [cardId]: {} },
      })
      const answer = await issue.handle({ method: 'POST', headers: {}, body: { cardIds: Array(10).fill(cardId) } })
      await platform.wx.addCard(JSON.parse(answer.body) as { cardList: { cardId: string; cardExt: string }[] })
    }
    const upstream = () => {
      const r = platform.state.requests
      return r.getcardlist + r.code_get + r.card_get
    }
    const twenty = async (handler: Server.CardHandler) => {
      const before = upstream()
      for (let i = 0; i < 20; i++) await handler.handle({ method: 'GET', url: '/user-cards', headers: {} })
      return upstream() - before
    }
    const getUser = () => ({ id: 'bench-user', cardOpenid: openid })
    const getCardInfo = createCardInfoSource({ getAccessToken: tokens.getAccessToken, appid, baseUrl }).getCardInfo
    const subject = await twenty(
      createUserCardsHandler({ getUser, getAccessToken: tokens.getAccessToken, baseUrl, getCardInfo }),
    )
    const baseline = await twenty(
      createUserCardsHandler({ getUser, getAccessToken: tokens.getAccessToken, baseUrl, cacheMs: 0 }),
    )
    return {
      id: 'P8',
      figure: `${int(subject)} upstream requests (without card/get and the cache: ${int(baseline)})`,
      goal: '≤ 20 getcardlist + 50 code/get + the distinct cards',
      met: subject <= 20 + 50 + 1,
      method:
        '20 sequential GET /user-cards by one user holding 50 cards (one card id), counted at the simulator: ' +
        'getcardlist + card/code/get + card/get; baseline: no getCardInfo, cacheMs 0 (1 + N per call).',
    }
  } finally {
    await api.close()
  }
}

// ---------------------------------------------------------------- P5: npm test, cold

/** `npm test` in a fresh clone of HEAD after `npm ci`, with an empty jest cache (its own empty TMPDIR). */
function testTime(): Row {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-card-coupon-p5-'))
  const clone = path.join(work, 'clone')
  const tmp = path.join(work, 'tmp')
  try {
    execFileSync('git', ['clone', '--quiet', ROOT, clone])
    fs.mkdirSync(tmp)
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: clone,
      stdio: 'ignore',
    })
    const started = process.hrtime.bigint()
    const run = spawnSync('npm', ['test'], { cwd: clone, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return {
      id: 'P5',
      figure: `${seconds.toFixed(1)} s${run.status === 0 ? '' : `, and npm test failed (exit ${run.status})`}`,
      goal: '≤ 60 s on 2 cores',
      met: run.status === 0 && seconds <= 60,
      method: 'Wall time of `npm test` in a fresh clone of HEAD after `npm ci`, with an empty jest cache.',
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------- the table

function table(machine: string, rows: Row[]): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|')
  const met = (row: Row) => (row.met === null ? '—' : row.met ? 'yes' : '**no**')
  return [
    `${machine}.`,
    '',
    '| # | figure | goal | met | method |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${[row.id, row.figure, row.goal, met(row), row.method].map(cell).join(' | ')} |`),
  ].join('\n')
}

async function main() {
  const withTestTime = !process.argv.includes('--no-test-time')
  const cpus = os.cpus()
  const machine =
    `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ` +
    `${os.platform()} ${os.arch()}, load ${os.loadavg()[0]!.toFixed(2)} at start; ${new Date().toISOString().slice(0, 10)}`
  log(machine)
  log('P1 build')
  const weight = await build()
  const byFolder = fs.readdirSync(MP).map((folder) => `${folder} ${kb(bytesOf(filesBelow(path.join(MP, folder))))}`)
  const rows: Row[] = [
    {
      id: 'P1',
      figure: `${kb(weight.ours)} (${byFolder.join(', ')})`,
      goal: '≤ 28 KB',
      met: weight.ours <= 28_000,
      method:
        'Bytes of the built miniprogram_dist (js, json, wxml, wxss, wxs; no typings), as `npm run build` prints them.',
    },
    {
      id: 'P1b',
      figure: kb(weight.copiedByNpmBuild),
      goal: 'reported',
      met: null,
      method: "What 构建 npm copies into an app without vant: all of ours and all of vant's lib/.",
    },
    {
      id: 'P1c',
      figure: kb(weight.keptAtUpload),
      goal: 'reported',
      met: null,
      method: `What an upload keeps with devtools' 过滤无依赖文件: ours and the vant files our tags reach (${weight.vantParts.join(', ')}).`,
    },
  ]
  log('P2/P3 in miniprogram-simulate (a few minutes)')
  rows.push(...simulateRows(simulate()))
  log('P4 signing')
  rows.push(...signingRows())
  if (withTestTime) {
    log('P5 npm test in a fresh clone (npm ci first)')
    rows.push(testTime())
  }
  log('P6 one Redis store for a fleet')
  rows.push(await fleetRow())
  log('P7 getTicket latency')
  rows.push(...(await latencyRows()))
  log('P8 /user-cards upstream requests')
  rows.push(await userCardsRow())

  const doc = table(machine, rows)
  console.log(doc)
  if (!withTestTime) return log(`--no-test-time: ${path.relative(ROOT, DOC)} left as it was`)
  const intro =
    'Written by `npm run bench` (bench/run.ts): rerun it rather than editing this file. Not part of `npm test`.'
  fs.writeFileSync(DOC, `# Benchmarks\n\n${intro}\n\n${doc}\n`)
  log(`wrote ${path.relative(ROOT, DOC)}`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error)
    process.exit(1)
  },
)
