// The two servers the demo's pages talk to, as real Node processes on 127.0.0.1: the card-platform simulator (the
// package's bin, dist/testing/bin/simulator.js: WeChat's server API and its own /simulator/ endpoints, for the
// fixture account and cards; and, on a port of its own, WeChat Pay's 商家券 APIv3 for the fixture merchant) and the
// card server of the READMEs (examples/server.ts, the ready-made handlers of weapp-card-coupon/server, with the
// WeChat Pay coupon routes of examples/pay/routes.mjs) pointed at both. `npm start`, `npm run demo`, the browser test and the demo's tests all
// start them here. Both run on the build: `npm run build` first.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { FIXTURE_ACCOUNT, fixtureUser } from '../testing/fixtures'
import { createRequire } from 'module'

// Node's own require (the mini-program typings, which the tests load beside this file, declare another)
const nodeRequire = createRequire(__filename)

const ROOT = path.resolve(__dirname, '..')
const SIMULATOR_BIN = path.join(ROOT, 'dist/testing/bin/simulator.js')
/** How long a server may take to print its URL (seconds on a busy machine; the margin is ten times that). */
const START_TIMEOUT_MS = 60_000

/**
 * An example of examples/ (`server.ts`, `testing/simulator.ts`) as Node runs it after a transpile-only runner such
 * as tsx: an ES module (its own relative imports bundled in, packages left to Node), written once per process under
 * the repository's .tmp/, where `weapp-card-coupon/*` resolves to this package's build, as in a user's project.
 * Returns the file to run with `node`.
 */
export function exampleProgram(example: string): string {
  const outfile = path.join(ROOT, '.tmp', 'examples', String(process.pid), example.replace(/\.ts$/, '.mjs'))
  if (!fs.existsSync(outfile)) {
    // esbuild's command line, in a process of its own: the API refuses to load in jest's jsdom environment
    execFileSync(process.execPath, [
      nodeRequire.resolve('esbuild/bin/esbuild'),
      path.join(ROOT, 'examples', example),
      `--outfile=${outfile}`,
      '--bundle',
      '--packages=external',
      // from the package as a user has it (examples/tsconfig.json maps it to the build for type-checking only)
      '--external:weapp-card-coupon/*',
      '--format=esm',
      '--platform=node',
      '--target=node18',
      '--log-level=warning',
    ])
  }
  return outfile
}

/** demo/config.js: where the demo's pages find the two servers, and the session token they send. */
export interface DemoConfig {
  serverUrl: string
  simulatorUrl: string
  token: string
  /** The staff member's session token (the staff page sends it). */
  staffToken: string
}
export const demoConfig = (): DemoConfig => require(path.join(ROOT, 'demo/config.js'))

/** The staff member of the local card server (DEV_STAFF_OPENID): not a user of the card bag. */
export const STAFF_OPENID = 'oDemoStaff'

export interface LocalServers {
  /** The simulator: WeChat's API (the card server's WECHAT_API_BASE_URL) and /simulator/ for the pages. */
  simulatorUrl: string
  /** The card server: POST /card-ext, POST /card-codes, GET /user-cards, …, POST /send-coupon, GET /pay-coupons. */
  serverUrl: string
  /** Stops both (SIGTERM) and resolves when they have exited. */
  stop(): Promise<void>
}

export interface LocalServerOptions {
  /** Ports on 127.0.0.1; 0 (the default): free ones. */
  simulatorPort?: number
  serverPort?: number
  /** The session token the card server knows the user by (its DEV_SESSION; the user is the fixture's openid). */
  session: string
  /**
   * The session token of a staff member (DEV_STAFF_SESSION; the staff member is STAFF_OPENID), for the counter.
   * Default: demo/config.js's staffToken.
   */
  staffSession?: string | undefined
  /** Where the servers' own output goes; default: nowhere but their first line, the URL. */
  log?: (line: string) => void
}

