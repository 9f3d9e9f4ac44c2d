/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * Every code example of the READMEs runs: README.md, each component's, server/README.md and testing/README.md, and
 * every translation beside them (README.zh-CN.md …). An example that cannot run as written is a bug in the example.
 *
 * THE CONVENTION (for whoever writes a README example):
 * - A fenced block names the file it is, after its language: ```json pages/add/index.json, ```xml
 *   pages/add/index.wxml, ```js pages/add/index.js, ```ts server.ts, ```ts simulator.test.ts. The language
 *   matches the file (json .json, xml .wxml, js .js/.mjs/.cjs, ts .ts). A block without a file fails, except
 *   ```bash (shell commands: every `npm run <script>` must name a script of package.json, every `npm <command>` a
 *   command npm has) and ```text (a picture or an output, not code). Paths are unique within a README; the blocks of
 *   a README are the files of one project (a program may import another block: `from './card-handlers.mjs'`).
 * - pages/…: a mini-program page. The blocks of a README with the same page path (pages/add/index.json, .wxml,
 *   .js) are one page; its js calls Page({...}); json and wxml may be left out. It talks to its server at
 *   `https://your.server`, with `Authorization: Bearer ${wx.getStorageSync('token')}`.
 * - *.test.ts / *.test.js: jest tests (test/it/describe, expect, the hooks), on the package entries
 *   (`weapp-card-coupon/testing`, `/server`, `/utils`).
 * - Any other .ts/.js/.mjs file is a Node program, run as it is. One that listens is a server: on
 *   `process.env.PORT`, reaching WeChat at `process.env.WECHAT_API_BASE_URL` with `WECHAT_APPID` /
 *   `WECHAT_SECRET`, knowing the user by `DEV_SESSION` (the page's token) / `DEV_OPENID`; the others are scripts that
 *   end by themselves (also told `ENCRYPT_CODE`, an encrypted code of a card the user holds, and `REDIS_URL`).
 * - The merchant's cards in the simulator: pFS7Fjg8kV1IdDz01r4SQwMkuCKc (bound to one user), …Kd (custom code),
 *   …Ke (an ordinary card), each at most 3 per user.
 *
 * WHAT RUNS AND WHAT IS ASSERTED
 * - Pages run in miniprogram-simulate (official compiler, real vant, our build as 构建 npm puts it), on a fresh
 *   card-platform simulator each, with its wx.request over real HTTP: `https://your.server` is the README's own
 *   server.ts, else server/README.md's, running as a child process against the simulator's HTTP API. Every
 *   `<add-card-button>` and `<button>` is tapped three times: each tap adds cards (three taps, three cards: the
 *   simulated card allows three per user). Every cardExt WeChat saw carries `openid` exactly for a bound card and
 *   `code` exactly for a custom-code card. Every `<open-card-list>` then lists every card added with its decrypted
 *   code and opens each with a tap; a page that reads `GET /user-cards` shows a card used meanwhile as used the next
 *   time it shows, and does not open it. A page with a fallback slot shows it on a client without the card API.
 *   Nothing a page runs throws, rejects or logs an error.
 * - Every server: `POST /card-ext` for each card it issues (the simulator accepts the cardExt), `POST /card-codes`
 *   (the codes decrypted), `GET /user-cards` (the cards held, usable).
 * - Every script exits 0 with nothing on stderr, and prints what the table SCRIPTS below says (by file name: a new
 *   script example needs its line there).
 * - Every test block passes.
 * What runs is run once: a translation whose blocks differ from the original's only in comments (esbuild drops
 * them from what runs) is the same program, test or page, and is reported as such.
 */
import fs from 'fs'
import path from 'path'
import type { createCardExt as CreateCardExt } from '../../server'
import type { CardPlatform, createCardPlatform as CreateCardPlatform, SimCard } from '../../testing'
import { blocksOf, missingNpmCommands, readmes, ROOT, slug, type Block } from './blocks'
import { innerButton, prepareApp, runPage, type PageRun } from './pages'
import {
  bundle,
  runScript,
  startServer,
  startWeChat,
  writeProject,
  type Run,
  type RunningServer,
  type WeChatStandIn,
} from './programs'

const { startRedis } = require('../server/redis-server.js') as {
  startRedis(): Promise<{ url: string; stop(): Promise<void> }>
}

