// testing/README.md's API and state tables are kept true to the code: every member of the platform, of its wx and
// of its state is documented, and every documented name exists.
import fs from 'fs'
import path from 'path'
import { makePlatform } from '../helpers/platform'

const readme = fs.readFileSync(path.join(__dirname, '../../testing/README.md'), 'utf8').split('\n')

/** The names in the first column of the table whose header row is `header`: `wx.addCard(o)` → `wx.addCard`. */
function documentedNames(header: string): string[] {
  const start = readme.indexOf(header)
  expect(start).toBeGreaterThanOrEqual(0)
  const rows = readme.slice(start + 2)
  const end = rows.findIndex((line) => !line.startsWith('|'))
  return rows
    .slice(0, end)
    .flatMap((row) => [...row.split('|')[1].matchAll(/`([\w.]+)/g)].map((m) => m[1]))
    .sort()
}

it('the API table documents exactly the members of createCardPlatform() and its wx', () => {
  const platform = makePlatform()
  const members = Object.keys(platform).filter((key) => key !== 'wx')
  const wx = Object.keys(platform.wx).map((key) => `wx.${key}`)
  expect(documentedNames('| Member | What it does |')).toEqual([...members, ...wx].sort())
})

it('the state table documents exactly the keys of state', () => {
  expect(documentedNames('| Key | Content |')).toEqual(Object.keys(makePlatform().state).sort())
})
