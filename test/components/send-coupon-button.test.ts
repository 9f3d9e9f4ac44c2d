/** @jest-environment ./test/helpers/jsdom-fetch-env.js */
// <send-coupon-button> in miniprogram-simulate (official compiler, real vant), with the simulator's stand-in for
// WeChat Pay's plugin and a real send-coupon endpoint over HTTP on 127.0.0.1.
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import { createSendCouponHandler, type SendCouponStock } from '../../server/pay/send-coupon-handler'
import { verifySendCouponSign } from '../../server/pay/sign'
import { createPayPlatform, sendCouponStandIn, type PayPlatform } from '../../testing'
import type { SendCouponPluginParams } from '../../utils'
import { useHarness } from '../helpers/harness'
import { byTag, loadComponent, ROOT, simulate } from '../helpers/simulate'
import type { SendCouponButtonInstance } from '../../components/send-coupon-button/index'

const STAND_IN = simulate.load(sendCouponStandIn())
const ID = loadComponent('components/send-coupon-button/index', ROOT, undefined, {
  'plugin://sendCoupon/send-coupon': STAND_IN,
})

const KEY = 'z'.repeat(32)
const USER = 'oPayUser'
const STOCKS: Record<string, SendCouponStock> = {
  S1: {},
  S2: {},
  SOLD: {},
  F1: { kind: 'favor', createCouponMerchant: '1900000001' },
}
type Root = ReturnType<typeof simulate.render>
const h = useHarness()
let pay: PayPlatform
let undoPay: () => void
let server: Server
let url = ''
let serverKey = KEY
let failServer = false
/** The Authorization header of each request the endpoint received, in order. */
let authorizations: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ''))
    if (failServer) {
      res.writeHead(500, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ code: 'server_error', message: 'down' }))
    }
    const handler = createSendCouponHandler({
      merchantId: '1900000001',
      apiV2Key: serverKey,
      stocks: STOCKS,
      store: sharedStore,
      getOpenid: (r) => String(r.headers.authorization ?? '').replace(/^Bearer /, '') || undefined,
    })
    void handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send-coupon`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

// one store for every handler built above: the server remembers pending numbers across requests
const { createMemoryStore } = require('../../server/cache') as typeof import('../../server/cache')
let sharedStore = createMemoryStore()

beforeEach(() => {
  serverKey = KEY
  failServer = false
  authorizations = []
  sharedStore = createMemoryStore()
  pay = createPayPlatform({
    apiV2Key: KEY,
    openid: USER,
    stocks: [
      { stockId: 'S1', maxPerUser: 5 },
      { stockId: 'S2' },
      { stockId: 'SOLD', budget: 0 },
      { stockId: 'F1', kind: 'favor' },
    ],
  })
  undoPay = pay.install((globalThis as unknown as { wx: object }).wx)
  h.events.length = 0
})
const rendered: Root[] = []
afterEach(() => {
  // a fetch still on its way must not set data after the test (detach drops it)
  for (const c of rendered.splice(0)) c.detach()
  undoPay()
})

const EVENTS = ['success', 'fail', 'cancel', 'unsupported', 'complete', 'confirm']
function render(props: Record<string, unknown>, { pageShows = true } = {}): Root {
  const c = simulate.render(ID, {
    paramsUrl: url,
    requestHeader: { Authorization: `Bearer ${USER}` },
    ...props,
  })
  for (const name of EVENTS)
    c.addEventListener(name, (e: { detail: Record<string, unknown> }) => h.events.push([name, e.detail]))
  c.attach(document.createElement('parent-wrapper'))
  // the page shows (WeChat: after the page's onLoad): the first fetch starts
  if (pageShows) c.triggerPageLifeTime('show')
  rendered.push(c)
  return c
}
const names = () => h.events.map((e) => e[0])
const vanButton = (c: Root) => byTag(c, 'van-button')[0]
const shield = (c: Root) => c.querySelector('.coupon-send__shield')
/** A user's tap: on the shield when it covers the button (it lies on top), else on vant's button. */
async function tap(c: Root) {
  const cover = shield(c)
  ;(cover ?? vanButton(c)?.querySelector('.van-button'))?.dispatchEvent('tap')
  await h.flush()
}
/** Waits (real HTTP) until fresh parameters are in hand or the fetch ended. */
async function untilSettled(c: Root) {
  const deadline = Date.now() + 10_000
  while (c.data.loading && Date.now() < deadline) await h.flush()
  await h.flush()
}
const params = (c: Root) => c.data.params as SendCouponPluginParams | null

describe('parameters before the tap', () => {
  it('fetches signed parameters on attach; loading (and shielded) until they arrive; the plugin gets them', async () => {
    const c = render({ stockId: 'S1' })
    expect(c.data.loading).toBe(true)
    expect(shield(c)).toBeTruthy()
    expect(vanButton(c).data.loading).toBe(true)
    await untilSettled(c)
    const got = params(c)!
    expect(got.send_coupon_params.map((p) => p.stock_id)).toEqual(['S1'])
    expect(verifySendCouponSign(got, KEY)).toBe(true)
    expect(shield(c)).toBeFalsy()
    expect(vanButton(c).data.loading).toBe(false)
    expect(c.dom.textContent).toContain('领取优惠券')
    // what the plugin has at the tap
    await tap(c)
    expect(pay.plugin.sheets()[0]).toMatchObject({
      send_coupon_params: got.send_coupon_params,
      sign: got.sign,
      send_coupon_merchant: '1900000001',
      suggest_immediate_use: false,
    })
  })

  it('a tap while they load reaches neither the plugin nor the page', async () => {
    const c = render({ stockId: 'S1' })
    await tap(c)
    expect(pay.plugin.allSheets).toEqual([])
    expect(h.events).toEqual([])
    await untilSettled(c)
  })

  it("the first fetch waits for the page show, after the page's onLoad set request-header: one request, with it", async () => {
    const c = render({ stockId: 'S1', requestHeader: {} }, { pageShows: false })
    c.setData({ requestHeader: { Authorization: `Bearer ${USER}` } }) // the page's onLoad, from its login
    c.triggerPageLifeTime('show')
    await untilSettled(c)
    expect(params(c)).not.toBeNull()
    expect(authorizations).toEqual([`Bearer ${USER}`])
  })

  it('a tag added to a page already shown (no page show comes) fetches a task after its ready', async () => {
    const c = render({ stockId: 'S1' }, { pageShows: false })
    await h.until(() => params(c) !== null)
    expect(authorizations).toEqual([`Bearer ${USER}`])
  })

  it('setParamsSource: the page fetches them its own way, and wins over params-url', async () => {
    const c = render({ stockId: 'S1', paramsUrl: '' })
    const seen: [string[], string[]][] = []
    const handler = createSendCouponHandler({
      merchantId: '1900000001',
      apiV2Key: KEY,
      stocks: STOCKS,
      getOpenid: () => USER,
    })
    ;(c.instance as unknown as SendCouponButtonInstance).setParamsSource(async (stockIds, spent) => {
      seen.push([stockIds, spent])
      const answer = await handler.handle({ method: 'POST', headers: {}, body: JSON.stringify({ stockIds, spent }) })
      return JSON.parse(answer.body)
    })
    await untilSettled(c)
    expect(seen).toEqual([[['S1'], []]])
    expect(verifySendCouponSign(params(c)!, KEY)).toBe(true)
  })
})

describe('the tap and the plugin’s answer', () => {
  it('success with the coupons received; then fresh parameters (the used out_request_no never goes out again)', async () => {
    const c = render({ stockIds: ['S1', 'S2'] })
    await untilSettled(c)
    const before = params(c)!
    await tap(c)
    const [sheet] = pay.plugin.sheets()
    expect(sheet?.send_coupon_params).toEqual(before.send_coupon_params)
    sheet!.confirm()
    await h.flush()
    expect(names()).toEqual(['success', 'complete'])
    const success = h.events[0]![1] as { succeeded: { stockId: string; code: string }[]; failed: unknown[] }
    expect(success.succeeded.map((s) => [s.stockId, s.code])).toEqual([
      ['S1', 'SUCCESS'],
      ['S2', 'SUCCESS'],
    ])
    expect(success.failed).toEqual([])
    expect(pay.state.toasts).toEqual([])
    await untilSettled(c)
    const after = params(c)!
    const used = before.send_coupon_params.map((p) => p.out_request_no)
    expect(after.send_coupon_params.some((p) => used.includes(p.out_request_no))).toBe(false)
    // the result's button: `confirm`
    sheet!.acknowledge()
    await h.flush()
    expect(names()).toEqual(['success', 'complete', 'confirm'])
  })

  it('a pending out_request_no answered after a detach comes back as DUPREQUEST: a success', async () => {
    const first = render({ stockId: 'S1' })
    await untilSettled(first)
    await tap(first)
    first.detach()
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(h.events).toEqual([])
    const again = render({ stockId: 'S1' })
    await untilSettled(again)
    expect(params(again)!.send_coupon_params[0]!.out_request_no).toBe(pay.state.coupons[0]!.outRequestNo)
    await tap(again)
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(names()).toEqual(['success', 'complete'])
    expect((h.events[0]![1] as { succeeded: { code: string }[] }).succeeded[0]!.code).toBe('DUPREQUEST')
    expect(pay.state.coupons).toHaveLength(1)
  })

  it('a closed sheet: no event, the same parameters still in hand, and the next tap takes them', async () => {
    const c = render({ stockId: 'S1' })
    await untilSettled(c)
    const before = params(c)
    await tap(c)
    pay.plugin.sheets()[0]!.close()
    await h.flush()
    expect(h.events).toEqual([])
    expect(params(c)).toEqual(before)
    await tap(c)
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(names()).toEqual(['success', 'complete'])
  })

  it('a sold-out batch: fail with the reason and the coupon, and the toast 已领完', async () => {
    const c = render({ stockId: 'SOLD' })
    await untilSettled(c)
    await tap(c)
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0]![1]).toMatchObject({
      code: 'fail',
      detail: 'NOTENOUGH',
      reason: 'sold_out',
      coupons: [{ stockId: 'SOLD', code: 'NOTENOUGH', received: false }],
    })
    expect(pay.state.toasts).toEqual([{ title: '已领完', icon: 'none', duration: 2000 }])
  })

  it('toast-texts replaces the words; show-toast false shows none', async () => {
    const c = render({ stockId: 'SOLD', toastTexts: { sold_out: '来晚了，券已抢光' } })
    await untilSettled(c)
    await tap(c)
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(pay.state.toasts.map((t) => t.title)).toEqual(['来晚了，券已抢光'])
    const quiet = render({ stockId: 'SOLD', showToast: false })
    await untilSettled(quiet)
    await tap(quiet)
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(pay.state.toasts).toHaveLength(1)
  })

  it('SIGN_ERROR (the server signs with another key): fail naming it, the toast in the user’s words', async () => {
    serverKey = 'w'.repeat(32)
    const c = render({ stockId: 'S1' })
    await untilSettled(c)
    await tap(c)
    pay.plugin.sheets()[0]!.confirm()
    await h.flush()
    expect(h.events[0]).toEqual([
      'fail',
      expect.objectContaining({ code: 'fail', detail: 'SIGN_ERROR', reason: 'failed', errMsg: '签名错误' }),
    ])
    expect(pay.state.toasts.map((t) => t.title)).toEqual(['领取失败，请稍后重试'])
  })

  it('SYSTEMERROR (the plugin timed out): fail, and the same out_request_no comes back, so a retry cannot issue twice', async () => {
    const c = render({ stockId: 'S1' })
    await untilSettled(c)
    const before = params(c)!.send_coupon_params[0]!.out_request_no
    await tap(c)
    pay.plugin.sheets()[0]!.respond({ errcode: 'SYSTEMERROR', msg: '发券超时', send_coupon_result: [] })
    await h.flush()
    expect(h.events[0]![1]).toMatchObject({ code: 'fail', detail: 'SYSTEMERROR', reason: 'failed' })
    await untilSettled(c)
    expect(params(c)!.send_coupon_params[0]!.out_request_no).toBe(before)
  })

  it('a detached tag makes no setData and emits nothing when the answer comes', async () => {
    const c = render({ stockId: 'S1' })
    await untilSettled(c)
    await tap(c)
    await h.expectSilentAfterDetach(c, () => pay.plugin.sheets()[0]!.confirm())
  })
})

describe('when your server cannot be reached', () => {
  it('nothing on load; the tap says 网络异常，请重试 (fail source) and fetches again', async () => {
    failServer = true
    const c = render({ stockId: 'S1' })
    await untilSettled(c)
    expect(params(c)).toBeNull()
    expect(h.events).toEqual([])
    failServer = false
    await tap(c)
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0]![1]).toMatchObject({ code: 'source', reason: 'network' })
    expect(pay.state.toasts.map((t) => t.title)).toEqual(['网络异常，请重试'])
    await untilSettled(c)
    expect(params(c)).not.toBeNull()
  })

  it('商家券 and 代金券 in one tap are refused by the endpoint (400), reported at the tap', async () => {
    const c = render({ stockIds: ['S1', 'F1'] })
    await untilSettled(c)
    await tap(c)
    expect(h.events[0]![1]).toMatchObject({ code: 'source', message: expect.stringMatching(/one kind per call/) })
  })

  it('no params-url nor source: the tap fails invalid, naming the property', async () => {
    const c = render({ stockId: 'S1', paramsUrl: '' })
    await tap(c)
    expect(h.events[0]![1]).toMatchObject({ code: 'invalid', field: 'paramsUrl' })
  })
})

describe('the version guard', () => {
  it('a client below base library 1.9.6: a plain button, the upgrade modal and unsupported on tap', async () => {
    h.useClient({ SDKVersion: '1.9.5' })
    const c = render({ stockId: 'S1' })
    expect(c.querySelector('.coupon-send')).toBeFalsy()
    await tap(c)
    expect(h.events).toEqual([
      ['unsupported', { SDKVersion: '1.9.5', required: '1.9.6' }],
      ['complete', { outcome: 'unsupported' }],
    ])
    expect(h.platform.state.modals).toHaveLength(1)
  })

  it('use-fallback-slot on such a client shows the fallback slot and fetches nothing', async () => {
    h.useClient({ SDKVersion: '1.9.5' })
    const c = render({ stockId: 'S1', useFallbackSlot: true })
    expect(c.data.fallback).toBe(true)
    expect(c.data.loading).toBe(false)
    expect(byTag(c, 'van-button')).toEqual([])
  })
})
