/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * The demo that project.config.json opens in WeChat devtools: its pages run here in miniprogram-simulate from its
 * own miniprogram_npm (what 构建 npm writes, scripts/demo.ts), launched by its own app.js, and tapped through the
 * real components. As in devtools, every request goes over HTTP (wx.request, Node's fetch): to the card server of
 * the READMEs (examples/server.ts) and to the simulator process, which answers wx.addCard / wx.openCard.
 */
import fs from 'fs'
import path from 'path'
import { buildNpm } from '../scripts/demo'
import { demoConfig, startLocalServers, type LocalServers } from '../scripts/local-servers'
import { verifyCardExt } from '../server/sign'
import { FIXTURE_ACCOUNT } from '../testing/fixtures'
import { request } from '../testing/wx'
import { byTag, loadComponent, ROOT, simulate } from './helpers/simulate'

// As WeChat (and the playground): a page's setData re-sets only the tag properties whose data changed, so the
// list keeps its selection while the page shows it (playground/src/bindings.js). The same j-component instance
// miniprogram-simulate renders with: required before any jest.resetModules.
require('../playground/src/bindings.js').updateOnlyChangedAttributes(require('j-component/src/render/render'))

const DEMO = path.join(ROOT, 'demo')
const NPM = path.join(DEMO, 'miniprogram_npm')
type Comp = ReturnType<typeof simulate.render>
type Options = Record<string, unknown>

/** Waits (up to `ms`: HTTP to two processes on a busy machine) until `ok()` holds, then asserts it. */
const wait = async (ok: () => boolean, ms = 10000) => {
  for (let waited = 0; waited < ms && !ok(); waited += 10) await new Promise((r) => setTimeout(r, 10))
  expect(ok()).toBe(true)
}
const flush = () => new Promise((r) => setTimeout(r, 0))
/** Waits (up to 10 s) until the async `ok()` holds, then asserts it. */
const eventually = async (ok: () => Promise<boolean>) => {
  for (let waited = 0; waited < 10000 && !(await ok()); waited += 50) await new Promise((r) => setTimeout(r, 50))
  expect(await ok()).toBe(true)
}

const { CONSUMER, packageFixture } = require('./setup/package-fixture.js') as {
  CONSUMER: string
  packageFixture(): Promise<unknown>
}

beforeAll(async () => {
  // one run of WeChat's builder for the whole test run: the package fixture's, copied into demo/
  await packageFixture()
  await buildNpm(path.join(CONSUMER, 'miniprogram_npm'))
}, 300000)

/** A fresh simulator and card server for each group of tests: a fresh card bag. */
function localServers() {
  const servers = {} as LocalServers
  beforeAll(async () => Object.assign(servers, await startLocalServers({ session: demoConfig().token })), 180000)
  afterAll(() => servers.stop())
  return servers
}

/** The part of demo/lib/demo.js these tests use. */
interface DemoLib {
  useSimulator(on: boolean): Promise<void>
  isSimulated(): boolean
  setVersion(SDKVersion: string): void
  cardIds(): Record<string, string>
  userCards(): Promise<{ cardId: string; code: string; status: string }[]>
  setCardStatus(cards: object[], status: string): Promise<unknown>
  failNextLookUp(): Promise<unknown>
  nextScan(show: 'cancel' | { text: string } | { card: { cardId: string; code: string } }): void
}
type Callback = (result: { errMsg: string }) => void
interface SimulateWx {
  addCard(o: { cardList: object[]; complete?: Callback }): void
  openCard(o: object): void
  showModal(o: { content?: string }): void
  showToast(o: { title: string }): void
  scanCode(o: object): void
  request: unknown
  getStorageSync(key: string): unknown
  setStorageSync(key: string, value: unknown): void
  getSystemInfoSync(): { SDKVersion: string }
}

const wx = () => (globalThis as unknown as { wx: SimulateWx }).wx
// loadComponent starts a fresh module registry: the page, app.js and these requires share one demo/lib/demo.js
const demo = () => require(path.join(DEMO, 'lib/demo.js')) as DemoLib
const clientAddCard = wx().addCard
const clientShowModal = wx().showModal

// The client as devtools has it: wx.request over HTTP, and a storage for the login token.
const storage = new Map<string, unknown>()
Object.assign(wx(), {
  request,
  setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
  getStorageSync: (key: string) => storage.get(key) ?? '',
})

// Page(): a Component whose data is the page's and whose methods are its functions; onLoad and onShow when
// attached, onReady when ready (the README's pages use it, the demo's own pages Component()).
;(globalThis as unknown as { Page(o: Options): void }).Page = (options) => {
  const methods: Options = {}
  for (const [key, value] of Object.entries(options)) if (typeof value === 'function') methods[key] = value
  const call = (self: Options, name: string) => typeof self[name] === 'function' && (self[name] as () => void)()
  ;(globalThis as unknown as { Component(o: Options): void }).Component({
    data: options.data ?? {},
    methods,
    lifetimes: {
      attached(this: Options) {
        call(this, 'onLoad')
        call(this, 'onShow')
      },
      ready(this: Options) {
        call(this, 'onReady')
      },
    },
  })
}

let launched: DemoLib | undefined

/**
 * Loads a page with config.js pointing at `servers`, launches the app (app.js onLaunch keeps the token and installs
 * the simulator) and attaches the page. The app launched before is put back first: its simulator taken off.
 */
async function open(route: string, servers: LocalServers): Promise<Comp> {
  if (launched?.isSimulated()) await launched.useSimulator(false)
  const config = path.join(DEMO, 'config.js')
  jest.doMock(config, () => ({ ...jest.requireActual(config), ...servers }))
  // the send-coupon plugin loads only inside WeChat: the demo's stand-in (lib/send-coupon), as in the playground,
  // from a fresh registry (the config.js above, not the one of a page opened before)
  jest.resetModules()
  const { sendCouponPlugin } = require(path.join(DEMO, 'lib/simulator.js')) as { sendCouponPlugin(): object }
  const template = fs.readFileSync(path.join(DEMO, 'lib/send-coupon/index.wxml'), 'utf8')
  const standIn = simulate.load({ template, ...sendCouponPlugin() })
  const id = loadComponent(route, DEMO, '/miniprogram_npm/', { 'plugin://sendCoupon/send-coupon': standIn })
  const g = globalThis as unknown as { App?: (app: { onLaunch(): void }) => void }
  g.App = (app) => app.onLaunch()
  require(path.join(DEMO, 'app.js'))
  delete g.App
  launched = demo()
  await wait(() => Boolean(demo().cardIds().coupon)) // the simulator's cards have come
  const c = simulate.render(id)
  c.attach(document.createElement('parent-wrapper'))
  return c
}

type LogData = { log: { text: string }[] }
const logOf = (c: Comp) => (c.data as LogData).log.map((l) => l.text)
const logs = (c: Comp, text: string) => logOf(c).some((line) => line.includes(text))
const detailOf = (c: Comp, start: string) => {
  const line = logOf(c).find((l) => l.startsWith(start)) ?? ''
  return JSON.parse(line.slice(line.indexOf('{')))
}
const textOf = (c: Comp) => c.dom?.textContent ?? ''
const htmlOf = (c: Comp) => c.dom?.innerHTML ?? ''
const classOf = (c: Comp) => c.dom?.getAttribute('class') ?? ''
const tap = (component: Comp, selector: string) => {
  const node = component.querySelector(selector)
  if (!node) throw new Error(`nothing matches ${selector}`)
  node.dispatchEvent('tap')
}
const tapButton = (tag: Comp) => tap(innerButton(tag), '.van-button')
const tapSwitch = (c: Comp, index: number) => tap(byTag(c, 'van-switch')[index], '.van-switch')
const innerButton = (tag: Comp) => byTag(tag, 'van-button')[0] as Comp
const isLoading = (tag: Comp) => htmlOf(innerButton(tag)).includes('van-button--loading')

let errors: jest.SpyInstance
beforeEach(() => {
  // invalid input is also reported in the devtools console, by design; so is a failed card look-up
  errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  jest.spyOn(console, 'warn').mockImplementation(() => undefined)
})
afterEach(async () => {
  // the spies first: a spy restored later would put back the simulator's function it wrapped
  jest.restoreAllMocks()
  if (launched?.isSimulated()) await launched.useSimulator(false)
})

it('project.config.json opens demo/ with a tourist appid; every page has its js, json and wxml', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
  expect([cfg.miniprogramRoot, cfg.appid, cfg.compileType, cfg.setting.urlCheck]).toEqual([
    'demo/',
    'touristappid',
    'miniprogram',
    false,
  ])
  const app = JSON.parse(fs.readFileSync(path.join(DEMO, 'app.json'), 'utf8'))
  expect(app.darkmode).toBe(true)
  const missing = app.pages.flatMap((p: string) =>
    ['.js', '.json', '.wxml'].map((ext) => p + ext).filter((f) => !fs.existsSync(path.join(DEMO, f))),
  )
  expect(missing).toEqual([])
})

