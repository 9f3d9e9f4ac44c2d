#!/usr/bin/env node
// Builds the browser playground into playground/.out/:
//   templates.js  our components' + vant's wxml compiled ahead of time by the official wcc (sets window.__gwx)
//   app.css       vant's and our WXSS turned into plain CSS (imports inlined, rpx→px, :host/page mapped, no remote URLs)
//   app.js        j-component + exparser + vant's lib JS + our TS components + the page, bundled by esbuild
//   index.html, *.css, hosts/  the static page and the generated demo hosts (tiny wxml pages, compiled by wcc too)
const fs = require('fs')
const path = require('path')
const esbuild = require('esbuild')
const { wxmlToJs } = require('miniprogram-compiler')

const ROOT = path.resolve(__dirname, '..')
const OUT = path.join(__dirname, '.out')
const SRC = path.join(__dirname, 'src')
const VANT_LIB = 'node_modules/@vant/weapp/lib/'
const VANT_DIST = 'node_modules/@vant/weapp/dist/'
const SIMULATOR = 'testing/index.ts'
const DEMOS = require('./src/demos')

// The exparser patch below is written against these exact builds.
const PINS = { 'miniprogram-exparser': '2.29.1', 'j-component': '1.4.10' }

const posix = (p) => p.split(path.sep).join('/')
const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8')
const exists = (rel) => fs.existsSync(path.join(ROOT, rel))

function checkPins() {
  const declared = JSON.parse(read('package.json')).devDependencies || {}
  for (const [name, want] of Object.entries(PINS)) {
    const installed = JSON.parse(read(`node_modules/${name}/package.json`)).version
    if (installed !== want || declared[name] !== want) {
      throw new Error(`playground: ${name} must be exactly ${want} (installed ${installed}, package.json ${declared[name]}); ` +
        'the bundle-time exparser patch and rpx fix are written against that build')
    }
  }
}

