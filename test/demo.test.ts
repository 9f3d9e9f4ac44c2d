/**
 * @jest-environment jsdom
 *
 * The demo that project.config.json opens in WeChat devtools: prepared by scripts/demo.js, its pages run here
 * in miniprogram-simulate from its own miniprogram_npm, and its simulator bundle runs without Node APIs.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import vm from 'vm'
import { byTag, loadComponent, ROOT, simulate } from './helpers/simulate'

const DEMO = path.join(ROOT, 'demo')
type Comp = ReturnType<typeof simulate.render>
const wait = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(ok()).toBe(true)
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/demo.js')], { stdio: 'pipe' })
}, 60000)

it('project.config.json opens demo/ with a tourist appid; every page has its four files', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
  expect([cfg.miniprogramRoot, cfg.appid, cfg.compileType]).toEqual(['demo/', 'touristappid', 'miniprogram'])
  const app = JSON.parse(fs.readFileSync(path.join(DEMO, 'app.json'), 'utf8'))
  expect(app.darkmode).toBe(true)
  for (const p of app.pages) {
    for (const ext of ['.js', '.json', '.wxml', '.wxss'])
      expect([p + ext, fs.existsSync(path.join(DEMO, p + ext))]).toEqual([p + ext, true])
  }
  const npm = path.join(DEMO, 'miniprogram_npm')
  for (const t of [
    'weapp-card-coupon/add-card-button/index.js',
    'weapp-card-coupon/open-card-list/index.js',
    '@vant/weapp/button/index.js',
  ]) {
    expect([t, fs.existsSync(path.join(npm, t))]).toEqual([t, true])
  }
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

describe("pages (Component-built) in miniprogram-simulate from the demo's miniprogram_npm", () => {
  const demo = () => require(path.join(DEMO, 'lib/demo.js')) as { useSimulator(on: boolean, v?: string): void }
  const page = (p: string): Comp => {
    const c = simulate.render(loadComponent(p, DEMO, '/miniprogram_npm/'))
    c.attach(document.createElement('parent-wrapper'))
    return c
  }
  const inner = (c: Comp) => c.querySelector('.van-button')

  it('add page: tap → the simulator adds the card → success in the page log; invalid input names the field', async () => {
    const c = page('pages/add/index')
    demo().useSimulator(true) // what app.js does at launch (after the page module loaded its own demo instance)
    type PageData = { single: { cardExt?: string }; log: { text: string }[] }
    ;(c.instance as unknown as { refresh(): Promise<void> }).refresh()
    await wait(() => !!(c.data as PageData).single.cardExt)
    const buttons = byTag(c, 'add-card-button')
    expect(buttons.length).toBe(5)
    inner(byTag(buttons[0], 'van-button')[0]).dispatchEvent('tap')
    await wait(() => (c.data as PageData).log.some((l) => l.text.startsWith('单张 → success: 1 张成功')))
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    inner(byTag(buttons[3], 'van-button')[0]).dispatchEvent('tap')
    await wait(() => (c.data as PageData).log.some((l) => l.text.includes('cardExt.signature')))
    // the developer also sees which field in the devtools console
    expect(String(errors.mock.calls[0][0])).toContain('cardList[0].cardExt.signature')
    errors.mockRestore()
  })

  it('add page: base library 1.0.9 renders the fallback slot instead of that button', async () => {
    const c = page('pages/add/index')
    demo().useSimulator(true)
    const last = () => byTag(c, 'add-card-button')[4]
    expect(c.dom.textContent).not.toContain('当前微信版本过低，请升级后领取')
    expect(byTag(last(), 'van-button')).toHaveLength(1)
    ;(c.instance as unknown as { onOld(e: { detail: boolean }): void }).onOld({ detail: true })
    await new Promise((r) => setTimeout(r, 0))
    expect(c.dom.textContent).toContain('当前微信版本过低，请升级后领取')
    expect(byTag(last(), 'van-button')).toHaveLength(0)
    expect(byTag(byTag(c, 'add-card-button')[0], 'van-button')).toHaveLength(1) // the others still tap → modal
    demo().useSimulator(true, '3.12.0')
  })

  it('open page: empty and pending lists; a card added through the simulator is listed and opens', async () => {
    const c = page('pages/open/index')
    const d = demo() as ReturnType<typeof demo> & { issue(id: string): Promise<{ cardId: string; cardExt: string }> }
    d.useSimulator(true)
    const lists = byTag(c, 'open-card-list')
    expect(lists).toHaveLength(4)
    expect(lists[3].dom.textContent).toContain('还没有卡券')
    expect(lists[1].dom.textContent).toContain('解码中')
    const card = await d.issue('pDemoCoupon')
    const w = (globalThis as unknown as { wx: { addCard(o: object): void } }).wx
    await new Promise((resolve) => w.addCard({ cardList: [card], complete: resolve }))
    ;(c.instance as unknown as { onShow(): void }).onShow()
    await new Promise((r) => setTimeout(r, 0))
    const rows = byTag(c, 'open-card-list')[0].querySelectorAll('.card-item')
    expect(rows).toHaveLength(1)
    rows[0].dispatchEvent('tap')
    await wait(() =>
      (c.data as { log: { text: string }[] }).log.some((l) =>
        l.text.startsWith('open {"cardList":[{"cardId":"pDemoCoupon"'),
      ),
    )
    // a version switch keeps the card bag (and stock, used nonces): one platform per session
    const dd = d as typeof d & { held(): { cardId: string }[] }
    d.useSimulator(true, '1.0.9')
    d.useSimulator(true)
    expect(dd.held().map((x) => x.cardId)).toEqual(['pDemoCoupon'])
  })
})