it('miniprogram_npm holds our whole miniprogram_dist (common/ included) and vant; every relative require resolves', () => {
  const ours = path.join(NPM, 'weapp-card-coupon')
  for (const t of ['add-card-button/index.js', 'open-card-list/index.js', 'common/card-call.js', 'utils/index.js'])
    expect([t, fs.existsSync(path.join(ours, t))]).toEqual([t, true])
  expect(fs.existsSync(path.join(NPM, '@vant/weapp/button/index.js'))).toBe(true)
  const required = fs
    .readdirSync(ours, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) =>
      [...fs.readFileSync(path.join(ours, f), 'utf8').matchAll(/require\("(\.[^"]+)"\)/g)].map((m) =>
        path.join(path.dirname(path.join(ours, f)), m[1] ?? ''),
      ),
    )
  expect(required.length).toBeGreaterThan(2)
  expect(required.filter((target) => !fs.existsSync(target + '.js') && !fs.existsSync(target))).toEqual([])
})

describe('the add page', () => {
  const servers = localServers()
  let c: Comp
  const named = (name: string) => {
    const found = byTag(c, 'add-card-button').find((b) => b.dom?.getAttribute('data-name') === name)
    if (!found) throw new Error(`no add-card-button named ${name}`)
    return found
  }
  const successes = (name: string) => logOf(c).filter((line) => line.startsWith(`${name} → success`))
  beforeEach(async () => {
    c = await open('pages/add/index', servers)
  })

  it('three taps on a card allowed 3 per user add three, each with a fresh cardExt from the card server; the fourth hits the limit', async () => {
    expect(wx().addCard).not.toBe(clientAddCard)
    expect(wx().showModal).toBe(clientShowModal) // the upgrade modal is the client's own, so devtools shows it
    const addCard = jest.spyOn(wx(), 'addCard')
    for (let taps = 1; taps <= 4; taps++) {
      tapButton(named('单张'))
      await wait(() => successes('单张').length === taps)
    }
    expect(successes('单张').reverse()).toEqual([
      ...Array(3).fill('单张 → success: 1 张成功，0 张失败'),
      '单张 → success: 0 张成功，1 张失败',
    ])
    const sent = addCard.mock.calls.map(([o]) => (o.cardList[0] as { cardExt: string }).cardExt)
    expect(new Set(sent).size).toBe(4)
    for (const cardExt of sent)
      expect(verifyCardExt(cardExt, { apiTicket: FIXTURE_ACCOUNT.apiTicket, cardId: 'pDemoCoupon' })).toBe(true)
    // each added code went to POST /card-codes, which decrypted it
    await wait(() => logOf(c).filter((line) => /^\/card-codes → \d{12}$/.test(line)).length === 3)
    expect((await demo().userCards()).map((card) => [card.cardId, card.status])).toEqual(
      Array(3).fill(['pDemoCoupon', 'NORMAL']),
    )
  })

  it('a card list adds both; partial success reports the sold-out card as failed', async () => {
    tapButton(named('多张'))
    await wait(() => logs(c, '多张 → success: 2 张成功，0 张失败'))
    tapButton(named('部分成功'))
    await wait(() => logs(c, '部分成功 → success: 1 张成功，1 张失败'))
    expect((await demo().userCards()).map((card) => card.cardId).slice(3)).toEqual([
      'pDemoCustom',
      'pDemoMember',
      'pDemoVoucher',
    ])
  })

  it('invalid input fails naming the field, with no wx.addCard call; a changed signature fails at WeChat', async () => {
    const addCard = jest.spyOn(wx(), 'addCard')
    const fields: [string, string][] = [
      ['缺签名', 'cardExt.signature'],
      ['毫秒时间戳', 'cardExt.timestamp'],
      ['泄露 api_ticket', 'cardExt.api_ticket'],
    ]
    for (const [name, field] of fields) {
      tapButton(named(name))
      await wait(() => logs(c, `${name} → fail`))
      expect(detailOf(c, `${name} → fail`)).toMatchObject({ code: 'invalid', field })
    }
    // the developer sees which field in the devtools console too
    expect(String(errors.mock.calls[0]?.[0])).toContain('cardList[0].cardExt.signature')
    expect(htmlOf(innerButton(named('空列表')))).toContain('van-button--disabled')
    expect(addCard).not.toHaveBeenCalled()
    tapButton(named('签名错误'))
    await wait(() => logs(c, '签名错误 → fail'))
    expect(detailOf(c, '签名错误 → fail')).toMatchObject({ code: 'fail', errMsg: 'addCard:fail 签名错误' })
  })

  it('the switches: the user cancels the next add, a slow client keeps the button loading, 1.0.9 shows the fallback', async () => {
    tapSwitch(c, 0)
    await wait(() => (c.data as { cancelNext: boolean }).cancelNext)
    tapButton(named('多张'))
    await wait(() => logs(c, '多张 → cancel {"code":"cancel","errMsg":"addCard:fail cancel"}'))
    await wait(() => !(c.data as { cancelNext: boolean }).cancelNext)

    tapSwitch(c, 1)
    await wait(() => (c.data as { slow: boolean }).slow)
    tapButton(named('多张'))
    await wait(() => isLoading(named('多张')))
    await wait(() => logs(c, '多张 → success'))
    expect(isLoading(named('多张'))).toBe(false)
    tapSwitch(c, 1)

    const showModal = jest.spyOn(wx(), 'showModal')
    const addCard = jest.spyOn(wx(), 'addCard')
    tapSwitch(c, 2)
    await wait(() => (c.data as { old: boolean }).old)
    expect(wx().getSystemInfoSync().SDKVersion).toBe('1.0.9')
    expect(textOf(c)).toContain('当前微信版本过低，请升级后领取')
    expect(byTag(named('fallback'), 'van-button')).toHaveLength(0)
    tapButton(named('单张'))
    await wait(() => logs(c, '单张 → unsupported {"SDKVersion":"1.0.9","required":"1.1.0"}'))
    expect(showModal.mock.calls[0]?.[0].content).toMatch(/版本过低/)
    expect(addCard).not.toHaveBeenCalled()
    tapSwitch(c, 2)
    await wait(() => byTag(named('fallback'), 'van-button').length === 1)
  })
})

