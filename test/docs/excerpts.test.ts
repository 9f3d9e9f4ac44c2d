/**
 * The code blocks of every README are quoted from files of the repository, never written beside them: the example
 * programs (examples/), the demo's pages (demo/) and the code a README explains are linted, type-checked and run
 * by `npm test` (test/examples/, test/demo.test.ts, the tests under examples/), so a block that is a true
 * quote is tested with them.
 *
 * THE CONVENTION (for whoever writes or changes such a block):
 * - A block names the file it is quoted from, relative to the repository, after its language: ```ts
 *   examples/server.ts, ```xml demo/pages/add/index.wxml. The file exists and its extension fits the language.
 *   ```bash (commands: every `npm run <script>` names a script of package.json) and ```text are exempt.
 * - Every non-empty line of the block is a line of that file (both trimmed, whitespace runs as one space), in the
 *   file's order. A line that is only `…` or `// …` marks an elision: lines that follow each other in the block
 *   with no elision between them follow each other in the file too (its blank lines aside). Indentation is free,
 *   so an excerpt may be dedented; comments are code here (quote them as they are, in both languages).
 * - So a block that paraphrases fails: shorten the real code with elisions instead.
 */
import fs from 'fs'
import path from 'path'
import { blocksOf, missingNpmCommands, readmes, ROOT, type Block } from './blocks'

/** What a block's file may be, by the block's language. */
const LANGS: Record<string, RegExp> = {
  js: /\.[cm]?js$/,
  ts: /\.ts$/,
  json: /\.json$/,
  xml: /\.wxml$/,
  css: /\.(wxss|css)$/,
  html: /\.html$/,
  tsx: /\.tsx$/,
  vue: /\.vue$/,
}
const EXEMPT = ['bash', 'text']

/** A block as this test reads it: its lines, without the fences. */
type Fence = Block & { lines: string[] }

const readmesHere = readmes()

function fencesOf(readme: string): Fence[] {
  return blocksOf(readme).map((block) => ({ ...block, lines: block.code.split('\n').slice(0, -1) }))
}

const isFile = (absolute: string) =>
  absolute.startsWith(ROOT + path.sep) && fs.existsSync(absolute) && fs.statSync(absolute).isFile()
const normalize = (line: string) => line.trim().replace(/\s+/g, ' ')
const isElision = (line: string) => line === '…' || line === '// …'

/**
 * Where an excerpt departs from its file: '' when it is a quote, else the first line that is not where the
 * convention says. `excerpt` and `file` are raw lines.
 */
function departure(excerpt: string[], file: string[]): string {
  const source = file.map((text, i) => ({ text: normalize(text), line: i + 1 })).filter((l) => l.text)
  // runs of lines with no elision between them
  const runs: string[][] = [[]]
  for (const text of excerpt.map(normalize).filter(Boolean)) {
    if (isElision(text)) runs.push([])
    else runs[runs.length - 1]!.push(text)
  }
  const quoted = runs.filter((run) => run.length)
  if (!quoted.length) return 'the block quotes no line'
  let from = 0 // index in `source` after the last run found
  let last = '' // what the last run ended with, for messages
  for (const run of quoted) {
    // the first place the whole run stands (the earliest leaves the most room to the runs after it)
    let best = { at: -1, length: 0 }
    for (let at = from; at < source.length; at++) {
      let length = 0
      while (length < run.length && source[at + length]?.text === run[length]) length++
      if (length === run.length) {
        best = { at, length }
        break
      }
      if (length > best.length) best = { at, length }
    }
    if (best.length === run.length) {
      from = best.at + run.length
      last = `line ${source[from - 1]!.line}`
      continue
    }
    if (!best.length) return `\`${run[0]}\` is not a line of the file${last ? ` after ${last}` : ''}`
    const previous = source[best.at + best.length - 1]!
    return `\`${run[best.length]}\` does not follow \`${previous.text}\` (line ${previous.line}) in the file; if lines are left out there, mark the gap with \`// …\``
  }
  return ''
}

describe.each(readmesHere)('%s', (readme) => {
  const fences = fencesOf(readme)
  const excerpts = fences.filter((f) => !EXEMPT.includes(f.lang))
  const at = (f: Fence) => `${readme}:${f.line}`

  it('every block but bash and text names one file of the repository, in a language that fits it', () => {
    const problems = excerpts.flatMap((f) => {
      const absolute = path.resolve(ROOT, f.file)
      if (!f.file)
        return [`${at(f)}: \`\`\`${f.lang || '?'} names no file (\`\`\`${f.lang || 'ts'} examples/server.ts)`]
      if (f.extra.length) return [`${at(f)}: the info string has more than a language and a file`]
      if (!LANGS[f.lang]) return [`${at(f)}: unknown language ${f.lang || '(none)'}`]
      if (!LANGS[f.lang]!.test(f.file)) return [`${at(f)}: a ${f.lang} block cannot quote ${f.file}`]
      if (!isFile(absolute)) return [`${at(f)}: ${f.file} is not a file of the repository`]
      return []
    })
    expect(problems).toEqual([])
  })

  if (excerpts.length) {
    it.each(excerpts.map((f) => [`${at(f)} ${f.file}`, f] as const))('%s quotes its file', (_, f) => {
      const file = path.resolve(ROOT, f.file)
      const problem = isFile(file)
        ? departure(f.lines, fs.readFileSync(file, 'utf8').split('\n'))
        : 'names no file of the repository'
      expect(`${at(f)}: ${problem || 'a quote'}`).toBe(`${at(f)}: a quote`)
    })
  }

  it('every npm script it names (```bash blocks and inline code) is a script of package.json', () => {
    const shell = fences.filter((f) => f.lang === 'bash').flatMap((f) => missingNpmCommands(f.code))
    const prose = fs
      .readFileSync(path.join(ROOT, readme), 'utf8')
      .replace(/^\s*```[^\n]*\n[\s\S]*?^\s*```\s*$/gm, '')
      .match(/`[^`\n]+`/g)
    expect([...shell, ...missingNpmCommands((prose || []).join('\n'))]).toEqual([])
  })
})

describe('departure (the excerpt rule itself)', () => {
  const file = ['function f() {', '  const a = 1', '', '  const b = 2', '  return a + b', '}']
  it.each([
    [['const a = 1', 'const b = 2'], ''],
    [['function f() {', '…', 'return a + b', '}'], ''],
    [['  function   f() {', '  // …', '}'], ''],
    [['const b = 2', '…', 'const a = 1'], '`const a = 1` is not a line of the file after line 4'],
    [
      ['const a = 1', 'return a + b'],
      '`return a + b` does not follow `const a = 1` (line 2) in the file; if lines are left out there, mark the gap with `// …`',
    ],
    [['const c = 3'], '`const c = 3` is not a line of the file'],
    [['…'], 'the block quotes no line'],
  ])('%j', (excerpt, problem) => {
    expect(departure(excerpt, file)).toBe(problem)
  })
})