/** Our components: every components/<name>/index.json, tag = folder name. */
function discover() {
  return fs.readdirSync(path.join(ROOT, 'components'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && exists(`components/${d.name}/index.json`))
    .map((d) => ({ tag: d.name, path: `components/${d.name}/index` }))
}

/** `@vant/weapp/x/index` → vant's CommonJS lib; relative paths → root-relative. */
function resolveUsing(from, p) {
  if (p.startsWith('@vant/weapp/')) return VANT_LIB + p.slice('@vant/weapp/'.length)
  if (p.startsWith('/')) return p.slice(1)
  return path.posix.join(path.posix.dirname(from), p)
}

function jsOf(p) {
  const f = ['.ts', '.js'].map((e) => p + e).find(exists)
  if (!f) throw new Error(`playground: no index.ts/.js for component ${p}`)
  return f
}

/** Component graph in post-order (children before parents), one node per path. */
function collect(roots) {
  const nodes = new Map()
  const visit = (p, tag) => {
    if (nodes.has(p)) return
    const json = JSON.parse(read(p + '.json'))
    const node = { path: p, tag, using: {}, js: jsOf(p), ours: !p.startsWith('node_modules/') }
    nodes.set(p, node) // before children: cycles stop here
    for (const [childTag, rel] of Object.entries(json.usingComponents || {})) {
      const child = resolveUsing(p, rel)
      if (!exists(child + '.json')) throw new Error(`playground: ${p}.json uses ${rel}, which does not exist (${child}.json)`)
      node.using[childTag] = child
      visit(child, childTag)
    }
    // vant's relations (checkbox ↔ checkbox-group) need the other side registered, or getRelationNodes
    // answers null and vant's `this.parent` getter throws; on a device the whole package is there.
    if (!node.ours) {
      for (const m of read(node.js).matchAll(/use(?:Parent|Children)\)?\(\s*['"]([\w-]+)['"]/g)) {
        visit(path.posix.join(path.posix.dirname(p), '..', m[1], 'index'), 'van-' + m[1])
      }
    }
    // re-insert after the children so the Map iterates in post-order
    nodes.delete(p)
    nodes.set(p, node)
  }
  for (const r of roots) visit(r.path, r.tag)
  return [...nodes.values()]
}

/** The .wxs files a set of templates reaches (`<wxs src>` and `require()` inside wxs). */
function wxsOf(wxmlFiles) {
  const out = new Set()
  const add = (file) => {
    if (out.has(file)) return
    if (!exists(file)) throw new Error(`playground: missing wxs ${file}`)
    out.add(file)
    for (const m of read(file).matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) add(path.posix.join(path.posix.dirname(file), m[1]))
  }
  for (const f of wxmlFiles) {
    for (const m of read(f).matchAll(/<wxs\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) add(path.posix.join(path.posix.dirname(f), m[1]))
  }
  return [...out]
}

/** One tiny wcc-compiled page per demo section, holding our tag with the section's attributes and slots. */
function writeHosts(components) {
  const dir = path.join(OUT, 'hosts')
  fs.mkdirSync(dir, { recursive: true })
  const byTag = new Map(components.map((c) => [c.tag, c]))
  const hosts = []
  for (const demo of DEMOS) {
    const comp = byTag.get(demo.component)
    if (!comp) continue // component not written yet: its demos stay hidden
    const rel = posix(path.relative(ROOT, path.join(dir, demo.id)))
    fs.writeFileSync(path.join(dir, demo.id + '.wxml'), demo.wxml.trim() + '\n')
    const using = { [comp.tag]: posix(path.relative(dir, path.join(ROOT, comp.path))) }
    fs.writeFileSync(path.join(dir, demo.id + '.json'), JSON.stringify({ component: true, usingComponents: using }, null, 2))
    hosts.push({ id: demo.id, path: rel, using: { [comp.tag]: comp.path } })
  }
  return hosts
}

function compileTemplates(nodes, hosts) {
  const wxml = [...nodes.map((n) => n.path), ...hosts.map((h) => h.path)].map((p) => p + '.wxml')
  const body = wxmlToJs(ROOT, { wxmlList: wxml, wxsList: wxsOf(wxml), maxBuffer: 64 << 20 })
  // wcc output relies on sloppy-mode globals, so it runs as a plain script, not inside the bundle.
  fs.writeFileSync(path.join(OUT, 'templates.js'), `window.__gwx = (function () {\n${body}\n})();\n`)
  return wxml.length
}

// ---------------------------------------------------------------- WXSS → CSS

const REMOTE_URL = /url\(\s*['"]?\s*(?:https?:)?\/\//i

/** Splits CSS into top-level items: { at, prelude, body } for blocks, { stmt } for `;` statements. */
function parseBlocks(css) {
  const items = []
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

const rpx = (s) => s.replace(/(-?\d*\.?\d+)rpx\b/g, (_, n) => `${+(n * 0.5).toFixed(4)}px`)

function mapSelector(sel, tag, scheme) {
  let s = sel
    .replace(/:host\(([^)]*)\)/g, `${tag}$1`)
    .replace(/:host\b/g, tag)
    .replace(/(^|[\s,>+~(])page(?![\w-])/g, '$1body')
  // prefers-color-scheme is emulated by a class on the phone screen (the toggle cannot change the media query)
  if (scheme) s = s.split(',').map((x) => `.pg-${scheme} ${x.trim().replace(/^body\b/, '')}`.trim()).join(', ')
  return s
}

function convertCss(css, ctx, tag, scheme) {
  let out = ''
  for (const it of parseBlocks(css.replace(/\/\*[\s\S]*?\*\//g, ''))) {
    if (it.stmt) {
      const imp = /^@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?/.exec(it.stmt)
      if (imp) out += ctx.importFile(path.posix.join(path.posix.dirname(ctx.file), imp[1]), tag, scheme)
      else out += it.stmt + ';\n'
      continue
    }
    const p = it.prelude
    if (/^@font-face/i.test(p)) {
      if (REMOTE_URL.test(it.body)) ctx.stripped.push(`@font-face in ${ctx.file}`)
      else out += `${p}{${it.body}}\n`
    } else if (/^@media/i.test(p)) {
      const m = /^@media\s*\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)\s*$/i.exec(p)
      out += m ? convertCss(it.body, ctx, tag, m[1].toLowerCase()) : `${rpx(p)}{${convertCss(it.body, ctx, tag, scheme)}}\n`
    } else if (/^@(-webkit-)?keyframes/i.test(p)) {
      out += `${p}{${rpx(it.body)}}\n`
    } else if (p.startsWith('@')) {
      out += `${p}{${convertCss(it.body, ctx, tag, scheme)}}\n`
    } else {
      const body = rpx(it.body).replace(/url\(\s*['"]?\s*(?:https?:)?\/\/[^)]*\)/gi, (u) => {
        ctx.stripped.push(`${u} in ${ctx.file}`)
        return 'none'
      })
      out += `${mapSelector(p, tag, scheme)}{${body}}\n`
    }
  }
  return out
}

/** vant's lib/ and dist/ carry the same wxss; prefer the lib file next to the JS we run. */
function wxssFile(p) {
  if (exists(p + '.wxss')) return p + '.wxss'
  if (p.startsWith(VANT_LIB) && exists(VANT_DIST + p.slice(VANT_LIB.length) + '.wxss')) return VANT_DIST + p.slice(VANT_LIB.length) + '.wxss'
  return null
}

function buildCss(nodes) {
  const seen = new Set()
  const stripped = []
  const importFile = (file, tag, scheme) => {
    if (seen.has(file)) return '' // all CSS is global: each shared file (vant's common/index.wxss…) once
    seen.add(file)
    if (!exists(file)) throw new Error(`playground: @import of missing ${file}`)
    return `/* ${file} */\n` + convertCss(read(file), { file, importFile, stripped }, tag, scheme)
  }
  // vant first, ours last: our rules may refine vant's, as the owner's custom-class does in WeChat
  const ordered = [...nodes.filter((n) => !n.ours), ...nodes.filter((n) => n.ours)]
  const css = ordered.map((n) => wxssFile(n.path)).map((f, i) => (f ? importFile(f, ordered[i].tag) : '')).join('')
  const remote = REMOTE_URL.exec(css)
  if (remote) throw new Error(`playground: a remote URL survived the WXSS conversion: ${css.slice(remote.index, remote.index + 80)}`)
  fs.writeFileSync(path.join(OUT, 'app.css'), css)
  return { bytes: css.length, stripped }
}

// ---------------------------------------------------------------- bundle

/** Replaces exactly one occurrence of `from` in a dependency's source at bundle time, or fails the build. */
function patchPlugin() {
  const patches = [
    {
      // exparser links a node's class list to its owner's external-class aliases only when the class prefix
      // changes; with classPrefix '' (plain class names in the DOM) it never does, so custom-class stayed literal.
      file: /miniprogram-exparser[\\/]exparser\.min\.js$/,
      from: 'n!==t&&(this._addOriginalClass=r,this._owner=e,',
      to: '(this._addOriginalClass=r,this._owner=e,',
    },
    {
      // j-component turns inline-style rpx into px 1:1 and ignores decimals; the CSS uses 0.5 (375 px phone).
      file: /j-component[\\/]src[\\/]tool[\\/]utils\.js$/,
      from: "return style.replace(/(\\d+)rpx/ig, '$1px')",
      to: "return style.replace(/(-?\\d*\\.?\\d+)rpx/ig, (_, n) => (+(n * 0.5).toFixed(4)) + 'px')",
    },
  ]
  return {
    name: 'pin-patches',
    setup(b) {
      for (const p of patches) {
        b.onLoad({ filter: p.file }, async (args) => {
          const src = await fs.promises.readFile(args.path, 'utf8')
          const at = src.indexOf(p.from)
          if (at < 0 || src.indexOf(p.from, at + 1) >= 0) {
            throw new Error(`playground: patch point not found exactly once in ${args.path}: ${p.from}`)
          }
          return { contents: src.replace(p.from, p.to), loader: 'js' }
        })
      }
    },
  }
}

/**
 * Node built-ins the browser bundle may meet: crypto gets a small shim (and Buffer is injected), the rest a stub
 * that throws when used — the simulator's HTTP side (testing/http.ts) is bundled but never started in the page.
 */
function nodeAliases() {
  const crypto = path.join(ROOT, 'scripts/shims/crypto.js')
  const stub = path.join(ROOT, 'scripts/shims/node-stub.js')
  const alias = {}
  for (const m of ['crypto']) alias[m] = alias['node:' + m] = crypto
  for (const m of ['http', 'https', 'net', 'url', 'fs', 'os', 'child_process', 'events', 'stream', 'util', 'zlib']) alias[m] = alias['node:' + m] = stub
  return alias
}

async function bundle(nodes, hosts) {
  const simulator = exists(SIMULATOR)
  const loaders = nodes.map((n) => `  ${JSON.stringify(n.path)}: () => require(${JSON.stringify('./' + n.js)}),`).join('\n')
  const entry = `
    const page = require('./playground/src/page.js')
    page.boot({
      graph: ${JSON.stringify(nodes.map(({ path: p, tag, using, ours }) => ({ path: p, tag, using, ours })))},
      hosts: ${JSON.stringify(hosts)},
      loaders: {\n${loaders}\n},
      platform: ${simulator ? `{ source: ${JSON.stringify(SIMULATOR)}, load: () => require(${JSON.stringify('./' + SIMULATOR)}) }` : 'null'},
      sign: () => require('./server/sign.ts'),
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
    alias: nodeAliases(),
    inject: [path.join(ROOT, 'scripts/shims/buffer.js')],
    plugins: [patchPlugin()],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  }).catch((e) => {
    // e.g. the simulator imports a crypto API the shim lacks: name it instead of a stack trace
    const missing = (e.errors || []).map((x) => /No matching export in ".*crypto\.js" for import "(\w+)"/.exec(x.text)).filter(Boolean)
    if (missing.length) {
      throw new Error(`playground: ${SIMULATOR} (or server/) imports crypto.${missing.map((m) => m[1]).join(', crypto.')}, ` +
        'which the browser shim (scripts/shims/crypto.js) does not provide')
    }
    throw e
  })
  return { simulator, inputs: Object.keys(result.metafile.inputs).length, bytes: fs.statSync(path.join(OUT, 'app.js')).size }
}

function copyStatic() {
  for (const f of fs.readdirSync(path.join(SRC, 'static'))) fs.copyFileSync(path.join(SRC, 'static', f), path.join(OUT, f))
  fs.writeFileSync(path.join(OUT, 'icons.css'), require('./src/icons')())
}

async function build({ quiet = false } = {}) {
  const t0 = Date.now()
  checkPins()
  fs.rmSync(OUT, { recursive: true, force: true, maxRetries: 3 })
  fs.mkdirSync(OUT, { recursive: true })
  const components = discover()
  const nodes = collect(components)
  const hosts = writeHosts(components)
  const templates = compileTemplates(nodes, hosts)
  const css = buildCss(nodes)
  const js = await bundle(nodes, hosts)
  copyStatic()
  const stats = {
    ms: Date.now() - t0,
    components: components.map((c) => c.tag),
    vant: nodes.filter((n) => !n.ours).map((n) => n.tag),
    demos: hosts.map((h) => h.id),
    templates,
    cssBytes: css.bytes,
    strippedRemote: css.stripped,
    jsBytes: js.bytes,
    platform: js.simulator ? SIMULATOR : 'none (testing/index.ts not found: cards cannot be added)',
  }
  if (!quiet) {
    console.log(`playground: built in ${stats.ms} ms → ${posix(path.relative(process.cwd(), OUT))}/`)
    console.log(`  components: ${stats.components.join(', ')}; vant: ${stats.vant.join(', ')}`)
    console.log(`  ${templates} templates (wcc), css ${(css.bytes / 1024).toFixed(0)} KB, js ${(js.bytes / 1024).toFixed(0)} KB; ` +
      `card platform: ${stats.platform}; remote URLs stripped: ${css.stripped.length}`)
  }
  return stats
}

module.exports = { build, OUT }

if (require.main === module) {
  build().catch((e) => {
    console.error(e.message || e)
    process.exit(1)
  })
}
