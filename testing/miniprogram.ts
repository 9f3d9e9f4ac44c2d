// Your own page or component, rendered in jest with miniprogram-simulate (an optional peer: install it yourself):
// npm paths of usingComponents resolved as WeChat resolves them (after 构建 npm, or straight from node_modules
// before it), Page({...}) run like a component, and wx.request over Node's http (jsdom has no fetch).
import fs from 'fs'
import http from 'http'
import https from 'https'
import os from 'os'
import path from 'path'
import { relatedComponents } from '../cli/component-graph'
import type { RequestOption, RequestSuccessCallbackResult, RequestTask } from './wx'

// ------------------------------------------------------------------ miniprogram-simulate, typed structurally
// (its own .d.ts pulls an old copy of miniprogram-api-typings: these are the parts used here)

/** A rendered component or page, as miniprogram-simulate gives it (j-component's wrapper). */
export interface SimulatedComponent {
  /** The rendered DOM node (jsdom): read `textContent`, `innerHTML`. */
  dom: { textContent: string | null; innerHTML: string; contains(other: unknown): boolean } | undefined
  /** The component's data, as the template sees it. */
  data: Record<string, unknown>
  /** `this` of the page or component: its methods, `setData`, `selectComponent`. */
  instance: Record<string, unknown> & {
    setData(data: Record<string, unknown>, callback?: () => void): void
    selectComponent(selector: string): Record<string, unknown> | null
  }
  querySelector(selector: string): SimulatedComponent | undefined
  querySelectorAll(selector: string): SimulatedComponent[]
  setData(data: Record<string, unknown>, callback?: () => void): void
  /** A user's gesture or a custom event on this node: `dispatchEvent('tap')`. */
  dispatchEvent(eventName: string, options?: { detail?: unknown; bubbles?: boolean; composed?: boolean }): void
  triggerLifeTime(name: string): void
  triggerPageLifeTime(name: string, ...args: unknown[]): void
  attach(parent: unknown): void
  detach(): void
}

interface SimulateModule {
  load(
    componentPath: string,
    options: {
      rootPath: string
      compiler: 'official'
      usingComponents: Record<string, string>
      compilerOptions: { wxmlList: string[]; wxsList: string[] }
    },
  ): string
  render(id: string, properties?: Record<string, unknown>): SimulatedComponent
  sleep(ms?: number): Promise<void>
}

/** jest's module registry (present in every module jest runs): each load runs the components' JS afresh. */
declare const jest: { isolateModules(fn: () => void): void } | undefined

let simulateModule: SimulateModule | undefined
/** miniprogram-simulate, loaded on first use (an optional peer: only tests that render need it). */
function simulate(): SimulateModule {
  if (!simulateModule) {
    try {
      // an optional peer, loaded when first used (by a name a bundler does not follow: the facade that re-exports
      // this file is also bundled for the mini-program and the browser, where it never runs)
      const name = 'miniprogram-simulate'
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
      simulateModule = require(name) as SimulateModule
    } catch (error) {
      throw new Error(
        'weapp-card-coupon/testing: rendering a page needs miniprogram-simulate (and miniprogram-compiler for WeChat’s ' +
          `own wcc): npm i -D miniprogram-simulate miniprogram-compiler (${error instanceof Error ? error.message : error})`,
        { cause: error },
      )
    }
  }
  return simulateModule
}

// ------------------------------------------------------------------ the component graph, as WeChat resolves it

/** Where the render reads its mini-program from. */
export interface MiniProgramOptions {
  /** The mini-program root: the folder of app.json (project.config.json's `miniprogramRoot`). */
  root: string
  /**
   * Run the root's app.js first, so `App({...})` is registered and `getApp()` answers it (default false). A Taro or
   * uni-app build needs it: its pages start from the app.
   */
  app?: boolean | undefined
}

/** A package found in node_modules for an npm path (构建 npm not run): staged as miniprogram_npm/<name>. */
interface StagedPackage {
  name: string
  /** The folder 构建 npm would copy: the package's `miniprogram` folder (else miniprogram_dist, else the package). */
  dir: string
}

const exists = (file: string) => fs.existsSync(file)
const isComponent = (file: string) => exists(file + '.json') && (exists(file + '.js') || exists(file + '.ts'))

