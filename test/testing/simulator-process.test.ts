// The simulator as its own process (the package's bin, built: dist/testing/bin/simulator.js) and its own endpoints
// for a page in another process (testing/page-bridge.ts, under /simulator/).
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process'
import { createServer } from 'net'
import fs from 'fs'
import path from 'path'
import { Wechatpay } from 'wechatpay-axios-plugin'
import { createCardExt } from '../../server'
import { listBusifavorCoupons } from '../../server/pay/busifavor'
import { signSendCouponParams } from '../../server/pay/sign'
import {
  createCardPlatform,
  createPayPlatform,
  FIXTURE_ACCOUNT,
  FIXTURE_CARDS,
  FIXTURE_MINI_PROGRAM,
  FIXTURE_PAY,
  FIXTURE_USERS,
  fixturePayPlatformOptions,
  fixturePlatformOptions,
  type Listening,
} from '../../testing'

const BIN = path.resolve(__dirname, '../../dist/testing/bin/simulator.js')
/** The user as WeChat Pay knows them in the simulator: their mini-program openid (under FIXTURE_MINI_PROGRAM). */
const USER_MINI_OPENID = FIXTURE_USERS[0]!.miniOpenid

/** Starts the bin; resolves once it has printed everything up to "Ctrl-C stops it.". */
/** Every simulator process a test started: one still running after its test (it failed early) is stopped (SIGTERM: it removes its key folder). */
const running = new Set<ChildProcessWithoutNullStreams>()
afterEach(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  running.clear()
})

function startBin(...args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args])
  running.add(child)
  let output = ''
  const printed = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('Ctrl-C stops it.')) resolve(output)
    })
    child.stderr.on('data', (chunk) => (output += chunk))
    child.once('exit', () => reject(new Error(`the simulator exited:\n${output}`)))
  })
  return { child, printed }
}
const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe('npx weapp-card-coupon-simulator', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'prints its URL, the AppID, secret and card ids; answers WeChat and the pages; stops on %s with 0, the port free',
    async (signal) => {
      const port = await freePort()
      const { child, printed } = startBin('--port', String(port))
      const output = await printed
      const url = `http://127.0.0.1:${port}`
      expect(output).toContain(`weapp-card-coupon simulator: ${url}`)
      const users = FIXTURE_USERS.flatMap((u) => [u.openid, u.miniOpenid, u.unionid])
      const mini = [FIXTURE_MINI_PROGRAM.appid, FIXTURE_MINI_PROGRAM.secret]
      for (const shown of [
        FIXTURE_ACCOUNT.appid,
        FIXTURE_ACCOUNT.secret,
        ...mini,
        ...users,
        ...FIXTURE_CARDS.map((c) => c.cardId),
      ])
        expect(output).toContain(shown)
      const token = await post(`${url}/cgi-bin/stable_token`, { grant_type: 'client_credential', ...FIXTURE_ACCOUNT })
      expect(await token.json()).toMatchObject({ access_token: FIXTURE_ACCOUNT.accessToken })
      const cards = await (await fetch(`${url}/simulator/cards`)).json()
      expect(cards).toEqual({ cards: FIXTURE_CARDS })
      const stopped = exited(child)
      child.kill(signal)
      expect(await stopped).toBe(0)
      // the port is free again
      await new Promise<void>((resolve, reject) => {
        const again = createServer().once('error', reject)
        again.listen(port, '127.0.0.1', () => again.close(() => resolve()))
      })
    },
  )

  it("serves WeChat Pay's APIv3 too: the printed merchant, test keys and batches let the real SDK read it", async () => {
    const { child, printed } = startBin('--pay-port=0')
    const output = await printed
    // the lines a server's environment takes, as printed (NAME=value)
    const env = Object.fromEntries(
      [...output.matchAll(/^ {2}(WECHATPAY_\w+|MINIPROGRAM_APPID|STOCK_IDS)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    )
    expect(env).toMatchObject({
      WECHATPAY_MCHID: FIXTURE_PAY.merchantId,
      WECHATPAY_APIV2_KEY: FIXTURE_PAY.apiV2Key,
      MINIPROGRAM_APPID: FIXTURE_MINI_PROGRAM.appid,
      STOCK_IDS: FIXTURE_PAY.stocks.map((stock) => stock.stockId).join(','),
    })
    expect(output).toContain(`WeChat Pay's 商家券 APIv3: ${env.WECHATPAY_BASE_URL}`)
    // keys are files, never printed
    expect(output).not.toContain('PRIVATE KEY')
    const client = new Wechatpay({
      mchid: env.WECHATPAY_MCHID!,
      serial: env.WECHATPAY_SERIAL!,
      privateKey: fs.readFileSync(env.WECHATPAY_PRIVATE_KEY_FILE!),
      certs: { [env.WECHATPAY_PUBLIC_KEY_ID!]: fs.readFileSync(env.WECHATPAY_PUBLIC_KEY_FILE!) },
      baseURL: env.WECHATPAY_BASE_URL!,
    })
    const page = await listBusifavorCoupons({ client, openid: USER_MINI_OPENID, appid: env.MINIPROGRAM_APPID! })
    expect(output).toContain(`(their mini-program openid): ${USER_MINI_OPENID}`)
    expect(page).toMatchObject({ coupons: [], totalCount: 0 })
    const stopped = exited(child)
    child.kill('SIGINT')
    expect(await stopped).toBe(0)
    expect(fs.existsSync(path.dirname(env.WECHATPAY_PRIVATE_KEY_FILE!))).toBe(false)
  })

  it('refuses a bad --port (exit 2) and a port in use (exit 1), saying which', async () => {
    const bad = startBin('--port', 'eighty')
    bad.printed.catch(() => undefined)
    expect(await exited(bad.child)).toBe(2)
    const taken = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => taken.once('listening', resolve))
    const { port } = taken.address() as { port: number }
    const busy = startBin('--port', String(port))
    let said = ''
    busy.child.stderr.on('data', (chunk) => (said += chunk))
    busy.printed.catch(() => undefined)
    expect(await exited(busy.child)).toBe(1)
    expect(said).toContain(`port ${port} is in use`)
    const payBusy = startBin('--pay-port', String(port))
    let paySaid = ''
    payBusy.child.stderr.on('data', (chunk) => (paySaid += chunk))
    payBusy.printed.catch(() => undefined)
    expect(await exited(payBusy.child)).toBe(1)
    expect(paySaid).toContain(`port ${port} is in use: pass another with --pay-port N`)
    taken.close()
  })
})

