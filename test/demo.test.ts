/**
 * @jest-environment jsdom
 *
 * The demo that project.config.json opens in WeChat devtools: prepared by scripts/demo.js, its pages run here
 * in miniprogram-simulate from its own miniprogram_npm, launched by its own app.js on the card-platform
 * simulator it installs, with its in-process server (the ready-made handlers), and tapped through the real
 * components. Its vendor bundle (simulator + server toolkit) runs without Node APIs.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import vm from 'vm'
import { verifyCardExt } from '../server/sign'
import { byTag, loadComponent, ROOT, simulate } from './helpers/simulate'

// As WeChat (and the playground): a page's setData re-sets only the tag properties whose data changed, so the
// list keeps its selection while the page shows it (playground/src/bindings.js). The same j-component instance
// miniprogram-simulate renders with: required before any jest.resetModules.
require('../playground/src/bindings.js').updateOnlyChangedAttributes(require('j-component/src/render/render'))

const DEMO = path.join(ROOT, 'demo')
const NPM = path.join(DEMO, 'miniprogram_npm')
type Comp = ReturnType<typeof simulate.render>

/** Waits (up to `ms`) until `ok()` holds, then asserts it. */
const wait = async (ok: () => boolean, ms = 1000) => {
  for (let waited = 0; waited < ms && !ok(); waited += 5) await new Promise((r) => setTimeout(r, 5))
  expect(ok()).toBe(true)
}
const flush = () => new Promise((r) => setTimeout(r, 0))
// The ticket demo/lib/demo.js's server signs with on its simulator (a fake platform, so a fake secret).
const DEMO_API_TICKET = 'demo-api-ticket'

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

it('the vendor bundle runs in a bare JS context: the handlers sign, decrypt and list through platform.fetch', async () => {
  // no Node, and none of fetch, Response, URL, AbortController, TextEncoder, crypto or Buffer
  const m = { exports: {} as Record<string, (o: object) => Vendor> }
  const ctx = vm.createContext({ module: m, exports: m.exports, setTimeout, clearTimeout, console })
  vm.runInContext(fs.readFileSync(path.join(DEMO, 'vendor/platform.js'), 'utf8'), ctx)
  expect(vm.runInContext('[typeof fetch, typeof Response, typeof URL, typeof AbortController]', ctx)).toEqual([
    'undefined',
    'undefined',
    'undefined',
    'undefined',
  ])
  type Vendor = Record<string, never> & {
    wx: { addCard(o: object): Promise<{ errMsg: string; cardList: { code: string }[] }> }
    fetch: unknown
    now: () => number
    state: { held: { code: string }[] }
    getAccessToken: unknown
    getTicket: unknown
    handle(request: object): Promise<{ status: number; body: string }>
  }
  const platform = m.exports.createCardPlatform({
    apiTicket: 'T',
    accessToken: 'A',
    openid: 'o',
    cards: [{ cardId: 'c1' }],
  })
  const transport = { fetch: platform.fetch, now: platform.now }
  const tokens = m.exports.createStableAccessTokenProvider({
    appid: 'wx0000000000card00',
    secret: 'simulator-app-secret-0000000000',
    ...transport,
  })
  const tickets = m.exports.createApiTicketProvider({ getAccessToken: tokens.getAccessToken, ...transport })
  const getOpenid = () => 'o'
  const cards = { c1: {} }
  const ask = async (handler: Vendor, method: string, body?: object) => {
    const answer = await handler.handle({ method, url: '/', headers: {}, body: body && JSON.stringify(body) })
    expect(answer.status).toBe(200)
    // JSON from another realm: compare as data
    return JSON.parse(answer.body)
  }
  const cardExt = m.exports.createCardExtHandler({ getOpenid, getTicket: tickets.getTicket, cards })
  const { cardList } = await ask(cardExt, 'POST', { cardIds: ['c1'] })
  // signed with the shims (sha1, random nonce): node's crypto agrees
  expect(verifyCardExt(cardList[0].cardExt, { apiTicket: 'T', cardId: 'c1' })).toBe(true)
  const added = await platform.wx.addCard({ cardList })
  expect(added.errMsg).toBe('addCard:ok')

  const cardCodes = m.exports.createCardCodesHandler({
    getOpenid,
    getAccessToken: tokens.getAccessToken,
    cards,
    ...transport,
  })
  const decrypted = await ask(cardCodes, 'POST', { cards: [{ cardId: 'c1', encryptCode: added.cardList[0].code }] })
  expect(decrypted.cards).toEqual([{ cardId: 'c1', code: platform.state.held[0].code }])
  const userCards = m.exports.createUserCardsHandler({ getOpenid, getAccessToken: tokens.getAccessToken, ...transport })
  const listed = await ask(userCards, 'GET')
  expect(listed.cards).toMatchObject([{ cardId: 'c1', code: platform.state.held[0].code, status: 'NORMAL' }])
})