// the package's entries, as the examples get them (the build: `npm test` builds first)
if (!fs.existsSync(path.join(ROOT, 'dist/server')) || !fs.existsSync(path.join(ROOT, 'miniprogram_dist'))) {
  require('child_process').execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build.ts')], {
    stdio: 'pipe',
  })
}
const { createCardExt } = require(path.join(ROOT, 'dist/server')) as { createCardExt: typeof CreateCardExt }
const { createCardPlatform } = require(path.join(ROOT, 'dist/testing')) as {
  createCardPlatform: typeof CreateCardPlatform
}

const WORK = path.join(ROOT, '.tmp', 'docs-examples')
const APP = path.join(WORK, 'app')
const API_TICKET = 'docs-api-ticket'
const ACCESS_TOKEN = 'docs-access-token'
const OPENID = 'oDocsUser'
const SESSION = 'docs-session-token'
const CARDS: SimCard[] = [
  { cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc', bindOpenid: true, getLimit: 3 },
  { cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKd', useCustomCode: true, getLimit: 3 },
  { cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKe', getLimit: 3 },
]
const newPlatform = () =>
  createCardPlatform({ apiTicket: API_TICKET, accessToken: ACCESS_TOKEN, openid: OPENID, cards: CARDS })

// ------------------------------------------------------------------ the READMEs, as projects

type Kind = 'shell' | 'text' | 'page' | 'test' | 'program'
const LANGS: Record<string, RegExp> = { json: /\.json$/, xml: /\.wxml$/, js: /\.[cm]?js$/, ts: /\.ts$/ }

function kindOf(block: Block): Kind {
  if (block.lang === 'bash') return 'shell'
  if (block.lang === 'text') return 'text'
  if (block.file.startsWith('pages/')) return 'page'
  if (/\.test\.[jt]s$/.test(block.file)) return 'test'
  return 'program'
}

/** What is wrong with a block under the convention ('' when nothing). */
function problemOf(block: Block): string {
  const at = `${block.readme}:${block.line}`
  const kind = kindOf(block)
  if (kind === 'shell' || kind === 'text') return ''
  if (!block.file) return `${at}: the block names no file (\`\`\`${block.lang || 'lang'} path/of/the/file)`
  if (block.extra.length) return `${at}: the info string has more than a language and a path`
  const lang = LANGS[block.lang]
  if (!lang) return `${at}: unknown language ${block.lang}`
  if (!lang.test(block.file)) return `${at}: a ${block.lang} block cannot be ${block.file}`
  if (kind === 'page' && !/^pages\/.+\/[\w-]+\.(json|wxml|js)$/.test(block.file)) return `${at}: not a page file`
  if (kind === 'program' && !/\.([cm]?js|ts)$/.test(block.file)) return `${at}: ${block.file} is not a program`
  return ''
}

/** One thing that runs: a program, a test or a page of a README. */
interface Unit {
  readme: string
  /** Its file (a program, a test) or page path (`pages/add/index`). */
  name: string
  /** `README.md server.ts`. */
  label: string
  /** What runs: the bundle (programs, tests) or the page's folder in the app (`pages/<readme>--add/index`). */
  path: string
  /** The unit that runs for it: itself, or an earlier one that runs the same code (a translation). */
  runs?: Unit
}

interface Project {
  readme: string
  dir: string
  files: Map<string, Block>
  pages: Unit[]
  tests: Unit[]
  /** Programs run on their own (not imported by another block). */
  programs: Unit[]
}

const README_BLOCKS = readmes().map((readme) => ({ readme, blocks: blocksOf(readme) }))
const PROJECTS: Project[] = README_BLOCKS.map(({ readme, blocks }) => {
  const dir = path.join(WORK, 'projects', slug(readme))
  const files = new Map<string, Block>()
  for (const block of blocks) if (block.file) files.set(block.file, block)
  const of = (kind: Kind) => blocks.filter((b) => kindOf(b) === kind)
  const imported = new Set(of('program').flatMap((b) => [...b.code.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1])))
  const unit = (name: string, where: string): Unit => ({ readme, name, label: `${readme} ${name}`, path: where })
  const pages = [...new Set(of('page').map((b) => b.file.replace(/\.\w+$/, '')))]
  return {
    readme,
    dir,
    files,
    pages: pages.map((page) => unit(page, `pages/${slug(readme)}--${page.slice(6).replace(/\//g, '-')}/index`)),
    tests: of('test').map((b) => unit(b.file, path.join(dir, b.file))),
    programs: of('program')
      .filter((b) => !imported.has(b.file))
      .map((b) => unit(b.file, path.join(dir, b.file))),
  }
})
const all = (key: 'pages' | 'tests' | 'programs') => PROJECTS.flatMap((p) => p[key])

// The projects on disk, the pages in one app, all bundled now (the tests run while jest collects them).
fs.rmSync(WORK, { recursive: true, force: true })
prepareApp(APP)
for (const project of PROJECTS) {
  const code = new Map<string, string>()
  for (const [file, block] of project.files) if (['program', 'test'].includes(kindOf(block))) code.set(file, block.code)
  writeProject(project.dir, code)
  for (const page of project.pages) {
    fs.mkdirSync(path.dirname(path.join(APP, page.path)), { recursive: true })
    for (const ext of ['.json', '.wxml', '.js']) {
      // a page without json or wxml has an empty one
      const text = project.files.get(page.name + ext)?.code ?? (ext === '.json' ? '{}' : '')
      fs.writeFileSync(path.join(APP, page.path + ext), text)
    }
  }
}
const BUNDLES = bundle({
  base: path.join(WORK, 'projects'),
  outdir: path.join(WORK, 'out'),
  esm: all('programs').map((u) => u.path),
  cjs: all('tests').map((u) => u.path),
  ids: all('pages').map((u) => path.join(APP, u.path + '.js')),
})
for (const unit of [...all('programs'), ...all('tests')]) unit.path = BUNDLES.get(unit.path)!

/** What a unit runs: its bundle minified, or its page's json (parsed), wxml and script minified. */
function identity(unit: Unit, kind: 'page' | 'test' | 'program'): string {
  if (kind !== 'page') return `${unit.name}\n${fs.readFileSync(unit.path + '.id', 'utf8')}`
  const read = (ext: string) => fs.readFileSync(path.join(APP, unit.path + ext), 'utf8')
  return [JSON.stringify(JSON.parse(read('.json'))), read('.wxml').trim(), read('.js.id')].join('\n')
}
for (const [key, kind] of [
  ['pages', 'page'],
  ['tests', 'test'],
  ['programs', 'program'],
] as const) {
  const first = new Map<string, Unit>()
  for (const unit of all(key)) {
    const id = identity(unit, kind)
    unit.runs = first.get(id) ?? unit
    if (!first.has(id)) first.set(id, unit)
  }
}
const originals = (units: Unit[]) => units.filter((u) => u.runs === u)
const copies = (units: Unit[]) => units.filter((u) => u.runs !== u)

/** A program listens when it reads PORT. */
const listens = (unit: Unit) => /process\.env\.PORT\b/.test(fs.readFileSync(unit.path, 'utf8'))

/** The translations' units that run as another README's: one test per README names them. */
function sameAs(units: Unit[]) {
  if (!copies(units).length) return
  it(`${copies(units)
    .map((u) => u.name)
    .join(', ')}: the same code as the original's (comments aside), run there`, () => {
    for (const unit of copies(units)) expect(unit.runs!.runs).toBe(unit.runs)
  })
}

// ------------------------------------------------------------------ the convention

describe('the convention: every block names its file, shell commands exist', () => {
  it.each(README_BLOCKS.map((r) => [r.readme, r.blocks] as const))('%s', (_, blocks) => {
    expect(blocks.map(problemOf).filter(Boolean)).toEqual([])
    const paths = blocks.map((b) => b.file).filter(Boolean)
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([])
    expect(blocks.filter((b) => b.lang === 'bash').flatMap((b) => missingNpmCommands(b.code))).toEqual([])
    for (const b of blocks.filter((b) => b.lang === 'json')) expect(() => JSON.parse(b.code)).not.toThrow()
  })
  it('covers the READMEs the package ships and their translations', () => {
    expect(README_BLOCKS.map((r) => r.readme)).toEqual(
      expect.arrayContaining([
        'README.md',
        'README.zh-CN.md',
        'components/add-card-button/README.md',
        'components/open-card-list/README.md',
        'server/README.md',
        'testing/README.md',
      ]),
    )
  })
})

// ------------------------------------------------------------------ programs: servers and scripts

let wechat: WeChatStandIn
let redis: { url: string; stop(): Promise<void> } | undefined
const servers = new Map<Unit, RunningServer>()
const scriptRuns = new Map<Unit, Run>()
let scriptsPlatform: CardPlatform

/** A signed cardExt for one of CARDS, as a correct server makes it. */
let customCodes = 0
function cardFor(cardId: string) {
  const card = CARDS.find((c) => c.cardId === cardId)!
  return {
    cardId,
    cardExt: createCardExt({
      apiTicket: API_TICKET,
      cardId,
      code: card.useCustomCode ? `DOCS${++customCodes}` : undefined,
      openid: card.bindOpenid ? OPENID : undefined,
    }),
  }
}

beforeAll(async () => {
  const programs = originals(all('programs'))
  const needsRedis = programs.some((u) => /REDIS_URL/.test(fs.readFileSync(u.path, 'utf8')))
  ;[wechat, redis] = await Promise.all([startWeChat(), needsRedis ? startRedis() : undefined])
  // the scripts' user holds two cards: one bound to them, one with a custom code
  scriptsPlatform = newPlatform()
  wechat.use(scriptsPlatform)
  await scriptsPlatform.wx.addCard({ cardList: [cardFor(CARDS[0]!.cardId), cardFor(CARDS[1]!.cardId)] })
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    WECHAT_API_BASE_URL: wechat.url,
    WECHAT_APPID: 'wx0000000000card00',
    WECHAT_SECRET: 'simulator-app-secret-0000000000',
    DEV_SESSION: SESSION,
    DEV_OPENID: OPENID,
    ENCRYPT_CODE: scriptsPlatform.state.held[0]!.encryptCode,
    REDIS_URL: redis?.url ?? '',
  }
  // one at a time: the other jest worker keeps the second core busy, and more processes at once would only slow
  // the suites that time things
  const results: PromiseSettledResult<unknown>[] = []
  for (const unit of programs) {
    const started = listens(unit)
      ? startServer(unit.path, env).then((server) => servers.set(unit, server))
      : runScript(unit.path, env).then((run) => scriptRuns.set(unit, run))
    results.push(...(await Promise.allSettled([started])))
  }
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
  if (failed.length) throw new Error(failed.join('\n'))
}, 60_000)

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()))
  await Promise.all([wechat?.close(), redis?.stop()])
})

