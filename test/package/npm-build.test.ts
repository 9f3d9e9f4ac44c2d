/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * The path users take: npm pack → install the tarball in a consumer mini-program → devtools' "构建 npm"
 * (miniprogram-ci packNpmManually, the same builder) → our tags load from miniprogram_npm and work.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import { createRequire } from 'module'
import path from 'path'
import { tapOn, the } from '../helpers/harness'
import { byTag, loadComponent, ROOT, simulate } from '../helpers/simulate'

interface Fixture {
  warnList: unknown[]
  appVant: string
  tags: Record<'add-card-button' | 'open-card-list' | 'pay-coupon-list', string>
}
const { CONSUMER, packageFixture } = require('../setup/package-fixture.js') as {
  CONSUMER: string
  packageFixture(): Promise<Fixture>
}
/** What the shared fixture built: npm pack, install next to an app vant, "构建 npm". */
let fixture: Fixture
const TAGS = {
  'add-card-button': 'weapp-card-coupon/add-card-button/index',
  'open-card-list': 'weapp-card-coupon/open-card-list/index',
  'pay-coupon-list': 'weapp-card-coupon/pay-coupon-list/index',
}
beforeAll(async () => {
  fixture = await packageFixture()
  expect(fixture.tags).toEqual(TAGS)
}, 120000)
const mp = CONSUMER
const npmDir = path.join(mp, 'miniprogram_npm')

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]))
}

it('WeChat\'s builder ("构建 npm") ran without warnings', () => {
  expect(fixture.warnList).toEqual([])
})

it("installs the tarball with @vant/weapp as a real dependency, sharing the app's own 1.11.x", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(mp, 'node_modules/weapp-card-coupon/package.json'), 'utf8'))
  expect(pkg.miniprogram).toBe('miniprogram_dist')
  expect(Object.keys(pkg.dependencies)).toEqual(['@vant/weapp'])
  expect(JSON.parse(fs.readFileSync(path.join(mp, 'node_modules/@vant/weapp/package.json'), 'utf8')).version).toBe(
    fixture.appVant,
  )
  expect(fs.existsSync(path.join(mp, 'node_modules/weapp-card-coupon/node_modules'))).toBe(false)
  expect(fs.readdirSync(path.join(npmDir, 'weapp-card-coupon')).sort()).toEqual([
    'add-card-button',
    'common',
    'member-card',
    'open-card-list',
    'pay-coupon-list',
    'send-coupon-button',
    'utils',
  ])
})

it('every relative link in the shipped Markdown resolves inside the package (repository-only pages say so)', () => {
  const pkg = path.join(mp, 'node_modules/weapp-card-coupon')
  const docs = walk(pkg).filter((f) => f.endsWith('.md'))
  expect(docs.map((f) => path.relative(pkg, f)).sort()).toEqual(
    expect.arrayContaining([
      'README.md',
      'README.zh-CN.md',
      'components/add-card-button/README.md',
      'components/add-card-button/README.zh-CN.md',
      'components/open-card-list/README.md',
      'components/open-card-list/README.zh-CN.md',
      'components/pay-coupon-list/README.md',
      'components/pay-coupon-list/README.zh-CN.md',
      'server/README.md',
      'server/README.zh-CN.md',
      'testing/README.md',
      'testing/README.zh-CN.md',
    ]),
  )
  const repoOnly = [
    'demo/README.md',
    'demo/README.zh-CN.md',
    'playground/README.md',
    'playground/README.zh-CN.md',
    'docs/playground.png',
    'demo/pages/cards/index.wxss',
  ]
  const broken: string[] = []
  for (const f of docs) {
    const md = fs.readFileSync(f, 'utf8')
    for (const [, target] of md.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)) {
      const abs = path.resolve(path.dirname(f), target)
      const rel = path.relative(pkg, abs).split(path.sep).join('/')
      if (repoOnly.includes(rel)) {
        // kept out of the package on purpose: the repository has it, and the README's section says so
        expect([rel, fs.existsSync(path.join(ROOT, rel))]).toEqual([rel, true])
        expect(md).toMatch(/\(in the repository\)|（仅在仓库中）/)
      } else if (!fs.existsSync(abs)) broken.push(`${path.relative(pkg, f)} → ${target}`)
    }
  }
  expect(broken).toEqual([])
})

it('"构建 npm" puts our components, utils and every vant part they use into miniprogram_npm', () => {
  const pageJson = JSON.parse(fs.readFileSync(path.join(mp, 'pages/index/index.json'), 'utf8'))
  const seen = new Set<string>()
  const need = (p: string) => {
    if (seen.has(p)) return
    seen.add(p)
    for (const ext of ['.js', '.json', '.wxml', '.wxss'])
      expect([p + ext, fs.existsSync(path.join(npmDir, p + ext))]).toEqual([p + ext, true])
    const json = JSON.parse(fs.readFileSync(path.join(npmDir, p + '.json'), 'utf8'))
    for (const dep of Object.values<string>(json.usingComponents || {})) {
      need(dep.startsWith('.') ? path.posix.join(path.posix.dirname(p), dep) : dep)
    }
  }
  for (const p of Object.values<string>(pageJson.usingComponents)) need(p)
  const list = [...seen]
  expect(list).toEqual(
    expect.arrayContaining([
      TAGS['add-card-button'],
      TAGS['open-card-list'],
      TAGS['pay-coupon-list'],
      '@vant/weapp/button/index',
      '@vant/weapp/cell/index',
    ]),
  )
  expect(fs.existsSync(path.join(npmDir, 'weapp-card-coupon/utils/index.js'))).toBe(true)
})

