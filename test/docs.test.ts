// The component READMEs are written from the code; these checks keep each table true to it.
import fs from 'fs'
import path from 'path'
import { CardError, type CardErrorCode } from '../utils'

const ROOT = path.resolve(__dirname, '..')
const COMPONENTS = fs
  .readdirSync(path.join(ROOT, 'components'))
  .filter((d) => fs.existsSync(path.join(ROOT, 'components', d, 'index.json')))
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())

interface Options {
  properties: Record<string, unknown>
  externalClasses?: string[]
}

interface BehaviorOptions {
  properties: Record<string, unknown>
  methods: { reportCardError(this: object, error: unknown): void }
  /** The CardError class of the same module registry (instanceof does not cross registries). */
  CardErrorClass: typeof CardError
}

/** The options the shared Behavior (components/common) registers. */
function sharedBehavior(): BehaviorOptions {
  let captured: BehaviorOptions | undefined
  const g = globalThis as unknown as { Behavior?: (o: BehaviorOptions) => string }
  const saved = g.Behavior
  g.Behavior = (o) => {
    captured = o
    return 'behavior'
  }
  let CardErrorClass = CardError
  jest.isolateModules(() => {
    require(path.join(ROOT, 'components/common/card-call.ts')).cardCallBehavior('addCard')
    CardErrorClass = require(path.join(ROOT, 'utils/index.ts')).CardError
  })
  g.Behavior = saved
  if (!captured) throw new Error('components/common/card-call.ts did not call Behavior()')
  return { ...captured, CardErrorClass }
}

/** A tag's Component() options, with the shared Behavior's properties merged in as the tag has them. */
function definition(name: string): Options {
  let captured: Options | undefined
  const g = globalThis as unknown as { Component?: (o: Options) => void; Behavior?: (o: BehaviorOptions) => string }
  const saved = [g.Component, g.Behavior] as const
  g.Component = (o) => {
    captured = o
  }
  g.Behavior = () => 'behavior'
  jest.isolateModules(() => {
    require(path.join(ROOT, 'components', name, 'index.ts'))
  })
  ;[g.Component, g.Behavior] = saved
  if (!captured) throw new Error(`${name} did not call Component()`)
  return { ...captured, properties: { ...sharedBehavior().properties, ...captured.properties } }
}

/** First-column cells of the table under `### heading`. */
function column(readme: string, heading: string): string[] {
  const at = readme.indexOf(`### ${heading}`)
  if (at < 0) return []
  const rows = readme.slice(at).split('\n').slice(1)
  const start = rows.findIndex((l) => l.startsWith('|'))
  const out: string[] = []
  for (const l of rows.slice(start + 2)) {
    if (!l.startsWith('|')) break
    out.push(l.split('|')[1].trim())
  }
  return out
}