describe('the page bridge: listen({ pageBridge: true })', () => {
  const platform = createCardPlatform(fixturePlatformOptions())
  let api: Listening
  beforeAll(async () => {
    api = await platform.listen({ pageBridge: true })
  })
  afterAll(() => api.close())
  const card = (cardId: string) => ({
    cardId,
    cardExt: createCardExt({ apiTicket: FIXTURE_ACCOUNT.apiTicket, cardId }),
  })
  const answer = async (response: Promise<Response>) => {
    const r = await response
    return [r.status, await r.json()]
  }

  it("answers what wx.addCard / wx.openCard would, against the card bag WeChat's API reads; the user may cancel", async () => {
    const [status, added] = await answer(post(`${api.url}/simulator/wx/addCard`, { cardList: [card('pDemoCoupon')] }))
    expect([status, added.errMsg, added.cardList[0].isSuccess]).toEqual([200, 'addCard:ok', true])
    expect(platform.state.held[0]?.encryptCode).toBe(added.cardList[0].code)
    const { code } = platform.state.held[0] ?? { code: '' }
    const opened = post(`${api.url}/simulator/wx/openCard`, { cardList: [{ cardId: 'pDemoCoupon', code }] })
    expect(await answer(opened)).toEqual([200, { errMsg: 'openCard:ok' }])
    const cancelled = post(`${api.url}/simulator/wx/addCard`, {
      cardList: [card('pDemoVoucher')],
      userAction: 'cancel',
    })
    expect(await answer(cancelled)).toEqual([200, { errMsg: 'addCard:fail cancel' }])
    expect(await answer(post(`${api.url}/simulator/wx/addCard`, {}))).toEqual([
      200,
      { errMsg: 'addCard:fail parameter error: parameter.cardList should be Array instead of Undefined;' },
    ])
  })

  it("answers what wx.scanCode would on the counter's phone: by default the user's newest usable card, else what it is shown", async () => {
    const scan = (body: object) => answer(post(`${api.url}/simulator/wx/scanCode`, body))
    const newest = [...platform.state.held].reverse().find((h) => h.status === 'NORMAL')
    if (!newest) throw new Error('the user should hold a usable card')
    const raw = (text: string) => Buffer.from(text).toString('base64')
    expect(await scan({})).toEqual([
      200,
      { errMsg: 'scanCode:ok', result: newest.code, scanType: 'QR_CODE', charSet: 'UTF-8', rawData: raw(newest.code) },
    ])
    expect(await scan({ show: { text: 'hello' } })).toEqual([
      200,
      { errMsg: 'scanCode:ok', result: 'hello', scanType: 'QR_CODE', charSet: 'UTF-8', rawData: raw('hello') },
    ])
    expect(await scan({ show: 'cancel' })).toEqual([200, { errMsg: 'scanCode:fail cancel' }])
    const [status, refused] = await scan({ show: { card: { cardId: 'pDemoCoupon', code: 'none' } } })
    expect([status, refused.error]).toEqual([400, 'scanner.nextScan: no user holds a card pDemoCoupon with code none'])
  })

  it("the hands: a card's state, a failed request, the clock; refusals are 400, 404 or 405 with the reason", async () => {
    const { cardId, code } = platform.state.held[0] ?? { cardId: '', code: '' }
    expect(await answer(post(`${api.url}/simulator/card-status`, { cardId, code, status: 'CONSUMED' }))).toEqual([
      200,
      { ok: true },
    ])
    expect(platform.state.held[0]?.status).toBe('CONSUMED')
    const before = platform.now()
    await post(`${api.url}/simulator/advance-time`, { ms: 1000 })
    expect(platform.now() - before).toBeGreaterThanOrEqual(1000)
    await post(`${api.url}/simulator/fail-next-request`, { api: 'getticket' })
    const ticket = await fetch(`${api.url}/cgi-bin/ticket/getticket?access_token=x&type=wx_card`)
    expect(await ticket.json()).toEqual({ errcode: -1, errmsg: 'system error' })
    const refusals = await Promise.all([
      answer(post(`${api.url}/simulator/card-status`, { cardId, code: 'none', status: 'CONSUMED' })),
      answer(post(`${api.url}/simulator/wx/addCard`, 'not json')),
      answer(post(`${api.url}/simulator/wx/addCard`, { cardList: [], userAction: 'maybe' })),
      answer(fetch(`${api.url}/simulator/nothing`)),
      answer(fetch(`${api.url}/simulator/wx/addCard`)),
    ])
    expect(refusals.map(([status, body]) => [status, Object.keys(body)])).toEqual([
      [400, ['error']],
      [400, ['error']],
      [400, ['error']],
      [404, ['error']],
      [405, ['error']],
    ])
    expect(refusals[0]?.[1].error).toMatch(/holds no card/)
  })

  it("with a pay platform, the plugin stand-in's confirmed sheet: WeChat Pay's answer, the coupon issued; without one, 404", async () => {
    const pay = createPayPlatform(fixturePayPlatformOptions())
    const withPay = await platform.listen({ pageBridge: true, payPlatform: pay })
    try {
      const stockId = FIXTURE_PAY.stocks[0].stockId
      const props = {
        send_coupon_params: [{ stock_id: stockId, out_request_no: 'SCdemo0001' }],
        send_coupon_merchant: FIXTURE_PAY.merchantId,
      }
      const sign = signSendCouponParams(props, FIXTURE_PAY.apiV2Key)
      const sheet = (body: object) => answer(post(`${withPay.url}/simulator/plugin/send-coupon`, body))
      const [status, sent] = await sheet({ ...props, sign })
      expect([status, sent.errcode, sent.send_coupon_result[0].code]).toEqual([200, 'OK', 'SUCCESS'])
      expect(pay.state.coupons.map((c) => [c.openid, c.stockId, c.couponCode])).toEqual([
        [USER_MINI_OPENID, stockId, sent.send_coupon_result[0].coupon_code],
      ])
      // the plugin judges what it is given: a wrong sign is its SIGN_ERROR, not a refused request
      expect(await sheet({ ...props, sign: '0'.repeat(64) })).toEqual([
        200,
        { errcode: 'SIGN_ERROR', msg: '签名错误', send_coupon_result: [] },
      ])
      expect((await post(`${api.url}/simulator/plugin/send-coupon`, { ...props, sign })).status).toBe(404)
    } finally {
      await withPay.close()
    }
  })

  it('stays off without pageBridge: /simulator/ is then an unknown path, as for WeChat', async () => {
    const plain = await platform.listen()
    try {
      expect((await fetch(`${plain.url}/simulator/cards`)).status).toBe(404)
    } finally {
      await plain.close()
    }
  })
})
