#!/usr/bin/env node
// `npm test`: the build (which type-checks the shipped code), the official wcc/wcsc checks, then jest; eslint and
// the Prettier check run alongside all of it. Each step's output is shown only when it fails, so a green run prints
// a few lines.
const { spawn } = require('child_process')
const path = require('path')

const ROOT = path.resolve(__dirname, '..')
/** A package's command-line entry (its package.json `bin`), run with this Node: no shell, any platform. */
function cli(pkg) {
  const manifest = require.resolve(`${pkg}/package.json`)
  const { bin } = require(manifest)
  return [process.execPath, [path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin[pkg])]]
}

const withArgs = ([command, args], ...more) => [command, [...args, ...more]]

/** Runs one step; resolves { name, ok, output, ms }. */
function run(name, command, args) {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (code) => resolve({ name, ok: code === 0, output, ms: Date.now() - started }))
    child.on('error', (error) => resolve({ name, ok: false, output: String(error), ms: Date.now() - started }))
  })
}

function report(results) {
  for (const r of results) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${(r.ms / 1000).toFixed(1)} s)`)
    if (!r.ok) process.stdout.write(r.output.endsWith('\n') ? r.output : r.output + '\n')
  }
  return results.every((r) => r.ok)
}

async function main() {
  // The build and the checks of the templates come first (the tests load what they build); eslint and Prettier run
  // beside them and beside jest, and report at the end: on 2 cores they fill the gaps while jest waits on its
  // servers and child processes.
  const lint = Promise.all([
    run('eslint', ...withArgs(cli('eslint'), '.')),
    run('prettier --check', ...withArgs(cli('prettier'), '--check', '--log-level', 'warn', '.')),
  ])
  const build = await run('build (type-checks the shipped code)', process.execPath, [
    path.join(ROOT, 'scripts/build.js'),
  ])
  if (!report([build])) process.exit(1)
  const templates = await run('wcc/wcsc', process.execPath, [
    path.join(ROOT, 'scripts/check-templates.js'),
    'components',
    'miniprogram_dist',
    'demo',
  ])
  if (!report([templates])) process.exit(1)
  // jest reports on its own (stdout/stderr as they come)
  const [node, jestArgs] = withArgs(cli('jest'), ...process.argv.slice(2))
  const jest = spawn(node, jestArgs, { cwd: ROOT, stdio: 'inherit' })
  const jestCode = await new Promise((resolve) => jest.on('close', (code) => resolve(code ?? 1)))
  const linted = report(await lint)
  process.exit(jestCode !== 0 ? jestCode : linted ? 0 : 1)
}

main()