describe.each(COMPONENTS)('%s README', (name) => {
  const dir = path.join(ROOT, 'components', name)
  const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8')
  const wxml = fs.readFileSync(path.join(dir, 'index.wxml'), 'utf8')
  const wxss = fs.readFileSync(path.join(dir, 'index.wxss'), 'utf8')
  const ts = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8')
  const def = definition(name)

  it('has the five tables', () => {
    for (const h of ['Props', 'Events', 'Slots', 'External classes', 'CSS variables'])
      expect([h, readme.includes(`### ${h}`)]).toEqual([h, true])
  })

  it('Props lists exactly the component properties', () => {
    expect(column(readme, 'Props').sort()).toEqual(Object.keys(def.properties).map(kebab).sort())
  })

  it('Events lists exactly the events the code triggers', () => {
    const documented = column(readme, 'Events')
      .map((c) => c.replace(/^bind:/, ''))
      .sort()
    // settle(this, 'x', …) and emit(this, 'x', …) in the component, plus what the shared Behavior emits for every CardError code, run for real
    const own = [...ts.matchAll(/(?:settle|emit)\(\w+, '(\w+)'/g)].map((m) => m[1])
    const fromErrors = new Set<string>(['complete'])
    const { methods, CardErrorClass } = sharedBehavior()
    const host = {
      data: { showUpgradeModal: false, upgradeText: '' },
      triggerEvent: (name: string) => fromErrors.add(name),
    }
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const codes: CardErrorCode[] = ['invalid', 'unsupported', 'cancel', 'fail', 'timeout', 'source']
    for (const code of codes) methods.reportCardError.call(host, new CardErrorClass(code, 'x'))
    quiet.mockRestore()
    const emitted = [...new Set([...own, ...fromErrors])].sort()
    expect(documented).toEqual(emitted)
  })

  it('Slots lists exactly the slots in the template', () => {
    const slots = [...wxml.matchAll(/<slot\b([^>]*)>/g)].map((m) => /name="([^"]+)"/.exec(m[1])?.[1] ?? '(default)')
    expect(column(readme, 'Slots').sort()).toEqual([...new Set(slots)].sort())
  })

  it('External classes lists exactly externalClasses', () => {
    expect(column(readme, 'External classes').sort()).toEqual([...(def.externalClasses || [])].sort())
  })

  it('CSS variables lists exactly the --card-* variables the styles read, with the fallbacks they use', () => {
    const used = [...new Set([...wxss.matchAll(/var\((--card-[\w-]+)/g)].map((m) => m[1]))].sort()
    const rows = column(readme, 'CSS variables')
    expect([...rows].sort()).toEqual(used)
    for (const v of used) {
      // every --card-* falls back to a vant variable or a literal, never to nothing
      expect([v, new RegExp(`var\\(${v},\\s*[^)\\s]`).test(wxss)]).toEqual([v, true])
    }
  })
})

describe('README.md and README.zh-CN.md say the same', () => {
  const en = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const zh = fs.readFileSync(path.join(ROOT, 'README.zh-CN.md'), 'utf8')
  const shape = (md: string) => ({
    sections: (md.match(/^#{1,3} /gm) || []).length,
    tableRows: (md.match(/^\|/gm) || []).length,
    codeBlocks: (md.match(/^```/gm) || []).length / 2,
    listItems: (md.match(/^(\d+\.|-) /gm) || []).length,
  })
  // links to files in the repo, and the inline code spans (API names, paths, errMsg strings) both must carry
  const links = (md: string) =>
    [...md.matchAll(/\]\((\.\/[^)]+)\)/g)]
      .map((m) => m[1])
      .filter((l) => !/README(\.zh-CN)?\.md$/.test(l))
      .sort()
  const spans = (md: string) =>
    new Set([...md.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]))

  it('same sections, table rows, code blocks and list items', () => {
    expect(shape(zh)).toEqual(shape(en))
  })
  it('same links, all to files that exist', () => {
    expect(links(zh)).toEqual(links(en))
    for (const l of links(en)) expect([l, fs.existsSync(path.join(ROOT, l))]).toEqual([l, true])
  })
  it('every code span of the English (API names, paths, errMsg) is in the Chinese', () => {
    const zhSpans = spans(zh)
    expect([...spans(en)].filter((s) => !zhSpans.has(s))).toEqual([])
  })
})

it('both READMEs state the two weights the build measures (ours, and what 构建 npm adds with vant), to 0.1 KB', () => {
  const { clientWeight } = require('../scripts/weight.js') as {
    clientWeight(): { ours: number; withVant: number }
  }
  const { ours, withVant } = clientWeight()
  const kb = (bytes: number) => (bytes / 1000).toFixed(1)
  for (const readme of ['README.md', 'README.zh-CN.md']) {
    const text = fs.readFileSync(path.join(ROOT, readme), 'utf8')
    expect([readme, text.includes(`${kb(ours)} KB`), text.includes(`${kb(withVant)} KB`)]).toEqual([readme, true, true])
  }
})