describe('the my-cards page', () => {
  const servers = localServers()
  const lists = (c: Comp) => byTag(c, 'open-card-list')
  const rowsOf = (list: Comp) => list.querySelectorAll('.card-item')
  /** Each row's state, from its class card-item--<state>. */
  const statesOf = (list: Comp) => rowsOf(list).map((row) => /card-item--(\S+)/.exec(classOf(row))?.[1])
  const show = (c: Comp) => (c.instance as unknown as { onShow(): void }).onShow()
  const selectedOf = (c: Comp) => (c.data as { selected: { cardId: string; code: string }[] }).selected
  const tapPageButton = (c: Comp, text: string) => {
    const button = byTag(c, 'van-button').find((b) => textOf(b)?.trim() === text)
    if (!button) throw new Error(`no van-button ${text}`)
    tap(button, '.van-button')
  }
  const STATUSES = ['CONSUMED', 'EXPIRE', 'GIFTING', 'GIFT_SUCC', 'GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE']

  it('lists every state from GET /user-cards with validity, drawn as coupons; only usable cards open', async () => {
    const c = await open('pages/cards/index', servers)
    const [mine, examples, empty] = lists(c) as [Comp, Comp, Comp]
    show(c)
    await flush()
    expect(textOf(mine)).toContain('在“添加到卡包”页或下方领取后出现在这里')
    // the page's own add button, nine times: one card of each state, then a usable one
    for (let added = 1; added <= 9; added++) {
      tapButton(byTag(c, 'add-card-button')[0] as Comp)
      await wait(() => rowsOf(mine).length === added && !statesOf(mine).includes('pending'))
    }
    const held = await demo().userCards()
    for (const [i, status] of STATUSES.entries()) await demo().setCardStatus([held[i + 1] ?? {}], status)
    await demo().failNextLookUp() // the first card's card/code/get fails: 状态未知
    show(c)
    await wait(() => statesOf(mine).join() === ['UNKNOWN', ...STATUSES, 'open'].join())
    const text = textOf(mine)
    for (const words of ['状态未知', '已使用', '已过期', '转赠中', '已转赠', '转赠超时', '已删除', '已失效', '查看'])
      expect(text).toContain(words)
    // the card's words and value from the simulator's catalogue, the validity in the label
    expect(text).toMatch(/无门槛，领取后 7 天有效 · \d{4}\.\d{2}\.\d{2} - \d{4}\.\d{2}\.\d{2}/)
    expect(text).toContain('¥5')
    // what the list works out itself: no code yet, and an end date that has passed
    expect(statesOf(examples)).toEqual(['pending', 'EXPIRE'])
    expect(empty.querySelector('.card-empty-drawing')).toBeTruthy()

    const openCard = jest.spyOn(wx(), 'openCard')
    for (const row of [...rowsOf(mine), ...rowsOf(examples)]) row.dispatchEvent('tap')
    await wait(() => logs(c, '我的卡券 → open'))
    expect(openCard).toHaveBeenCalledTimes(1)
    expect((openCard.mock.calls[0]?.[0] as { cardList: object[] }).cardList).toEqual([
      { cardId: 'pDemoVoucher', code: held[8]?.code },
    ])
  })

  it('select and clear; the state buttons, a failed look-up and the clock change the rows', async () => {
    const c = await open('pages/cards/index', servers)
    const mine = () => lists(c)[0] as Comp
    show(c)
    await wait(() => rowsOf(mine()).length === 9)
    const usable = 8
    tap(byTag(mine(), 'van-checkbox')[usable] as Comp, '.van-checkbox__icon-wrap')
    await wait(() => selectedOf(c).length === 1)
    tapPageButton(c, '清除选择')
    await wait(() => selectedOf(c).length === 0)
    tap(byTag(mine(), 'van-checkbox')[usable] as Comp, '.van-checkbox__icon-wrap')
    await wait(() => selectedOf(c).length === 1)
    tapPageButton(c, '使用')
    await wait(() => statesOf(mine())[usable] === 'CONSUMED')
    expect(selectedOf(c)).toEqual([]) // a new list clears the selection
    tapPageButton(c, '查询失败一次（状态未知）')
    await wait(() => statesOf(mine())[0] === 'UNKNOWN')
    // 30 days on: the 7-day vouchers have expired, as WeChat says
    tapPageButton(c, '时间 +30 天')
    await wait(() => statesOf(mine())[0] === 'EXPIRE')
  })
})

