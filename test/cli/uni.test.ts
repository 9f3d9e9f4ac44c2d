// The uni-app bin (cli/uni.ts, shipped as dist/cli/uni.js: npx weapp-card-coupon-uni [dir]) on a uni-app source
// folder: the files of ours the card tags reach into wxcomponents/weapp-card-coupon, and those of vant into
// wxcomponents/miniprogram_npm/@vant/weapp. npm run test:uni builds a real uni-app project with it.
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { reachedFiles } from '../../cli/component-graph'
import { ROOT } from '../helpers/simulate'

const BIN = path.join(ROOT, 'dist', 'cli', 'uni.js')
const SRC = path.join(ROOT, '.tmp', 'uni-bin', 'src')
const VANT_LIB = path.join(ROOT, 'node_modules', '@vant', 'weapp', 'lib')
const OURS = path.join(SRC, 'wxcomponents', 'weapp-card-coupon')
const VANT = path.join(SRC, 'wxcomponents', 'miniprogram_npm', '@vant', 'weapp')

const filesBelow = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesBelow(path.join(dir, d.name)) : [path.join(dir, d.name)]))
const relativeFiles = (dir: string) =>
  filesBelow(dir)
    .map((f) => path.relative(dir, f))
    .sort()

beforeAll(() => {
  fs.rmSync(path.dirname(SRC), { recursive: true, force: true })
  fs.mkdirSync(SRC, { recursive: true })
  fs.writeFileSync(path.join(SRC, 'pages.json'), '{ "pages": [] }')
  // a file of an earlier run, which the bin replaces
  fs.mkdirSync(path.join(VANT, 'old'), { recursive: true })
  fs.writeFileSync(path.join(VANT, 'old', 'index.js'), '')
})

it('copies the files of ours and of vant the card tags reach (relations included), nothing else', () => {
  const output = execFileSync(process.execPath, [BIN, SRC], { cwd: ROOT, encoding: 'utf8' })
  const mp = path.join(ROOT, 'miniprogram_dist')
  const reached = reachedFiles(
    ['add-card-button', 'open-card-list'].map((tag) => path.join(mp, tag, 'index')),
    (npmPath) => path.join(VANT_LIB, npmPath.replace(/^@vant\/weapp\//, '')),
  )
  const ours = relativeFiles(OURS)
  expect(ours).toEqual(expect.arrayContaining(['common/card-call.js', 'open-card-list/card-row.wxs', 'utils/index.js']))
  // the other entries of the package stay out (send-coupon-button needs a WeChat Pay plugin), typings too
  expect(ours.filter((f) => f.startsWith('send-coupon-button/') || f.endsWith('.d.ts'))).toEqual([])
  expect(ours).toEqual(
    reached
      .filter((f) => f.startsWith(mp + path.sep))
      .map((f) => path.relative(mp, f))
      .sort(),
  )
  const vant = relativeFiles(VANT)
  // checkbox-group: no usingComponents names it; vant's checkbox relates to it (useParent)
  expect(vant).toEqual(expect.arrayContaining(['checkbox-group/index.js', 'common/index.wxss', 'wxs/utils.wxs']))
  expect(vant).not.toContain('old/index.js')
  expect(vant).toEqual(
    reached
      .filter((f) => f.startsWith(VANT_LIB + path.sep))
      .map((f) => path.relative(VANT_LIB, f))
      .sort(),
  )
  for (const file of vant)
    expect(fs.readFileSync(path.join(VANT, file))).toEqual(fs.readFileSync(path.join(VANT_LIB, file)))
  expect(output).toContain('"add-card-button": "/wxcomponents/weapp-card-coupon/add-card-button/index"')
})

it('refuses a folder without pages.json, saying what to pass', () => {
  expect(() => execFileSync(process.execPath, [BIN, path.dirname(SRC)], { cwd: ROOT, stdio: 'pipe' })).toThrow(
    /has no pages\.json: pass the uni-app source folder/,
  )
})

it('--tags copies the components named (member-card, pay-coupon-list) and what they reach, and names them', () => {
  const output = execFileSync(process.execPath, [BIN, SRC, '--tags', 'member-card,pay-coupon-list'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  const mp = path.join(ROOT, 'miniprogram_dist')
  const reached = reachedFiles(
    ['member-card', 'pay-coupon-list'].map((tag) => path.join(mp, tag, 'index')),
    (npmPath) => path.join(VANT_LIB, npmPath.replace(/^@vant\/weapp\//, '')),
  )
  const ours = relativeFiles(OURS)
  expect(ours).toEqual(expect.arrayContaining(['member-card/index.js', 'pay-coupon-list/index.wxml']))
  expect(ours.filter((f) => f.startsWith('add-card-button/') || f.startsWith('open-card-list/'))).toEqual([])
  expect(ours).toEqual(
    reached
      .filter((f) => f.startsWith(mp + path.sep))
      .map((f) => path.relative(mp, f))
      .sort(),
  )
  expect(output).toContain(
    '"member-card": "/wxcomponents/weapp-card-coupon/member-card/index", ' +
      '"pay-coupon-list": "/wxcomponents/weapp-card-coupon/pay-coupon-list/index"',
  )
})

it("the READMEs' --tags command copies the four components it names", () => {
  const tags = 'add-card-button,open-card-list,member-card,pay-coupon-list'
  for (const readme of ['README.md', 'README.zh-CN.md'])
    expect([readme, fs.readFileSync(path.join(ROOT, readme), 'utf8')]).toEqual([
      readme,
      expect.stringContaining(`npx weapp-card-coupon-uni src --tags ${tags}`),
    ])
  execFileSync(process.execPath, [BIN, SRC, '--tags', tags], { cwd: ROOT, encoding: 'utf8' })
  const copied = new Set(relativeFiles(OURS).map((f) => f.split('/')[0]))
  for (const tag of tags.split(',')) expect([tag, copied.has(tag)]).toEqual([tag, true])
  expect(copied.has('send-coupon-button')).toBe(false)
})

it('refuses a component it does not have, naming the ones it has, before copying anything', () => {
  const before = relativeFiles(OURS)
  expect(() =>
    execFileSync(process.execPath, [BIN, SRC, '--tags', 'member-card,coupon-list'], { cwd: ROOT, stdio: 'pipe' }),
  ).toThrow(/no component named coupon-list: choose from add-card-button, member-card, open-card-list/)
  expect(relativeFiles(OURS)).toEqual(before)
})