/** The part of demo/lib/demo.js these tests use. */
interface UserCard {
  cardId: string
  code: string
  status: string
}
interface DemoLib {
  useSimulator(on: boolean): void
  isSimulated(): boolean
  setVersion(SDKVersion: string): void
  cardSource(cardIds: string[]): Promise<{ cardId: string; cardExt: string }[]>
  userCards(): Promise<UserCard[]>
  setCardStatus(cards: UserCard[], status: string): void
  failNextLookUp(): void
}
type Callback = (result: { errMsg: string }) => void
interface SimulateWx {
  addCard(o: { cardList: object[]; complete?: Callback }): void
  openCard(o: object): void
  showModal(o: { content?: string }): void
  request(o: object): void
  getSystemInfoSync(): { SDKVersion: string }
}
type LogData = { log: { text: string }[] }
type RequestOptions = {
  url: string
  method: string
  data: unknown
  header: Record<string, string>
  success(r: { statusCode: number; data: unknown }): void
}

describe("pages in miniprogram-simulate from the demo's miniprogram_npm, launched by app.js", () => {
  const wx = () => (globalThis as unknown as { wx: SimulateWx }).wx
  // loadComponent starts a fresh module registry: the page, app.js and these requires share one demo/lib/demo.js
  const demo = () => require(path.join(DEMO, 'lib/demo.js')) as DemoLib
  const config = () => require(path.join(DEMO, 'config.js')) as Record<string, unknown>
  const clientAddCard = wx().addCard
  const clientShowModal = wx().showModal

  /** Loads a page, launches the app (app.js onLaunch installs the simulator), then attaches the page. */
  function open(route: string, beforeLaunch?: () => void): Comp {
    const id = loadComponent(route, DEMO, '/miniprogram_npm/')
    if (beforeLaunch) beforeLaunch()
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
  /** Adds cards as the pages do: fresh cardExts from the demo's card-ext handler, then wx.addCard. */
  async function addThroughServer(cardIds: string[]) {
    const cardList = await demo().cardSource(cardIds)
    return new Promise<{ errMsg: string }>((resolve) => wx().addCard({ cardList, complete: resolve }))
  }

  let errors: jest.SpyInstance
  let warnings: jest.SpyInstance
  beforeEach(() => {
    // invalid input is also reported in the devtools console, by design; so is a failed card look-up
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
  })
  afterEach(() => {
    demo().useSimulator(false)
    errors.mockRestore()
    warnings.mockRestore()
  })

  describe('add page', () => {
    let c: Comp
    const buttons = () => byTag(c, 'add-card-button')
    const named = (name: string) => {
      const found = buttons().find((b) => b.dom.getAttribute('data-name') === name)
      if (!found) throw new Error(`no add-card-button named ${name}`)
      return found
    }
    const successes = (name: string) => logOf(c).filter((line) => line.startsWith(`${name} → success`))
    beforeEach(() => {
      c = open('pages/add/index')
    })

    it('three taps on a card allowed 3 per user add three cards, each with a fresh cardExt; the fourth hits the limit', async () => {
      expect(demo().isSimulated()).toBe(true)
      expect(wx().addCard).not.toBe(clientAddCard)
      expect(wx().showModal).toBe(clientShowModal) // the upgrade modal is the client's own, so devtools shows it
      expect(byTag(c, 'van-switch')).toHaveLength(3)
      const addCard = jest.spyOn(wx(), 'addCard')
      for (let taps = 1; taps <= 4; taps++) {
        tapButton(named('单张'))
        await wait(() => successes('单张').length === taps)
      }
      expect(successes('单张').reverse()).toEqual([
        '单张 → success: 1 张成功，0 张失败',
        '单张 → success: 1 张成功，0 张失败',
        '单张 → success: 1 张成功，0 张失败',
        '单张 → success: 0 张成功，1 张失败',
      ])
      const sent = addCard.mock.calls.map(([o]) => (o.cardList[0] as { cardExt: string }).cardExt)
      expect(new Set(sent).size).toBe(4)
      for (const cardExt of sent)
        expect(verifyCardExt(cardExt, { apiTicket: DEMO_API_TICKET, cardId: 'pDemoCoupon' })).toBe(true)
      // each added code went to the card-codes handler, which decrypted it
      await wait(() => logOf(c).filter((line) => /^\/card-codes → \d{12}$/.test(line)).length === 3)
      const held = await demo().userCards()
      expect(held.map((card) => [card.cardId, card.status])).toEqual([
        ['pDemoCoupon', 'NORMAL'],
        ['pDemoCoupon', 'NORMAL'],
        ['pDemoCoupon', 'NORMAL'],
      ])
    })

    it('a card list adds both; partial success reports the sold-out card as failed', async () => {
      tapButton(named('多张'))
      await wait(() => logs(c, '多张 → success: 2 张成功，0 张失败'))
      tapButton(named('部分成功'))
      await wait(() => logs(c, '部分成功 → success: 1 张成功，1 张失败'))
      expect((await demo().userCards()).map((card) => card.cardId)).toEqual([
        'pDemoCustom',
        'pDemoMember',
        'pDemoVoucher',
      ])
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
      expect(await demo().userCards()).toEqual([])
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
      // the re-mounted buttons got their source again
      tapButton(named('单张'))
      await wait(() => logs(c, '单张 → success: 1 张成功'))
    })
  })

  describe('my cards page', () => {
    const lists = (c: Comp) => byTag(c, 'open-card-list')
    const rowsOf = (list: Comp) => list.querySelectorAll('.card-item')
    /** Each row's state, from its class card-item--<state>. */
    const statesOf = (list: Comp) =>
      rowsOf(list).map((row) => /card-item--(\S+)/.exec(row.dom.getAttribute('class') ?? '')?.[1])
    const show = (c: Comp) => (c.instance as unknown as { onShow(): void }).onShow()
    const selectedOf = (c: Comp) => (c.data as { selected: { cardId: string; code: string }[] }).selected
    const tapCheckbox = (list: Comp, index: number) =>
      tap(byTag(list, 'van-checkbox')[index], '.van-checkbox__icon-wrap')
    const tapPageButton = (c: Comp, text: string) => {
      const button = byTag(c, 'van-button').find((b) => b.dom.textContent?.trim() === text)
      if (!button) throw new Error(`no van-button ${text}`)
      tap(button, '.van-button')
    }
    const STATUSES = ['CONSUMED', 'EXPIRE', 'GIFTING', 'GIFT_SUCC', 'GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE']

    it('lists every state from the user-cards handler, with validity, drawn by the page as coupons; only usable cards open', async () => {
      const c = open('pages/cards/index')
      expect(lists(c)).toHaveLength(3)
      show(c)
      await flush()
      expect(lists(c)[0].dom.textContent).toContain('在“添加到卡包”页或下方领取后出现在这里')
      await addThroughServer(['pDemoCoupon', ...STATUSES.map(() => 'pDemoVoucher'), 'pDemoMember'])
      const held = await demo().userCards()
      STATUSES.forEach((status, i) => demo().setCardStatus([held[i + 1]], status))
      demo().failNextLookUp() // the first card's card/code/get fails: 状态未知
      show(c)
      const [mine, examples, empty] = lists(c)
      await wait(() => rowsOf(mine).length === 9)
      expect(statesOf(mine)).toEqual(['UNKNOWN', ...STATUSES, 'open'])
      const text = mine.dom.textContent ?? ''
      for (const words of ['状态未知', '已使用', '已过期', '转赠中', '已转赠', '转赠超时', '已删除', '已失效', '查看'])
        expect(text).toContain(words)
      // the condition and the validity in the label, the value from the card table
      expect(text).toMatch(/无门槛，领取后 7 天有效 · \d{4}\.\d{2}\.\d{2} - \d{4}\.\d{2}\.\d{2}/)
      expect(text).toContain('¥20')
      // what the list works out itself: no code yet, and an end date that has passed
      expect(statesOf(examples)).toEqual(['pending', 'EXPIRE'])
      expect(examples.dom.textContent).toContain('处理中')
      // the empty list shows the tag's own picture
      expect(empty.dom.textContent).toContain('还没有卡券')
      expect(empty.querySelector('.card-empty-drawing')).toBeTruthy()

      const openCard = jest.spyOn(wx(), 'openCard')
      for (const row of [...rowsOf(mine), ...rowsOf(examples)]) row.dispatchEvent('tap')
      await wait(() => logs(c, '我的卡券 → open'))
      await flush()
      expect(openCard).toHaveBeenCalledTimes(1)
      expect((openCard.mock.calls[0][0] as { cardList: object[] }).cardList).toEqual([
        { cardId: 'pDemoMember', code: held[8].code },
      ])
      expect(logs(c, '示例')).toBe(false)
    })

    it('select and clear; the state buttons, a failed look-up, the clock and a card added here change the rows', async () => {
      const c = open('pages/cards/index')
      await addThroughServer(['pDemoVoucher', 'pDemoVoucher', 'pDemoMember'])
      const held = await demo().userCards()
      show(c)
      const mine = () => lists(c)[0]
      await wait(() => rowsOf(mine()).length === 3)
      expect(statesOf(mine())).toEqual(['open', 'open', 'open'])
      // the select event tells the page; the clear button calls clearSelection()
      tapCheckbox(mine(), 0)
      await wait(() => selectedOf(c).length === 1)
      expect(selectedOf(c)).toEqual([{ cardId: 'pDemoVoucher', code: held[0].code }])
      tapPageButton(c, '清除选择')
      await wait(() => selectedOf(c).length === 0)
      expect(byTag(mine(), 'van-checkbox')[0].dom.innerHTML).not.toContain('van-checkbox__icon--checked')

      tapCheckbox(mine(), 0)
      await wait(() => selectedOf(c).length === 1)
      tapPageButton(c, '使用')
      await wait(() => statesOf(mine())[0] === 'CONSUMED')
      expect(selectedOf(c)).toEqual([]) // a new list clears the selection
      expect(statesOf(mine())).toEqual(['CONSUMED', 'open', 'open'])

      tapPageButton(c, '查询失败一次（状态未知）')
      await wait(() => statesOf(mine())[0] === 'UNKNOWN')
      // 30 days on: the 7-day voucher has expired (WeChat says so), the one-year member card is still usable
      tapPageButton(c, '时间 +30 天')
      await wait(() => statesOf(mine())[1] === 'EXPIRE')
      expect(statesOf(mine())).toEqual(['CONSUMED', 'EXPIRE', 'open'])

      // a card added on the page shows pending until the list from /user-cards brings its code: the page's next
      // list request is held, as a slow server would
      const lib = demo()
      const userCards = lib.userCards
      let answer = () => undefined as unknown
      jest
        .spyOn(lib, 'userCards')
        .mockImplementationOnce(() => new Promise((resolve) => (answer = () => resolve(userCards()))))
      tapButton(byTag(c, 'add-card-button')[0])
      await wait(() => rowsOf(mine()).length === 4)
      expect(statesOf(mine())).toEqual(['CONSUMED', 'EXPIRE', 'open', 'pending'])
      expect(rowsOf(mine())[3].dom.textContent).toContain('无门槛券')
      answer()
      await wait(() => statesOf(mine())[3] === 'open')
      const added = (await userCards())[3]
      expect((c.data as { cards: object[] }).cards[3]).toMatchObject({ cardId: 'pDemoVoucher', code: added.code })
    })

    it('base library 1.0.9: the example list shows its fallback slot; a usable row and the add button tap → unsupported', async () => {
      const c = open('pages/cards/index')
      await addThroughServer(['pDemoMember'])
      show(c)
      await wait(() => rowsOf(lists(c)[0]).length === 1)
      const openCard = jest.spyOn(wx(), 'openCard')
      demo().setVersion('1.0.9')
      await wait(() => (lists(c)[1].dom.textContent ?? '').includes('当前微信版本过低，无法打开卡包'))
      await wait(() => rowsOf(lists(c)[0]).length === 1)
      rowsOf(lists(c)[0])[0].dispatchEvent('tap')
      await wait(() => logs(c, '我的卡券 → unsupported'))
      tapButton(byTag(c, 'add-card-button')[0])
      await wait(() => logs(c, '领券 → unsupported'))
      expect(openCard).not.toHaveBeenCalled()
      demo().setVersion('3.12.0')
      await wait(() => statesOf(lists(c)[1]).length === 2)
    })
  })

  it("simulator off: the add page posts to config.js's card-ext-url with the login token, the list asks its user-cards URL", async () => {
    const server = {
      cardExtUrl: 'https://cards.example.com/card-ext',
      userCardsUrl: 'https://cards.example.com/user-cards',
      token: 'login-token',
      cardIds: { coupon: 'pYourCoupon' },
    }
    const requests: RequestOptions[] = []
    const request = jest.spyOn(wx(), 'request').mockImplementation((o) => {
      const options = o as RequestOptions
      requests.push(options)
      options.success({ statusCode: 404, data: { code: 'unknown_card', message: 'not a card of this server' } })
    })
    const add = open('pages/add/index', () => Object.assign(config(), server))
    demo().useSimulator(false)
    await wait(() => !(add.data as { simulated: boolean }).simulated)
    const single = byTag(add, 'add-card-button').find((b) => b.dom.getAttribute('data-name') === '单张') as Comp
    tapButton(single)
    await wait(() => logs(add, '单张 → fail'))
    expect(requests[0]).toMatchObject({
      url: server.cardExtUrl,
      method: 'POST',
      data: { cardIds: ['pYourCoupon'] },
      header: { Authorization: 'Bearer login-token' },
    })
    expect(logOf(add).find((line) => line.startsWith('单张 → fail'))).toContain('not a card of this server')

    const cards = open('pages/cards/index', () => Object.assign(config(), server))
    demo().useSimulator(false)
    await wait(() => logs(cards, '/user-cards → '))
    expect(requests[1]).toMatchObject({ url: server.userCardsUrl, method: 'GET' })
    expect(logs(cards, 'HTTP 404 unknown_card: not a card of this server')).toBe(true)
    // gone before the client's own wx.request is back
    cards.detach()
    request.mockRestore()
  })

  it('one platform per session: switching the version or the simulator keeps the card bag; off puts back the client', async () => {
    const c = open('pages/index/index')
    expect((c.data as { simulated: boolean }).simulated).toBe(true)
    const cardList = await demo().cardSource(['pDemoCoupon'])
    await new Promise((resolve) => wx().addCard({ cardList, complete: resolve }))
    demo().setVersion('1.0.9')
    demo().setVersion('3.12.0')
    tap(byTag(c, 'van-switch')[0], '.van-switch')
    await wait(() => !(c.data as { simulated: boolean }).simulated)
    expect(demo().isSimulated()).toBe(false)
    expect(wx().addCard).toBe(clientAddCard)
    tap(byTag(c, 'van-switch')[0], '.van-switch')
    await wait(() => (c.data as { simulated: boolean }).simulated)
    expect((await demo().userCards()).map((held) => held.cardId)).toEqual(['pDemoCoupon'])
    // the same cardExt again: the platform remembers its nonce
    const again = await new Promise<{ errMsg: string }>((resolve) => wx().addCard({ cardList, complete: resolve }))
    expect(again.errMsg).toBe('addCard:fail 已领完')
  })
})
