/** The mini-program side must never sign or see the api_ticket: check the client sources themselves. */
import { readdirSync, readFileSync, statSync } from 'fs'
import { dirname, join, relative, resolve, sep } from 'path'
import { validateCardExt } from '../../utils'

const ROOT = resolve(__dirname, '../..')
const SERVER = join(ROOT, 'server')
const CLIENT_DIRS = ['utils', 'components']
// Source that ships to the mini-program (docs like README.md may explain the server side).
const SOURCE = /\.(ts|js|mjs|cjs|json|wxml|wxs|wxss)$/

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : SOURCE.test(name) ? [p] : []
  })
}

const files = CLIENT_DIRS.flatMap((d) => walk(join(ROOT, d)))
const rel = (p: string) => relative(ROOT, p).split(sep).join('/')

describe('client folders (utils/, components/)', () => {
  it('have source files to check', () => {
    expect(files.some((f) => rel(f).startsWith('utils/'))).toBe(true)
    expect(files.some((f) => rel(f).startsWith('components/'))).toBe(true)
  })

  it('import nothing from server/ and no Node crypto', () => {
    const bad: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const specifiers = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g
      for (const [, spec] of text.matchAll(specifiers)) {
        const target = spec.startsWith('.') ? resolve(dirname(file), spec) : ''
        const intoServer =
          target === SERVER || target.startsWith(SERVER + sep) || /^weapp-card-coupon\/server\b/.test(spec)
        if (intoServer || /^(node:)?crypto$/.test(spec)) bad.push(`${rel(file)} imports ${spec}`)
      }
      if (/\b(signCardExt|createCardExt|createApiTicketProvider|decryptCardCode)\b/.test(text)) {
        bad.push(`${rel(file)} names a server function`)
      }
    }
    expect(bad).toEqual([])
  })

  it('handle api_ticket only in the validator, to reject it', () => {
    const hits: string[] = []
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/api_?ticket|getticket|wx_card/i.test(line)) hits.push(`${rel(file)}:${i + 1}: ${line.trim()}`)
        })
    }
    const allowed = (hit: string) => hit.startsWith('utils/rules.ts:') && hit.includes("'api_ticket'")
    expect(hits.filter((h) => !allowed(h))).toEqual([])
    expect(hits.length).toBeLessThanOrEqual(1)
    // And that one place rejects it.
    expect(() => validateCardExt({ timestamp: 1414587457, signature: 'a'.repeat(40), api_ticket: 'x' })).toThrow(
      /cardExt\.api_ticket/,
    )
  })
})