/** What a script's output must show, by file name (the same file in every translation of a README). */
const SCRIPTS: Record<string, (run: Run) => Promise<void> | void> = {
  // testing/README.md: the simulator adds a card and answers its code encrypted (64 characters of base64)
  'simulator.ts': (run) => expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{62}[A-Za-z0-9+/=]{2}$/m),
  'in-process.ts': (run) => expect(run.stdout).toContain("200 [ 'pCoupon NORMAL' ]"),
  'user-cards.ts': (run) => {
    const lines = scriptsPlatform.state.held.slice(0, 2).map(({ cardId }) => `${cardId} NORMAL usable`)
    expect(run.stdout.split('\n').map((l) => l.split('  ')[0])).toEqual([...lines, ''])
  },
  'sign.ts': async (run) => {
    const item = JSON.parse(run.stdout) as { cardId: string; cardExt: string }
    const answer = await scriptsPlatform.wx.addCard({ cardList: [item] })
    expect(answer).toMatchObject({ errMsg: 'addCard:ok', cardList: [{ cardId: item.cardId, isSuccess: true }] })
  },
  'decrypt.ts': (run) => expect(run.stdout).toBe(`code: ${scriptsPlatform.state.held[0]!.code}\n`),
  'redis-ioredis.ts': (run) => expect(run.stdout).toBe('api_ticket ready: true\n'),
  'redis-node-redis.ts': (run) => expect(run.stdout).toBe('api_ticket ready: true\n'),
  'own-store.ts': (run) => expect(run.stdout).toBe('api_ticket ready: true\n'),
}

