#!/usr/bin/env node
// `npm run test:browser` (not part of `npm test`): builds and serves the playground, drives it in headless
// Debian Chromium through playwright-core, and saves screenshots to playground/.out/screenshots/.
// Every request that is not for 127.0.0.1 is aborted and fails the run.
const fs = require('fs')
const os = require('os')
const path = require('path')
const assert = require('assert/strict')
const esbuild = require('esbuild')
const { chromium } = require('playwright-core')
const { build, OUT } = require('../build')
const { serve } = require('../server')

const ROOT = path.resolve(__dirname, '../..')
const SHOTS = path.join(OUT, 'screenshots')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const tests = []
const test = (name, fn) => tests.push({ name, fn })
const has = (tag) => fs.existsSync(path.join(ROOT, 'components', tag, 'index.json'))

/** server/sign.ts for node, to check the page's signatures with node's own crypto. */
function nodeSign() {
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [path.join(ROOT, 'server/sign.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
  })
  const m = { exports: {} }
  new Function('module', 'exports', 'require', outputFiles[0].text)(m, m.exports, require)
  return m.exports
}

let page
const offHost = []
const pageErrors = []
const figures = {}

// ---------------------------------------------------------------- helpers

const entries = () => page.evaluate(() => window.__pg.entries.map(({ kind, text, data }) => ({ kind, text, data })))
const mark = async () => (await entries()).length

/** Waits until an entry after `since` matches kind (and text), returns it. */
async function waitEntry(since, kind, text = '', timeout = 5000) {
  const h = await page
    .waitForFunction(
      ([since, kind, text]) => window.__pg.entries.slice(since).find((e) => e.kind === kind && e.text.includes(text)),
      [since, kind, text],
      { timeout },
    )
    .catch(async () => {
      const tail = (await entries())
        .slice(since)
        .map((e) => `${e.kind} ${e.text}`)
        .join('\n  ')
      throw new Error(`no "${kind}" entry containing "${text}" after #${since}; got:\n  ${tail}`)
    })
  return h.jsonValue()
}

const since = async (n, kind, text = '') =>
  (await entries()).slice(n).filter((e) => e.kind === kind && e.text.includes(text))
const demo = (id) => page.locator(`[data-demo="${id}"]`)
const shot = (name, locator = page.locator('.pg-phone')) => locator.screenshot({ path: path.join(SHOTS, name) })
const setAction = (a) => page.check(`input[name=pg-action][value=${a}]`)

// ---------------------------------------------------------------- tests

test('page loads: every demo mounted, custom-class linked, vant primary colour', async () => {
  assert.equal(await page.evaluate(() => window.__pg.error), null)
  const ids = await page.$$eval('.pg-demo', (els) => els.map((e) => e.dataset.demo))
  assert.ok(ids.includes('add-single') && ids.includes('add-fallback'), ids.join())
  if (has('open-card-list')) assert.ok(ids.includes('open-normal') && ids.includes('open-empty'), ids.join())
  // external class resolved through the owner (bundle-time exparser patch): literal custom-class would stay otherwise
  const cls = await demo('add-single').locator('wx-button').first().getAttribute('class')
  assert.match(cls, /\bpg-shadow\b/)
  assert.doesNotMatch(cls, /\bcustom-class\b/)
  // our own class sits on van-button's host, where vant's variables are set
  assert.match(await demo('add-single').locator('van-button').first().getAttribute('class'), /\bcard-add\b/)
  const bg = await demo('add-single')
    .locator('wx-button')
    .first()
    .evaluate((el) => getComputedStyle(el).backgroundColor)
  assert.equal(bg, 'rgb(7, 193, 96)') // vant primary #07c160
  await shot('01-initial.png')
})

test('add-card-button: a click makes one wx.addCard, shows loading, the simulator answers success', async () => {
  const n = await mark()
  const t = Date.now()
  await demo('add-single').locator('add-card-button').first().click()
  const call = await waitEntry(n, 'wx', 'wx.addCard(')
  await demo('add-single').locator('.van-button--loading').first().waitFor({ timeout: 2000 })
  await shot('02-loading.png', demo('add-single'))
  const ok = await waitEntry(n, 'event success')
  figures.clickToSuccessMs = Date.now() - t
  // the new card is listed at once, as 待解码 until the (page-played) server has decrypted its code
  if (has('open-card-list')) await demo('open-normal').locator('.card-pending').first().waitFor({ timeout: 700 })
  await waitEntry(n, 'event complete')
  await page.locator('#pg-log li[data-kind="event success"]', { hasText: '#add-single' }).waitFor() // shown, not just recorded
  assert.equal((await since(n, 'wx', 'wx.addCard(')).length, 1)
  assert.equal(ok.data.succeeded.length, 1)
  // the cardExt was signed in the page (sha1 shim); node's crypto must agree
  const [item] = call.data.cardList
  const { apiTicket } = await page.evaluate(() => window.__pg.app)
  assert.ok(
    nodeSign().verifyCardExt(item.cardExt, { apiTicket, cardId: item.cardId }),
    'signature verifies with node crypto',
  )
})

