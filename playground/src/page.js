// The playground page: demo sections (or the devtools demo's own pages) in a phone frame, the side panel (view,
// next user action, base library, dark mode), the event log, and the logging `wx` the components call.
const runtime = require('./runtime')
const { setRemoteImageHandler } = require('./builtins')
const { createDemoPages } = require('./pages')
const DEMOS = require('./demos')

// Demo merchant. The cardExt is signed in the page with server/sign.ts only because this is a demo:
// a real api_ticket never leaves your server. Card fields are the simulator's (testing/index.ts SimCard)
// plus what <open-card-list> shows (description, extra).
const APP = {
  apiTicket: 'pg-demo-api-ticket-9Hq2Lx',
  accessToken: 'pg-demo-access-token',
  openid: 'oPlayground-demo-user',
}
const CARDS = [
  {
    key: 'coffee',
    cardId: 'pPlay0Coffee80Percent0000001',
    title: '咖啡 8 折券',
    description: '全场饮品可用 · 30 天有效',
    extra: '8 折',
  },
  {
    key: 'minus',
    cardId: 'pPlay0Minus10For500000000002',
    title: '满 50 减 10',
    description: '绑定本人（cardExt 含 openid）',
    extra: '¥10',
    bindOpenid: true,
  },
  {
    key: 'dessert',
    cardId: 'pPlay0FreeDessert00000000003',
    title: '甜品兑换券',
    description: '每人限领 1 张',
    extra: '兑换',
    getLimit: 1,
  },
  {
    key: 'soldout',
    cardId: 'pPlay0SoldOutTicket000000004',
    title: '限量券',
    description: '库存 0',
    extra: '',
    quantity: 0,
  },
]
// The user spends a moment on WeChat's card page; the simulator answers at once, so the loading state would not show.
const USER_DELAY = 500
const VERSIONS = ['3.12.0', '1.0.9']

const $ = (sel) => document.querySelector(sel)
const short = (v, n = 160) => {
  let s
  try {
    s = JSON.stringify(v) // callbacks drop out; their results get their own lines
  } catch (e) {
    s = String(v)
  }
  s = s === undefined ? '' : s
  return s.length > n ? s.slice(0, n - 1) + '…' : s
}

// ---------------------------------------------------------------- event log

const entries = []
const t0 = performance.now()

function log(kind, text, data) {
  const entry = { kind, text, data, t: Math.round(performance.now() - t0) }
  entries.push(entry)
  const li = document.createElement('li')
  li.className = `pg-log__item pg-log__item--${kind.replace(/\s+/g, '-')}`
  li.dataset.kind = kind
  li.innerHTML = '<time></time><b></b><span></span>'
  li.children[0].textContent = `${(entry.t / 1000).toFixed(2)}s`
  li.children[1].textContent = kind
  li.children[2].textContent = text
  const list = $('#pg-log')
  list.appendChild(li)
  list.scrollTop = list.scrollHeight
  return entry
}

// ---------------------------------------------------------------- wx.showModal as an HTML dialog

function showModal(o = {}) {
  const dialog = $('#pg-modal')
  dialog.querySelector('.pg-modal__title').textContent = o.title || ''
  dialog.querySelector('.pg-modal__content').textContent = o.content || ''
  const cancel = dialog.querySelector('[value=cancel]')
  const confirm = dialog.querySelector('[value=confirm]')
  cancel.hidden = o.showCancel === false
  cancel.textContent = o.cancelText || '取消'
  confirm.textContent = o.confirmText || '确定'
  dialog.returnValue = ''
  dialog.onclose = () => {
    const ok = dialog.returnValue === 'confirm'
    const res = { errMsg: 'showModal:ok', confirm: ok, cancel: !ok }
    if (o.success) o.success(res)
    if (o.complete) o.complete(res)
  }
  dialog.showModal()
}

// ---------------------------------------------------------------- wx

const settings = { action: 'accept', version: VERSIONS[0], dark: false, view: 'sections' }
let createCardPlatform
const platforms = new Map() // one simulated client per base-library version, created on first use

function platformFor(version) {
  if (!platforms.has(version)) platforms.set(version, createCardPlatform({ ...APP, cards: CARDS, SDKVersion: version }))
  return platforms.get(version)
}
const client = () => platformFor(settings.version)

