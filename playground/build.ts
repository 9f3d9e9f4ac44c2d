// Builds the browser playground into playground/.out/. It renders the pages of demo/ (the mini-program WeChat
// devtools opens), with the components and vant parts they use:
//   templates.js  the pages', our components' and vant's wxml, compiled ahead of time by the official wcc (window.__gwx)
//   app.css       vant's, our and the demo's WXSS as plain CSS (imports inlined, rpx→px, :host/page mapped, no remote URLs)
//   app.js        j-component + exparser + vant's lib JS + our TS components + the demo's JS + the page, bundled by esbuild
//   index.html, *.css  the static page
import esbuild from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import { iconsCss } from './src/icons'

// miniprogram-compiler has no typings: its wcc entry point, as this build calls it
const { wxmlToJs } = require('miniprogram-compiler') as {
  wxmlToJs(root: string, o: { wxmlList: string[]; wxsList: string[]; maxBuffer: number }): string
}

const ROOT = path.resolve(__dirname, '..')
export const OUT = path.join(__dirname, '.out')
const SRC = path.join(__dirname, 'src')
const VANT_LIB = 'node_modules/@vant/weapp/lib/'
const VANT_DIST = 'node_modules/@vant/weapp/dist/'
const PKG: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name
const DEMO_APP = 'demo/app' // the mini-program WeChat devtools opens (project.config.json)
const DEMO_LIB = 'demo/lib/demo.js' // its simulator switch, which the panel drives (version, next user action)
const DEMO_CONFIG = 'demo/config.js' // where its pages find the servers: the playground points it at its own proxy

/**
 * A plugin's component (`plugin://…`) loads only inside WeChat: the demo's stand-in for each plugin a component uses.
 * The send-coupon plugin's posts its confirmed sheet to the simulator (demo/lib/simulator.js, sendCouponPlugin).
 */
const PLUGIN_STAND_INS: Record<string, string> = { 'plugin://sendCoupon/send-coupon': 'demo/lib/send-coupon/index' }

/** Where the page finds the demo's servers: these paths of the playground, forwarded by server.ts (prefix removed). */
export const PROXIED = { server: '/card-server', simulator: '/simulator-server' } as const

// The exparser patch below is written against these exact builds.
const PINS = { 'miniprogram-exparser': '2.29.1', 'j-component': '1.4.10' }

const posix = (p: string) => p.split(path.sep).join('/')
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8')
const exists = (rel: string) => fs.existsSync(path.join(ROOT, rel))

function checkPins() {
  const declared: Record<string, string> = JSON.parse(read('package.json')).devDependencies || {}
  for (const [name, want] of Object.entries(PINS)) {
    const installed = JSON.parse(read(`node_modules/${name}/package.json`)).version
    if (installed !== want || declared[name] !== want) {
      throw new Error(
        `playground: ${name} must be exactly ${want} (installed ${installed}, package.json ${declared[name]}); ` +
          'the bundle-time exparser patch and rpx fix are written against that build',
      )
    }
  }
}

/** `@vant/weapp/x/index` → vant's CommonJS lib; `weapp-card-coupon/x/index` → our sources; relative → root-relative. */
function resolveUsing(from: string, p: string): string {
  if (p.startsWith('@vant/weapp/')) return VANT_LIB + p.slice('@vant/weapp/'.length)
  if (p.startsWith(PKG + '/')) return 'components/' + p.slice(PKG.length + 1)
  if (p.startsWith('/')) return p.slice(1)
  return path.posix.join(path.posix.dirname(from), p)
}

function jsOf(p: string): string {
  const f = ['.ts', '.js'].map((e) => p + e).find(exists)
  if (!f) throw new Error(`playground: no index.ts/.js for component ${p}`)
  return f
}

/** A demo page, with what its navigation bar shows. */
export interface DemoPage {
  route: string
  path: string
  title: string
  nav: Record<'light' | 'dark', { bg: string; fg: string }>
}