/** `@vant/weapp/button/index` → ['@vant/weapp', 'button/index']. */
function splitNpmPath(npmPath: string): [string, string] {
  const parts = npmPath.split('/')
  const size = npmPath.startsWith('@') ? 2 : 1
  return [parts.slice(0, size).join('/'), parts.slice(size).join('/')]
}

/** The package folder Node would find for `name` from `dir` (node_modules of `dir` and every folder above it). */
function nodeModulesPackage(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules', name)
    if (exists(path.join(candidate, 'package.json'))) return candidate
    if (path.dirname(at) === at) return undefined
  }
}

/**
 * A mini-program as miniprogram-simulate loads it: paths relative to the root (`pages/a/index`,
 * `miniprogram_npm/weapp-card-coupon/add-card-button/index`), the packages taken from node_modules, and the real
 * file behind each path.
 */
class MiniProgramView {
  readonly staged = new Map<string, StagedPackage>()

  constructor(readonly root: string) {}

  /** The real file of a root-relative path. */
  real(relative: string): string {
    const [first, ...rest] = relative.split('/')
    if (first === 'miniprogram_npm') {
      const inside = rest.join('/')
      for (const [name, pkg] of this.staged) {
        if (inside === name || inside.startsWith(name + '/')) return path.join(pkg.dir, inside.slice(name.length))
      }
    }
    return path.join(this.root, relative)
  }