it('miniprogram_npm holds no server or testing code and no api_ticket handling', () => {
  const ours = path.join(npmDir, 'weapp-card-coupon')
  const files = walk(ours).map((f) => path.relative(ours, f))
  expect(files.filter((f) => /^(dist|server|testing)\//.test(f))).toEqual([])
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const js = fs.readFileSync(path.join(ours, f), 'utf8')
    expect([
      f,
      // (a message may name card/code/decrypt to say where a code comes from; calling WeChat needs these)
      /require\("(crypto|http|https|node:[a-z]+)"\)|createHash|getticket|api\.weixin\.qq\.com|access_token/.test(js),
    ]).toEqual([f, false])
    // the only mention of api_ticket is the validator refusing it
    const mentions = js.match(/api_ticket/g) || []
    expect([f, mentions.length]).toEqual([f, f === 'utils/index.js' ? 1 : 0])
  }
  expect(fs.readFileSync(path.join(ours, 'utils/index.js'), 'utf8')).toMatch(/api_ticket"\?"is a server secret/)
})

it('the Node entries resolve through package exports, from the repo and from the installed copy, with typings', () => {
  const probe =
    "const s=require('weapp-card-coupon/server'),t=require('weapp-card-coupon/testing');" +
    'console.log(typeof s.createCardExt, typeof s.decryptCardCode, typeof s.createApiTicketProvider, typeof t.createCardPlatform)'
  // the utils by name in a Node ES module (a user's script with "type": "module"), one copy with the default import
  const esmProbe =
    "import { addCards, CardError } from 'weapp-card-coupon/utils'; import utils from 'weapp-card-coupon/utils';" +
    'console.log(typeof addCards, typeof CardError, utils.addCards === addCards)'
  for (const cwd of [ROOT, mp]) {
    expect(execFileSync(process.execPath, ['-e', probe], { cwd, encoding: 'utf8' }).trim()).toBe(
      'function function function function',
    )
    expect(
      execFileSync(process.execPath, ['--input-type=module', '-e', esmProbe], { cwd, encoding: 'utf8' }).trim(),
    ).toBe('function function true')
  }
  const pkg = path.join(mp, 'node_modules/weapp-card-coupon')
  for (const d of [
    'dist/server/index.d.ts',
    'dist/testing/index.d.ts',
    'dist/utils/index.mjs',
    'miniprogram_dist/utils/index.d.ts',
    'miniprogram_dist/add-card-button/index.d.ts',
    'miniprogram_dist/open-card-list/index.d.ts',
    'miniprogram_dist/pay-coupon-list/index.d.ts',
  ]) {
    expect([d, fs.existsSync(path.join(pkg, d))]).toEqual([d, true])
  }
})

it('TypeScript resolves the client typings from the installed copy (node10 and bundler resolution)', () => {
  const ts = require('typescript') as typeof import('typescript')
  const from = path.join(mp, 'pages/index/index.ts')
  for (const moduleResolution of [ts.ModuleResolutionKind.Node10, ts.ModuleResolutionKind.Bundler]) {
    const options = { moduleResolution, module: ts.ModuleKind.ESNext }
    for (const [spec, file] of [
      ['weapp-card-coupon/utils', 'miniprogram_dist/utils/index.d.ts'],
      ['weapp-card-coupon/utils/index', 'miniprogram_dist/utils/index.d.ts'],
      ['weapp-card-coupon/add-card-button/index', 'miniprogram_dist/add-card-button/index.d.ts'],
      ['weapp-card-coupon/open-card-list/index', 'miniprogram_dist/open-card-list/index.d.ts'],
      ['weapp-card-coupon/pay-coupon-list/index', 'miniprogram_dist/pay-coupon-list/index.d.ts'],
      ['weapp-card-coupon/server', 'dist/server/index.d.ts'],
    ]) {
      const r = ts.resolveModuleName(spec, from, options, ts.sys).resolvedModule
      expect([
        moduleResolution,
        spec,
        r && path.relative(path.join(mp, 'node_modules/weapp-card-coupon'), r.resolvedFileName),
      ]).toEqual([moduleResolution, spec, file])
    }
  }
})

it('our tags load from miniprogram_npm (copied vant templates) and run tap → wx call → event with the simulator', async () => {
  // the installed copy's own Node entries, as a user's test would use them
  const need = createRequire(path.join(mp, 'package.json'))
  const { createCardPlatform } = need('weapp-card-coupon/testing')
  const { createCardExt } = need('weapp-card-coupon/server')
  const platform = createCardPlatform({
    apiTicket: 'TICKET',
    accessToken: 'TOKEN',
    openid: 'o1',
    cards: [{ cardId: 'pA' }],
  })
  const undo = platform.install((globalThis as unknown as { wx: object }).wx)
  try {
    const npmDir = '/miniprogram_npm/'
    const events: string[] = []
    const add = simulate.render(loadComponent('miniprogram_npm/' + TAGS['add-card-button'], mp, npmDir), {
      cardList: [{ cardId: 'pA', cardExt: createCardExt({ apiTicket: 'TICKET', cardId: 'pA' }) }],
    })
    add.addEventListener('success', () => events.push('success'))
    add.attach(document.createElement('parent-wrapper'))
    const button = byTag(add, 'van-button')[0]
    expect(the(button, '.van-button').dom.className).toMatch(/van-button--primary/)
    tapOn(button, '.van-button')
    for (let i = 0; i < 100 && !events.length; i++) await new Promise((r) => setTimeout(r, 5))
    expect(events).toEqual(['success'])
    expect(platform.state.held).toHaveLength(1)

    const held = platform.state.held.map((h: { cardId: string; code: string }) => ({
      cardId: h.cardId,
      code: h.code,
      title: '卡',
    }))
    const list = simulate.render(loadComponent('miniprogram_npm/' + TAGS['open-card-list'], mp, npmDir), {
      cards: held,
    })
    list.addEventListener('open', () => events.push('open'))
    list.attach(document.createElement('parent-wrapper'))
    expect(byTag(list, 'van-cell')).toHaveLength(1)
    tapOn(list, '.card-item')
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 5))
    expect(events).toEqual(['success', 'open'])
    expect(platform.state.opened).toEqual([{ cardId: 'pA', code: held[0].code }])

    const coupon = { stockId: '1212000000000001', couponCode: 'c1', state: 'SENDED', stockName: '满50减5' }
    const coupons = simulate.render(loadComponent('miniprogram_npm/' + TAGS['pay-coupon-list'], mp, npmDir), {
      coupons: [coupon],
    })
    coupons.addEventListener('choose', () => events.push('choose'))
    coupons.attach(document.createElement('parent-wrapper'))
    expect(byTag(coupons, 'van-cell')).toHaveLength(1)
    tapOn(coupons, '.coupon-item')
    for (let i = 0; i < 100 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 5))
    expect(events).toEqual(['success', 'open', 'choose'])
  } finally {
    undo()
  }
})

