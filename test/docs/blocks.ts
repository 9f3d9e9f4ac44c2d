// The fenced code blocks of the READMEs, with the file path each one names (see examples.test.ts for the rules).
import fs from 'fs'
import path from 'path'

export const ROOT = path.resolve(__dirname, '../..')

export interface Block {
  /** The README, relative to the repository: `server/README.zh-CN.md`. */
  readme: string
  /** Line of the opening fence (1-based), for messages. */
  line: number
  /** The info string's first word: `ts`, `js`, `json`, `xml`, `bash`, `text`. */
  lang: string
  /** The info string's second word: the file the block is (`pages/add/index.js`, `server.ts`); '' when absent. */
  file: string
  code: string
}

/** Every README this test runs: the root one, each component's, the server's and the simulator's, in any language. */
export function readmes(): string[] {
  const dirs = [
    '.',
    ...fs
      .readdirSync(path.join(ROOT, 'components'))
      .map((d) => `components/${d}`)
      .filter((d) => fs.statSync(path.join(ROOT, d)).isDirectory()),
    'server',
    'testing',
  ]
  return dirs.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((f) => /^README(\.[\w-]+)?\.md$/.test(f))
      .sort()
      .map((f) => path.posix.join(dir, f)),
  )
}

/** The fenced blocks of one README, in order. */
export function blocksOf(readme: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, readme), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i] ?? '')
    if (!open) continue
    const [lang = '', file = '', ...rest] = (open[1] ?? '').trim().split(/\s+/)
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
    if (end < 0) throw new Error(`${readme}:${i + 1}: a code block that is never closed`)
    if (rest.length) throw new Error(`${readme}:${i + 1}: the info string has more than a language and a path`)
    blocks.push({ readme, line: i + 1, lang, file, code: lines.slice(i + 1, end).join('\n') + '\n' })
    i = end
  }
  return blocks
}

/** `components/add-card-button/README.zh-CN.md` → `components-add-card-button-README-zh-CN`: a folder name. */
export const slug = (readme: string) => readme.replace(/\.md$/, '').replace(/[^\w-]+/g, '-')
