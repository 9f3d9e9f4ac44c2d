// The card programs the READMEs quote (examples/*.ts), each run as a user runs it after a transpile-only runner (an ES module
// on the built package, scripts/local-servers.ts exampleProgram), its WeChat API the card-platform simulator's (on
// 127.0.0.1, the fixture account), the Redis ones on a real redis-server on a free port. (The test examples,
// examples/testing/*.test.ts, are jest tests of their own.)
import { spawn } from 'child_process'
import path from 'path'
import { exampleProgram } from '../../scripts/local-servers'
import {
  createCardPlatform,
  FIXTURE_ACCOUNT,
  FIXTURE_MINI_PROGRAM,
  FIXTURE_USERS,
  fixturePlatformOptions,
  type CardPlatform,
} from '../../testing'

const { startRedis } = require('../server/redis-server.js') as {
  startRedis(): Promise<{ url: string; stop(): Promise<void> }>
}

const ROOT = path.resolve(__dirname, '../..')
const SESSION = 'examples-session'

/** A fresh simulator, listening; the environment the examples read to reach it. */
async function simulator() {
  const platform = createCardPlatform(fixturePlatformOptions())
  const api = await platform.listen()
  const env = {
    WECHAT_API_BASE_URL: api.url,
    WECHAT_APPID: FIXTURE_ACCOUNT.appid,
    WECHAT_SECRET: FIXTURE_ACCOUNT.secret,
    DEV_SESSION: SESSION,
    DEV_OPENID: FIXTURE_ACCOUNT.openid,
  }
  return { platform, env, close: api.close }
}

/** Runs examples/`file`; `until` resolves on the first output that matches, else on exit. */
function run(file: string, env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, [exampleProgram(file)], { cwd: ROOT, env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
  const matched = until
    ? new Promise<RegExpExecArray>((resolve, reject) => {
        child.stdout.on('data', () => {
          const m = until.exec(stdout)
          if (m) resolve(m)
        })
        void done.then(() => reject(new Error(`${file} exited (${stdout}${stderr})`)))
      })
    : undefined
  return { done, matched, stop: () => child.kill() }
}

describe.each([
  // the card server of the READMEs, and the same handlers mounted in three frameworks
  ['server.ts', ['pDemoCoupon', 'pDemoVoucher', 'pDemoCustom', 'pDemoMember', 'pDemoLastOne']],
  ['express.ts', ['pDemoCoupon', 'pDemoCustom', 'pDemoMember']],
  ['koa.ts', ['pDemoCoupon', 'pDemoCustom', 'pDemoMember']],
  ['fastify.ts', ['pDemoCoupon', 'pDemoCustom', 'pDemoMember']],
])('examples/%s', (file, cardIds) => {
  let sim: Awaited<ReturnType<typeof simulator>>
  let server: ReturnType<typeof run>
  let url = ''
  beforeAll(async () => {
    sim = await simulator()
    server = run(file, { ...sim.env, PORT: '0', HOST: '127.0.0.1' }, /http:\/\/[\w.[\]:]+:(\d+)/)
    url = `http://127.0.0.1:${(await server.matched)?.[1]}`
  }, 60000)
  afterAll(async () => {
    server.stop()
    await server.done
    await sim.close()
  })
  const ask = (path: string, body?: unknown, session = SESSION) =>
    fetch(url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })

  it('signs a cardExt for each of its cards that the platform accepts, decrypts the codes, lists the cards', async () => {
    const cardExt = await ask('/card-ext', { cardIds })
    expect(cardExt.status).toBe(200)
    const { cardList } = (await cardExt.json()) as { cardList: { cardId: string; cardExt: string }[] }
    const added = await (sim.platform as CardPlatform).wx.addCard({ cardList })
    expect(added.cardList.map((card) => [card.cardId, card.isSuccess])).toEqual(cardIds.map((id) => [id, true]))
    const codes = await ask('/card-codes', {
      cards: added.cardList.map((card) => ({ cardId: card.cardId, encryptCode: card.code })),
    })
    expect(await codes.json()).toEqual({
      cards: sim.platform.state.held.map(({ cardId, code }) => ({ cardId, code })),
    })
    const userCards = (await (await ask('/user-cards')).json()) as { cards: { cardId: string; status: string }[] }
    expect(userCards.cards.map((card) => [card.cardId, card.status])).toEqual(cardIds.map((id) => [id, 'NORMAL']))
    expect((await ask('/user-cards', undefined, 'someone-else')).status).toBe(401)
  })

  it('answers malformed, oversized, deep and wrongly typed bodies with the documented { code, message }', async () => {
    const raw = async (body: string, type = 'application/json', session = SESSION) => {
      const r = await fetch(`${url}/card-ext`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session}`, 'content-type': type },
        body,
      })
      const json = (await r.json()) as { code: string; message: string }
      expect(Object.keys(json).sort()).toEqual(['code', 'message'])
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8')
      return [r.status, json.code]
    }
    expect(await raw('{"cardIds":')).toEqual([400, 'invalid_json'])
    expect(await raw(JSON.stringify({ cardIds: ['pDemoCoupon'], data: { pad: 'x'.repeat(20_000) } }))).toEqual([
      413,
      'body_too_large',
    ])
    expect(await raw(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toEqual([400, 'body_too_deep'])
    expect(await raw('cardIds=pDemoCoupon', 'application/x-www-form-urlencoded')).toEqual([
      415,
      'unsupported_media_type',
    ])
    expect(await raw('{"cardIds":["pDemoCoupon"]}', 'text/plain')).toEqual([415, 'unsupported_media_type'])
    expect(await raw(`${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json', 'nobody')).toEqual([
      401,
      'no_session',
    ])
  })
})

