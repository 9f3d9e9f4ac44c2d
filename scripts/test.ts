// `npm test [-- <jest args>]`: the one test command. redis-server is installed first when missing
// (scripts/system-packages.ts). Then the build (it leaves type-checking to typecheck, so each project is checked
// once), then jest with WeChat's wcc/wcsc on the templates. eslint, the Prettier check and `npm run typecheck` run
// beside all of it at a lower priority: on 2 cores they take the time the build and jest leave idle (servers, child
// processes) and never slow jest's own. A step's output is shown only when it fails.
import { spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { build } from './build'
import { check } from './check-templates'
import { MissingSystemPackage, ensureSystemPackages } from './system-packages'
import { ROOT } from './weight'

interface Step {
  name: string
  ok: boolean
  output: string
  ms: number
}

/** A package's command-line entry (its package.json `bin`), to run with this Node: no shell, any platform. */
function cli(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`)
  const { bin } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> }
  return path.join(path.dirname(manifest), typeof bin === 'string' ? bin : (bin[pkg] ?? ''))
}

/** npm itself: the one running this script when there is one. */
const npm = (...args: string[]): [string, string[]] =>
  process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath, ...args]] : ['npm', args]

/** Runs a command at a lower priority (nice 10) with its output collected. */
function runBeside(name: string, command: string, args: string[]): Promise<Step> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, 10)
    } catch {
      // it has exited already: 'close' reports it
    }
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    child.on('close', (code) => resolve({ name, ok: code === 0, output, ms: Date.now() - started }))
    child.on('error', (error) => resolve({ name, ok: false, output: String(error), ms: Date.now() - started }))
  })
}

/** Runs an in-process step; a throw fails it with its message. */
async function step(name: string, work: () => unknown): Promise<Step> {
  const started = Date.now()
  try {
    await work()
    return { name, ok: true, output: '', ms: Date.now() - started }
  } catch (error) {
    return { name, ok: false, output: error instanceof Error ? error.message : String(error), ms: Date.now() - started }
  }
}

/** Prints one line per step, and the output of those that failed; true when all passed. */
function report(steps: Step[]): boolean {
  for (const { name, ok, output, ms } of steps) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${(ms / 1000).toFixed(1)} s)`)
    if (!ok) console.log(output.trimEnd())
  }
  return steps.every((s) => s.ok)
}

async function main(jestArgs: string[]): Promise<number> {
  try {
    ensureSystemPackages(['redis-server'])
  } catch (error) {
    if (!(error instanceof MissingSystemPackage)) throw error
    console.error(`npm test: ${error.message}`)
    return 1
  }
  const beside = Promise.all([
    runBeside('eslint', process.execPath, [cli('eslint'), '.']),
    runBeside('prettier --check', process.execPath, [cli('prettier'), '--check', '--log-level', 'warn', '.']),
    runBeside('typecheck', ...npm('run', '--silent', 'typecheck')),
  ])
  const built = await step('build', () => build({ check: false }))
  if (!report([built])) return 1
  // jest reports on its own, as it goes
  const jest = spawn(process.execPath, [cli('jest'), ...jestArgs], { cwd: ROOT, stdio: 'inherit' })
  const jestCode = new Promise<number>((resolve) => jest.on('close', (code) => resolve(code ?? 1)))
  const templates = await step('wcc/wcsc', () => {
    const errors = ['components', 'miniprogram_dist', 'demo'].flatMap((root) => check(path.join(ROOT, root)).errors)
    if (errors.length) throw new Error(errors.join('\n'))
  })
  const code = await jestCode
  const passed = report([templates, ...(await beside)])
  return code !== 0 ? code : passed ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
