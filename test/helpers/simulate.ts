// Loads our real components in miniprogram-simulate with the official compiler and vant's real templates.
import fs from 'fs'
import path from 'path'
import simulate, { type Node } from 'miniprogram-simulate'
import RootComponent from 'j-component/src/render/component'
import { getTagName } from 'j-component/src/tool/utils'
import { wxmlToJs } from 'miniprogram-compiler'

export const ROOT = path.resolve(__dirname, '../..')
const VANT = '/node_modules/@vant/weapp/lib/'

/**
 * Where a usingComponents npm path lives, as an absolute mini-program path: without `npmDir` (the repo) vant maps
 * to its CommonJS `lib/`; with it (after "构建 npm": '/miniprogram_npm/') every npm path maps under it.
 */
function npmPath(p: string, npmDir?: string): string | undefined {
  if (p.startsWith('.') || p.startsWith('/')) return undefined
  if (npmDir) return npmDir + p
  return p.startsWith('@vant/weapp/') ? VANT + p.slice('@vant/weapp/'.length) : undefined
}

/** Every wxml a component reaches (ours and vant's), as paths relative to `root`. */
function templatesOf(root: string, entry: string, npmDir: string | undefined, out = new Set<string>()): Set<string> {
  if (out.has(entry)) return out
  out.add(entry)
  const json = JSON.parse(fs.readFileSync(path.join(root, entry + '.json'), 'utf8'))
  for (const p of Object.values<string>(json.usingComponents || {})) {
    // a plugin's component (plugin://…) has no files here: a stand-in takes its place (loadComponent's standIns)
    if (p.startsWith('plugin://')) continue
    const abs = npmPath(p, npmDir)
    templatesOf(root, abs ? abs.slice(1) : path.join(path.dirname(entry), p), npmDir, out)
  }
  for (const r of relatedOf(root, entry)) templatesOf(root, r, npmDir, out)
  return out
}

/**
 * vant components that a vant component declares a relation with (checkbox → checkbox-group), as root-relative
 * paths. On a device the whole package is there; the simulator only knows what it registered, and an
 * unregistered relation makes vant's `this.parent` getter throw (getRelationNodes answers null, not []).
 */
function relatedOf(root: string, entry: string): string[] {
  const js = path.join(root, entry + '.js')
  const src = fs.existsSync(js) ? fs.readFileSync(js, 'utf8') : ''
  return [...src.matchAll(/use(?:Parent|Children)\)?\(['"]([\w-]+)['"]/g)].map((m) =>
    path.join(path.dirname(entry), '..', m[1], 'index'),
  )
}

function wxsOf(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? wxsOf(path.join(dir, d.name)) : d.name.endsWith('.wxs') ? [path.join(dir, d.name)] : [],
    )
}

/** vant's .wxs modules and those beside every template reached (ours), relative to `root`. */
function wxsList(root: string, vantDir: string, reached: string[]): string[] {
  const ours = [
    ...new Set(reached.filter((e) => !e.includes('@vant')).map((e) => path.dirname(path.join(root, e)))),
  ].flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.wxs'))
      .map((f) => path.join(dir, f)),
  )
  return [...wxsOf(path.join(root, vantDir)), ...ours].map((f) => path.relative(root, f))
}

/**
 * Registers a component (or a page built with Component()). `root` is the mini-program root, `entry` the path
 * inside it (without extension). npm paths resolve as `npmPath` says: pass `npmDir = '/miniprogram_npm/'` for a
 * mini-program after "构建 npm".
 */
