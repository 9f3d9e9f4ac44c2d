// The component READMEs are written from the code; these checks keep each table true to it.
import fs from 'fs'
import path from 'path'
import { buildSync } from 'esbuild'
import { CardError, type CardErrorCode } from '../utils'
import { blocksOf, readmes } from './docs/blocks'

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

/** True when the tag is built on the shared Behavior (components/common/card-call.ts): a tag that calls WeChat. */
const usesCardCall = (name: string) =>
  /\bcardCallBehavior\(/.test(fs.readFileSync(path.join(ROOT, 'components', name, 'index.ts'), 'utf8'))

/** A tag's Component() options, with the shared Behavior's properties merged in when the tag has them. */
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
  if (!usesCardCall(name)) return captured
  return { ...captured, properties: { ...sharedBehavior().properties, ...captured.properties } }
}

/**
 * The CardError codes a tag's code can make: the first argument of every `new CardError(…)` in the tag bundled as the
 * build bundles it (its own code, the shared Behavior and the utils it reaches, tree-shaken).
 */
function producedCodes(name: string): CardErrorCode[] {
  const { outputFiles } = buildSync({
    entryPoints: [path.join(ROOT, 'components', name, 'index.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    loader: { '.wxs': 'js' },
    logLevel: 'silent',
  })
  const code = outputFiles[0]!.text
  // esbuild may rename the class (CardError2) when names collide
  const calls = code.match(/\bnew CardError\d*\(/g) || []
  const literal = [...code.matchAll(/\bnew CardError\d*\(\s*["'`](\w+)["'`]/g)].map((m) => m[1] as CardErrorCode)
  // a code that is not a literal would hide from this reading: say so rather than miss it
  if (literal.length !== calls.length) throw new Error(`${name}: a new CardError(…) whose code is not a string literal`)
  return [...new Set(literal)].sort()
}

/** First-column cells of the table under `### heading`. */
function column(readme: string, heading: string): string[] {
  const at = readme.indexOf(`### ${heading}`)
  if (at < 0) return []
  const section = readme.slice(at).split('\n').slice(1)
  // this section's lines only: a section without a table (no slots) lists nothing
  const end = section.findIndex((l) => l.startsWith('#'))
  const rows = end < 0 ? section : section.slice(0, end)
  const start = rows.findIndex((l) => l.startsWith('|'))
  if (start < 0) return []
  const out: string[] = []
  for (const l of rows.slice(start + 2)) {
    if (!l.startsWith('|')) break
    out.push(l.split('|')[1].trim())
  }
  return out
}

/** The API tables of a component README, by language: vant's headings in Chinese, the same tables in English. */
const TABLES = {
  'README.zh-CN.md': {
    sections: ['## 引入', '## 代码演示', '## API', '## 常见问题'],
    Props: 'Props',
    Events: 'Events',
    Slots: 'Slots',
    'External classes': '外部样式类',
    'CSS variables': 'CSS 变量',
  },
  'README.md': {
    sections: ['## Import', '## Usage', '## API', '## FAQ'],
    Props: 'Props',
    Events: 'Events',
    Slots: 'Slots',
    'External classes': 'External classes',
    'CSS variables': 'CSS variables',
  },
} as const
type Table = Exclude<keyof (typeof TABLES)['README.md'], 'sections'>

describe.each(
  COMPONENTS.flatMap((name) =>
    Object.keys(TABLES).map((file): [string, keyof typeof TABLES] => [name, file as keyof typeof TABLES]),
  ),
)('%s %s', (name, file) => {
  const dir = path.join(ROOT, 'components', name)
  const text = fs.readFileSync(path.join(dir, file), 'utf8')
  const headings = TABLES[file]
  /** The table under a heading, found by its name in this README's language. */
  const readme = Object.entries(headings).reduce(
    (md, [table, heading]) =>
      typeof heading === 'string' && heading !== table ? md.replace(`### ${heading}\n`, `### ${table}\n`) : md,
    text,
  )
  const wxml = fs.readFileSync(path.join(dir, 'index.wxml'), 'utf8')
  const wxss = fs.readFileSync(path.join(dir, 'index.wxss'), 'utf8')
  const ts = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8')
  const def = definition(name)

  it("has vant's sections, in order", () => {
    // the heading's whole text (\b would never match after a Chinese word: it is no \w)
    const at = headings.sections.map((h) => text.search(new RegExp(`^${h}(?!\\S)`, 'm')))
    expect(headings.sections.filter((_, i) => at[i]! < 0)).toEqual([])
    expect([...at].sort((a, b) => a - b)).toEqual(at)
  })

  it('has the five tables', () => {
    for (const h of ['Props', 'Events', 'Slots', 'External classes', 'CSS variables'] satisfies Table[])
      expect([headings[h], readme.includes(`### ${h}\n`)]).toEqual([headings[h], true])
  })

  it('Props lists exactly the component properties', () => {
    expect(column(readme, 'Props').sort()).toEqual(Object.keys(def.properties).map(kebab).sort())
  })

  it('Events lists exactly the events the code triggers', () => {
    const documented = column(readme, 'Events')
      .map((c) => c.replace(/^bind:/, ''))
      .sort()
    // settle(this, 'x', …), emit(this, 'x', …) and this.triggerEvent('x', …) in the component, plus what the shared
    // Behavior emits for every CardError code, run for real
    const own = [...ts.matchAll(/(?:(?:settle|emit)\(\w+, |triggerEvent\()'(\w+)'/g)].map((m) => m[1])
    if (!usesCardCall(name)) return expect(documented).toEqual([...new Set(own)].sort())
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

  it('bind:fail names exactly the CardError codes that can reach the fail event', () => {
    // a tag that calls nothing of WeChat has no fail event
    if (!usesCardCall(name)) return expect(readme).not.toMatch(/^\|\s*bind:fail\s*\|/m)
    // every code the tag can make, and an error that is no CardError (a throw), through the shared Behavior
    const reached = new Set<string>()
    const { methods, CardErrorClass } = sharedBehavior()
    const host = {
      data: { showUpgradeModal: false, upgradeText: '' },
      triggerEvent: (event: string, detail: { code?: string }) => event === 'fail' && reached.add(String(detail.code)),
    }
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    for (const code of producedCodes(name)) methods.reportCardError.call(host, new CardErrorClass(code, 'x'))
    methods.reportCardError.call(host, new Error('x'))
    quiet.mockRestore()
    // the event.detail cell of the bind:fail row: `{ code: 'a' \| 'b', … }`
    const row = readme.split('\n').find((l) => /^\|\s*bind:fail\s*\|/.test(l)) ?? ''
    const detail = row.split(/(?<!\\)\|/)[3] ?? ''
    const union = /code: ('\w+'(?:\s*\\\|\s*'\w+')*)/.exec(detail)?.[1] ?? ''
    const documented = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort()
    expect(documented).toEqual([...reached].sort())
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

/** Every folder with a README: each has the Chinese one (README.zh-CN.md) and the English one beside it (README.md). */
const README_DIRS = [...new Set(readmes().map((readme) => path.posix.dirname(readme)))]

describe.each(README_DIRS)('%s: README.zh-CN.md and README.md say the same', (dir) => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, dir, file), 'utf8')
  const zh = read('README.zh-CN.md')
  const en = read('README.md')
  const shape = (file: 'README.zh-CN.md' | 'README.md', md = read(file)) => ({
    headings: (md.match(/^#{1,4} /gm) || []).map((h) => h.trim()),
    tableRows: (md.match(/^\|/gm) || []).length,
    codeBlocks: blocksOf(path.posix.join(dir, file)).map((b) => [b.lang, b.file, ...b.extra].join(' ')),
    listItems: (md.match(/^\s*(\d+\.|-) /gm) || []).length,
  })
  // links to files of the repository (a README links to the other language's twin: README.md ↔ README.zh-CN.md)
  const links = (md: string) =>
    [...md.matchAll(/\]\(((?:\.{1,2}\/)[^)#\s]+)/g)].map((m) => m[1]!.replace(/README\.zh-CN\.md$/, 'README.md')).sort()
  const spans = (md: string) =>
    new Set([...md.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]))

  it('each links to the other at the top', () => {
    const top = (md: string) => md.split('\n').slice(0, 4).join('\n')
    expect(top(zh)).toContain('](./README.md)')
    expect(top(en)).toContain('](./README.zh-CN.md)')
  })
  it('the Chinese is written in Chinese', () => {
    const prose = zh.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
    const han = (prose.match(/\p{Script=Han}/gu) || []).length
    const latinWords = (prose.match(/\b[A-Za-z]{4,}\b/g) || []).length
    expect(han).toBeGreaterThan(latinWords)
  })
  it('no Chinese line is broken in two (Markdown would show a space between the two characters)', () => {
    const prose = zh.replace(/```[\s\S]*?```/g, '')
    expect(prose.match(/\p{Script=Han}[，。、；：]?\n *\p{Script=Han}/gu) ?? []).toEqual([])
  })
  it('same headings levels, table rows, code blocks and list items', () => {
    const level = (s: ReturnType<typeof shape>) => ({ ...s, headings: s.headings.map((h) => h.split(' ')[0]) })
    expect(level(shape('README.zh-CN.md'))).toEqual(level(shape('README.md')))
  })
  it('same links, all to files that exist', () => {
    expect(links(zh)).toEqual(links(en))
    for (const l of links(en)) expect([l, fs.existsSync(path.join(ROOT, dir, l))]).toEqual([l, true])
  })
  it('every code span of the English (API names, paths, errMsg) is in the Chinese', () => {
    const zhSpans = spans(zh)
    expect([...spans(en)].filter((s) => !zhSpans.has(s))).toEqual([])
  })
})
