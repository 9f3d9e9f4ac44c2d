// scripts/system-packages.ts on a PATH without redis-server, apt-get stubbed by a fake command that records its calls
// and "installs" redis-server into the same folder.
import fs from 'fs'
import os from 'os'
import path from 'path'
import { MissingSystemPackage, ensureSystemPackages } from '../scripts/system-packages'

let bin: string
let policyFile: string
let aptLog: string
const aptCalls = () =>
  fs.existsSync(aptLog)
    ? fs
        .readFileSync(aptLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : []

beforeEach(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'system-packages-'))
  bin = path.join(dir, 'bin')
  policyFile = path.join(dir, 'policy-rc.d')
  aptLog = path.join(dir, 'apt.log')
  fs.mkdirSync(bin)
})
afterEach(() => fs.rmSync(path.dirname(bin), { recursive: true, force: true }))

function fakeAptGet() {
  const script = `#!${process.execPath}
const fs = require('fs')
const policy = ${JSON.stringify(policyFile)}
fs.appendFileSync(${JSON.stringify(aptLog)}, JSON.stringify({
  args: process.argv.slice(2),
  frontend: process.env.DEBIAN_FRONTEND,
  policy: fs.existsSync(policy) ? fs.readFileSync(policy, 'utf8') : null,
}) + '\\n')
if (process.argv[2] === 'install') fs.writeFileSync(${JSON.stringify(path.join(bin, 'redis-server'))}, '', { mode: 0o755 })
`
  fs.writeFileSync(path.join(bin, 'apt-get'), script, { mode: 0o755 })
}

const ensure = (root: boolean, said: string[] = []) =>
  ensureSystemPackages(['redis-server'], { env: { PATH: bin }, root, policyFile, say: (line) => said.push(line) })

it('does nothing when the command is on PATH', () => {
  fakeAptGet()
  fs.writeFileSync(path.join(bin, 'redis-server'), '', { mode: 0o755 })
  const said: string[] = []
  ensure(true, said)
  expect([said, aptCalls()]).toEqual([[], []])
})

it('as root with apt-get: says so in one line and installs without a question or a daemon', () => {
  fakeAptGet()
  const said: string[] = []
  ensure(true, said)
  const keepDaemonsDown = '#!/bin/sh\nexit 101\n'
  expect(said).toEqual([
    'redis-server is not installed: running apt-get update && apt-get install -y --no-install-recommends redis-server',
  ])
  expect(aptCalls()).toEqual([
    { args: ['update', '-qq'], frontend: 'noninteractive', policy: keepDaemonsDown },
    {
      args: ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'],
      frontend: 'noninteractive',
      policy: keepDaemonsDown,
    },
  ])
  expect(fs.existsSync(policyFile)).toBe(false)
  expect(fs.existsSync(path.join(bin, 'redis-server'))).toBe(true)
})

it('stops at once with the exact command where it cannot install', () => {
  fakeAptGet()
  expect(() => ensure(false)).toThrow(
    new MissingSystemPackage(
      'redis-server is not installed: run sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server',
    ),
  )
  fs.rmSync(path.join(bin, 'apt-get'))
  expect(() => ensure(true)).toThrow(
    new MissingSystemPackage(
      'redis-server is not installed: install redis-server (on Debian: apt-get update && apt-get install -y --no-install-recommends redis-server)',
    ),
  )
  expect(aptCalls()).toEqual([])
})