  /**
   * A usingComponents value of the component at `from` (root-relative), resolved root-relative: relative and
   * absolute paths as written; an npm path in the nearest miniprogram_npm from the component's folder up to the
   * root (WeChat's rule), else in node_modules as 构建 npm would copy it.
   */
  resolve(from: string, target: string): string {
    if (target.startsWith('/')) return path.posix.normalize(target.slice(1))
    if (target.startsWith('.')) return path.posix.join(path.posix.dirname(from), target)
    for (let dir = path.posix.dirname(from); ; dir = path.posix.dirname(dir)) {
      for (const candidate of [`${dir}/miniprogram_npm/${target}`, `${dir}/miniprogram_npm/${target}/index`]) {
        const relative = path.posix.normalize(candidate).replace(/^\.\//, '')
        if (isComponent(this.real(relative))) return relative
      }
      if (dir === '.' || dir === '/' || dir === '') break
    }
    const [name, inside] = splitNpmPath(target)
    const found = nodeModulesPackage(name, path.dirname(this.real(from)))
    if (!found) throw new Error(`${from}.json: ${target} is neither in a miniprogram_npm nor in node_modules`)
    const manifest = JSON.parse(fs.readFileSync(path.join(found, 'package.json'), 'utf8')) as { miniprogram?: string }
    const dir = [manifest.miniprogram, 'miniprogram_dist']
      .filter((d): d is string => Boolean(d))
      .map((d) => path.join(found, d))
      .find(exists)
    this.staged.set(name, { name, dir: dir ?? found })
    const relative = `miniprogram_npm/${name}/${inside || 'index'}`
    return isComponent(this.real(relative)) ? relative : `${relative}/index`
  }

  read(relative: string): string {
    return fs.readFileSync(this.real(relative), 'utf8')
  }
}

/** The components a component's JS relates to (vant's useParent/useChildren), root-relative. */
function relatedOf(view: MiniProgramView, component: string): string[] {
  const js = view.real(component + '.js')
  if (!exists(js)) return []
  return relatedComponents(fs.readFileSync(js, 'utf8')).map((r) => path.posix.join(path.posix.dirname(component), r))
}

/** Every .wxml and .wxs a template reaches (<import>, <include>, <wxs src>, require() in wxs), root-relative. */
function templateFiles(view: MiniProgramView, wxml: string, out: Set<string>): void {
  if (out.has(wxml) || !exists(view.real(wxml))) return
  out.add(wxml)
  const text = view.read(wxml)
  const from = path.posix.dirname(wxml)
  const at = (src: string) => (src.startsWith('/') ? src.slice(1) : path.posix.join(from, src))
  for (const [, src] of text.matchAll(/<(?:import|include|wxs)\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) {
    const file = at(src!)
    if (file.endsWith('.wxs')) templateFiles(view, file, out)
    else templateFiles(view, file.endsWith('.wxml') ? file : file + '.wxml', out)
  }
  for (const [, src] of text.matchAll(/\brequire\(\s*["']([^"']+\.wxs)["']\s*\)/g)) templateFiles(view, at(src!), out)
}

interface Graph {
  /** tag → root-relative absolute path ('/pages/a/index'), for simulate's usingComponents. */
  tags: Record<string, string>
  wxml: string[]
  wxs: string[]
}

/** Walks the components `entry` reaches (usingComponents and vant's relations), resolving every path once. */
function componentGraph(view: MiniProgramView, entry: string): Graph {
  const tags: Record<string, string> = {}
  const files = new Set<string>()
  const seen = new Set<string>()
  const visit = (component: string) => {
    if (seen.has(component)) return
    seen.add(component)
    templateFiles(view, component + '.wxml', files)
    const json = JSON.parse(view.read(component + '.json')) as { usingComponents?: Record<string, string> }
    const using = Object.entries(json.usingComponents ?? {}).filter(([, target]) => !target.startsWith('plugin://'))
    const next: [string, string][] = [
      ...using.map(([tag, target]): [string, string] => [tag, view.resolve(component, target)]),
      ...relatedOf(view, component).map((r): [string, string] => [
        `van-${path.posix.basename(path.posix.dirname(r))}`,
        r,
      ]),
    ]
    for (const [tag, target] of next) {
      if (!isComponent(view.real(target))) throw new Error(`${component}.json: ${tag} (${target}) is not a component`)
      const absolute = '/' + target
      if (tags[tag] && tags[tag] !== absolute) {
        throw new Error(
          `<${tag}> names two components (${tags[tag]}, ${absolute}): miniprogram-simulate maps a tag to one component per render`,
        )
      }
      tags[tag] = absolute
      visit(target)
    }
  }
  visit(entry)
  return {
    tags,
    wxml: [...files].filter((f) => f.endsWith('.wxml')),
    wxs: [...files].filter((f) => f.endsWith('.wxs')),
  }
}

/**
 * A folder that shows the root as WeChat would after 构建 npm: every entry of the root linked, and miniprogram_npm
 * holding the root's own packages and those taken from node_modules. Removed when the process exits.
 */
function stage(view: MiniProgramView): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-simulate-'))
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  const link = (target: string, at: string) =>
    fs.symlinkSync(target, at, fs.statSync(target).isDirectory() ? 'junction' : 'file')
  for (const entry of fs.readdirSync(view.root)) {
    if (entry === 'miniprogram_npm' && view.staged.size) continue
    link(path.join(view.root, entry), path.join(dir, entry))
  }
  if (view.staged.size) {
    const npm = path.join(dir, 'miniprogram_npm')
    fs.mkdirSync(npm)
    const own = path.join(view.root, 'miniprogram_npm')
    if (exists(own)) for (const entry of fs.readdirSync(own)) link(path.join(own, entry), path.join(npm, entry))
    for (const { name, dir: source } of view.staged.values()) {
      const at = path.join(npm, name)
      fs.mkdirSync(path.dirname(at), { recursive: true })
      if (!exists(at)) link(source, at)
    }
  }
  return dir
}

// ------------------------------------------------------------------ App, Page and the render

interface PageOptions {
  data?: Record<string, unknown>
  [key: string]: unknown
}
type Instance = Record<string, unknown>
type Method = (this: Instance, ...args: unknown[]) => unknown

interface Globals {
  Component: (options: Record<string, unknown>) => void
  Page?: (options: PageOptions) => void
  App?: (options: Record<string, unknown>) => void
  getApp?: () => Record<string, unknown> | undefined
  getCurrentPages?: () => Instance[]
}

let app: Record<string, unknown> | undefined
/** What getCurrentPages() answers: the page renderPage rendered last. */
const pages: Instance[] = []

/**
 * App(), getApp(), getCurrentPages() and Page(): a page is a Component whose methods are the page's functions and
 * whose data is the page's data; onLoad(query) and onShow run when it is attached, onReady when ready, onUnload
 * when detached; its other fields are copied onto `this`, like the base library does.
 */
function installPageGlobals(route: string, query: Record<string, string>): void {
  const g = globalThis as unknown as Globals
  g.App = (options) => {
    app = options
    ;(options.onLaunch as Method | undefined)?.call(options, { path: route, query, scene: 1001 })
    ;(options.onShow as Method | undefined)?.call(options, { path: route, query, scene: 1001 })
  }
  g.getApp = () => app
  g.getCurrentPages = () => [...pages]
  g.Page = (options) => {
    const methods: Record<string, Method> = {}
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(options)) {
      if (key === 'data') continue
      if (typeof value === 'function') methods[key] = value as Method
      else fields[key] = value
    }
    const call = (self: Instance, name: string, ...args: unknown[]) =>
      methods[name] ? methods[name].apply(self, args) : undefined
    g.Component({
      data: options.data ?? {},
      methods,
      lifetimes: {
        created(this: Instance) {
          Object.assign(this, JSON.parse(JSON.stringify(fields)) as Record<string, unknown>, { route, options: query })
        },
        attached(this: Instance) {
          call(this, 'onLoad', { ...query })
          call(this, 'onShow')
        },
        // the first render is done when the view layer answers, a task later (a framework's first setData, which
        // it schedules, lands before it)
        ready(this: Instance) {
          setTimeout(() => call(this, 'onReady'), 0)
        },
        detached(this: Instance) {
          call(this, 'onUnload')
        },
      },
      pageLifetimes: {
        show(this: Instance) {
          call(this, 'onShow')
        },
        hide(this: Instance) {
          call(this, 'onHide')
        },
      },
    })
  }
}