/** A component (or a demo page) of the graph the playground registers. */
interface GraphNode {
  path: string
  tag: string
  using: Record<string, string>
  js: string
  page: boolean
  ours: boolean
}

/**
 * The demo's pages, in app.json order, with what its navigation bar shows (title; colours per theme, `@name`
 * looked up in theme.json).
 */
function demoPages(): DemoPage[] {
  if (!exists(DEMO_APP + '.json'))
    throw new Error(`playground: ${DEMO_APP}.json not found: the playground renders demo/`)
  const app = JSON.parse(read(DEMO_APP + '.json'))
  const themeFile = app.themeLocation && path.posix.join(path.posix.dirname(DEMO_APP), app.themeLocation)
  const theme: Record<string, Record<string, string>> = themeFile && exists(themeFile)
    ? JSON.parse(read(themeFile))
    : {}
  const value = (v: unknown, scheme: string) =>
    typeof v === 'string' && v.startsWith('@') ? (theme[scheme] || {})[v.slice(1)] : (v as string | undefined)
  return (app.pages as string[]).map((route) => {
    const p = path.posix.join(path.posix.dirname(DEMO_APP), route)
    const win = { ...app.window, ...JSON.parse(read(p + '.json')) } // a page's json overrides the app's window
    // WeChat's defaults: a black bar with white text
    const nav = (scheme: 'light' | 'dark') => ({
      bg: value(win.navigationBarBackgroundColor, scheme) || '#000000',
      fg: value(win.navigationBarTextStyle, scheme) === 'black' ? '#000000' : '#ffffff',
    })
    return { route, path: p, title: win.navigationBarTitleText || '', nav: { light: nav('light'), dark: nav('dark') } }
  })
}

