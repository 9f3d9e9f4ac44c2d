// The playground page: the demo's pages (demo/) in a phone frame, the side panel (next user action, base library,
// dark mode), the event log, and the logging `wx` the pages and components call. The card APIs on that `wx` are
// the simulator's, installed by the demo itself (demo/app.js → demo/lib/demo.js); wx.request goes over HTTP, to the
// card server and the simulator process through this page's own server (playground/server.ts).
const runtime = require('./runtime')
const { setRemoteImageHandler } = require('./builtins')
const { createDemoPages } = require('./pages')

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

// ---------------------------------------------------------------- wx.showToast, wx.request, storage

function showToast(o = {}) {
  const toast = $('#pg-toast')
  toast.textContent = o.title || ''
  toast.hidden = false
  clearTimeout(showToast.timer)
  showToast.timer = setTimeout(() => (toast.hidden = true), o.duration || 1500)
  const res = { errMsg: 'showToast:ok' }
  if (o.success) o.success(res)
  if (o.complete) o.complete(res)
}

const queryOf = (data) =>
  new URLSearchParams(
    Object.entries(data).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  ).toString()

/** wx.request over the browser's fetch, with the client's contract: success for every HTTP status, JSON parsed. */
function request(o) {
  const method = (o.method || 'GET').toUpperCase()
  let url = o.url
  let body
  if (method === 'GET' && o.data && typeof o.data === 'object') url += (url.includes('?') ? '&' : '?') + queryOf(o.data)
  else if (o.data !== undefined) body = typeof o.data === 'string' ? o.data : JSON.stringify(o.data)
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), o.timeout || 60000)
  const finish = (callback, res) => {
    clearTimeout(timer)
    if (callback) callback(res)
    if (o.complete) o.complete(res)
  }
  fetch(url, { method, body, headers: { 'content-type': 'application/json', ...o.header }, signal: controller.signal })
    .then(async (response) => {
      const text = await response.text()
      let data = text
      try {
        data = JSON.parse(text)
      } catch {
        // not JSON: the client hands over the text
      }
      const header = Object.fromEntries(response.headers.entries())
      finish(o.success, { data, statusCode: response.status, header, errMsg: 'request:ok' })
    })
    .catch((error) =>
      finish(o.fail, { errMsg: `request:fail ${controller.signal.aborted ? 'timeout' : error.message}` }),
    )
  return { abort: () => controller.abort() }
}

const storage = new Map()

// ---------------------------------------------------------------- wx

const settings = { action: 'accept', dark: false }

// What the browser offers as a WeChat client before the demo installs the simulator: no card API (the real
// platform is not reachable from here), a current base library, and what vant needs (nextTick, canIUse,
// createSelectorQuery). Framework plumbing, so not logged.
const BROWSER_CLIENT = {
  nextTick: (cb) => Promise.resolve().then(cb),
  canIUse: () => true,
  createSelectorQuery: () => ({ in: (component) => component.createSelectorQuery() }),
  getSystemInfoSync: () => ({ SDKVersion: '3.12.0', platform: 'devtools', windowWidth: 375, pixelRatio: 2 }),
  getAppBaseInfo: () => ({ SDKVersion: '3.12.0' }),
}

const CARD_APIS = ['addCard', 'openCard']

const unwrap = new WeakMap() // logging wrapper → the function it logs

