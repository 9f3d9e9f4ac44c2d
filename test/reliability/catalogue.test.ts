// The catalogue's goals (issue 16, "Done when"), and the report (docs/reliability.md, written by
// `npm run reliability`) true to the catalogue: the same classes with the same number of cases, all as expected.
import fs from 'fs'
import path from 'path'
import { BAD_INPUTS, CONTROLS, GOALS, SERVER_FAULTS, TAG_FAULTS, classTable } from './catalogue'

const REPORT = path.resolve(__dirname, '../../docs/reliability.md')
/** What the report's Met column says of a goal missed only because of the known bugs. */
const { BECAUSE_OF_BUGS } = require('../../scripts/reliability-report.js') as { BECAUSE_OF_BUGS: string }

it(`tries at least ${GOALS.badInputs} bad inputs`, () => {
  expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(GOALS.badInputs)
})

it(`injects at least ${GOALS.faults} faults`, () => {
  expect(TAG_FAULTS.length + SERVER_FAULTS.length).toBeGreaterThanOrEqual(GOALS.faults)
})

it('names each case once within its class (the report counts them by name)', () => {
  for (const cases of [BAD_INPUTS, CONTROLS, TAG_FAULTS, SERVER_FAULTS]) {
    const names = cases.map((c) => `${c.className}: ${c.name}`)
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([])
  }
})

/** The rows of the table under `## heading`, as trimmed cells. */
function table(markdown: string, heading: string): string[][] {
  const section = (markdown.split(`\n## ${heading}\n`)[1] ?? '').split('\n## ')[0]
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and its rule
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
}

it('docs/reliability.md shows this catalogue, its known bugs, and every goal met apart from them (else: npm run reliability)', () => {
  const markdown = fs.readFileSync(REPORT, 'utf8')
  const shown = table(markdown, 'Classes').map(([className, kind, cases, ok]) => ({ className, kind, cases, ok }))
  const expected = classTable().map(({ className, kind, cases, asExpected }) => ({
    className,
    kind,
    cases: `${cases}`,
    ok: `${asExpected}`,
  }))
  expect(shown).toEqual(expected)
  const bugs = new Set(BAD_INPUTS.flatMap((c) => (c.knownBug ? [c.knownBug] : [])))
  const met = table(markdown, 'Counts').map((row) => row[3])
  expect(met).toHaveLength(8)
  for (const cell of met) expect(bugs.size ? ['yes', BECAUSE_OF_BUGS] : ['yes']).toContain(cell)
  for (const bug of bugs) expect(markdown).toContain(bug)
})