describe('the member page', () => {
  const servers = localServers()

  it('<member-card> shows nothing before the card is added, 待激活 with 激活 after; 激活 activates it', async () => {
    const c = await open('pages/member/index', servers)
    const member = byTag(c, 'member-card')[0] as Comp
    await wait(() => (member.data as { state: string }).state === 'none')
    tapButton(byTag(c, 'add-card-button')[0] as Comp)
    await wait(() => (member.data as { state: string }).state === 'pending')
    expect(textOf(member)).toContain('VIP 会员卡')
    expect(textOf(member)).toContain('待激活')
    expect(byTag(member, 'van-button').map((b) => textOf(b).trim())).toEqual(['激活'])
    // 激活: the jump to WeChat's activation mini-program goes to the simulator process; the user fills the form
    tapButton(member)
    await wait(() => (member.data as { state: string }).state === 'activated')
    const [card] = await demo().userCards()
    expect(textOf(member)).toContain(`会员号 ${card?.code} · 积分 100 · 余额 ¥0.00`)
    expect(textOf(member)).toContain('已激活')
  })
})

describe('the staff page', () => {
  const servers = localServers()
  const tapText = (c: Comp, text: string) => {
    const button = byTag(c, 'van-button').find((b) => textOf(b)?.trim() === text)
    if (!button) throw new Error(`no van-button ${text}`)
    tap(button, '.van-button')
  }
  const resultOf = (c: Comp) => c.data as { result: string; detail: string; outcome: string }

  it('scan (wx.scanCode: the customer shows their member card, its QR code the code) → 核销成功, the user list then reads CONSUMED; a retry of the same 核销 is no failure', async () => {
    // the customer adds the member card on the member page
    const member = await open('pages/member/index', servers)
    tapButton(byTag(member, 'add-card-button')[0] as Comp)
    await eventually(async () => (await demo().userCards()).some((card) => card.status === 'NORMAL'))
    const [card] = await demo().userCards()
    const c = await open('pages/staff/index', servers)
    const scanCode = jest.spyOn(wx(), 'scanCode')
    tapText(c, '扫码核销')
    await wait(() => resultOf(c).outcome === 'consumed')
    expect(scanCode).toHaveBeenCalledTimes(1)
    expect(resultOf(c)).toMatchObject({ result: '核销成功', detail: '' })
    // what a real scan gives: the code, no card id
    expect(c.data).toMatchObject({ code: card?.code, cardId: '' })
    expect((await demo().userCards()).find((held) => held.code === card?.code)?.status).toBe('CONSUMED')
    // the same 核销 again (its answer lost, say): the same request id reports it consumed by this request
    ;(c.data as { outcome: string }).outcome = ''
    tapText(c, '核销此券码')
    await wait(() => resultOf(c).outcome === 'consumed' && resultOf(c).detail !== '')
    expect(resultOf(c)).toMatchObject({ result: '核销成功', detail: '（重试确认：本次请求已核销）' })
  })

  it('a scanned custom-code card: the server wants its card id, the page says so in Chinese; a closed scanner: 没有扫到券码', async () => {
    const mine = await open('pages/my-cards/index', servers)
    tapButton(byTag(mine, 'add-card-button')[0] as Comp)
    await eventually(async () => (await demo().userCards()).some((card) => card.cardId === 'pDemoCustom'))
    const c = await open('pages/staff/index', servers)
    tapText(c, '扫码核销')
    await wait(() => resultOf(c).outcome === 'error')
    expect(resultOf(c)).toMatchObject({
      result: '无法核销：缺少卡券 ID',
      detail: '这是自定义券码的券，微信核销时还需要它的卡券 ID，扫码只能读到券码',
      outcome: 'error',
    })
    // the staff member closes the scanner
    demo().nextScan('cancel')
    tapText(c, '扫码核销')
    await wait(() => resultOf(c).outcome === 'none')
    expect(resultOf(c)).toMatchObject({ result: '没有扫到券码', detail: '扫码已取消', outcome: 'none' })
  })

  it('a typed code WeChat does not know: 无效的券码', async () => {
    const c = await open('pages/staff/index', servers)
    ;(c.instance as unknown as { onCodeInput(e: { detail: string }): void }).onCodeInput({ detail: '000000000000' })
    tapText(c, '核销此券码')
    await wait(() => resultOf(c).outcome === 'unknown_code')
    expect(resultOf(c).result).toBe('无效的券码')
  })
})

