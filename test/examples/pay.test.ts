/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * examples/pay, as the docs quote it, runs: its server (node examples/pay/server.mjs, the package's Node entry and
 * the real APIv3 SDK) over HTTP against the WeChat Pay simulator; its page from the miniprogram_npm that 构建 npm
 * makes, with the simulator's stand-in for the plugin; its back-office script 核销 a coupon.
 */
import { execFile, spawn, type ChildProcess } from 'child_process'
import fs from 'fs'
import { createServer as createNetServer, type AddressInfo } from 'net'
import path from 'path'
import { promisify } from 'util'
import { verifySendCouponSign } from '../../server/pay/sign'
import {
  createCardPlatform,
  createPayPlatform,
  sendCouponStandIn,
  type Listening,
  type PayPlatform,
} from '../../testing'
import type { SendCouponPluginParams } from '../../utils'
import { byTag, loadComponent, ROOT, simulate } from '../helpers/simulate'

const { CONSUMER, RUN_DIR, packageFixture } = require('../setup/package-fixture.js') as {
  CONSUMER: string
  RUN_DIR: string
  packageFixture(): Promise<unknown>
}

const EXAMPLE = path.join(ROOT, 'examples/pay')
const WORK = path.join(RUN_DIR, 'pay-example')
const KEY = 'e'.repeat(32)
const STOCK_ID = '1212000000000001'
const SESSION = 'dev-session-token'
const OPENID = 'oExampleUser'
let pay: PayPlatform
let api: Listening
let server: ChildProcess
let base = ''
let env: NodeJS.ProcessEnv = {}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })

beforeAll(async () => {
  pay = createPayPlatform({ apiV2Key: KEY, openid: OPENID, stocks: [{ stockId: STOCK_ID, maxPerUser: 2 }] })
  api = await pay.listen()
  fs.rmSync(WORK, { recursive: true, force: true })
  fs.mkdirSync(WORK, { recursive: true })
  const [keyId, publicKey] = Object.entries(pay.merchant.certs)[0]!
  fs.writeFileSync(path.join(WORK, 'apiclient_key.pem'), pay.merchant.privateKey)
  fs.writeFileSync(path.join(WORK, 'pub_key.pem'), publicKey)
  const port = await freePort()
  env = {
    ...process.env,
    PORT: String(port),
    MINIPROGRAM_APPID: pay.merchant.appid,
    WECHATPAY_MCHID: pay.merchant.mchid,
    WECHATPAY_APIV2_KEY: KEY,
    WECHATPAY_SERIAL: pay.merchant.serial,
    WECHATPAY_PRIVATE_KEY_FILE: path.join(WORK, 'apiclient_key.pem'),
    WECHATPAY_PUBLIC_KEY_ID: keyId,
    WECHATPAY_PUBLIC_KEY_FILE: path.join(WORK, 'pub_key.pem'),
    WECHATPAY_BASE_URL: api.url,
    STOCK_IDS: STOCK_ID,
    DEV_SESSION: SESSION,
    DEV_MINI_OPENID: OPENID,
  }
  server = spawn(process.execPath, [path.join(EXAMPLE, 'server.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  server.stderr!.on('data', (chunk) => (stderr += chunk))
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => /listening on/.test(String(chunk)) && resolve())
    server.on('exit', (code) => reject(new Error(`examples/pay/server.mjs exited ${code}: ${stderr}`)))
  })
  base = `http://127.0.0.1:${port}`
}, 60_000)

afterAll(async () => {
  server?.kill()
  await api?.close()
})

const post = (route: string, body: unknown, token = SESSION) =>
  fetch(base + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })

describe('examples/pay/server.mjs', () => {
  it('POST /send-coupon: parameters the plugin accepts (signed with the APIv2 key); no session, 401', async () => {
    const res = await post('/send-coupon', { stockIds: [STOCK_ID] })
    expect(res.status).toBe(200)
    const params = (await res.json()) as SendCouponPluginParams
    expect(params.send_coupon_merchant).toBe(pay.merchant.mchid)
    expect(verifySendCouponSign(params, KEY)).toBe(true)
    expect((await post('/send-coupon', { stockIds: [STOCK_ID] }, 'someone-else')).status).toBe(401)
  })
})

