// The README programs (ts/js files that are neither pages nor tests), bundled with esbuild and run as they are in
// child processes: a server is told its port through listen-hook.js; a script runs to its end.
import { execFileSync, spawn, type ChildProcess } from 'child_process'
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import fs from 'fs'
import path from 'path'
import type { CardPlatform } from '../../testing'

const HOOK = path.join(__dirname, 'listen-hook.js')
/**
 * V8's baseline WebAssembly compiler only: Node's fetch (undici) compiles its HTTP parser from WebAssembly in every
 * process, and optimizing it costs more CPU than a short-lived program ever gets back (a third of a script's time).
 */
const NODE_FLAGS = ['--liftoff-only']

/**
 * Bundles the README programs (`esm`: run by Node) and tests (`cjs`: run in jest) into `outdir`, mirroring their paths
 * under `base`, each bundle and each of `ids` also minified as `<file>.id` (no comments: what it runs); returns each
 * entry's bundle.
 * Synchronous: the tests are bundled while jest collects them.
 */
export function bundle(o: { base: string; outdir: string; esm: string[]; cjs: string[]; ids: string[] }) {
  execFileSync(process.execPath, [path.join(__dirname, 'bundle.js'), JSON.stringify(o)], { stdio: 'pipe' })
  const out = (entry: string, ext: string) =>
    path.join(o.outdir, path.relative(o.base, entry)).replace(/\.[cm]?[jt]s$/, ext)
  return new Map([...o.esm.map((e) => [e, out(e, '.mjs')] as const), ...o.cjs.map((e) => [e, out(e, '.cjs')] as const)])
}

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a script to its end (bounded: a script that does not end in `ms` is killed and fails). */
export function runScript(file: string, env: NodeJS.ProcessEnv, ms = 15_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, file], {
      env,
      cwd: path.dirname(file),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      stderr += `\n(killed: still running after ${ms} ms)`
      child.kill('SIGKILL')
    }, ms)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface RunningServer {
  url: string
  /** What it printed so far. */
  output(): string
  stop(): Promise<void>
}

/** Starts a server program; resolves once it listens (its `PORT` is 0: the system picks a free port). */
export function startServer(file: string, env: NodeJS.ProcessEnv, ms = 15_000): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, '--require', HOOK, file], {
    env: { ...env, PORT: '0' },
    cwd: path.dirname(file),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`${file} did not listen within ${ms} ms:\n${output}`))
    }, ms)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${file} exited (${code}) instead of listening:\n${output}`))
    })
    child.once('message', (message: { listening?: number }) => {
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ url: `http://127.0.0.1:${message.listening}`, output: () => output, stop })
    })
  })
}

export interface WeChatStandIn {
  url: string
  /** The platform that answers from now on. */
  use(platform: CardPlatform): void
  close(): Promise<void>
}

/**
 * One address for WeChat's HTTP API for every program of the run, answered by whichever card platform the current
 * test uses (through `platform.fetch`, the simulator's own router): a fresh platform per test, one server per program.
 */
export async function startWeChat(): Promise<WeChatStandIn> {
  let platform: CardPlatform | undefined
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (!platform) return res.writeHead(503).end('no platform')
      const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined
      platform
        .fetch(`http://wechat${req.url}`, { method: req.method ?? 'GET', body })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text())
        })
        .catch((error: unknown) => res.writeHead(500).end(String(error)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    use: (p) => (platform = p),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Writes `files` (path → text) under `dir`, a clean folder. */
export function writeProject(dir: string, files: Map<string, string>) {
  fs.rmSync(dir, { recursive: true, force: true })
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
}
