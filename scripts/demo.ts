// `npm run demo` (after `npm run build`): prepares demo/, the mini-program project.config.json opens in WeChat
// devtools, and runs the two servers its pages talk to over wx.request (scripts/local-servers.ts) at the URLs of
// demo/config.js, until Ctrl-C. With `npm start` running, its servers are those already: the demo uses them.
//   demo/miniprogram_npm/   what "构建 npm" gives a user: @vant/weapp through WeChat's own builder, and our miniprogram_dist
import fs from 'node:fs'
import path from 'node:path'
import { demoConfig, startLocalServers } from './local-servers'

const ROOT = path.resolve(__dirname, '..')
const DEMO = path.join(ROOT, 'demo')

/**
 * What 构建 npm would write into demo/miniprogram_npm: vant through miniprogram-ci's builder and our package from
 * miniprogram_dist; or, with `builtBefore`, a copy of that builder's output for this same package.
 */
export async function buildNpm(builtBefore?: string): Promise<string> {
  const out = path.join(DEMO, 'miniprogram_npm')
  fs.rmSync(out, { recursive: true, force: true })
  if (builtBefore) {
    fs.cpSync(builtBefore, out, { recursive: true })
    return out
  }
  const ours = path.join(ROOT, 'miniprogram_dist')
  if (!fs.existsSync(ours)) throw new Error('demo: run `npm run build` first (miniprogram_dist is missing)')
  // miniprogram-ci ships no typings: the one call made of it
  const ci = require('miniprogram-ci') as {
    packNpmManually(o: { packageJsonPath: string; miniprogramNpmDistDir: string }): Promise<{ warnList?: unknown[] }>
  }
  const r = await ci.packNpmManually({ packageJsonPath: path.join(ROOT, 'package.json'), miniprogramNpmDistDir: DEMO })
  if (r.warnList?.length) console.warn(r.warnList)
  fs.cpSync(ours, path.join(out, 'weapp-card-coupon'), { recursive: true })
  return out
}

/** Whether the simulator of demo/config.js already answers (the servers of `npm start`). */
async function running(simulatorUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${simulatorUrl}/simulator/cards`, { signal: AbortSignal.timeout(2000) })).ok
  } catch {
    return false
  }
}

async function main() {
  const started = Date.now()
  await buildNpm()
  console.log(`demo/ ready in ${Date.now() - started} ms: import the repository folder in WeChat devtools`)
  const config = demoConfig()
  if (await running(config.simulatorUrl)) {
    console.log(`its servers are running already (npm start): ${config.serverUrl}, ${config.simulatorUrl}`)
    return
  }
  const servers = await startLocalServers({
    simulatorPort: Number(new URL(config.simulatorUrl).port),
    serverPort: Number(new URL(config.serverUrl).port),
    session: config.token,
  })
  console.log(`simulator: ${servers.simulatorUrl}\ncard server: ${servers.serverUrl}`)
  console.log(
    'devtools reaches them with 详情 → 本地设置 → 不校验合法域名 (project.config.json sets it). Ctrl-C stops them.',
  )
  const stop = () => void servers.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

// run as a script (not imported by the tests)
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