/** Without testing/index.ts the page still renders: the client reports a version and has no card API. */
const noPlatform = ({ SDKVersion }) => ({ wx: { getSystemInfoSync: () => ({ SDKVersion }) }, state: {} })

// What the WeChat client offers besides the card platform (vant needs nextTick/canIUse/createSelectorQuery).
const SHELL = {
  nextTick: (cb) => Promise.resolve().then(cb),
  canIUse: () => true,
  createSelectorQuery: () => ({ in: (component) => component.createSelectorQuery() }),
}

const CARD_APIS = ['addCard', 'openCard']

/**
 * What answers wx calls: the simulated client of the panel's base library, looked up per call (a version switch
 * needs no new wx), and showModal as a dialog.
 */
function clientWx() {
  const base = { ...SHELL }
  for (const [name, f] of Object.entries(client().wx))
    if (typeof f === 'function') base[name] = (...a) => client().wx[name](...a)
  base.showModal = (o) => {
    const own = client().wx.showModal
    // recorded by the simulator (state.modals, no callbacks → it answers a Promise we ignore); answered by the user
    if (typeof own === 'function')
      Promise.resolve(own({ ...o, success: undefined, fail: undefined, complete: undefined })).catch(() => {})
    return showModal(o)
  }
  return base
}

const unwrap = new WeakMap() // logging wrapper → the function it logs

function logged(name, impl, { delay, beforeCardCall }) {
  const quiet = impl === SHELL[name] // framework plumbing (vant's nextTick…), not worth a log line
  return (...args) => {
    const [o] = args
    if (!quiet) log('wx', `wx.${name}(${o === undefined ? '' : short(o, 220)})`, o)
    // queue what the user will do on WeChat's card page
    if (CARD_APIS.includes(name)) beforeCardCall()
    if (o && typeof o === 'object' && !quiet) {
      args[0] = { ...o }
      const wait = CARD_APIS.includes(name) ? delay : 0
      for (const cb of ['success', 'fail', 'complete']) {
        if (typeof o[cb] !== 'function') continue
        args[0][cb] = (res) =>
          setTimeout(() => {
            if (cb !== 'complete')
              log(cb === 'success' ? 'wx-ok' : 'wx-fail', `wx.${name} → ${cb} ${short(res, 400)}`, res)
            o[cb](res)
          }, wait)
      }
    }
    try {
      const r = impl(...args)
      if (quiet || r === undefined) return r
      // promise style (no callbacks, as vant's navigateTo): log the answer, not the pending Promise
      if (r && typeof r.then === 'function') {
        r.then(
          (res) => log('wx-ok', `wx.${name} → ${short(res, 400)}`, res),
          (res) => log('wx-fail', `wx.${name} → rejected ${short(res, 400)}`, res),
        )
      } else log('wx-ok', `wx.${name} → ${short(r)}`, r)
      return r
    } catch (e) {
      if (!quiet) log('wx-fail', `wx.${name} threw ${e && e.message}`)
      throw e
    }
  }
}

/**
 * A global `wx`: `base` answers, every call and callback is written to the log. Code that patches it (demo/lib/demo.js
 * sets wx.addCard…) replaces what answers and stays logged; putting back a function read earlier restores the one
 * under the logging, so nothing is logged twice.
 */
function loggedWx(base, opts) {
  const cache = new Map()
  return new Proxy(base, {
    get(t, name) {
      const impl = t[name]
      if (typeof impl !== 'function' || typeof name !== 'string') return impl
      const hit = cache.get(name)
      if (hit && unwrap.get(hit) === impl) return hit // stable identity: wx.addCard === wx.addCard
      const fn = logged(name, impl, opts)
      unwrap.set(fn, impl)
      cache.set(name, fn)
      return fn
    },
    set(t, name, value) {
      t[name] = unwrap.get(value) || value
      return true
    },
  })
}

let sectionsWx

// ---------------------------------------------------------------- demos

let sign
let hosts = []
const mounted = [] // { demo, root, section }
const wallet = [] // cards the user added: { cardId, title, …, encryptCode, code once decrypted }