/**
 * Loads page or component `entry` (its path inside the root, without extension: `pages/my-cards/index`) into
 * miniprogram-simulate with WeChat's official compiler, and returns its id for `simulate.render`. Every component it
 * reaches is registered with it: npm paths resolve in the nearest `miniprogram_npm` (after 构建 npm) or, before
 * 构建 npm, in node_modules (the package's `miniprogram` folder, as 构建 npm would copy it); vant's related
 * components (checkbox → checkbox-group) too. A page built with `Page({...})` loads like a component. Each load
 * runs the components' JS afresh (under jest, in its own module registry).
 *
 * Throws when a usingComponents path resolves to no component, or when one tag names two components in the tree
 * (miniprogram-simulate maps a tag to one component per render). Needs a jsdom test environment.
 */
export function loadPage(entry: string, options: MiniProgramOptions, query: Record<string, string> = {}): string {
  const root = path.resolve(options.root)
  if (!isComponent(path.join(root, entry)))
    throw new Error(`${entry}: no ${entry}.json with ${entry}.js in ${root} (pass the path without extension)`)
  const view = new MiniProgramView(root)
  const graph = componentGraph(view, entry)
  const rootPath = stage(view)
  const sim = simulate()
  installPageGlobals(entry, query)
  let id = ''
  const load = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app's own script, run as the base library would
    if (options.app && exists(path.join(rootPath, 'app.js'))) require(path.join(rootPath, 'app.js'))
    id = sim.load(path.join(rootPath, entry), {
      rootPath,
      compiler: 'official',
      usingComponents: graph.tags,
      compilerOptions: { wxmlList: graph.wxml, wxsList: graph.wxs },
    })
  }
  if (typeof jest !== 'undefined') jest.isolateModules(load)
  else load()
  return id
}

/** What `renderPage` takes: where the mini-program is, and the page's query (`onLoad(query)`). */
export interface RenderPageOptions extends MiniProgramOptions {
  query?: Record<string, string> | undefined
}

/**
 * Renders page (or component) `entry` of the mini-program at `options.root` and attaches it: a Page has had
 * onLoad(query), onShow and onReady. See `loadPage` for how its components are found. Drive it with simulate's own
 * API (`querySelector('#id')`, `dispatchEvent('tap')`, `instance.selectComponent`); `detach()` runs onUnload.
 */
export function renderPage(entry: string, options: RenderPageOptions): SimulatedComponent {
  const id = loadPage(entry, options, options.query)
  const page = simulate().render(id)
  // the page stack: this page alone, from its first lifetime on (also for a page built with Component())
  pages.splice(0, pages.length, page.instance)
  const parent = (globalThis as unknown as { document?: { createElement(tag: string): unknown } }).document
  if (!parent)
    throw new Error('renderPage needs a DOM: run the test in jest-environment-jsdom (@jest-environment jsdom)')
  page.attach(parent.createElement('parent-wrapper'))
  return page
}