/** Component graph in post-order (children before parents), one node per path; `page` marks the demo's pages. */
function collect(roots: { path: string; tag: string; page: boolean }[]): GraphNode[] {
  const nodes = new Map<string, GraphNode>()
  const visit = (p: string, tag: string, page = false) => {
    if (nodes.has(p)) return
    const json = JSON.parse(read(p + '.json'))
    const node: GraphNode = {
      path: p,
      tag,
      using: {},
      js: jsOf(p),
      page,
      ours: !page && !p.startsWith('node_modules/'),
    }
    nodes.set(p, node) // before children: cycles stop here
    for (const [childTag, rel] of Object.entries<string>(json.usingComponents || {})) {
      const plugin = rel.startsWith('plugin://')
      if (plugin && !PLUGIN_STAND_INS[rel]) throw new Error(`playground: ${p}.json uses ${rel}, which has no stand-in`)
      const child = plugin ? (PLUGIN_STAND_INS[rel] ?? '') : resolveUsing(p, rel)
      if (!exists(child + '.json'))
        throw new Error(`playground: ${p}.json uses ${rel}, which does not exist (${child}.json)`)
      node.using[childTag] = child
      visit(child, childTag)
    }
    // vant's relations (checkbox ↔ checkbox-group) need the other side registered, or getRelationNodes
    // answers null and vant's `this.parent` getter throws; on a device the whole package is there.
    if (!node.ours && !page) {
      for (const [, name = ''] of read(node.js).matchAll(/use(?:Parent|Children)\)?\(\s*['"]([\w-]+)['"]/g)) {
        visit(path.posix.join(path.posix.dirname(p), '..', name, 'index'), 'van-' + name)
      }
    }
    // re-insert after the children so the Map iterates in post-order
    nodes.delete(p)
    nodes.set(p, node)
  }
  for (const r of roots) visit(r.path, r.tag, r.page)
  return [...nodes.values()]
}

/** The .wxs files a set of templates reaches (`<wxs src>` and `require()` inside wxs). */
function wxsOf(wxmlFiles: string[]): string[] {
  const out = new Set<string>()
  const add = (file: string) => {
    if (out.has(file)) return
    if (!exists(file)) throw new Error(`playground: missing wxs ${file}`)
    out.add(file)
    for (const [, required = ''] of read(file).matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g))
      add(path.posix.join(path.posix.dirname(file), required))
  }
  for (const f of wxmlFiles) {
    for (const [, src = ''] of read(f).matchAll(/<wxs\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g))
      add(path.posix.join(path.posix.dirname(f), src))
  }
  return [...out]
}

/**
 * The templates a set of templates reaches through `<include src>` and `<import src>` (vant's field includes its
 * input.wxml), the set itself first.
 */
function withIncludedTemplates(wxmlFiles: string[]): string[] {
  const out = new Set<string>()
  const add = (file: string) => {
    if (out.has(file)) return
    if (!exists(file)) throw new Error(`playground: missing template ${file}`)
    out.add(file)
    for (const [, src = ''] of read(file).matchAll(/<(?:include|import)\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) {
      if (src.startsWith('/')) throw new Error(`playground: ${file} includes ${src} by an absolute path`)
      add(path.posix.join(path.posix.dirname(file), src.endsWith('.wxml') ? src : src + '.wxml'))
    }
  }
  for (const f of wxmlFiles) add(f)
  return [...out]
}

function compileTemplates(nodes: GraphNode[]): number {
  const wxml = withIncludedTemplates(nodes.map((n) => n.path + '.wxml'))
  const body = wxmlToJs(ROOT, { wxmlList: wxml, wxsList: wxsOf(wxml), maxBuffer: 64 << 20 })
  // wcc output relies on sloppy-mode globals, so it runs as a plain script, not inside the bundle.
  fs.writeFileSync(path.join(OUT, 'templates.js'), `window.__gwx = (function () {\n${body}\n})();\n`)
  return wxml.length
}

// ---------------------------------------------------------------- WXSS → CSS

const REMOTE_URL = /url\(\s*['"]?\s*(?:https?:)?\/\//i

type CssItem = { stmt: string } | { prelude: string; body: string }

/** Splits CSS into top-level items: { prelude, body } for blocks, { stmt } for `;` statements. */
function parseBlocks(css: string): CssItem[] {
  const items: CssItem[] = []
  let i = 0
  while (i < css.length) {
    while (i < css.length && /\s/.test(css[i])) i++
    if (i >= css.length) break
    let j = i
    let quote = ''
    while (j < css.length && (quote || (css[j] !== '{' && css[j] !== ';'))) {
      if (quote) {
        if (css[j] === '\\') j++
        else if (css[j] === quote) quote = ''
      } else if (css[j] === '"' || css[j] === "'") quote = css[j]
      j++
    }
    const prelude = css.slice(i, j).trim()
    if (css[j] === ';' || j >= css.length) {
      if (prelude) items.push({ stmt: prelude })
      i = j + 1
      continue
    }
    let depth = 1
    let k = j + 1
    quote = ''
    while (k < css.length && depth) {
      const ch = css[k]
      if (quote) {
        if (ch === '\\') k++
        else if (ch === quote) quote = ''
      } else if (ch === '"' || ch === "'") quote = ch
      else if (ch === '{') depth++
      else if (ch === '}') depth--
      k++
    }
    items.push({ prelude, body: css.slice(j + 1, k - 1) })
    i = k
  }
  return items
}

const rpx = (s: string) => s.replace(/(-?\d*\.?\d+)rpx\b/g, (_, n: string) => `${+(Number(n) * 0.5).toFixed(4)}px`)

/**
 * `scope` (the demo pages' wxss): `page` becomes the scope itself and every other selector is nested in it, so app.wxss
 * and a page's wxss style only that page, as in WeChat; without it `page` is the document body.
 */
function mapSelector(sel: string, tag: string, scheme: string | undefined, scope: string | undefined): string {
  let s = sel
    .replace(/:host\(([^)]*)\)/g, `${tag}$1`)
    .replace(/:host\b/g, tag)
    .replace(/(^|[\s,>+~(])page(?![\w-])/g, `$1${scope || 'body'}`)
  if (scope)
    s = s
      .split(',')
      .map((x) => (x.trim().startsWith(scope) ? x.trim() : `${scope} ${x.trim()}`))
      .join(', ')
  // prefers-color-scheme is emulated by a class on the phone screen (the toggle cannot change the media query)
  if (scheme)
    s = s
      .split(',')
      .map((x) => `.pg-${scheme} ${x.trim().replace(/^body\b/, '')}`.trim())
      .join(', ')
  return s
}

/** How one WXSS file is being converted: where it is, how its imports are read, what was dropped. */
interface CssContext {
  file: string
  scope: string | undefined
  stripped: string[]
  importFile(file: string, tag: string, scheme: string | undefined, scope: string | undefined): string
}

function convertCss(css: string, ctx: CssContext, tag: string, scheme: string | undefined): string {
  let out = ''
  for (const it of parseBlocks(css.replace(/\/\*[\s\S]*?\*\//g, ''))) {
    if ('stmt' in it) {
      const imp = /^@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?/.exec(it.stmt)
      if (imp)
        out += ctx.importFile(path.posix.join(path.posix.dirname(ctx.file), imp[1] ?? ''), tag, scheme, ctx.scope)
      else out += it.stmt + ';\n'
      continue
    }
    const p = it.prelude
    if (/^@font-face/i.test(p)) {
      if (REMOTE_URL.test(it.body)) ctx.stripped.push(`@font-face in ${ctx.file}`)
      else out += `${p}{${it.body}}\n`
    } else if (/^@media/i.test(p)) {
      const m = /^@media\s*\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)\s*$/i.exec(p)
      out += m
        ? convertCss(it.body, ctx, tag, (m[1] ?? '').toLowerCase())
        : `${rpx(p)}{${convertCss(it.body, ctx, tag, scheme)}}\n`
    } else if (/^@(-webkit-)?keyframes/i.test(p)) {
      out += `${p}{${rpx(it.body)}}\n`
    } else if (p.startsWith('@')) {
      out += `${p}{${convertCss(it.body, ctx, tag, scheme)}}\n`
    } else {
      const body = rpx(it.body).replace(/url\(\s*['"]?\s*(?:https?:)?\/\/[^)]*\)/gi, (u) => {
        ctx.stripped.push(`${u} in ${ctx.file}`)
        return 'none'
      })
      out += `${mapSelector(p, tag, scheme, ctx.scope)}{${body}}\n`
    }
  }
  return out
}

/** vant's lib/ and dist/ carry the same wxss; prefer the lib file next to the JS we run. */
function wxssFile(p: string): string | null {
  if (exists(p + '.wxss')) return p + '.wxss'
  if (p.startsWith(VANT_LIB) && exists(VANT_DIST + p.slice(VANT_LIB.length) + '.wxss'))
    return VANT_DIST + p.slice(VANT_LIB.length) + '.wxss'
  return null
}

/** Scope of a demo page's styles: the wrapper src/pages.js puts each page in (`page` in its wxss is that wrapper). */
const pageScope = (route?: string) => (route ? `.pg-page[data-route="${route}"]` : '.pg-page')

function buildCss(nodes: GraphNode[], pages: DemoPage[]) {
  const seen = new Set<string>()
  const stripped: string[] = []
  const importFile = (file: string, tag: string, scheme?: string, scope?: string): string => {
    if (seen.has(file)) return '' // all CSS is global: each shared file (vant's common/index.wxss…) once
    seen.add(file)
    if (!exists(file)) throw new Error(`playground: @import of missing ${file}`)
    return `/* ${file} */\n` + convertCss(read(file), { file, importFile, stripped, scope }, tag, scheme)
  }
  // vant first, ours last: our rules may refine vant's, as the owner's custom-class does in WeChat
  const ordered = [...nodes.filter((n) => !n.ours && !n.page), ...nodes.filter((n) => n.ours)]
  let css = ordered
    .map((n) => wxssFile(n.path))
    .map((f, i) => (f ? importFile(f, ordered[i]?.tag ?? '') : ''))
    .join('')
  // then the demo: app.wxss for every page, each page's wxss for itself
  if (pages.length && exists(DEMO_APP + '.wxss')) css += importFile(DEMO_APP + '.wxss', 'page', undefined, pageScope())
  for (const pg of pages)
    if (exists(pg.path + '.wxss')) css += importFile(pg.path + '.wxss', 'page', undefined, pageScope(pg.route))
  const remote = REMOTE_URL.exec(css)
  if (remote)
    throw new Error(
      `playground: a remote URL survived the WXSS conversion: ${css.slice(remote.index, remote.index + 80)}`,
    )
  fs.writeFileSync(path.join(OUT, 'app.css'), css)
  return { bytes: css.length, stripped }
}

// ---------------------------------------------------------------- bundle

/** Replaces exactly one occurrence of each `from` in a dependency's source at bundle time, or fails the build. */
function patchPlugin(): esbuild.Plugin {
  const patches: { file: RegExp; edits: { from: string; to: string }[] }[] = [
    {
      // exparser links a node's class list to its owner's external-class aliases only when the class prefix
      // changes; with classPrefix '' (plain class names in the DOM) it never does, so custom-class stayed literal.
      file: /miniprogram-exparser[\\/]exparser\.min\.js$/,
      edits: [
        { from: 'n!==t&&(this._addOriginalClass=r,this._owner=e,', to: '(this._addOriginalClass=r,this._owner=e,' },
      ],
    },
    {
      // j-component turns inline-style rpx into px 1:1 and ignores decimals; the CSS uses 0.5 (375 px phone).
      file: /j-component[\\/]src[\\/]tool[\\/]utils\.js$/,
      edits: [
        {
          from: "return style.replace(/(\\d+)rpx/ig, '$1px')",
          to: "return style.replace(/(-?\\d*\\.?\\d+)rpx/ig, (_, n) => (+(n * 0.5).toFixed(4)) + 'px')",
        },
      ],
    },
    {
      // j-component renders a component's template while it applies a setData; a setData made meanwhile (a child's
      // observer emits an event the page's handler answers with setData, as <open-card-list> does with `select`
      // when a new list clears its selection) rendered against the tree being replaced, and the outer render
      // then put back what it had generated: the page showed stale data. As in WeChat, such a setData is now
      // rendered once the current render is done, with the latest data.
      file: /j-component[\\/]src[\\/]componentmanager\.js$/,
      edits: [
        {
          from: 'updateValues(exparserNode, data, changedPaths, changedValues, changes) {\n    const newVt = this._generateFunc({data}) // 生成新虚拟树\n',
          to: 'updateValues(exparserNode, data, changedPaths, changedValues, changes) {\n',
        },
        {
          from: '    // 应用更新\n    diff.diffVt(this._vt, newVt)\n    this._vt = newVt\n',
          to: [
            '    this._latestData = data',
            '    if (this._rendering) return void (this._renderAgain = true)',
            '    this._rendering = true',
            '    try {',
            '      do {',
            '        this._renderAgain = false',
            '        const newVt = this._generateFunc({data: this._latestData})',
            '        diff.diffVt(this._vt, newVt)',
            '        this._vt = newVt',
            '      } while (this._renderAgain)',
            '    } finally {',
            '      this._rendering = false',
            '    }',
            '',
          ].join('\n'),
        },
      ],
    },
  ]
  return {
    name: 'pin-patches',
    setup(b) {
      for (const p of patches) {
        b.onLoad({ filter: p.file }, async (args) => {
          let src = await fs.promises.readFile(args.path, 'utf8')
          for (const { from, to } of p.edits) {
            const at = src.indexOf(from)
            if (at < 0 || src.indexOf(from, at + 1) >= 0) {
              throw new Error(`playground: patch point not found exactly once in ${args.path}: ${from}`)
            }
            src = src.replace(from, to)
          }
          return { contents: src, loader: 'js' }
        })
      }
    },
  }
}

async function bundle(nodes: GraphNode[], pages: DemoPage[]) {
  const loaders = nodes
    .map((n) => `  ${JSON.stringify(n.path)}: () => require(${JSON.stringify('./' + n.js)}),`)
    .join('\n')
  const app = ['.js', '.ts'].map((e) => DEMO_APP + e).find(exists)
  if (!app) throw new Error(`playground: ${DEMO_APP}.js not found`)
  const entry = `
    const page = require('./playground/src/page.js')
    page.boot({
      proxied: ${JSON.stringify(PROXIED)},
      graph: ${JSON.stringify(nodes.map(({ path: p, tag, using, ours, page }) => ({ path: p, tag, using, ours, page })))},
      demo: {
        pages: ${JSON.stringify(pages)},
        app: () => require(${JSON.stringify('./' + app)}),
        lib: () => require(${JSON.stringify('./' + DEMO_LIB)}),
        config: () => require(${JSON.stringify('./' + DEMO_CONFIG)}),
      },
      loaders: {\n${loaders}\n},
    })
  `
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'playground-entry.js', loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome100',
    outfile: path.join(OUT, 'app.js'),
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"development"' },
    // a page's require of the package's utils: our sources (构建 npm puts the built ones in miniprogram_npm)
    alias: { [`${PKG}/utils/index`]: path.join(ROOT, 'utils/index.ts') },
    // a component's .wxs module is plain ES5 JS: its logic bundles it, as scripts/build.ts does
    loader: { '.wxs': 'js' },
    plugins: [patchPlugin()],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  })
  return {
    inputs: Object.keys(result.metafile?.inputs ?? {}).length,
    bytes: fs.statSync(path.join(OUT, 'app.js')).size,
  }
}

function copyStatic() {
  for (const f of fs.readdirSync(path.join(SRC, 'static')))
    fs.copyFileSync(path.join(SRC, 'static', f), path.join(OUT, f))
  fs.writeFileSync(path.join(OUT, 'icons.css'), iconsCss())
}

/** Builds the playground into playground/.out/; resolves what it built. */
export async function build({ quiet = false } = {}) {
  const t0 = Date.now()
  checkPins()
  fs.rmSync(OUT, { recursive: true, force: true, maxRetries: 3 })
  fs.mkdirSync(OUT, { recursive: true })
  const pages = demoPages()
  const nodes = collect(pages.map((p) => ({ path: p.path, tag: 'page', page: true })))
  const templates = compileTemplates(nodes)
  const css = buildCss(nodes, pages)
  const js = await bundle(nodes, pages)
  copyStatic()
  const stats = {
    ms: Date.now() - t0,
    pages: pages.map((p) => p.route),
    components: nodes.filter((n) => n.ours).map((n) => n.tag),
    vant: nodes.filter((n) => !n.ours && !n.page).map((n) => n.tag),
    templates,
    cssBytes: css.bytes,
    strippedRemote: css.stripped,
    jsBytes: js.bytes,
  }
  if (!quiet) {
    console.log(`playground: built in ${stats.ms} ms → ${posix(path.relative(process.cwd(), OUT))}/`)
    console.log(`  demo pages: ${stats.pages.join(', ')}`)
    console.log(`  components: ${stats.components.join(', ')}; vant: ${stats.vant.join(', ')}`)
    console.log(
      `  ${templates} templates (wcc), css ${(css.bytes / 1024).toFixed(0)} KB, js ${(js.bytes / 1024).toFixed(0)} KB; ` +
        `remote URLs stripped: ${css.stripped.length}`,
    )
  }
  return stats
}

if (require.main === module) {
  build().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