const ctx = () => ({
  cards: CARDS,
  card: (key) => CARDS.find((c) => c.key === key),
  wallet: wallet.map(({ encryptCode: _encryptCode, ...c }) => c),
  sign: (card, o = {}) =>
    sign.createCardExt({
      apiTicket: APP.apiTicket,
      cardId: card.cardId,
      openid: card.bindOpenid ? APP.openid : undefined,
      ...o,
    }),
})

function mountAll() {
  const t = performance.now()
  for (const m of mounted.splice(0)) m.root.detach()
  const screen = $('#pg-sections')
  screen.textContent = ''
  const c = ctx()
  for (const host of hosts) {
    const demo = DEMOS.find((d) => d.id === host.id)
    const section = document.createElement('section')
    section.className = 'pg-demo'
    section.dataset.demo = demo.id
    section.innerHTML = '<h2 class="pg-demo__title"></h2><div class="pg-demo__body"></div>'
    section.firstChild.textContent = demo.title
    screen.appendChild(section)
    mounted.push({ demo, section, root: runtime.mount(host, demo.data(c), section.lastChild) })
  }
  const ms = Math.round(performance.now() - t)
  log('page', `mounted ${mounted.length} demos on base library ${settings.version} in ${ms} ms`)
  return ms
}

/** Re-renders hosts with fresh data: `which` picks them (all wallet demos, or the one that just finished). */
function refresh(which) {
  const c = ctx()
  for (const m of mounted) if (which(m)) m.root.setData(m.demo.data(c))
}

/**
 * New cards arrive with WeChat's encrypted code; your server turns it into the code wx.openCard needs
 * (card/code/decrypt). The page plays that server: the rows show 待解码 first, then become openable.
 */
function addToWallet(succeeded) {
  const platform = platformFor(settings.version)
  for (const r of succeeded) {
    const card = CARDS.find((c) => c.cardId === r.cardId) || { cardId: r.cardId }
    wallet.push({
      cardId: r.cardId,
      title: card.title,
      description: card.description,
      extra: card.extra,
      encryptCode: r.code,
    })
  }
  refresh((m) => m.demo.wallet)
  setTimeout(() => {
    for (const w of wallet) {
      if (w.code) continue
      const held = (platform.state.held || []).find((h) => h.encryptCode === w.encryptCode)
      if (held) {
        w.code = held.code
        log('server', `card/code/decrypt ${w.encryptCode.slice(0, 12)}… → ${held.code} (${w.title})`)
      }
    }
    refresh((m) => m.demo.wallet)
  }, 800)
}

function onComponentEvent(tag, caller, name, detail) {
  const section = caller.$$ && caller.$$.closest('.pg-demo')
  const page = !section && caller.$$ && caller.$$.closest('.pg-page')
  const where = section ? ' #' + section.dataset.demo : page ? ' @' + page.dataset.route : ''
  log(`event ${name}`, `<${tag}>${where} ${name} ${short(detail, 400)}`, detail)
  if (!section) return // the devtools demo pages keep their own card bag (demo/lib/demo.js)
  if (tag === 'add-card-button' && name === 'success') addToWallet(detail.succeeded)
  // a signed cardExt (timestamp + nonce_str) is good for one add: sign afresh, as your server would per request
  if (tag === 'add-card-button' && name === 'complete') setTimeout(() => refresh((m) => m.section === section))
}

// ---------------------------------------------------------------- views

let demoPages = null // the devtools demo's pages, when demo/ exists
let sectionsStale = false // the base library changed while the demo pages were shown
let sectionsTitle = '' // the navigation bar's text for the demo sections

function setView(view) {
  if (view === settings.view) return
  settings.view = view
  $('#pg-screen').dataset.view = view
  const sections = view === 'sections'
  log('page', `view → ${sections ? 'demo sections' : 'devtools demo pages'}`)
  if (sections) {
    demoPages.deactivate()
    globalThis.wx = sectionsWx
    $('#pg-sections').hidden = false
    $('.pg-navbar').removeAttribute('style') // the demo's colours
    $('.pg-navbar__title').textContent = sectionsTitle
    $('.pg-navbar__back').hidden = true
    if (sectionsStale) {
      sectionsStale = false
      mountAll()
    }
  } else {
    $('#pg-sections').hidden = true
    demoPages.activate()
  }
}

