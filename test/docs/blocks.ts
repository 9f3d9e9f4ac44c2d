// The fenced code blocks of the READMEs, with the file each one quotes (see excerpts.test.ts for the rules).
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
  /** The info string's second word: the file the block quotes (`demo/pages/add/index.js`); '' when absent. */
  file: string
  /** Any further words of the info string (a block names one file: more is a mistake the tests report). */
  extra: string[]
  code: string
}

/** Every README of the repository (README.md, README.zh-CN.md …, outside node_modules and builds), relative to it. */
export function readmes(): string[] {
  const skip = new Set([
    'node_modules',
    'miniprogram_npm',
    'miniprogram_dist',
    'dist',
    'coverage',
    '.tmp',
    '.git',
    '.out',
  ])
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
      const rel = path.posix.join(dir, d.name)
      if (d.isDirectory()) return skip.has(d.name) ? [] : walk(rel)
      return /^README(\.[\w-]+)?\.md$/.test(d.name) ? [rel] : []
    })
  return walk('.')
    .map((f) => f.replace(/^\.\//, ''))
    .sort()
}

/** The fenced blocks of one README, in order, also those indented in a list item. */
export function blocksOf(readme: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, readme), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(.*)$/.exec(lines[i] ?? '')
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l))
    if (end < 0) throw new Error(`${readme}:${i + 1}: a code block that is never closed`)
    const [lang = '', file = '', ...extra] = (open[1] ?? '').trim().split(/\s+/)
    blocks.push({ readme, line: i + 1, lang, file, extra, code: lines.slice(i + 1, end).join('\n') + '\n' })
    i = end
  }
  return blocks
}

/**
 * The `npm …` commands in `text` that do not exist: a command npm does not have, `npm run <x>` without a script
 * `x` in package.json, `npm test` / `npm start` … without that script.
 */
export function missingNpmCommands(text: string): string[] {
  const npmRoot = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm')
  const { deref } = require(path.join(npmRoot, 'lib', 'utils', 'cmd-list.js')) as { deref(c: string): string }
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  const has = (name: string) => Object.prototype.hasOwnProperty.call(scripts, name)
  const missing: string[] = []
  for (const [, command, arg] of text.matchAll(/\bnpm[ \t]+([\w:-]+)(?:[ \t]+([\w:.-]+))?/g)) {
    const canonical = deref(command!)
    if (!canonical) missing.push(`npm ${command}`)
    else if (canonical === 'run' && !(arg && has(arg))) missing.push(`npm run ${arg ?? ''}`.trim())
    else if (['test', 'start', 'stop', 'restart'].includes(canonical) && !has(canonical))
      missing.push(`npm ${command} (no "${canonical}" script)`)
  }
  return missing
}