/** One request to a server, as a page makes it (the session's token). */
async function call(server: RunningServer, what: string, body?: unknown) {
  const [method, route] = what.split(' ') as [string, string]
  const response = await fetch(server.url + route, {
    method,
    headers: { authorization: `Bearer ${SESSION}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** The card-ext, card-codes and user-cards endpoints of a server, on a fresh platform. */
async function checkServer(server: RunningServer) {
  const platform = newPlatform()
  wechat.use(platform)
  const issued: { cardId: string; cardExt: string }[] = []
  for (const card of CARDS) {
    const answer = await call(server, 'POST /card-ext', { cardIds: [card.cardId] })
    if (answer.status === 404 && answer.body.code === 'unknown_card') continue // not one of its cards
    expect([card.cardId, answer.status]).toEqual([card.cardId, 200])
    const [item] = answer.body.cardList as { cardId: string; cardExt: string }[]
    const ext = JSON.parse(item!.cardExt) as Record<string, unknown>
    // openid only for a card bound to one user (the session's), code only for a custom-code card
    expect([card.cardId, ext.openid, 'code' in ext]).toEqual([
      card.cardId,
      card.bindOpenid ? OPENID : undefined,
      !!card.useCustomCode,
    ])
    issued.push(item!)
  }
  expect(issued.length).toBeGreaterThan(0)
  const added = await platform.wx.addCard({ cardList: issued })
  expect(added.cardList.map((c) => c.isSuccess)).toEqual(issued.map(() => true))

  const codes = await call(server, 'POST /card-codes', {
    cards: added.cardList.map((c) => ({ cardId: c.cardId, encryptCode: c.code })),
  })
  const held = platform.state.held.map(({ cardId, code }) => ({ cardId, code }))
  expect(codes).toEqual({ status: 200, body: { cards: held } })

  const mine = await call(server, 'GET /user-cards')
  expect(mine.status).toBe(200)
  expect(mine.body.cards).toMatchObject(held.map((c) => ({ ...c, status: 'NORMAL', canConsume: true })))
  expect(server.output()).toBe('') // no error logged, no warning
}

describe.each(PROJECTS.filter((p) => p.programs.length).map((p) => [p.readme, p] as const))(
  '%s programs',
  (_, project) => {
    const programs = originals(project.programs)
    const scripts = programs.filter((u) => !listens(u))
    const listening = programs.filter(listens)
    if (scripts.length) {
      it.each(scripts.map((u) => [u.name, u] as const))(
        'script %s runs to its end, printing what it says',
        async (name, unit) => {
          const run = scriptRuns.get(unit)!
          expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
          const expectation = SCRIPTS[name]
          if (!expectation)
            throw new Error(`${unit.label}: say in SCRIPTS (examples.test.ts) what its output must show`)
          await expectation(run)
        },
      )
    }
    if (listening.length) {
      it.each(listening.map((u) => [u.name, u] as const))(
        'server %s answers card-ext, card-codes and user-cards',
        (_, unit) => checkServer(servers.get(unit)!),
      )
    }
    sameAs(project.programs)
  },
)

// ------------------------------------------------------------------ tests

/** `weapp-card-coupon/<entry>` as the package's exports map says; everything else as usual. */
function packageRequire(specifier: string): unknown {
  const match = /^weapp-card-coupon(\/.+)?$/.exec(specifier)
  if (!match) return require(specifier)
  const exports = (require(path.join(ROOT, 'package.json')) as { exports: Record<string, { default: string }> }).exports
  const entry = exports[`.${match[1] ?? ''}`]
  if (!entry) throw new Error(`weapp-card-coupon does not export ${specifier}`)
  return require(path.join(ROOT, entry.default))
}

for (const project of PROJECTS.filter((p) => p.tests.length)) {
  describe(`${project.readme} tests`, () => {
    for (const unit of originals(project.tests)) {
      describe(unit.name, () => {
        const module = { exports: {} }
        const globals = { test, it, describe, expect, beforeAll, afterAll, beforeEach, afterEach, jest }
        new Function('require', 'module', 'exports', ...Object.keys(globals), fs.readFileSync(unit.path, 'utf8'))(
          packageRequire,
          module,
          module.exports,
          ...Object.values(globals),
        )
      })
    }
    sameAs(project.tests)
  })
}

// ------------------------------------------------------------------ pages

/** The server behind `https://your.server` for a README's pages: its own server.ts, else the server README's. */
function backendOf(project: Project): RunningServer {
  const own = project.programs.find((u) => u.name === 'server.ts')
  const fallback = PROJECTS.find((p) => p.readme === 'server/README.md')?.programs.find((u) => u.name === 'server.ts')
  const server = servers.get((own ?? fallback)?.runs as Unit)
  if (!server) throw new Error(`${project.readme}: no server.ts to run its pages against`)
  return server
}

type Detail = Record<string, unknown>
const cardOf = (cardId: string) => CARDS.find((c) => c.cardId === cardId)!

/** Taps every add-card-button and native button three times; each tap must add cards. */
async function tapThreeTimes(run: PageRun, platform: CardPlatform) {
  const adders = run.tags('add-card-button')
  const buttons = run.buttons()
  for (const { tag, events } of adders) {
    for (let tap = 1; tap <= 3; tap++) {
      const before = platform.state.held.length
      events.length = 0
      await run.tap(innerButton(tag))
      const outcome = (e: [string, Detail]) => (e[0] === 'fail' ? `fail: ${String(e[1].message)}` : e[0])
      expect([tap, events.map(outcome)]).toEqual([tap, ['success', 'complete']])
      const { succeeded, failed } = events[0]![1] as { succeeded: Detail[]; failed: Detail[] }
      expect([tap, failed.length, succeeded.length > 0]).toEqual([tap, 0, true])
      expect(platform.state.held).toHaveLength(before + succeeded.length)
    }
  }
  for (const button of buttons) {
    for (let tap = 1; tap <= 3; tap++) {
      const before = platform.state.held.length
      await run.tap(button)
      expect([tap, platform.state.log.at(-1)?.status]).toEqual([tap, 'ok'])
      expect(platform.state.held.length).toBeGreaterThan(before)
    }
  }
  return adders.length + buttons.length
}

/** Every open-card-list lists every card held with its decrypted code and opens each; states after a show. */
async function openEach(run: PageRun, platform: CardPlatform) {
  const lists = run.tags('open-card-list')
  for (const { tag, events } of lists) {
    const held = platform.state.held.map(({ cardId, code }) => ({ cardId, code }))
    const rows = () => (tag.data.cards as Detail[]).map(({ cardId, code }) => ({ cardId, code }))
    const row = (code: string) => tag.querySelectorAll('.card-item')[rows().findIndex((r) => r.code === code)]!
    expect(rows()).toEqual(expect.arrayContaining(held))
    for (const card of held) {
      events.length = 0
      await run.tap(row(card.code))
      expect(events[0]).toEqual(['open', { cardList: [card] }])
    }
    expect(platform.state.opened.slice(-held.length)).toEqual(held)

    if (run.requests.includes('GET /user-cards')) {
      // used at the till while the page was hidden: shown as used when the page shows again, and it stays closed
      const used = platform.state.held[0]!
      platform.setCardStatus(used, 'CONSUMED')
      await run.show()
      expect((tag.data.cards as Detail[]).find((c) => c.code === used.code)).toMatchObject({ status: 'CONSUMED' })
      const opened = platform.state.calls.openCard
      events.length = 0
      await run.tap(row(used.code))
      expect([events, platform.state.calls.openCard]).toEqual([[], opened])
    }
  }
  return lists.length
}

for (const project of PROJECTS.filter((p) => p.pages.length)) {
  describe(`${project.readme} pages`, () => {
    const pages = originals(project.pages)
    const open = (unit: Unit, platform: CardPlatform) => {
      wechat.use(platform)
      return runPage(APP, unit.path, { platform, server: backendOf(project).url, storage: { token: SESSION } })
    }
    for (const unit of pages) {
      it(`${unit.name}: three taps add three times, the list opens the cards with their decrypted codes`, async () => {
        const platform = newPlatform()
        const run = await open(unit, platform)
        try {
          expect(run.errors).toEqual([])
          const taps = await tapThreeTimes(run, platform)
          // what WeChat was sent: openid exactly for a bound card, code exactly for a custom-code card
          for (const item of platform.state.log.flatMap((c) => c.cardList as Detail[])) {
            const ext = JSON.parse(item.cardExt as string) as Detail
            const card = cardOf(item.cardId as string)
            expect([item.cardId, ext.openid, 'code' in ext]).toEqual([
              item.cardId,
              card.bindOpenid ? OPENID : undefined,
              !!card.useCustomCode,
            ])
          }
          const lists = await openEach(run, platform)
          expect(taps + lists).toBeGreaterThan(0)
          expect(run.errors).toEqual([])
          expect(backendOf(project).output()).toBe('')
        } finally {
          run.close()
        }
      })
    }

    const fallbacks = pages.filter((u) =>
      /slot="fallback"/.test(fs.readFileSync(path.join(APP, u.path + '.wxml'), 'utf8')),
    )
    for (const unit of fallbacks) {
      it(`${unit.name}: a client without the card API gets the fallback slot`, async () => {
        const platform = newPlatform()
        platform.setClient({ SDKVersion: '1.0.9' })
        const run = await open(unit, platform)
        try {
          const wxml = fs.readFileSync(path.join(APP, unit.path + '.wxml'), 'utf8')
          const texts = [...wxml.matchAll(/slot="fallback"[^>]*>([^<]+)</g)].map((m) => m[1]!.trim())
          expect(texts.length).toBeGreaterThan(0)
          for (const text of texts) expect((run.page.dom as HTMLElement).textContent).toContain(text)
          expect(run.errors).toEqual([])
        } finally {
          run.close()
        }
      })
    }
    sameAs(project.pages)
  })
}