describe('the WeChat Pay coupon page', () => {
  const servers = localServers()
  type PayPage = { coupons: { state: string; couponCode: string }[]; result: string }

  it('the plugin stand-in asks the user, the simulator issues the 商家券, the list shows it usable; the third tap hits the limit', async () => {
    const modals: { title: string; confirmText?: string }[] = []
    // the user takes the coupon on the plugin's sheet, then acknowledges the result
    jest.spyOn(wx(), 'showModal').mockImplementation((o) => {
      const modal = o as { title: string; confirmText?: string; success?(r: { confirm: boolean }): void }
      modals.push({ title: modal.title, confirmText: modal.confirmText })
      modal.success?.({ confirm: true })
    })
    const shown: string[] = []
    jest.spyOn(wx(), 'showToast').mockImplementation(({ title }) => void shown.push(title))
    const c = await open('pages/pay/index', servers)
    const page = () => c.data as PayPage
    const button = byTag(c, 'send-coupon-button')[0] as Comp
    const list = byTag(c, 'pay-coupon-list')[0] as Comp
    await wait(() => textOf(list).includes('还没有微信支付券：点上面的按钮领一张'))
    for (let taps = 1; taps <= 2; taps++) {
      // signed parameters from POST /send-coupon before the tap
      await wait(() => Boolean((button.data as { params: unknown }).params))
      tapButton(button)
      await wait(() => page().coupons.length === taps)
    }
    expect(modals.slice(0, 2)).toEqual([
      { title: '微信支付券', confirmText: '领取到卡包' },
      { title: '领取成功', confirmText: '我知道了' },
    ])
    expect(page().result).toBe('领到 1 张')
    // GET /pay-coupons, read from the simulator's WeChat Pay: two coupons, usable
    expect(page().coupons.map((coupon) => coupon.state)).toEqual(['SENDED', 'SENDED'])
    const rows = list.querySelectorAll('.coupon-item')
    expect(rows.map((row) => classOf(row).includes('coupon-item--SENDED'))).toEqual([true, true])
    expect(textOf(list)).toContain('满50减5')
    expect(list.querySelectorAll('.coupon-action').map((n) => n.dom?.textContent)).toEqual(['去使用', '去使用'])
    // at most 2 per user: the third is refused by WeChat Pay (MAXQUOTA), the tag says so
    await wait(() => Boolean((button.data as { params: unknown }).params))
    tapButton(button)
    await wait(() => page().result === '未领到：已达领取上限')
    expect(shown).toContain('已达领取上限')
    expect(page().coupons).toHaveLength(2)
  })
})