/**
 * Resolves once `condition()` is true: a page settles a task or a request later than the tap that started it.
 * Checks every 10 ms; rejects with `what` after `timeout` ms (default 5000). Uses real timers.
 */
export async function waitFor(condition: () => boolean, what = 'the condition', timeout = 5000): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > timeout) throw new Error(`waitFor: ${what} did not happen within ${timeout} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

// ------------------------------------------------------------------ wx.request over Node's http

/** Bytes of `text` in UTF-8 (no Buffer: under jsdom there is none). */
function utf8Length(text: string): number {
  let bytes = 0
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
  }
  return bytes
}

function queryString(data: unknown): string {
  if (typeof data === 'string') return data
  if (typeof data !== 'object' || data === null) return ''
  return new URLSearchParams(
    Object.entries(data).map(([key, value]): [string, string] => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  ).toString()
}

/**
 * wx.request over Node's http/https, with the client's contract: success for every HTTP status, the body parsed
 * as JSON when it is JSON (dataType 'json'), fail only when no answer came (`request:fail <why>`, `request:fail
 * timeout` after `timeout` ms, default 60 000; `request:fail abort`). It needs no fetch, so it works under jsdom.
 */
export function request(options: RequestOption): RequestTask {
  const method = (options.method ?? 'GET').toUpperCase()
  const header: Record<string, string> = { 'content-type': 'application/json', ...options.header }
  let url = options.url
  let body: string | undefined
  if (method === 'GET' || method === 'HEAD') {
    const query = queryString(options.data)
    if (query) url += (url.includes('?') ? '&' : '?') + query
  } else if (options.data !== undefined) {
    body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data)
    header['content-length'] = String(utf8Length(body))
  }
  let settled = false
  const finish = (outcome: 'success' | 'fail', result: RequestSuccessCallbackResult | { errMsg: string }) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    if (outcome === 'success') options.success?.(result as RequestSuccessCallbackResult)
    else options.fail?.(result)
    options.complete?.(result)
  }
  const target = new URL(url)
  const outgoing = (target.protocol === 'https:' ? https : http).request(target, { method, headers: header }, (res) => {
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => (text += chunk))
    res.on('error', (error) => finish('fail', { errMsg: `request:fail ${error.message}` }))
    res.on('end', () => {
      let data: unknown = text
      if ((options.dataType ?? 'json') === 'json') {
        try {
          data = JSON.parse(text)
        } catch {
          // not JSON: the client hands over the text
        }
      }
      const responseHeader: Record<string, string> = {}
      for (const [key, value] of Object.entries(res.headers)) {
        if (value !== undefined) responseHeader[key] = Array.isArray(value) ? value.join(', ') : value
      }
      finish('success', { data, statusCode: res.statusCode ?? 0, header: responseHeader, errMsg: 'request:ok' })
    })
  })
  outgoing.on('error', (error) => finish('fail', { errMsg: `request:fail ${error.message}` }))
  const timer = setTimeout(() => {
    outgoing.destroy()
    finish('fail', { errMsg: 'request:fail timeout' })
  }, options.timeout ?? 60_000)
  outgoing.end(body)
  return {
    abort() {
      outgoing.destroy()
      finish('fail', { errMsg: 'request:fail abort' })
    },
  }
}

/**
 * Puts `request` (above) on `target` as its `request`; returns the function that puts the old one back. Without a
 * target: on the global `wx` that miniprogram-simulate creates (loaded here first, so the `wx` your
 * `platform.install()` fills next is the one the page sees). For a jsdom test, where the simulator's own
 * wx.request (`install(…, { request: true })`, Node's fetch) has no fetch to use.
 */
export function installRequest(target?: object): () => void {
  if (!target) simulate()
  const host = (target ?? (globalThis as unknown as { wx?: object }).wx) as Record<string, unknown> | undefined
  if (!host) throw new Error('installRequest: there is no global wx to install on: pass one')
  const had = Object.prototype.hasOwnProperty.call(host, 'request')
  const previous = host.request
  host.request = request
  return () => {
    if (had) host.request = previous
    else delete host.request
  }
}