/** The first http URL of 127.0.0.1 a server prints. */
const firstUrl = (output: string) => /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0]

/**
 * What the simulator bin prints for a server of WeChat Pay coupons (`  WECHATPAY_MCHID=…`, its test merchant, the
 * files of its test keys in a temporary folder it owns, the batches), once it has printed all of it; the values
 * go to the card server's environment and nowhere else.
 */
function payEnvironment(output: string): NodeJS.ProcessEnv | undefined {
  if (!output.includes('Ctrl-C stops it.')) return undefined
  const pay = output.slice(output.indexOf("WeChat Pay's"))
  return Object.fromEntries(
    [...pay.matchAll(/^ {2}(WECHATPAY_\w+|MINIPROGRAM_APPID|STOCK_IDS)=(.*)$/gm)].map((m) => [m[1], m[2]]),
  )
}

/**
 * Starts `args` with this Node and resolves what `ready(output)` finds (by default the first http URL it prints);
 * rejects when it exits first. `secret(line)`: a line `log` never sees.
 */
function startProcess<T = string>(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log?: (line: string) => void,
  ready: (output: string) => T | undefined = firstUrl as (output: string) => T | undefined,
  secret: (line: string) => boolean = () => false,
) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' })
  let output = ''
  const url = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: no URL after ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    )
    const read = (chunk: Buffer) => {
      output += chunk
      for (const line of String(chunk).split('\n')) if (line.trim() && !secret(line)) log?.(`${name}: ${line}`)
      const found = ready(output)
      if (found !== undefined) {
        clearTimeout(timer)
        resolve(found)
      }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${code}) before it listened:\n${output}`))
    })
  })
  return { child, url }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** Starts the simulator, then the card server on it; both stopped again if either fails to start. */
export async function startLocalServers(o: LocalServerOptions): Promise<LocalServers> {
  if (!fs.existsSync(SIMULATOR_BIN) || !fs.existsSync(path.join(ROOT, 'dist/server/index.js')))
    throw new Error('the local servers run on the build: run `npm run build` first')
  const started: ChildProcess[] = []
  // however this process ends (a crash included), the servers it started end with it
  const orphans = () => started.forEach((child) => child.kill())
  process.once('exit', orphans)
  const stop = async () => {
    process.off('exit', orphans)
    await Promise.all(started.map(stopProcess))
  }
  try {
    // its WeChat Pay side on a free port: only the card server reaches it
    const simulator = startProcess(
      'simulator',
      [SIMULATOR_BIN, '--port', String(o.simulatorPort ?? 0), '--pay-port', '0'],
      {},
      o.log,
      (output) => {
        const url = firstUrl(output)
        const pay = payEnvironment(output)
        return url && pay ? { url, pay } : undefined
      },
      (line) => /^ {2}WECHATPAY_/.test(line),
    )
    started.push(simulator.child)
    const { url: simulatorUrl, pay } = await simulator.url
    const server = startProcess(
      'card server',
      [exampleProgram('server.ts')],
      {
        HOST: '127.0.0.1',
        PORT: String(o.serverPort ?? 0),
        WECHAT_API_BASE_URL: simulatorUrl,
        WECHAT_APPID: FIXTURE_ACCOUNT.appid,
        WECHAT_SECRET: FIXTURE_ACCOUNT.secret,
        DEV_SESSION: o.session,
        DEV_OPENID: FIXTURE_ACCOUNT.openid,
        DEV_STAFF_SESSION: o.staffSession ?? demoConfig().staffToken,
        DEV_STAFF_OPENID: STAFF_OPENID,
        // WeChat Pay: the simulator's merchant, batches and key files, the mini-program bound to it
        // (MINIPROGRAM_APPID), and the user as WeChat Pay knows them: their mini-program openid
        ...pay,
        DEV_MINI_OPENID: fixtureUser('user').miniOpenid,
      },
      o.log,
    )
    started.push(server.child)
    return { simulatorUrl, serverUrl: await server.url, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
