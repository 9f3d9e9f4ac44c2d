// `tsx scripts/system-packages.ts <command…>`: the Debian packages the tests need beyond npm (redis-server for
// `npm test`, chromium for `npm run test:browser`). A missing one is installed with apt when we are root and
// apt-get is there, saying so in one line; otherwise this stops at once with the exact command to run.
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { createRequire } from 'module'

// Node's own require (the mini-program typings, which the tests load beside this file, declare another)
const nodeRequire = createRequire(__filename)

/** The Debian packages that provide each command a test step runs. */
export const PACKAGES = {
  'redis-server': ['redis-server'],
  // a CJK font, or the playground's screenshots show boxes for the Chinese texts
  chromium: ['chromium', 'fonts-wqy-microhei'],
} satisfies Record<string, string[]>

export type SystemCommand = keyof typeof PACKAGES

/** What the check may look at and change; the defaults are this process's. */
export interface SystemOptions {
  /** Where commands are looked up (PATH) and what apt-get runs with. */
  env?: NodeJS.ProcessEnv
  /** Whether apt-get may be run without sudo. */
  root?: boolean
  /** policy-rc.d: while it exits 101, apt starts none of the daemons it installs. Made for the install, then removed. */
  policyFile?: string
  /** Where the one line goes. */
  say?: (line: string) => void
}

/** Thrown when a command is missing and cannot be installed here; the message holds the command to run. */
export class MissingSystemPackage extends Error {}

/** Whether an executable `name` is on `PATH`. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', name), fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** The apt-get command that installs `packages` (no recommends, no questions). */
export const aptCommand = (packages: string[], sudo = '') =>
  `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`

/**
 * Makes sure each of `commands` is on PATH: installs the missing ones' packages with apt-get (root only, no daemon
 * started), or throws MissingSystemPackage naming the exact command to run. Throws Error when apt-get fails.
 */
export function ensureSystemPackages(
  commands: SystemCommand[],
  {
    env = process.env,
    root = process.getuid?.() === 0,
    policyFile = '/usr/sbin/policy-rc.d',
    say = console.log,
  }: SystemOptions = {},
): void {
  // the playground's runner takes another browser from CHROMIUM
  const present = (command: SystemCommand) => onPath(command, env) || (command === 'chromium' && !!env.CHROMIUM)
  const missing = commands.filter((command) => !present(command))
  if (!missing.length) return
  const packages = missing.flatMap((command) => PACKAGES[command])
  const what = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed`
  if (!onPath('apt-get', env)) {
    throw new MissingSystemPackage(`${what}: install ${packages.join(' ')} (on Debian: ${aptCommand(packages)})`)
  }
  if (!root) throw new MissingSystemPackage(`${what}: run ${aptCommand(packages, 'sudo ')}`)
  say(`${what}: running ${aptCommand(packages)}`)
  const ownPolicy = !fs.existsSync(policyFile)
  if (ownPolicy) fs.writeFileSync(policyFile, '#!/bin/sh\nexit 101\n', { mode: 0o755 })
  try {
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' }
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...packages],
    ]) {
      const apt = spawnSync('apt-get', args, { env: aptEnv, encoding: 'utf8' })
      if (apt.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${apt.stdout}${apt.stderr}`)
    }
  } finally {
    if (ownPolicy) fs.rmSync(policyFile, { force: true })
  }
  const still = missing.filter((command) => !present(command))
  if (still.length)
    throw new Error(`apt-get installed ${packages.join(' ')}, but ${still.join(', ')} is still not on PATH`)
}

if (nodeRequire.main === module) {
  try {
    const commands = process.argv.slice(2).map((name) => {
      if (name in PACKAGES) return name as SystemCommand
      throw new Error(`system-packages: no package known for ${name} (known: ${Object.keys(PACKAGES).join(', ')})`)
    })
    ensureSystemPackages(commands)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
