import { spawnSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'

const script = path.resolve(__dirname, '../scripts/check-templates.ts')
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..'),
  })

describe('check-templates (official wcc/wcsc)', () => {
  it('passes on our components', () => {
    const r = run()
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/\d+ template\/style files compile/)
  })

  it('fails with file and line on a WXML or WXSS syntax error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-'))
    fs.mkdirSync(path.join(dir, 'x'))
    fs.writeFileSync(path.join(dir, 'x/index.wxml'), '<view>\n  <van-button>ok</van-button>\n<view wx:if="{{a}}">\n')
    fs.writeFileSync(path.join(dir, 'x/index.wxss'), '.a {\n  color: red;\n}\n}\n')
    fs.writeFileSync(path.join(dir, 'x/ok.wxml'), '<view>{{ a }}</view>\n')
    const r = run(dir)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`${path.join(dir, 'x/index.wxml')}:3:2: end tag missing`)
    expect(r.stderr).toContain(`${path.join(dir, 'x/index.wxss')}:4:1:`)
    expect(r.stderr).not.toContain('ok.wxml')
    expect(r.stderr).toContain('2 of 3')
  })
})