describe("the README's pages, and the simulator switch", () => {
  const servers = localServers()
  const toasts = () => {
    const showToast = jest.spyOn(wx(), 'showToast')
    return () => showToast.mock.calls.map(([o]) => o.title)
  }

  it('my cards: the add button adds a card, the server decrypts it, the list shows it and opens it', async () => {
    const c = await open('pages/my-cards/index', servers)
    const list = byTag(c, 'open-card-list')[0] as Comp
    await flush()
    expect(textOf(list)).toContain('点上面的按钮领一张')
    const shown = toasts()
    tapButton(byTag(c, 'add-card-button')[0] as Comp)
    await wait(() => list.querySelectorAll('.card-item--open').length === 1)
    expect(textOf(list)).toContain('自定义码券')
    list.querySelectorAll('.card-item--open')[0]?.dispatchEvent('tap')
    await wait(() => shown().includes('已打开 1 张'))
  })

  it('tap-time mode, setCardSource and card-list each add a card; the coupon page adds one with the utils', async () => {
    const shown = toasts()
    for (const route of ['pages/add-card/index', 'pages/add-source/index', 'pages/add-list/index']) {
      const c = await open(route, servers)
      const button = byTag(c, 'add-card-button')[0] as Comp
      // card-list: enabled once the page has its signed cards
      await wait(() => !htmlOf(innerButton(button)).includes('van-button--disabled'))
      const before = (await demo().userCards()).length
      tapButton(button)
      await eventually(async () => (await demo().userCards()).length === before + 1)
    }
    expect(shown().slice(0, 2)).toEqual(['已领取 1 张', '已领取 1 张'])
    const coupon = await open('pages/coupon/index', servers)
    byTag(coupon, 'wx-button')[0]?.dispatchEvent('tap')
    await wait(() => shown().includes('1 张成功，0 张失败'))
    expect(errors).not.toHaveBeenCalled()
  })

  it('card states: the rows the tag works out from the cards alone, with the page’s words', async () => {
    const c = await open('pages/card-states/index', servers)
    const rows = (byTag(c, 'open-card-list')[0] as Comp).querySelectorAll('.card-item')
    expect(rows.map((row) => /card-item--(\S+)/.exec(classOf(row))?.[1])).toEqual([
      'open',
      'CONSUMED',
      'EXPIRE',
      'pending',
    ])
    expect(textOf(c)).toContain('已核销')
    expect(textOf(c)).toContain('去使用')
  })

  it('the simulator switch off: the client’s own card API and config.js’s cards; on again: the same card bag, kept by the simulator', async () => {
    const c = await open('pages/index/index', servers)
    const answer = await fetch(`${servers.serverUrl}/card-ext`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoConfig().token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cardIds: ['pDemoVoucher'] }),
    })
    const { cardList } = (await answer.json()) as { cardList: object[] }
    const addCard = () => new Promise<{ errMsg: string }>((resolve) => wx().addCard({ cardList, complete: resolve }))
    expect((await addCard()).errMsg).toBe('addCard:ok')
    tap(byTag(c, 'van-switch')[0] as Comp, '.van-switch')
    await wait(() => !(c.data as { simulated: boolean }).simulated)
    expect(wx().addCard).toBe(clientAddCard)
    expect(demo().cardIds().coupon).toBe('')
    tap(byTag(c, 'van-switch')[0] as Comp, '.van-switch')
    await wait(() => (c.data as { simulated: boolean }).simulated)
    expect((await demo().userCards()).map((card) => card.cardId).pop()).toBe('pDemoVoucher')
    // the same cardExt again: the simulator remembers its nonce
    expect((await addCard()).errMsg).toBe('addCard:fail 已领完')
  })
})