describe('examples/server.ts: member cards and the counter', () => {
  let sim: Awaited<ReturnType<typeof simulator>>
  let server: ReturnType<typeof run>
  let url = ''
  beforeAll(async () => {
    sim = await simulator()
    const env = { ...sim.env, PORT: '0', HOST: '127.0.0.1', DEV_STAFF_SESSION: 'staff', DEV_STAFF_OPENID: 'oStaff' }
    server = run('server.ts', env, /http:\/\/[\w.[\]:]+:(\d+)/)
    url = `http://127.0.0.1:${(await server.matched)?.[1]}`
  }, 60000)
  afterAll(async () => {
    server.stop()
    await server.done
    await sim.close()
  })
  const ask = (path: string, body: unknown, session: string) =>
    fetch(url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }))

  it('the member card: params, the hand-back, activated with the merchant data; the member info', async () => {
    const { cardList } = (await (
      await ask('/card-ext', { cardIds: ['pDemoMember'] }, SESSION)
    ).body) as {
      cardList: { cardId: string; cardExt: string }[]
    }
    await sim.platform.wx.addCard({ cardList })
    const code = sim.platform.state.held[0]?.code ?? ''
    const params = await ask('/member-activation-params', { cardId: 'pDemoMember' }, SESSION)
    expect(params.body).toMatchObject({ appId: 'wxeb490c6f9b154ef9', extraData: { outer_str: 'mini-program' } })
    sim.platform.memberCards.nextVisit({ fill: { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000' } } })
    const back = await new Promise<Record<string, unknown>>((resolve) => {
      const { wx } = sim.platform.memberCards.client
      wx.onAppShow((options) => resolve(options.referrerInfo.extraData ?? {}))
      wx.navigateToMiniProgram({ appId: 'wxeb490c6f9b154ef9', extraData: params.body.extraData })
    })
    const activated = await ask(
      '/member-activate',
      { activateTicket: back.activate_ticket, cardId: back.card_id, code: back.code },
      SESSION,
    )
    expect(activated.body).toMatchObject({ outcome: 'activated', member: { code, membershipNumber: code, bonus: 100 } })
    const info = await ask('/member-info?cardId=pDemoMember', undefined, SESSION)
    expect(info.body).toMatchObject({ members: [{ code, activated: true }] })
  })

  it('the counter: staff consume; the holder may not', async () => {
    const { cardList } = (await (
      await ask('/card-ext', { cardIds: ['pDemoCoupon'] }, SESSION)
    ).body) as {
      cardList: { cardId: string; cardExt: string }[]
    }
    await sim.platform.wx.addCard({ cardList })
    const code = sim.platform.state.held.find((h) => h.cardId === 'pDemoCoupon')?.code ?? ''
    expect((await ask('/consume', { code, requestId: 'holder-0001' }, SESSION)).status).toBe(403)
    const consumed = await ask('/consume', { code, requestId: 'staff-00001' }, 'staff')
    expect(consumed.body).toEqual({ outcome: 'consumed', cardId: 'pDemoCoupon', alreadyConsumedByThisRequest: false })
    expect((await ask('/code-unavailable', { code }, 'staff')).body).toEqual({ outcome: 'already_consumed' })
  })
})

describe('the scripts', () => {
  let sim: Awaited<ReturnType<typeof simulator>>
  let redis: { url: string; stop(): Promise<void> }
  beforeAll(async () => {
    ;[sim, redis] = await Promise.all([simulator(), startRedis()])
  }, 60000)
  afterAll(() => Promise.all([sim.close(), redis.stop()]))

  it('each exits 0 with nothing on stderr, printing what it is for', async () => {
    const added = await sim.platform.wx.addCard({
      cardList: [{ cardId: 'pDemoCoupon', cardExt: JSON.parse((await run('sign.ts', sim.env).done).stdout).cardExt }],
    })
    expect(added.cardList[0]?.isSuccess).toBe(true) // sign.ts's cardExt
    const { code: jsCode } = await sim.platform.clientOf('user').login()
    const env = {
      ...sim.env,
      ENCRYPT_CODE: added.cardList[0]?.code ?? '',
      REDIS_URL: redis.url,
      // two-openids.ts: the mini-program's AppID, a wx.login code of the user, and their unionid in its table
      MINIPROGRAM_APPID: FIXTURE_MINI_PROGRAM.appid,
      MINIPROGRAM_SECRET: FIXTURE_MINI_PROGRAM.secret,
      JS_CODE: jsCode,
      DEV_UNIONID: FIXTURE_USERS[0]?.unionid ?? '',
    }
    const scripts: [string, RegExp][] = [
      ['decrypt.ts', new RegExp(`^code: ${sim.platform.state.held[0]?.code}\n$`)],
      ['user-cards.ts', /^pDemoCoupon NORMAL usable {2}until \d{4}-/],
      ['in-process.ts', /^200 \[ 'pCoupon NORMAL' \]\n$/],
      ['own-store.ts', /^api_ticket ready: true\n$/],
      ['redis-ioredis.ts', /^api_ticket ready: true\n$/],
      ['redis-node-redis.ts', /^api_ticket ready: true\n$/],
      ['testing/simulator.ts', /^[A-Za-z0-9+/=]{64}\n$/],
      ['member-form.ts', /^activation form set for pDemoMember\n$/],
      [
        'two-openids.ts',
        /^\{ id: 'oMiniSimulatorUser', cardOpenid: 'oSimulatorUser' \}\n200 \{"cards":\[\{"cardId":"pDemoCoupon"/,
      ],
    ]
    const results = await Promise.all(scripts.map(([file]) => run(file, env).done))
    // On a busy machine a local Redis can miss the 1 s store timeout: the provider then says so once and serves the
    // ticket it holds (the documented fallback). Anything else on stderr is a fault.
    const fallback =
      /^weapp-card-coupon: createApiTicketProvider: store \w+ failed for [^\n]+; serving the api_ticket held in this process\n/
    expect(results.map((r, i) => [scripts[i]?.[0], r.code, r.stderr.replace(fallback, '')])).toEqual(
      scripts.map(([file]) => [file, 0, '']),
    )
    for (const [i, r] of results.entries()) expect(r.stdout).toMatch(scripts[i]?.[1] ?? /^$/)
  }, 60000)
})