it('honest weight: what 构建 npm copies and what an upload with 过滤无依赖文件 keeps, measured on the builder’s output, is what the build reports', () => {
  const { bytesOf, reachedFiles } = require('../../scripts/weight') as {
    bytesOf(files: string[]): number
    reachedFiles(entries: string[], resolveNpm: (npmPath: string) => string): string[]
  }
  const { clientWeight } = require('../../scripts/weight') as {
    clientWeight(): { ours: number; copiedByNpmBuild: number; keptAtUpload: number }
  }
  const ours = path.join(npmDir, 'weapp-card-coupon')
  const reached = reachedFiles(
    Object.values(TAGS).map((tag) => path.join(npmDir, tag)),
    (npmPath) => path.join(npmDir, npmPath),
  )
  const ourFiles = walk(ours).filter((f) => /\.(js|json|wxml|wxss|wxs)$/.test(f))
  const copied = walk(npmDir).filter((f) => /\.(js|json|wxml|wxss|wxs)$/.test(f))
  const { ours: oursWeight, copiedByNpmBuild, keptAtUpload } = clientWeight()
  expect({
    ours: bytesOf(ourFiles),
    copiedByNpmBuild: bytesOf(copied),
    keptAtUpload: bytesOf([...new Set([...reached, ...ourFiles])]),
  }).toEqual({ ours: oursWeight, copiedByNpmBuild, keptAtUpload })
})

it('none of our own files fetch a remote resource (the only remote file left is vant’s icon font)', () => {
  const remote = /(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i
  const ours = walk(path.join(npmDir, 'weapp-card-coupon')).filter((f) => /\.(js|json|wxml|wxss|wxs)$/.test(f))
  expect(ours.filter((f) => remote.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(npmDir, f))).toEqual([])
  const vantStyles = walk(path.join(npmDir, '@vant/weapp')).filter((f) => f.endsWith('.wxss'))
  const vantRemote = vantStyles
    .filter((f) => remote.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(npmDir, f))
  expect(vantRemote).toEqual(['@vant/weapp/icon/index.wxss'])
})

it("require('weapp-card-coupon') from Node says which entry to use (no ERR_PACKAGE_PATH_NOT_EXPORTED)", () => {
  const probe = "try { require('weapp-card-coupon') } catch (e) { console.log(e.code || 'no code', '|', e.message) }"
  const out = execFileSync(process.execPath, ['-e', probe], { cwd: mp, encoding: 'utf8' })
  expect(out).not.toContain('ERR_PACKAGE_PATH_NOT_EXPORTED')
  expect(out).toMatch(/has no root entry[\s\S]*weapp-card-coupon\/server[\s\S]*weapp-card-coupon\/testing/)
})