test("cancel on WeChat's card page → cancel event", async () => {
  await setAction('cancel')
  const n = await mark()
  await demo('add-single').locator('add-card-button').first().click()
  await waitEntry(n, 'wx-fail', 'addCard:fail cancel')
  await waitEntry(n, 'event cancel')
  await setAction('accept')
})

test('card list (Enter on the focused button) and partial success', async () => {
  let n = await mark()
  await demo('add-list').locator('wx-button').focus()
  await page.keyboard.press('Enter')
  const list = await waitEntry(n, 'event success')
  assert.equal(list.data.succeeded.length, 2)
  n = await mark()
  await demo('add-partial').locator('add-card-button').click()
  const partial = await waitEntry(n, 'event success')
  assert.equal(partial.data.succeeded.length, 2)
  assert.deepEqual(
    partial.data.failed.map((c) => c.cardId),
    [await page.evaluate(() => window.__pg.app.cards.find((c) => c.key === 'soldout').cardId)],
  )
})

test('invalid input never reaches wx.addCard; a bad signature fails at WeChat', async () => {
  let n = await mark()
  await demo('add-invalid').locator('add-card-button').first().click()
  const bad = await waitEntry(n, 'event fail')
  assert.equal(bad.data.code, 'invalid')
  assert.equal(bad.data.field, 'cardExt.timestamp')
  assert.equal((await since(n, 'wx', 'wx.addCard(')).length, 0)
  n = await mark()
  await demo('add-signature').locator('add-card-button').click()
  const sig = await waitEntry(n, 'event fail')
  assert.equal(sig.data.code, 'fail')
  assert.match(sig.data.errMsg, /签名错误/)
})

test('open-card-list: added cards appear (待解码 → decrypted) and open', async () => {
  if (!has('open-card-list')) return
  const rows = demo('open-normal').locator('.card-item')
  await page.waitForFunction(
    () => document.querySelectorAll('[data-demo="open-normal"] .card-item:not(.card-pending)').length >= 5,
    null,
    { timeout: 5000 },
  )
  assert.equal(await rows.count(), 5) // single + list (2) + partial (2)
  const n = await mark()
  await rows.first().click()
  const call = await waitEntry(n, 'wx', 'wx.openCard(')
  const opened = await waitEntry(n, 'event open')
  assert.match(call.data.cardList[0].code, /^\d{12}$/) // the decrypted code, not the encrypted one
  assert.equal(opened.data.cardList.length, 1)
  await shot('03-added.png')
  // the overview for docs/: buttons and the list on the phone, the log beside it
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: path.join(SHOTS, '00-overview.png') })
})

test('open-card-list selectable: pick two, open them together', async () => {
  if (!has('open-card-list')) return
  const sel = demo('open-selectable')
  await sel.locator('.van-checkbox__icon').nth(0).click()
  await sel.locator('.van-checkbox__icon').nth(2).click()
  await page.waitForFunction(
    () => !document.querySelector('[data-demo="open-selectable"] .card-bar .van-button--disabled'),
  )
  await shot('04-selectable-checked.png', sel)
  const n = await mark()
  await sel.locator('.card-bar wx-button').click()
  const call = await waitEntry(n, 'wx', 'wx.openCard(')
  assert.equal(call.data.cardList.length, 2)
  await waitEntry(n, 'event open')
})

