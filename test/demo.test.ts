/**
 * @jest-environment jsdom
 *
 * The demo that project.config.json opens in WeChat devtools: prepared by scripts/demo.js, its pages run here
 * in miniprogram-simulate from its own miniprogram_npm, launched by its own app.js on the card-platform
 * simulator it installs, and tapped through the real components. Its simulator bundle runs without Node APIs.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import vm from 'vm'
import { byTag, loadComponent, ROOT, simulate } from './helpers/simulate'

const DEMO = path.join(ROOT, 'demo')
const NPM = path.join(DEMO, 'miniprogram_npm')
type Comp = ReturnType<typeof simulate.render>

/** Waits (up to `ms`) until `ok()` holds, then asserts it. */
const wait = async (ok: () => boolean, ms = 1000) => {
  for (let waited = 0; waited < ms && !ok(); waited += 5) await new Promise((r) => setTimeout(r, 5))
  expect(ok()).toBe(true)
}
const flush = () => new Promise((r) => setTimeout(r, 0))

const { CONSUMER, packageFixture } = require('./setup/package-fixture.js') as {
  CONSUMER: string
  packageFixture(): Promise<unknown>
}

beforeAll(async () => {
  // one run of WeChat's builder for the whole test run: the package fixture's, copied into demo/
  await packageFixture()
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts/demo.js'), '--npm-from', path.join(CONSUMER, 'miniprogram_npm')],
    {
      stdio: 'pipe',
    },
  )
}, 120000)

it('project.config.json opens demo/ with a tourist appid; every page has its four files', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
  expect([cfg.miniprogramRoot, cfg.appid, cfg.compileType]).toEqual(['demo/', 'touristappid', 'miniprogram'])
  const app = JSON.parse(fs.readFileSync(path.join(DEMO, 'app.json'), 'utf8'))
  expect(app.darkmode).toBe(true)
  for (const p of app.pages) {
    for (const ext of ['.js', '.json', '.wxml', '.wxss'])
      expect([p + ext, fs.existsSync(path.join(DEMO, p + ext))]).toEqual([p + ext, true])
  }
})

it('miniprogram_npm holds our whole miniprogram_dist (common/ included) and vant; every relative require resolves', () => {
  const ours = path.join(NPM, 'weapp-card-coupon')
  for (const t of ['add-card-button/index.js', 'open-card-list/index.js', 'common/card-call.js', 'utils/index.js']) {
    expect([t, fs.existsSync(path.join(ours, t))]).toEqual([t, true])
  }
  expect(fs.existsSync(path.join(NPM, '@vant/weapp/button/index.js'))).toBe(true)
  const required = fs
    .readdirSync(ours, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) =>
      [...fs.readFileSync(path.join(ours, f), 'utf8').matchAll(/require\("(\.[^"]+)"\)/g)].map((m) =>
        path.join(path.dirname(path.join(ours, f)), m[1]),
      ),
    )
  expect(required.length).toBeGreaterThan(2)
  expect(required.filter((target) => !fs.existsSync(target + '.js') && !fs.existsSync(target))).toEqual([])
})

it('the simulator bundle runs in a bare JS context (no Node, no TextEncoder, crypto or Buffer)', async () => {
  const m = { exports: {} as Record<string, (...a: unknown[]) => unknown> }
  const ctx = vm.createContext({ module: m, exports: m.exports, setTimeout, console })
  vm.runInContext(fs.readFileSync(path.join(DEMO, 'vendor/platform.js'), 'utf8'), ctx)
  const p = m.exports.createCardPlatform({
    apiTicket: 'T',
    accessToken: 'A',
    openid: 'o',
    cards: [{ cardId: 'c1' }],
  }) as {
    wx: { addCard(o: object): void }
  }
  const call = (cardExt: string) =>
    new Promise<string>((resolve) =>
      p.wx.addCard({ cardList: [{ cardId: 'c1', cardExt }], complete: (r: { errMsg: string }) => resolve(r.errMsg) }),
    )
  // JSON from another realm: compare as data
  expect(await call(m.exports.createCardExt({ apiTicket: 'T', cardId: 'c1' }) as string)).toBe('addCard:ok')
  expect(await call(m.exports.createCardExt({ apiTicket: 'wrong', cardId: 'c1' }) as string)).toBe(
    'addCard:fail 签名错误',
  )
  const sig = JSON.parse(
    m.exports.createCardExt({
      apiTicket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
      cardId: 'random_card_id',
      timestamp: 1414587457,
      nonceStr: 'Wm3WZYTPz0wzccnW',
    }) as string,
  ).signature
  expect(sig).toBe('22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28')
})

