#!/usr/bin/env node
// `npx weapp-card-coupon-simulator [--port N]`: the card-platform simulator as its own process. It serves WeChat's
// server API (what a card server calls) and the simulator's own endpoints for pages (/simulator/) on 127.0.0.1,
// for the fixture account and cards (testing/fixtures.ts), prints what a card server needs to reach it, and stops
// on SIGINT / SIGTERM (Ctrl-C) with exit code 0.
import {
  FIXTURE_ACCOUNT,
  FIXTURE_CARDS,
  PAGE_BRIDGE_PREFIX,
  createCardPlatform,
  fixturePlatformOptions,
} from '../index'

const USAGE = 'usage: weapp-card-coupon-simulator [--port N]   (N: 0 to 65535; default 0, a free port)'

/** The port of `--port N` / `--port=N`; 0 when not given. Throws a message for anything else. */
function portOf(args: readonly string[]): number {
  let port = '0'
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--port' && i + 1 < args.length) port = args[++i] ?? ''
    else if (arg.startsWith('--port=')) port = arg.slice('--port='.length)
    else throw new Error(`unknown argument ${arg}`)
  }
  const n = Number(port)
  if (!/^\d+$/.test(port) || n > 65535) throw new Error(`--port: not a port: ${port}`)
  return n
}

async function main(): Promise<void> {
  let port: number
  try {
    port = portOf(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const platform = createCardPlatform(fixturePlatformOptions())
  const { url, close } = await platform.listen({ port, pageBridge: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error
    console.error(`weapp-card-coupon simulator: port ${port} is in use: pass another with --port N`)
    process.exit(1)
  })
  const width = Math.max(...FIXTURE_CARDS.map((card) => card.name.length))
  console.log(
    [
      `weapp-card-coupon simulator: ${url}`,
      '',
      "A card server reaches WeChat's API here with these (the fixture account of weapp-card-coupon/testing):",
      `  WECHAT_API_BASE_URL=${url}`,
      `  WECHAT_APPID=${FIXTURE_ACCOUNT.appid}`,
      `  WECHAT_SECRET=${FIXTURE_ACCOUNT.secret}`,
      `The user: openid ${FIXTURE_ACCOUNT.openid}. The cards:`,
      ...FIXTURE_CARDS.map((card) => `  ${card.name.padEnd(width)}  ${card.cardId}  ${card.title}`),
      `A page's simulated wx.addCard / wx.openCard: ${url}${PAGE_BRIDGE_PREFIX} (the simulator's, not WeChat's)`,
      'Ctrl-C stops it.',
    ].join('\n'),
  )
  const stop = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