function logged(name, impl, beforeCardCall) {
  const quiet = impl === BROWSER_CLIENT[name]
  return (...args) => {
    const [o] = args
    if (!quiet) log('wx', `wx.${name}(${o === undefined ? '' : short(o, 220)})`, o)
    // queue what the user will do on WeChat's card page
    if (CARD_APIS.includes(name)) beforeCardCall()
    if (o && typeof o === 'object' && !quiet) {
      args[0] = { ...o }
      for (const cb of ['success', 'fail']) {
        if (typeof o[cb] !== 'function') continue
        args[0][cb] = (res) => {
          log(cb === 'success' ? 'wx-ok' : 'wx-fail', `wx.${name} → ${cb} ${short(res, 400)}`, res)
          o[cb](res)
        }
      }
    }
    try {
      const r = impl(...args)
      // a call with callbacks is answered through them (what it returns, e.g. wx.request's task, is not news)
      const callbacks =
        o && typeof o === 'object' && ['success', 'fail', 'complete'].some((k) => typeof o[k] === 'function')
      if (quiet || r === undefined || callbacks) return r
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
 * The global `wx`: `base` answers, every call and callback is written to the log. What code puts on it (the
 * simulator's install() defines wx.addCard…) answers from then on and is logged too; putting back a function read
 * earlier restores the one under the logging, so nothing is logged twice.
 */
function loggedWx(base, beforeCardCall) {
  const cache = new Map()
  return new Proxy(base, {
    get(t, name) {
      const impl = t[name]
      if (typeof impl !== 'function' || typeof name !== 'string') return impl
      const hit = cache.get(name)
      if (hit && unwrap.get(hit) === impl) return hit // stable identity: wx.addCard === wx.addCard
      const fn = logged(name, impl, beforeCardCall)
      unwrap.set(fn, impl)
      cache.set(name, fn)
      return fn
    },
    set(t, name, value) {
      t[name] = unwrap.get(value) || value
      return true
    },
    defineProperty(t, name, descriptor) {
      const value = unwrap.get(descriptor.value)
      return Reflect.defineProperty(t, name, value ? { ...descriptor, value } : descriptor)
    },
  })
}

function onComponentEvent(tag, caller, name, detail) {
  const page = caller.$$ && caller.$$.closest('.pg-page')
  log(`event ${name}`, `<${tag}>${page ? ' @' + page.dataset.route : ''} ${name} ${short(detail, 400)}`, detail)
}

// ---------------------------------------------------------------- panel

/** `lib` is demo/lib/demo.js: its simulator is the client whose version the panel shows and sets. */
function bindPanel(lib, demoPages) {
  document.querySelectorAll('input[name=pg-action]').forEach((r) => {
    r.addEventListener('change', () => {
      settings.action = r.value
      log('page', `next user action: ${r.value}`)
    })
  })
  const version = $('#pg-version')
  version.innerHTML = [lib.CURRENT_VERSION, lib.OLD_VERSION].map((v) => `<option value="${v}">${v}</option>`).join('')
  const showVersion = () => {
    version.value = lib.version()
    version.disabled = !lib.isSimulated() // the real client's version is not ours to set
  }
  lib.onChange(showVersion)
  showVersion()
  version.addEventListener('change', () => {
    log('page', `base library → ${version.value}`)
    lib.setVersion(version.value)
  })
  $('#pg-dark').addEventListener('change', (e) => {
    settings.dark = e.target.checked
    const screen = $('#pg-screen')
    screen.classList.toggle('pg-dark', settings.dark)
    screen.classList.toggle('pg-light', !settings.dark)
    document.documentElement.classList.toggle('pg-page-dark', settings.dark)
    demoPages.paint()
  })
  $('#pg-clear').addEventListener('click', () => {
    $('#pg-log').textContent = ''
    entries.length = 0
  })
}

// ---------------------------------------------------------------- boot

function boot(opts) {
  const t = performance.now()
  // for playground/test/browser.test.ts
  const status = { ready: false, error: null, entries, settings }
  window.__pg = status
  try {
    const remote = new Set()
    setRemoteImageHandler(
      (src) =>
        remote.has(src) || (remote.add(src), log('page', `remote image kept off the network, drawn locally: ${src}`)),
    )
    const demoPages = createDemoPages({
      demo: opts.demo,
      container: $('#pg-pages'),
      navbar: { el: $('.pg-navbar'), title: $('.pg-navbar__title'), back: $('.pg-navbar__back') },
      settings,
      log,
    })
    let lib = null
    // the demo's servers, through this page's own server (one origin: no CORS)
    Object.assign(opts.demo.config(), {
      serverUrl: location.origin + opts.proxied.server,
      simulatorUrl: location.origin + opts.proxied.simulator,
    })
    const client = {
      ...BROWSER_CLIENT,
      showModal,
      showToast,
      request,
      setStorageSync: (key, value) => void storage.set(key, value),
      getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
      ...demoPages.navigation,
    }
    // wx must exist before the component modules run: vant reads getSystemInfoSync at load time
    globalThis.wx = loggedWx(client, () => {
      // the panel's choice, queued on the demo's simulated client (as its own "下一次：用户取消" switch does)
      if (settings.action === 'cancel') lib.nextUserAction('cancel')
    })
    runtime.registerGraph(opts.graph, opts.loaders, onComponentEvent)
    lib = opts.demo.lib()
    demoPages.launch()
    bindPanel(lib, demoPages)
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