export function loadComponent(
  entry: string,
  root = ROOT,
  npmDir?: string,
  /** A registered component for each plugin path (`plugin://sendCoupon/send-coupon` → simulate.load(stand-in)). */
  standIns: Record<string, string> = {},
): string {
  const vantDir = npmDir ? npmDir + '@vant/weapp/' : VANT
  // simulate compiles once per rootPath and caches it, so the list covers every sibling component
  // (a second load in the same file reuses the first compile)
  const parent = path.dirname(path.dirname(entry))
  const siblings = fs
    .readdirSync(path.join(root, parent))
    .map((d) => path.join(parent, d, 'index'))
    .filter((e) => fs.existsSync(path.join(root, e + '.json')))
  const reached = [...siblings.reduce((set, e) => templatesOf(root, e, npmDir, set), templatesOf(root, entry, npmDir))]
  // simulate merges this map into every component's own usingComponents, so it must name every npm tag
  // used anywhere in the tree (a page's add-card-button uses van-button, which the page never names).
  const usingComponents: Record<string, string> = {}
  for (const e of reached) {
    const json = JSON.parse(fs.readFileSync(path.join(root, e + '.json'), 'utf8'))
    for (const [tag, p] of Object.entries<string>(json.usingComponents || {})) {
      if (p.startsWith('plugin://')) {
        if (standIns[p]) usingComponents[tag] = standIns[p]
        continue
      }
      const abs = npmPath(p, npmDir)
      if (abs) usingComponents[tag] = abs
    }
  }
  // Registered in the same load, so relation paths resolve to ids.
  for (const r of reached.flatMap((p) => relatedOf(root, p)))
    usingComponents[`van-${path.basename(path.dirname(r))}`] ??= '/' + r
  const wxml = reached.map((p) => p + '.wxml')
  // A component's JS registers only when it runs; jest caches modules, so a vant part already loaded by an
  // earlier load in this file would otherwise stay unregistered here. Our simulate instance is kept.
  jest.resetModules()
  return simulate.load(path.join(root, entry), {
    rootPath: root,
    compiler: 'official',
    usingComponents,
    compilerOptions: { wxmlList: wxml, wxsList: wxsList(root, vantDir, reached) },
  })
}

export { simulate }

/** An exparser node, as far as byTag walks it. */
type ExparserNode = { is?: string; shadowRoot?: ExparserNode; childNodes?: ExparserNode[]; __componentNode__?: Node }
// j-component exposes only its root wrapper; its base class wraps any inner exparser node.
const Wrapper = Object.getPrototypeOf(RootComponent) as new (node: ExparserNode) => Node

/**
 * Finds child components by their usingComponents tag (e.g. 'van-button') inside `root`'s own template.
 * miniprogram-simulate registers components under generated ids, so tag selectors do not match.
 */
export function byTag(root: Node, tag: string): Node[] {
  const found: Node[] = []
  const walk = (n: ExparserNode) => {
    for (const c of n.childNodes || []) {
      if (c.is && getTagName(c.is) === tag) found.push(c.__componentNode__ || new Wrapper(c))
      walk(c)
    }
  }
  const { _exparserNode } = root as Node & { _exparserNode: ExparserNode }
  if (_exparserNode.shadowRoot) walk(_exparserNode.shadowRoot)
  return found
}

/** A node of the official compiler's virtual tree: attributes camel-cased (`ariaLabel`), `wx-` tag prefix. */
export interface TemplateNode {
  tag: string
  attr?: Record<string, unknown>
  children?: (TemplateNode | string)[]
}

/**
 * Our template rendered by the official wcc with `data`, without the simulator: the simulator drops
 * attributes it does not model (aria-*), this tree keeps them. Needs a `window` (jsdom environment).
 */
export function templateTree(entry: string, data: object, root = ROOT): TemplateNode {
  const key = `${root}:${entry}`
  let gwx = compiledTemplates.get(key)
  if (!gwx) {
    // the .wxs modules beside the template only (by default wcc would take every .wxs under the root)
    const dir = path.join(root, path.dirname(entry))
    const wxsList = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.wxs'))
      .map((f) => path.join(path.dirname(entry), f))
    gwx = new Function(wxmlToJs(root, { wxmlList: [entry + '.wxml'], wxsList }))() as CompiledTemplates
    compiledTemplates.set(key, gwx)
  }
  return gwx(entry + '.wxml')(data, {}, {})
}

type CompiledTemplates = (path: string) => (data: object, e: object, g: object) => TemplateNode
/** wcc runs once per template (a process spawn each time otherwise). */
const compiledTemplates = new Map<string, CompiledTemplates>()

/** Every node of a template tree, depth first. */
export function nodesOf(n: TemplateNode | string): TemplateNode[] {
  return typeof n === 'string' ? [] : [n, ...(n.children || []).flatMap(nodesOf)]
}