// ---------------------------------------------------------------- panel

function bindPanel() {
  document.querySelectorAll('input[name=pg-view]').forEach((r) => {
    r.addEventListener('change', () => setView(r.value))
  })
  if (!demoPages) $('#pg-views').hidden = true
  sectionsTitle = $('.pg-navbar__title').textContent
  document.querySelectorAll('input[name=pg-action]').forEach((r) => {
    r.addEventListener('change', () => {
      settings.action = r.value
      log('page', `next user action: ${r.value}`)
    })
  })
  const version = $('#pg-version')
  version.innerHTML = VERSIONS.map((v) => `<option value="${v}">${v}</option>`).join('')
  version.addEventListener('change', () => {
    settings.version = version.value
    log('page', `base library → ${settings.version}: remounting`)
    // the components read the version when attached: remount what is shown, the other view when it is shown next
    if (settings.view === 'sections') mountAll()
    else sectionsStale = true
    if (demoPages) demoPages.versionChanged()
  })
  $('#pg-dark').addEventListener('change', (e) => {
    settings.dark = e.target.checked
    const screen = $('#pg-screen')
    screen.classList.toggle('pg-dark', settings.dark)
    screen.classList.toggle('pg-light', !settings.dark)
    document.documentElement.classList.toggle('pg-page-dark', settings.dark)
    if (demoPages) demoPages.paint()
  })
  $('#pg-clear').addEventListener('click', () => {
    $('#pg-log').textContent = ''
    entries.length = 0
  })
}

// ---------------------------------------------------------------- boot

function boot(opts) {
  const t = performance.now()
  // for playground/test/browser.test.js
  const status = { ready: false, error: null, entries, settings, app: { apiTicket: APP.apiTicket, cards: CARDS } }
  window.__pg = status
  try {
    if (opts.platform) {
      const mod = opts.platform.load()
      createCardPlatform = mod.createCardPlatform
      if (typeof createCardPlatform !== 'function')
        throw new Error(`${opts.platform.source} does not export createCardPlatform`)
    } else {
      createCardPlatform = noPlatform
    }
    $('#pg-source').textContent = opts.platform ? opts.platform.source : 'none — testing/index.ts not found'
    sign = opts.sign()
    const remote = new Set()
    setRemoteImageHandler(
      (src) =>
        remote.has(src) || (remote.add(src), log('page', `remote image kept off the network, drawn locally: ${src}`)),
    )
    // wx must exist before the component modules run: vant reads getSystemInfoSync at load time
    sectionsWx = loggedWx(clientWx(), {
      delay: USER_DELAY,
      beforeCardCall: () => typeof client().nextUserAction === 'function' && client().nextUserAction(settings.action),
    })
    globalThis.wx = sectionsWx
    runtime.registerGraph(opts.graph, opts.loaders, onComponentEvent)
    hosts = opts.hosts
    if (opts.demo) {
      demoPages = createDemoPages({
        demo: opts.demo,
        container: $('#pg-pages'),
        navbar: { el: $('.pg-navbar'), title: $('.pg-navbar__title'), back: $('.pg-navbar__back') },
        settings,
        log,
        // the demo answers at once unless its own 慢速应答 switch is on, so no user delay here
        makeWx: (navigation) =>
          loggedWx(
            { ...clientWx(), ...navigation },
            {
              delay: 0,
              beforeCardCall: () =>
                demoPages.queueUserAction(
                  (a) => typeof client().nextUserAction === 'function' && client().nextUserAction(a),
                ),
            },
          ),
      })
    }
    bindPanel()
    status.mountMs = mountAll()
    status.bootMs = Math.round(performance.now() - t)
    status.ready = true
  } catch (e) {
    status.error = String((e && e.stack) || e)
    log('error', String((e && e.message) || e))
    throw e
  }
}

window.addEventListener('error', (e) => log('error', String(e.message)))
window.addEventListener('unhandledrejection', (e) =>
  log('error', `unhandled rejection: ${(e.reason && e.reason.message) || e.reason}`),
)

module.exports = { boot }
