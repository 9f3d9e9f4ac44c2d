// The demo (demo/, the mini-program WeChat devtools opens) in the phone frame: its own app.js, pages and
// demo/lib/demo.js, a page stack driven by wx.navigateTo / redirectTo / reLaunch / navigateBack, and the navigation
// bar its json asks for.
const runtime = require('./runtime')

const MAX_PAGES = 10 // WeChat's page stack limit

let appInstance = null
globalThis.App = (definition) => {
  appInstance = definition
}
globalThis.getApp = () => appInstance

function joinRoute(from, rel) {
  const parts = from.split('/').slice(0, -1)
  for (const p of rel.split('/')) {
    if (p === '..') parts.pop()
    else if (p && p !== '.') parts.push(p)
  }
  return parts.join('/')
}

/**
 * `demo`: { pages (from build.js), app() }; `container`: where pages go; `navbar`: { el, title, back };
 * `settings`: the panel's (dark); `log`. Returns `navigation` (the wx APIs of the page stack), `launch()`,
 * `paint()` (the navigation bar, after a dark-mode switch) and `stack()`.
 */
function createDemoPages({ demo, container, navbar, settings, log }) {
  const byRoute = new Map(demo.pages.map((p) => [p.route, p]))
  const stack = [] // { route, query, el, root }
  const top = () => stack[stack.length - 1]

  // ---------------------------------------------------------------- page lifecycle

  // Pages built with Component() take the page lifecycles in `methods`; components inside get pageLifetimes.
  function lifecycle(page, name, ...args) {
    const inst = page.root.instance
    if (typeof inst[name] === 'function') inst[name](...args)
    if (name === 'onShow' || name === 'onHide') page.root.triggerPageLifeTime(name === 'onShow' ? 'show' : 'hide')
  }

  function load(route, query) {
    const el = document.createElement('div')
    el.className = 'pg-page'
    el.dataset.route = route
    container.appendChild(el)
    const root = runtime.mountPage(byRoute.get(route).path, el)
    Object.assign(root.instance, { route, options: query })
    const page = { route, query, el, root }
    stack.push(page) // before onLoad: getCurrentPages() includes the page being loaded
    lifecycle(page, 'onLoad', query)
    lifecycle(page, 'onShow')
    lifecycle(page, 'onReady')
    paint()
    window.scrollTo(0, 0)
    log(
      'page',
      `→ ${route}${Object.keys(query).length ? ' ' + new URLSearchParams(query) : ''} (stack ${stack.length})`,
    )
  }

  function hide(page) {
    lifecycle(page, 'onHide')
    page.el.hidden = true
  }

  function unload(page) {
    lifecycle(page, 'onUnload')
    page.root.detach()
    page.el.remove()
    stack.splice(stack.indexOf(page), 1)
  }

  function back(delta) {
    for (let i = 0; i < delta; i++) unload(top())
    top().el.hidden = false
    lifecycle(top(), 'onShow')
    paint()
    log('page', `← ${top().route} (stack ${stack.length})`)
  }

  // ---------------------------------------------------------------- wx navigation

  function target(url) {
    const [p, qs = ''] = String(url || '').split('?')
    const route = p.startsWith('/') ? p.slice(1) : joinRoute(top() ? top().route : '', p)
    return { route, query: Object.fromEntries(new URLSearchParams(qs)) }
  }

  /** Answers like the client: later, success/fail then complete; a Promise when no callback is given. */
  function answer(api, o, work) {
    const opts = o && typeof o === 'object' ? o : {}
    const callbacks = ['success', 'fail', 'complete'].some((k) => typeof opts[k] === 'function')
    const done = new Promise((resolve, reject) =>
      setTimeout(() => {
        const problem = work(opts) // a string when the call is refused; the page's own errors are thrown, not answered
        const res = { errMsg: `${api}:${problem ? 'fail ' + problem : 'ok'}` }
        if (problem && opts.fail) opts.fail(res)
        if (!problem && opts.success) opts.success(res)
        if (opts.complete) opts.complete(res)
        if (problem) reject(res)
        else resolve(res)
      }),
    )
    if (!callbacks) return done
    done.catch(() => {})
    return undefined
  }

  const open = (api, replace) => (o) =>
    answer(api, o, ({ url }) => {
      const t = target(url)
      if (!byRoute.has(t.route)) return `page "${t.route}" is not found`
      if (replace === 'all') while (stack.length) unload(top())
      else if (replace) unload(top())
      else if (stack.length >= MAX_PAGES) return 'webview count limit exceed'
      else hide(top())
      load(t.route, t.query)
      return ''
    })

  const navigation = {
    navigateTo: open('navigateTo', false),
    redirectTo: open('redirectTo', true),
    reLaunch: open('reLaunch', 'all'),
    navigateBack: (o) =>
      answer('navigateBack', o, ({ delta = 1 }) => {
        if (stack.length < 2) return 'cannot navigate back at first page.'
        back(Math.min(Math.max(1, delta | 0), stack.length - 1))
        return ''
      }),
  }

  // ---------------------------------------------------------------- navigation bar

  function paint() {
    if (!top()) return
    const { title, nav } = byRoute.get(top().route)
    const colours = nav[settings.dark ? 'dark' : 'light']
    navbar.title.textContent = title
    navbar.back.hidden = stack.length < 2
    Object.assign(navbar.el.style, { background: colours.bg, color: colours.fg, borderColor: 'transparent' })
  }

  navbar.back.addEventListener('click', () => {
    if (stack.length < 2) return
    log('page', 'navigation bar: back')
    back(1)
  })

  // ---------------------------------------------------------------- launch

  /** Launches the demo as WeChat would: app.js onLaunch and onShow, then the first page. */
  function launch() {
    demo.app()
    const options = { path: demo.pages[0].route, query: {}, scene: 1001 }
    if (appInstance && appInstance.onLaunch) appInstance.onLaunch(options)
    if (appInstance && appInstance.onShow) appInstance.onShow(options)
    log('page', 'demo launched (app.js onLaunch)')
    load(demo.pages[0].route, {})
  }

  runtime.setCurrentPages(() => stack.map((p) => p.root.instance))

  return { navigation, launch, paint, stack: () => stack.map((p) => p.route) }
}

module.exports = { createDemoPages }
