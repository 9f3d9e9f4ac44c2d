// The README pages (json + wxml + js with Page({...})) as a mini-program: written into one app whose
// miniprogram_npm is this repository's build (what 构建 npm puts there), loaded in miniprogram-simulate with the
// official compiler and vant's real templates, each Page() run as a Component-built page, and driven as a user
// would: taps on the tags and buttons, the page shown again.
import fs from 'fs'
import path from 'path'
import type { CardPlatform } from '../../testing'
import { byTag, loadComponent, simulate } from '../helpers/simulate'
import { ROOT } from './blocks'

type Comp = ReturnType<typeof simulate.render>
type Options = Record<string, unknown>
type Instance = Record<string, unknown> & { data: Record<string, unknown> }

/** Makes `app` a mini-program root whose npm packages are our build and vant (as after 构建 npm). */
export function prepareApp(app: string) {
  fs.rmSync(app, { recursive: true, force: true })
  const link = (target: string, at: string) => {
    fs.mkdirSync(path.dirname(path.join(app, at)), { recursive: true })
    fs.symlinkSync(target, path.join(app, at), 'dir')
  }
  link(path.join(ROOT, 'miniprogram_dist'), 'miniprogram_npm/weapp-card-coupon')
  link(
    path.dirname(require.resolve('@vant/weapp/lib/button/index.js')).replace(/button$/, ''),
    'miniprogram_npm/@vant/weapp',
  )
  // a page's require('weapp-card-coupon/utils/index') (miniprogram_npm on a device) through the package's exports
  link(ROOT, 'node_modules/weapp-card-coupon')
}

/** The events of a tag, as [name, detail]. */
type Ev = [string, Record<string, unknown>]

export interface PageRun {
  page: Comp
  /** Every wx.request the page (and its tags) made: `POST /card-ext`. */
  requests: string[]
  /** Errors thrown or rejected by the page's functions, console.error calls. */
  errors: string[]
  toasts: Options[]
  /** Waits until nothing is pending: no request, no promise of the page's functions, no wx answer on its way. */
  settle(): Promise<void>
  /** Taps the inner button of a tag or a native button and waits until the page is settled. */
  tap(node: Comp): Promise<void>
  /** Each `<add-card-button>`, `<open-card-list>` of the page with the events it emitted so far. */
  tags(name: string): { tag: Comp; events: Ev[] }[]
  /** Native `<button>`s of the page itself. */
  buttons(): Comp[]
  /** The page shown again (back from WeChat's card view, another page, the background). */
  show(): Promise<void>
  close(): void
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Runs page `entry` of `app` with `platform` as the client (card APIs, version, modal and wx.request over real HTTP,
 * with `https://your.server` sent to `server`) and `storage` as wx's storage.
 */
export async function runPage(
  app: string,
  entry: string,
  o: { platform: CardPlatform; server: string; storage: Record<string, string> },
): Promise<PageRun> {
  const errors: string[] = []
  const pending = new Set<Promise<unknown>>()
  const requests: string[] = []
  const toasts: Options[] = []
  let inflight = 0
  const record = (where: string, error: unknown) =>
    errors.push(`${where}: ${error instanceof Error ? error.message : String(error)}`)

  // Page(): a Component whose methods are the page's functions (each watched: what it throws or rejects is an
  // error of the page), its data the page's data, onLoad/onShow when attached, onReady when ready.
  const g = globalThis as unknown as { Page?: (o: Options) => void; Component: (o: Options) => void }
  g.Page = (options) => {
    const methods: Record<string, (...a: unknown[]) => unknown> = {}
    const fields: Options = {}
    for (const [key, value] of Object.entries(options)) {
      if (key === 'data') continue
      if (typeof value !== 'function') {
        fields[key] = value
        continue
      }
      methods[key] = function (this: unknown, ...args: unknown[]) {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(this, args)
          if (result instanceof Promise) {
            const watched = result.then(undefined, (error) => record(key, error)).finally(() => pending.delete(watched))
            pending.add(watched)
          }
          return result
        } catch (error) {
          record(key, error)
          throw error
        }
      }
    }
    const call = (self: Instance, name: string, ...args: unknown[]) =>
      typeof self[name] === 'function' ? (self[name] as (...a: unknown[]) => unknown)(...args) : undefined
    g.Component({
      data: options.data ?? {},
      methods,
      lifetimes: {
        created(this: Instance) {
          Object.assign(this, JSON.parse(JSON.stringify(fields)))
        },
        attached(this: Instance) {
          call(this, 'onLoad', {})
          call(this, 'onShow')
        },
        ready(this: Instance) {
          call(this, 'onReady')
        },
        detached(this: Instance) {
          call(this, 'onUnload')
        },
      },
    })
  }
  const id = loadComponent(entry, app, '/miniprogram_npm/')

  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx
  const saved = { ...wx }
  const undo = o.platform.install(wx, { all: true, request: true })
  const request = wx.request as (options: Options) => unknown
  wx.request = (options: Options) => {
    const url = String(options.url).replace(/^https:\/\/your\.server(?=\/|$)/, o.server)
    requests.push(`${String(options.method ?? 'GET').toUpperCase()} ${new URL(url).pathname}`)
    inflight++
    const complete = options.complete as ((r: unknown) => void) | undefined
    return request({
      ...options,
      url,
      complete: (result: unknown) => {
        inflight--
        complete?.(result)
      },
    })
  }
  wx.getStorageSync = (key: string) => o.storage[key] ?? ''
  wx.setStorageSync = (key: string, value: string) => void (o.storage[key] = value)
  wx.showToast = (options: Options) => void toasts.push(options)
  const consoleError = jest.spyOn(console, 'error').mockImplementation((...args) => record('console.error', args))

  const settle = async () => {
    const deadline = Date.now() + 10_000
    for (let quiet = 0; quiet < 3 && Date.now() < deadline;) {
      await flush()
      const busy = inflight > 0 || pending.size > 0 || o.platform.state.log.some((c) => c.status === 'pending')
      quiet = busy ? 0 : quiet + 1
    }
  }

  const page = simulate.render(id)
  const watched = new Map<Comp, Ev[]>()
  const tags = (name: string) =>
    byTag(page, name).map((tag) => {
      let events = [...watched.entries()].find(([c]) => c.instance === tag.instance)?.[1]
      if (!events) {
        const list: Ev[] = []
        for (const event of ['success', 'open', 'cancel', 'fail', 'unsupported', 'complete']) {
          tag.addEventListener(event, (e: { detail: Record<string, unknown> }) => list.push([event, e.detail]))
        }
        watched.set(tag, list)
        events = list
      }
      return { tag, events }
    })
  tags('add-card-button')
  tags('open-card-list')
  page.attach(document.createElement('parent-wrapper'))
  await settle()

  return {
    page,
    requests,
    errors,
    toasts,
    settle,
    tags,
    buttons: () => byTag(page, 'wx-button'),
    async tap(node) {
      node.dispatchEvent('tap')
      await settle()
    },
    async show() {
      page.instance.onShow?.()
      await settle()
    },
    close() {
      page.detach()
      undo()
      for (const key of Object.keys(wx)) if (!(key in saved)) delete wx[key]
      Object.assign(wx, saved)
      consoleError.mockRestore()
    },
  }
}

/** The inner van-button of an `<add-card-button>` (what a finger taps). */
export const innerButton = (tag: Comp) => byTag(tag, 'van-button')[0]!.querySelector('.van-button')
