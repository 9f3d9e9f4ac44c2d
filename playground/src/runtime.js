// Mini-program component runtime for the page: j-component + exparser, templates from the wcc output
// (window.__gwx), our Component() shim, stand-ins for built-in tags, and mouse/keyboard → `tap`.
const jComponent = require('j-component')
const exparser = require('miniprogram-exparser')
const { builtins } = require('./builtins')
const { updateOnlyChangedAttributes } = require('./bindings')

// as WeChat: a page's setData updates only the bindings whose data changed (see bindings.js)
updateOnlyChangedAttributes(require('j-component/src/render/render'))

const gwx = (file) => {
  const f = typeof window.__gwx === 'function' && window.__gwx(file)
  if (typeof f !== 'function') throw new Error(`playground: ${file} is not in templates.js (rebuild with npm start)`)
  return f
}

// ---------------------------------------------------------------- Component() / Behavior()

const defs = new Map()
let evaluating = null

globalThis.Component = (definition) => {
  if (!evaluating) throw new Error('playground: Component() called outside a component module')
  if (defs.has(evaluating)) throw new Error(`playground: ${evaluating} called Component() twice`)
  defs.set(evaluating, definition)
}
globalThis.Behavior = (definition) => jComponent.behavior(definition)
// A page built with Page(): a Component whose data is the page's and whose methods are its functions (lifecycles
// such as onLoad and onShow included: src/pages.js calls them as it does for Component-built pages).
globalThis.Page = (definition) => {
  const methods = {}
  for (const [key, value] of Object.entries(definition)) if (typeof value === 'function') methods[key] = value
  globalThis.Component({ data: definition.data || {}, methods })
}
let currentPages = () => []
globalThis.getCurrentPages = () => currentPages() // vant's link mixin reads the stack depth before navigateTo

const ids = new Map() // component path → exparser id

/** Relative relation keys (vant's `../checkbox-group/index`) → registered ids, as the real framework resolves them. */
function resolveRelations(from, relations) {
  if (!relations) return relations
  const out = {}
  for (const [key, rel] of Object.entries(relations)) {
    const target = ids.get(key.startsWith('/') ? key.slice(1) : joinPath(from, key))
    out[target || key] = target ? { ...rel, target } : rel
  }
  return out
}

function joinPath(from, rel) {
  const parts = from.split('/').slice(0, -1)
  for (const p of rel.split('/')) {
    if (p === '..') parts.pop()
    else if (p !== '.') parts.push(p)
  }
  return parts.join('/')
}

/**
 * Runs every component module (children first, so each Component() call is matched to its path) and registers
 * the definitions with their compiled template and resolved usingComponents. `onEvent(tag, caller, name, detail)`
 * sees every triggerEvent of our own components.
 */
function registerGraph(graph, loaders, onEvent) {
  builtins.forEach((b) => {
    for (const id of [b.name, 'wx-' + b.name]) jComponent.register({ ...b.definition(), id, tagName: 'wx-' + b.name })
  })
  graph.forEach((n, i) => ids.set(n.path, `pg${i}-${n.tag}`))
  for (const n of graph) {
    evaluating = n.path
    try {
      loaders[n.path]()
    } finally {
      evaluating = null
    }
    if (!defs.has(n.path)) throw new Error(`playground: ${n.path} did not call Component()`)
  }
  for (const n of graph) {
    const def = defs.get(n.path)
    const usingComponents = {}
    for (const [tag, p] of Object.entries(n.using)) usingComponents[tag] = ids.get(p)
    const behaviors = [...(def.behaviors || [])]
    if (n.ours) behaviors.push(eventTap(n.tag, onEvent))
    jComponent.register({
      ...def,
      id: ids.get(n.path),
      path: n.path,
      tagName: n.tag,
      template: gwx(n.path + '.wxml'),
      usingComponents,
      behaviors,
      relations: resolveRelations(n.path, def.relations),
      // plain class names in the DOM, so vant's WXSS applies as global CSS (BEM names keep that safe)
      options: { ...(def.options || {}), classPrefix: '' },
    })
  }
}

/** Wraps triggerEvent on each instance so the page can log every event our components emit. */
function eventTap(tag, onEvent) {
  return globalThis.Behavior({
    lifetimes: {
      created() {
        const trigger = this.triggerEvent
        this.triggerEvent = function (name, detail, options) {
          onEvent(tag, this, name, detail)
          return trigger.call(this, name, detail, options)
        }
      },
    },
  })
}

// ---------------------------------------------------------------- pages

/** Creates a registered page (a demo page built with Component()) inside `parent`; returns the root. */
function mountPage(path, parent) {
  if (!ids.has(path)) throw new Error(`playground: page ${path} is not registered`)
  const root = jComponent.create(ids.get(path))
  root.attach(parent)
  bridgeInput(root)
  return root
}

// ---------------------------------------------------------------- input

/** Mouse clicks and Enter/Space on a focused button become exparser `tap`s (j-component builds tap from touch only). */
function bridgeInput(root) {
  const dom = root.dom
  dom.addEventListener('click', (evt) => {
    if (evt.pointerType === 'touch') return // j-component already made a tap from the touch sequence
    root._triggerExparserEvent(evt, 'tap', { x: evt.pageX, y: evt.pageY })
  })
  dom.addEventListener('keydown', (evt) => {
    if ((evt.key === 'Enter' || evt.key === ' ') && evt.target.getAttribute('role') === 'button') {
      evt.preventDefault()
      root._triggerExparserEvent(evt, 'tap', { x: 0, y: 0 })
    }
  })
}

// hover-class: WeChat applies it while pressed (after hover-start-time, kept for hover-stay-time); done by hand here.
const pressed = []
document.addEventListener(
  'pointerdown',
  (evt) => {
    if (evt.button !== 0) return
    for (let el = evt.target; el && el !== document.body; el = el.parentNode) {
      const node = el.__wxElement
      const data = node instanceof exparser.Component ? (exparser.Element.getMethodCaller(node) || {}).data : null
      if (!data || typeof data.hoverClass !== 'string') continue
      const names = data.hoverClass.split(/\s+/).filter((c) => c && c !== 'none')
      if (names.length && !data.disabled) {
        const entry = {
          el,
          names,
          stay: data.hoverStayTime,
          timer: setTimeout(() => el.classList.add(...names), data.hoverStartTime),
        }
        pressed.push(entry)
      }
      if (data.hoverStopPropagation) break
    }
  },
  true,
)
const release = () => {
  for (const p of pressed.splice(0)) {
    clearTimeout(p.timer)
    setTimeout(() => p.el.classList.remove(...p.names), p.stay)
  }
}
document.addEventListener('pointerup', release, true)
document.addEventListener('pointercancel', release, true)

module.exports = { registerGraph, mountPage, setCurrentPages: (f) => (currentPages = f) }