describe('examples/pay/pages/coupon in miniprogram-simulate, from 构建 npm, against the server', () => {
  const APP = path.join(WORK, 'app')
  let card: ReturnType<typeof createCardPlatform>
  const undo: (() => void)[] = []
  beforeAll(async () => {
    await packageFixture()
    fs.mkdirSync(APP, { recursive: true })
    fs.cpSync(path.join(EXAMPLE, 'pages'), path.join(APP, 'pages'), { recursive: true })
    fs.cpSync(path.join(EXAMPLE, 'app.json'), path.join(APP, 'app.json'))
    fs.cpSync(path.join(CONSUMER, 'miniprogram_npm'), path.join(APP, 'miniprogram_npm'), { recursive: true })
  }, 300_000)
  afterEach(() => undo.splice(0).forEach((u) => u()))

  it('the tap issues the coupon through the plugin; the page lists it, usable; the back office 核销 it', async () => {
    const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx
    card = createCardPlatform({ apiTicket: 't', accessToken: 'a', openid: OPENID, cards: [] })
    undo.push(card.install(wx, { all: true, request: true }))
    undo.push(pay.install(wx))
    // the page's https://your.server is the example server; its login token is the development session
    const request = wx.request as (o: { url: string }) => unknown
    wx.request = (o: { url: string }) => request({ ...o, url: o.url.replace('https://your.server', base) })
    const getStorageSync = wx.getStorageSync
    wx.getStorageSync = (key: string) => (key === 'token' ? SESSION : undefined)
    undo.push(() => {
      wx.request = request
      wx.getStorageSync = getStorageSync
    })
    // Page(): a Component whose methods are the page's functions, onLoad when attached
    type PageOptions = { data?: object } & Record<string, unknown>
    const g = globalThis as unknown as { Page?: (o: PageOptions) => void; Component(o: object): void }
    g.Page = ({ data, ...rest }) => {
      const methods = Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === 'function'))
      g.Component({
        data,
        methods,
        lifetimes: {
          attached(this: { onLoad(): void }) {
            this.onLoad()
          },
        },
      })
    }
    undo.push(() => delete g.Page)
    const standIn = simulate.load(sendCouponStandIn())
    const id = loadComponent('pages/coupon/index', APP, '/miniprogram_npm/', {
      'plugin://sendCoupon/send-coupon': standIn,
    })
    const page = simulate.render(id)
    page.attach(document.createElement('parent-wrapper'))
    // a fetch still on its way must not set data after the test
    undo.unshift(() => page.detach())
    const button = byTag(page, 'send-coupon-button')[0]
    const until = async (ok: () => boolean) => {
      const deadline = Date.now() + 10_000
      while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      expect(ok()).toBe(true)
    }
    await until(() => !!button.data.params)
    byTag(button, 'van-button')[0]?.querySelector('.van-button')?.dispatchEvent('tap')
    await until(() => pay.plugin.sheets().length === 1)
    pay.plugin.sheets()[0]!.confirm()
    await until(() => (page.data.coupons as unknown[]).length === 1)
    expect(page.data.coupons).toEqual([
      {
        stockId: STOCK_ID,
        couponCode: pay.state.coupons[0]!.couponCode,
        state: 'SENDED',
        stockName: `商家券 ${STOCK_ID}`,
      },
    ])
    const list = byTag(page, 'pay-coupon-list')[0]
    expect(list?.querySelectorAll('.coupon-action').map((n) => n.dom.textContent)).toEqual(['去使用'])
    // a tap on the usable coupon: the page shows its code for the cashier
    list?.querySelector('.coupon-item')?.dispatchEvent('tap')
    await until(() => card.state.modals.length === 1)
    expect(card.state.modals[0]).toMatchObject({ title: '出示给店员', content: pay.state.coupons[0]!.couponCode })

    const run = promisify(execFile)
    const script = path.join(EXAMPLE, 'use-coupon.mjs')
    const scriptEnv = { ...env, COUPON_CODE: pay.state.coupons[0]!.couponCode, ORDER_ID: '20260101001', OPENID }
    const first = await run(process.execPath, [script], { env: scriptEnv })
    const again = await run(process.execPath, [script], { env: scriptEnv })
    expect(JSON.parse(first.stdout)).toMatchObject({ stockId: STOCK_ID, openid: OPENID })
    expect(again.stdout).toBe(first.stdout)
    expect(first.stderr + again.stderr).toBe('')
    ;(page.instance as unknown as { loadCoupons(): void }).loadCoupons()
    await until(() => (page.data.coupons as { state: string }[])[0]?.state === 'USED')
    expect(list?.querySelectorAll('.coupon-action').map((n) => n.dom.textContent)).toEqual(['已使用'])
  }, 120000)
})
