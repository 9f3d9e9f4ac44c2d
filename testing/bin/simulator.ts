#!/usr/bin/env node
// `npx weapp-card-coupon-simulator [--port N] [--pay-port N]`: the card-platform simulator as its own process. It
// serves WeChat's server API (what a card server calls) and the simulator's own endpoints for pages (/simulator/) on
// 127.0.0.1, for the fixture account and cards (testing/fixtures.ts); and, on a second port, WeChat Pay's 商家券 APIv3
// for the fixture merchant (FIXTURE_PAY). It prints what a server needs to reach both (the merchant's test key pair
// written to a temporary folder it removes on exit), and stops on SIGINT / SIGTERM (Ctrl-C) with exit code 0.
import { mkdtempSync, rmSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import {
  FIXTURE_ACCOUNT,
  FIXTURE_CARDS,
  FIXTURE_MINI_PROGRAM,
  FIXTURE_PAY,
  FIXTURE_USERS,
  PAGE_BRIDGE_PREFIX,
  createCardPlatform,
  createPayPlatform,
  fixturePayPlatformOptions,
  fixturePlatformOptions,
  type Listening,
} from '../index'

const USAGE = 'usage: weapp-card-coupon-simulator [--port N] [--pay-port N]   (N: 0 to 65535; default 0, a free port)'

/** The ports of `--port N` / `--port=N` and `--pay-port N`; 0 when not given. Throws a message for anything else. */
function portsOf(args: readonly string[]): { port: number; payPort: number } {
  const given: Record<'port' | 'pay-port', string> = { port: '0', 'pay-port': '0' }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    const flag = (['port', 'pay-port'] as const).find((name) => arg === `--${name}` || arg.startsWith(`--${name}=`))
    if (flag && arg === `--${flag}` && i + 1 < args.length) given[flag] = args[++i] ?? ''
    else if (flag && arg.startsWith(`--${flag}=`)) given[flag] = arg.slice(`--${flag}=`.length)
    else throw new Error(`unknown argument ${arg}`)
  }
  const check = (flag: 'port' | 'pay-port') => {
    const n = Number(given[flag])
    if (!/^\d+$/.test(given[flag]) || n > 65535) throw new Error(`--${flag}: not a port: ${given[flag]}`)
    return n
  }
  return { port: check('port'), payPort: check('pay-port') }
}

/** Listens, or exits 1 saying which flag to change when the port is in use. */
function listenOr(flag: string, port: number, listen: Promise<Listening>): Promise<Listening> {
  return listen.catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error
    console.error(`weapp-card-coupon simulator: port ${port} is in use: pass another with ${flag} N`)
    process.exit(1)
  })
}

async function main(): Promise<void> {
  let ports: { port: number; payPort: number }
  try {
    ports = portsOf(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const { port, payPort } = ports
  const platform = createCardPlatform(fixturePlatformOptions())
  const payOptions = fixturePayPlatformOptions()
  const pay = createPayPlatform(payOptions)
  // a page's stand-in for the send-coupon plugin reaches WeChat Pay through the page bridge
  const { url, close } = await listenOr('--port', port, platform.listen({ port, pageBridge: true, payPlatform: pay }))
  const payApi = await listenOr('--pay-port', payPort, pay.listen({ port: payPort }))
  // The SDK reads its keys from files: the simulator's own test pair, generated at start, removed on exit.
  const keys = mkdtempSync(path.join(tmpdir(), 'weapp-card-coupon-simulator-'))
  const [publicKeyId, publicKey] = Object.entries(pay.merchant.certs)[0] ?? ['', '']
  const privateKeyFile = path.join(keys, 'apiclient_key.pem')
  const publicKeyFile = path.join(keys, 'pub_key.pem')
  writeFileSync(privateKeyFile, pay.merchant.privateKey, { mode: 0o600 })
  writeFileSync(publicKeyFile, publicKey)
  const width = Math.max(...FIXTURE_CARDS.map((card) => card.name.length))
  const stockWidth = Math.max(...FIXTURE_PAY.stocks.map((stock) => stock.stockId.length))
  console.log(
    [
      `weapp-card-coupon simulator: ${url}`,
      '',
      "A card server reaches WeChat's API here with these (the fixture account of weapp-card-coupon/testing):",
      `  WECHAT_API_BASE_URL=${url}`,
      `  WECHAT_APPID=${FIXTURE_ACCOUNT.appid}`,
      `  WECHAT_SECRET=${FIXTURE_ACCOUNT.secret}`,
      "The mini-program's login (code2Session at sns/jscode2session, another AppID than the cards'):",
      `  MINIPROGRAM_APPID=${FIXTURE_MINI_PROGRAM.appid}`,
      `  MINIPROGRAM_SECRET=${FIXTURE_MINI_PROGRAM.secret}`,
      'The users (Official Account openid, mini-program openid, unionid); the pages play the first:',
      ...FIXTURE_USERS.map(
        (user) => `  ${user.name.padEnd(8)}  ${user.openid.padEnd(18)}  ${user.miniOpenid.padEnd(22)}  ${user.unionid}`,
      ),
      'The cards:',
      ...FIXTURE_CARDS.map((card) => `  ${card.name.padEnd(width)}  ${card.cardId}  ${card.title}`),
      `A page's simulated wx.addCard / wx.openCard, and its send-coupon plugin: ${url}${PAGE_BRIDGE_PREFIX} (the simulator's, not WeChat's)`,
      '',
      `WeChat Pay's 商家券 APIv3: ${payApi.url}`,
      "A server of WeChat Pay coupons reaches it with these (the simulator's test merchant and keys, no real secret):",
      `  WECHATPAY_BASE_URL=${payApi.url}`,
      `  WECHATPAY_MCHID=${pay.merchant.mchid}`,
      `  WECHATPAY_APIV2_KEY=${FIXTURE_PAY.apiV2Key}`,
      `  WECHATPAY_SERIAL=${pay.merchant.serial}`,
      `  WECHATPAY_PRIVATE_KEY_FILE=${privateKeyFile}`,
      `  WECHATPAY_PUBLIC_KEY_ID=${publicKeyId}`,
      `  WECHATPAY_PUBLIC_KEY_FILE=${publicKeyFile}`,
      `  MINIPROGRAM_APPID=${pay.merchant.appid}`,
      `  STOCK_IDS=${FIXTURE_PAY.stocks.map((stock) => stock.stockId).join(',')}`,
      `The user, as WeChat Pay knows them (their mini-program openid): ${payOptions.openid}. The batches:`,
      ...FIXTURE_PAY.stocks.map((stock) => `  ${stock.stockId.padEnd(stockWidth)}  ${stock.stockName}`),
      'Ctrl-C stops it.',
    ].join('\n'),
  )
  const stop = () => {
    rmSync(keys, { recursive: true, force: true })
    Promise.all([close(), payApi.close()]).then(
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