/** The part of demo/lib/demo.js these tests use. */
interface DemoLib {
  useSimulator(on: boolean): void
  isSimulated(): boolean
  setVersion(SDKVersion: string): void
  issue(cardId: string): Promise<{ cardId: string; cardExt: string }>
  held(): { cardId: string; code: string }[]
}
type Callback = (result: { errMsg: string }) => void
interface SimulateWx {
  addCard(o: { cardList: object[]; complete?: Callback }): void
  openCard(o: object): void
  showModal(o: { content?: string }): void
  getSystemInfoSync(): { SDKVersion: string }
}
type LogData = { log: { text: string }[] }

describe("pages in miniprogram-simulate from the demo's miniprogram_npm, launched by app.js", () => {
  const wx = () => (globalThis as unknown as { wx: SimulateWx }).wx
  // loadComponent starts a fresh module registry: the page, app.js and these requires share one demo/lib/demo.js
  const demo = () => require(path.join(DEMO, 'lib/demo.js')) as DemoLib
  const clientAddCard = wx().addCard
  const clientShowModal = wx().showModal

  /** Loads a page, launches the app (app.js onLaunch installs the simulator), then attaches the page. */
  function open(route: string): Comp {
    const id = loadComponent(route, DEMO, '/miniprogram_npm/')
    const g = globalThis as unknown as { App?: (app: { onLaunch(): void }) => void }
    g.App = (app) => app.onLaunch()
    require(path.join(DEMO, 'app.js'))
    delete g.App
    const c = simulate.render(id)
    c.attach(document.createElement('parent-wrapper'))
    return c
  }
  const logOf = (c: Comp) => (c.data as LogData).log.map((l) => l.text)
  const logs = (c: Comp, text: string) => logOf(c).some((line) => line.includes(text))
  const tap = (component: Comp, selector: string) => component.querySelector(selector).dispatchEvent('tap')
  const tapButton = (tag: Comp) => tap(byTag(tag, 'van-button')[0], '.van-button')
  const tapSwitch = (c: Comp, index: number) => tap(byTag(c, 'van-switch')[index], '.van-switch')
  const isLoading = (tag: Comp) => byTag(tag, 'van-button')[0].dom.innerHTML.includes('van-button--loading')

  let errors: jest.SpyInstance
  beforeEach(() => {
    // invalid input is also reported in the devtools console, by design
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    demo().useSimulator(false)
    errors.mockRestore()
  })

  describe('add page', () => {
    let c: Comp
    const buttons = () => byTag(c, 'add-card-button')
    const named = (name: string) => {
      const found = buttons().find((b) => b.dom.getAttribute('data-name') === name)
      if (!found) throw new Error(`no add-card-button named ${name}`)
      return found
    }
    beforeEach(async () => {
      c = open('pages/add/index')
      await wait(() => !!(c.data as { single: { cardExt?: string } }).single.cardExt)
    })

    it('on the simulator: a tap adds the card, and the next tap a second one with a freshly issued cardExt', async () => {
      expect(demo().isSimulated()).toBe(true)
      expect(wx().addCard).not.toBe(clientAddCard)
      expect(wx().showModal).toBe(clientShowModal) // the upgrade modal is the client's own, so devtools shows it
      expect(byTag(c, 'van-switch')).toHaveLength(3)
      const addCard = jest.spyOn(wx(), 'addCard')
      const first = (c.data as { single: { cardExt: string } }).single.cardExt
      tapButton(named('单张'))
      await wait(() => logs(c, '单张 → success: 1 张成功，0 张失败'))
      await wait(() => (c.data as { single: { cardExt: string } }).single.cardExt !== first)
      tapButton(named('单张'))
      await wait(() => logOf(c).filter((line) => line.startsWith('单张 → success: 1 张成功')).length === 2)
      expect(addCard).toHaveBeenCalledTimes(2)
      const sent = addCard.mock.calls.map(([o]) => (o.cardList[0] as { cardExt: string }).cardExt)
      expect(sent[0]).toBe(first)
      expect(sent[1]).not.toBe(first)
      expect(
        demo()
          .held()
          .map((card) => card.cardId),
      ).toEqual(['pDemoCoupon', 'pDemoCoupon'])
    })

    it('a card list adds both; partial success reports the sold-out card as failed', async () => {
      tapButton(named('多张'))
      await wait(() => logs(c, '多张 → success: 2 张成功，0 张失败'))
      tapButton(named('部分成功'))
      await wait(() => logs(c, '部分成功 → success: 1 张成功，1 张失败'))
      expect(
        demo()
          .held()
          .map((card) => card.cardId),
      ).toEqual(['pDemoCustom', 'pDemoMember', 'pDemoCoupon'])
    })

    it('invalid input fails naming the field, with no wx.addCard call; the empty list is disabled', async () => {
      const addCard = jest.spyOn(wx(), 'addCard')
      const expected: [string, string][] = [
        ['缺签名', 'cardExt.signature'],
        ['毫秒时间戳', 'cardExt.timestamp'],
        ['泄露 api_ticket', 'cardExt.api_ticket'],
      ]
      for (const [name, field] of expected) {
        tapButton(named(name))
        await wait(() => logs(c, `${name} → fail`))
        const line = logOf(c).find((l) => l.startsWith(`${name} → fail`)) as string
        expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({ code: 'invalid', field })
      }
      // the developer sees which field in the devtools console too
      expect(String(errors.mock.calls[0][0])).toContain('cardList[0].cardExt.signature')
      expect(byTag(named('空列表'), 'van-button')[0].dom.innerHTML).toContain('van-button--disabled')
      tapButton(named('空列表'))
      await flush()
      expect(logs(c, '空列表')).toBe(false)
      expect(addCard).not.toHaveBeenCalled()
    })

    it('a cardExt signed with a stale api_ticket reaches WeChat, which answers fail 签名错误', async () => {
      await wait(() => !!(c.data as { stale: { cardExt?: string } }).stale.cardExt)
      tapButton(named('签名错误'))
      await wait(() => logs(c, '签名错误 → fail'))
      const line = logOf(c).find((l) => l.startsWith('签名错误 → fail')) as string
      expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({ code: 'fail', errMsg: 'addCard:fail 签名错误' })
    })

    it('the user-cancel switch: the next add is cancelled, then the switch turns itself off', async () => {
      tapSwitch(c, 0)
      await wait(() => (c.data as { cancelNext: boolean }).cancelNext)
      tapButton(named('单张'))
      await wait(() => logs(c, '单张 → cancel {"code":"cancel","errMsg":"addCard:fail cancel"}'))
      await wait(() => !(c.data as { cancelNext: boolean }).cancelNext)
      expect(demo().held()).toEqual([])
    })

    it('the slow switch keeps the button loading until the simulator answers', async () => {
      tapSwitch(c, 1)
      await wait(() => (c.data as { slow: boolean }).slow)
      tapButton(named('单张'))
      await wait(() => isLoading(named('单张')))
      expect(logs(c, '单张 → success')).toBe(false)
      await wait(() => logs(c, '单张 → success: 1 张成功'), 3000)
      expect(isLoading(named('单张'))).toBe(false)
      tapSwitch(c, 1)
      await wait(() => !(c.data as { slow: boolean }).slow)
    })

    it('base library 1.0.9: the fallback slot replaces that tag; the others tap → unsupported + the upgrade modal', async () => {
      expect(c.dom.textContent).not.toContain('当前微信版本过低，请升级后领取')
      const showModal = jest.spyOn(wx(), 'showModal')
      const addCard = jest.spyOn(wx(), 'addCard')
      tapSwitch(c, 2)
      await wait(() => (c.data as { old: boolean }).old)
      expect(wx().getSystemInfoSync().SDKVersion).toBe('1.0.9')
      expect(c.dom.textContent).toContain('当前微信版本过低，请升级后领取')
      expect(byTag(named('fallback'), 'van-button')).toHaveLength(0)
      tapButton(named('单张'))
      await wait(() => logs(c, '单张 → unsupported {"SDKVersion":"1.0.9","required":"1.1.0"}'))
      expect(showModal).toHaveBeenCalledTimes(1)
      expect(showModal.mock.calls[0][0].content).toMatch(/版本过低/)
      expect(addCard).not.toHaveBeenCalled()
      tapSwitch(c, 2)
      await wait(() => !(c.data as { old: boolean }).old)
      expect(byTag(named('fallback'), 'van-button')).toHaveLength(1)
    })
  })

  describe('open page', () => {
    /** Adds `cardId` to the simulator's card bag as the add page does. */
    async function addThroughSimulator(cardId: string) {
      const card = await demo().issue(cardId)
      await new Promise((resolve) => wx().addCard({ cardList: [card], complete: resolve }))
    }
    const lists = (c: Comp) => byTag(c, 'open-card-list')
    const show = (c: Comp) => (c.instance as unknown as { onShow(): void }).onShow()

    it('empty and pending lists; an added card is listed, opens on tap, and opens from the selectable list', async () => {
      const c = open('pages/open/index')
      expect(lists(c)).toHaveLength(4)
      expect(lists(c)[0].dom.textContent).toContain('领取后出现在这里')
      expect(lists(c)[1].dom.textContent).toContain('解码中')
      expect(lists(c)[3].dom.textContent).toContain('还没有卡券')
      await addThroughSimulator('pDemoCoupon')
      show(c)
      await flush()
      const rows = lists(c)[0].querySelectorAll('.card-item')
      expect(rows).toHaveLength(1)
      const openCard = jest.spyOn(wx(), 'openCard')
      rows[0].dispatchEvent('tap')
      await wait(() => logs(c, '我的卡券 → open {"cardList":[{"cardId":"pDemoCoupon"'))
      // a pending row does nothing
      lists(c)[1].querySelectorAll('.card-item')[0].dispatchEvent('tap')
      await flush()
      expect(logs(c, '待解码')).toBe(false)
      const selectable = lists(c)[2]
      byTag(selectable, 'van-checkbox')[0].querySelector('.van-checkbox__icon-wrap').dispatchEvent('tap')
      await flush()
      tapButton(selectable)
      await wait(() => logs(c, '批量打开 → open'))
      expect(openCard).toHaveBeenCalledTimes(2)
      const [held] = demo().held()
      expect(openCard.mock.calls.map(([o]) => (o as { cardList: object[] }).cardList)).toEqual([
        [{ cardId: 'pDemoCoupon', code: held.code }],
        [{ cardId: 'pDemoCoupon', code: held.code }],
      ])
    })

    it('base library 1.0.9: the list shows its fallback slot; the selectable list taps → unsupported', async () => {
      const c = open('pages/open/index')
      await addThroughSimulator('pDemoCoupon')
      show(c)
      demo().setVersion('1.0.9')
      await flush()
      expect(lists(c)[0].dom.textContent).toContain('当前微信版本过低，无法打开卡包')
      lists(c)[2].querySelectorAll('.card-item')[0].dispatchEvent('tap')
      await wait(() => logs(c, '批量打开 → unsupported'))
      demo().setVersion('3.12.0')
      await flush()
      expect(lists(c)[0].querySelectorAll('.card-item')).toHaveLength(1)
    })
  })

  it('one platform per session: switching the version or the simulator keeps the card bag; off puts back the client', async () => {
    const c = open('pages/index/index')
    expect((c.data as { simulated: boolean }).simulated).toBe(true)
    const card = await demo().issue('pDemoCoupon')
    await new Promise((resolve) => wx().addCard({ cardList: [card], complete: resolve }))
    demo().setVersion('1.0.9')
    demo().setVersion('3.12.0')
    tap(byTag(c, 'van-switch')[0], '.van-switch')
    await wait(() => !(c.data as { simulated: boolean }).simulated)
    expect(demo().isSimulated()).toBe(false)
    expect(wx().addCard).toBe(clientAddCard)
    tap(byTag(c, 'van-switch')[0], '.van-switch')
    await wait(() => (c.data as { simulated: boolean }).simulated)
    expect(
      demo()
        .held()
        .map((held) => held.cardId),
    ).toEqual(['pDemoCoupon'])
    // the same cardExt again: the platform remembers its nonce
    const again = await new Promise<{ errMsg: string }>((resolve) =>
      wx().addCard({ cardList: [card], complete: resolve }),
    )
    expect(again.errMsg).toBe('addCard:fail 已领完')
  })
})
