/**
 * @jest-environment jsdom
 *
 * The framework's built page (process.env.MINIPROGRAM_ROOT: Taro's dist/, uni-app's dist/build/mp-weixin/), run
 * in miniprogram-simulate with WeChat's official compiler through the package's own helper, as a user's test would:
 * the framework's app and page, our tags as the build placed them, vant's real templates. The page (same in both
 * frameworks) gives <add-card-button> props, sets its card source through selectComponent when ready, shows the
 * `success` event's detail, and fills <open-card-list>'s `empty` slot. frameworks/run.ts runs it.
 */
import fs from 'fs'
import http from 'http'
import type { AddressInfo } from 'net'
import path from 'path'
import { createCardExtHandler } from 'weapp-card-coupon/server'
import {
  FIXTURE_ACCOUNT,
  createCardPlatform,
  fixturePlatformOptions,
  installRequest,
  renderPage,
  request,
  type SimulatedComponent,
} from 'weapp-card-coupon/testing'

const ROOT = process.env.MINIPROGRAM_ROOT ?? ''
const CARD_ID = 'pDemoCoupon'

/** Resolves once `condition()` holds (the frameworks render asynchronously), else fails after 5 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > 5000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const text = (node: SimulatedComponent | undefined) => node?.dom?.textContent ?? ''

test('the built page: props, the success event and its detail, a slot, a method through selectComponent', async () => {
  const platform = createCardPlatform(fixturePlatformOptions())
  const cardExtRequests: string[] = []
  const handler = createCardExtHandler({
    getOpenid: () => FIXTURE_ACCOUNT.openid,
    getTicket: async () => FIXTURE_ACCOUNT.apiTicket,
    cards: { [CARD_ID]: {} },
  })
  const server = http.createServer((req, res) => {
    cardExtRequests.push(`${req.method} ${req.url}`)
    void handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  // wx.request over Node's http (jsdom has no fetch), `https://your.server` being the server above
  const undoRequest = installRequest()
  const wx = (globalThis as unknown as { wx: { request: typeof request } }).wx
  wx.request = (options) => request({ ...options, url: options.url.replace('https://your.server', base) })
  const undo = platform.install(undefined, { all: true })
  try {
    const page = renderPage('pages/index/index', { root: ROOT, app: true })
    await until(() => Boolean(page.querySelector('#add')), 'the page to mount <add-card-button>')
    const button = page.querySelector('#add')!
    const list = page.querySelector('#list')!

    // props, as the framework passed them
    expect(button.data).toMatchObject({ text: '领取优惠券', cardIds: [CARD_ID] })
    expect(text(button)).toContain('领取优惠券')
    // the page's CSS variables reach the tag: their class is on the tag's node or around it
    expect(page.querySelector('.coupon-button')?.dom?.contains(button.dom)).toBe(true)
    expect(fs.readFileSync(path.join(ROOT, 'pages/index/index.wxss'), 'utf8')).toMatch(
      /\.coupon-button\s*\{[^}]*--card-primary-color:\s*#ee0a24/,
    )
    // the empty slot, filled by the page
    expect(list.data.cards).toEqual([])
    expect(text(list)).toContain('还没有卡券，先领一张吧')

    // a tap: the source the page set through selectComponent asks the server, WeChat adds the card
    button.querySelector('.card-add')!.querySelector('.van-button')!.dispatchEvent('tap')
    await until(() => text(page).includes('已领取 1 张'), 'the success event to reach the page')
    expect(cardExtRequests).toEqual(['POST /card-ext'])
    expect(platform.state.held).toMatchObject([{ cardId: CARD_ID }])
    // the event's detail, as the page handed it to <open-card-list>
    await until(() => (list.data.cards as unknown[]).length === 1, 'the list to show the card')
    expect(list.data.cards).toEqual([{ cardId: CARD_ID, title: '优惠券' }])
    expect(text(list)).not.toContain('还没有卡券')
    page.detach()
  } finally {
    undo()
    undoRequest()
    await new Promise((resolve) => server.close(resolve))
  }
})