test('base library 1.0.9: components remount, fallback slot shows, tap → unsupported + upgrade modal', async () => {
  const n = await mark()
  await page.selectOption('#pg-version', '1.0.9')
  await waitEntry(n, 'page', 'mounted')
  await demo('add-fallback').locator('.pg-fallback').waitFor()
  assert.equal(await demo('add-fallback').locator('wx-button').count(), 0)
  if (has('open-card-list')) await demo('open-normal').locator('.pg-fallback').waitFor()
  await shot('05-fallback-1.0.9.png')
  const m = await mark()
  await demo('add-single').locator('add-card-button').first().click()
  await waitEntry(m, 'event unsupported')
  await page.locator('#pg-modal[open]').waitFor()
  assert.match(await page.locator('.pg-modal__content').textContent(), /版本过低/)
  assert.equal((await since(m, 'wx', 'wx.addCard(')).length, 0)
  await page.screenshot({ path: path.join(SHOTS, '06-upgrade-modal.png') })
  await page.click('#pg-modal button[value=confirm]')
  await page
    .locator('#pg-modal[open]')
    .waitFor({ state: 'detached' })
    .catch(() => page.locator('#pg-modal:not([open])').waitFor())
  await page.selectOption('#pg-version', '3.12.0')
})

test('dark mode maps prefers-color-scheme: dark onto the phone screen', async () => {
  await page.check('#pg-dark')
  const btn = demo('add-single').locator('wx-button').nth(1) // type="default"
  assert.equal(await btn.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(44, 44, 46)')
  await shot('07-dark.png')
  await page.uncheck('#pg-dark')
  assert.equal(await btn.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 255, 255)')
})

// ---------------------------------------------------------------- the devtools demo (demo/) in the phone frame

const demoPage = (route) => page.locator(`.pg-page[data-route="${route}"]`)
const navTitle = () => page.locator('.pg-navbar__title').textContent()
const bgOf = (locator) => locator.evaluate((el) => getComputedStyle(el).backgroundColor)

test("devtools demo pages: app.js launches, index → add through the cell, tap → success in the page's own log", async () => {
  let n = await mark()
  await page.check('input[name=pg-view][value=pages]')
  await waitEntry(n, 'page', 'onLaunch')
  const index = demoPage('pages/index/index')
  await index.waitFor()
  assert.ok(await page.locator('#pg-sections').isHidden())
  assert.equal(await navTitle(), 'weapp-card-coupon') // the page's navigationBarTitleText
  assert.ok(await page.locator('.pg-navbar__back').isHidden())
  // app.js onLaunch → demo.useSimulator(true): the page's switch shows it
  await index.locator('.van-switch--on').waitFor()
  n = await mark()
  await index.locator('van-cell', { hasText: 'add-card-button' }).click()
  await waitEntry(n, 'wx', 'wx.navigateTo({"url":"/pages/add/index"}')
  await waitEntry(n, 'wx-ok', 'navigateTo:ok')
  const add = demoPage('pages/add/index')
  await add.waitFor()
  assert.ok(await index.isHidden())
  assert.equal(await navTitle(), '添加到卡包')
  assert.ok(await page.locator('.pg-navbar__back').isVisible())
  assert.equal(await add.locator('add-card-button').count(), 5)
  n = await mark()
  await add.locator('add-card-button').first().click()
  // demo/lib/demo.js patched wx.addCard onto its own simulator: the call is still logged, and answered there
  const call = await waitEntry(n, 'wx', 'wx.addCard(')
  assert.equal(call.data.cardList[0].cardId, 'pDemoCoupon')
  await waitEntry(n, 'wx-ok', 'addCard:ok')
  await waitEntry(n, 'event success', '@pages/add/index')
  await add.locator('.log', { hasText: '单张 → success: 1 张成功，0 张失败' }).waitFor()
  await shot('08-demo-pages.png')
})

test('devtools demo pages: back, open page lists the added card, tap → open', async () => {
  await page.click('.pg-navbar__back')
  const index = demoPage('pages/index/index')
  await index.waitFor()
  assert.equal(await demoPage('pages/add/index').count(), 0) // unloaded
  assert.equal(await navTitle(), 'weapp-card-coupon')
  let n = await mark()
  await index.locator('van-cell', { hasText: 'open-card-list' }).click()
  await waitEntry(n, 'wx-ok', 'navigateTo:ok')
  const open = demoPage('pages/open/index')
  await open.waitFor()
  const rows = open.locator('open-card-list').first().locator('.card-item')
  await rows.first().waitFor()
  assert.equal(await rows.count(), 1) // the card added on the add page (onShow reads the demo's card bag)
  assert.match(await rows.first().textContent(), /满100减20/)
  n = await mark()
  await rows.first().click()
  const call = await waitEntry(n, 'wx', 'wx.openCard(')
  assert.equal(call.data.cardList[0].cardId, 'pDemoCoupon')
  await waitEntry(n, 'event open', '@pages/open/index')
  await open.locator('.log', { hasText: 'open {"cardList":[{"cardId":"pDemoCoupon"' }).waitFor()
  await shot('09-demo-pages-open.png')
})

test('devtools demo pages: dark mode, base library 1.0.9; back to the sections, which still work', async () => {
  const open = demoPage('pages/open/index')
  await page.check('#pg-dark')
  assert.equal(await bgOf(open), 'rgb(0, 0, 0)') // app.wxss `page` in prefers-color-scheme: dark
  assert.equal(await bgOf(page.locator('.pg-navbar')), 'rgb(28, 28, 30)') // theme.json dark navBg
  await shot('10-demo-pages-dark.png')
  await page.uncheck('#pg-dark')
  assert.equal(await bgOf(open), 'rgb(247, 248, 250)')
  // the panel's version is the client's: the demo's simulator reports it and the pages load again
  let n = await mark()
  await page.selectOption('#pg-version', '1.0.9')
  await waitEntry(n, 'page', '→ pages/open/index')
  await open.locator('open-card-list').first().locator('.card-item').first().click()
  await waitEntry(n, 'event unsupported', '@pages/open/index')
  await page.locator('#pg-modal[open]').waitFor()
  await page.click('#pg-modal button[value=confirm]')
  await page.selectOption('#pg-version', '3.12.0')
  // the sections come back with their own wx (not the demo's patched one), remounted for the version change
  n = await mark()
  await page.check('input[name=pg-view][value=sections]')
  await waitEntry(n, 'page', 'mounted')
  assert.ok(await page.locator('#pg-pages').isHidden())
  assert.equal(await navTitle(), '卡券组件 Playground')
  n = await mark()
  await demo('add-single').locator('add-card-button').first().click()
  const call = await waitEntry(n, 'wx', 'wx.addCard(')
  assert.match(call.data.cardList[0].cardId, /^pPlay0/)
  await waitEntry(n, 'event success', '#add-single')
})

test('nothing left 127.0.0.1 and the page threw nothing', async () => {
  assert.deepEqual(offHost, [])
  assert.deepEqual(pageErrors, [])
  assert.deepEqual(
    (await entries()).filter((e) => e.kind === 'error'),
    [],
  )
})

// ---------------------------------------------------------------- runner

async function main() {
  const t0 = Date.now()
  figures.buildMs = (await build({ quiet: true })).ms
  fs.mkdirSync(SHOTS, { recursive: true })
  const { server, url } = await serve(0)
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-chromium-'))
  let t = Date.now()
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 900 },
    deviceScaleFactor: 1,
  })
  figures.chromiumStartMs = Date.now() - t
  let passed = 0
  let failed = 0
  try {
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url())
      if (u.protocol === 'data:' || u.hostname === '127.0.0.1') return route.continue()
      offHost.push(u.href)
      return route.abort()
    })
    page = context.pages()[0] || (await context.newPage())
    page.on('pageerror', (e) => pageErrors.push(e.message))
    t = Date.now()
    await page.goto(url)
    await page.waitForFunction(() => window.__pg && (window.__pg.ready || window.__pg.error), null, { timeout: 15000 })
    figures.pageLoadMs = Date.now() - t
    Object.assign(figures, await page.evaluate(() => ({ bootMs: window.__pg.bootMs, mountMs: window.__pg.mountMs })))
    for (const { name, fn } of tests) {
      const ts = Date.now()
      try {
        await fn()
        passed++
        console.log(`  ✓ ${name} (${Date.now() - ts} ms)`)
      } catch (e) {
        failed++
        console.log(
          `  ✗ ${name}\n    ${String((e && e.stack) || e)
            .split('\n')
            .slice(0, 6)
            .join('\n    ')}`,
        )
        await page
          .screenshot({
            path: path.join(SHOTS, `failed-${tests.findIndex((x) => x.name === name)}.png`),
            fullPage: true,
          })
          .catch(() => {})
      }
    }
  } finally {
    await context.close()
    server.close()
    fs.rmSync(profile, { recursive: true, force: true })
  }
  figures.totalMs = Date.now() - t0
  console.log(
    `  ${Object.entries(figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  )
  console.log(`  screenshots: ${path.relative(process.cwd(), SHOTS)}/`)
  console.log(`${passed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
