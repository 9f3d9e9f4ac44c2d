// WeChat's server API as the simulator serves it on 127.0.0.1 (testing/wechat-api.ts): getticket, decrypt,
// stable_token, their errors and the request counts.
import {
  createCardPlatform,
  DECRYPT_PATH,
  fixturePlatformOptions,
  STABLE_TOKEN_PATH,
  TICKET_PATH,
  type Listening,
} from '../../testing'
import { ACCOUNT, add, callApi as call, cardsOf, ext, ID, makePlatform, spoiled } from '../helpers/platform'

const T0 = 1_700_000_000_000
const { appid: APPID, secret: SECRET, apiTicket: TICKET, accessToken: TOKEN } = ACCOUNT
let clock = T0
let p: ReturnType<typeof makePlatform>
let server: Listening
beforeEach(async () => {
  clock = T0
  p = makePlatform({ expiredAccessTokens: ['old-token'], now: () => clock })
  server = await p.listen()
})
afterEach(() => server.close())

const ticketPath = (q: string) => `${TICKET_PATH}?${q}`
const decryptPath = (token: string = TOKEN) => `${DECRYPT_PATH}?access_token=${encodeURIComponent(token)}`

describe('listen()', () => {
  it('serves on 127.0.0.1 with a free port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).not.toMatch(/:0$/)
  })

  it('close() resolves, twice too, and the port stops answering', async () => {
    const { url } = server
    await server.close()
    await server.close()
    await expect(call(url, 'GET', ticketPath(`access_token=${TOKEN}&type=wx_card`))).rejects.toThrow()
  })
})

describe('GET /cgi-bin/ticket/getticket', () => {
  it('answers the api_ticket for type=wx_card', async () => {
    const r = await call(server.url, 'GET', ticketPath(`access_token=${TOKEN}&type=wx_card`))
    expect(r).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok', ticket: TICKET, expires_in: 7200 } })
  })

  it('answers the JS-SDK ticket for type=jsapi, which then fails card signatures', async () => {
    const r = await call(server.url, 'GET', ticketPath(`access_token=${TOKEN}&type=jsapi`))
    expect(r.body.errcode).toBe(0)
    expect(r.body.ticket).not.toBe(TICKET)
    const s = await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher, { apiTicket: String(r.body.ticket) }) }])
    expect(s.res.errMsg).toBe('addCard:fail 签名错误')
  })

  it.each([
    ['no access_token', 'type=wx_card', 41001, 'access_token missing'],
    [
      'a wrong access_token',
      'access_token=nope&type=wx_card',
      40001,
      'invalid credential, access_token is invalid or not latest',
    ],
    ['an expired access_token', 'access_token=old-token&type=wx_card', 42001, 'access_token expired'],
    ['no type', `access_token=${TOKEN}`, 40097, 'invalid args'],
    ['a wrong type', `access_token=${TOKEN}&type=card`, 40097, 'invalid args'],
  ])('%s → %s', async (_why, q, errcode, errmsg) => {
    expect(await call(server.url, 'GET', ticketPath(q))).toEqual({ status: 200, body: { errcode, errmsg } })
  })

  it('wants GET (43001)', async () => {
    const r = await call(server.url, 'POST', ticketPath(`access_token=${TOKEN}&type=wx_card`), '{}')
    expect(r.body).toEqual({ errcode: 43001, errmsg: 'require GET method' })
  })
})

describe('POST /card/code/decrypt', () => {
  it('turns the encrypted code from wx.addCard back into the code the user holds', async () => {
    const s = await add(p, [
      { cardId: ID.voucher, cardExt: ext(ID.voucher) },
      { cardId: ID.custom, cardExt: ext(ID.custom, { code: 'MYCODE1' }) },
    ])
    const answers = await Promise.all(
      cardsOf(s).map((c) => call(server.url, 'POST', decryptPath(), JSON.stringify({ encrypt_code: c.code }))),
    )
    expect(answers.map((a) => a.body)).toEqual(p.state.held.map((h) => ({ errcode: 0, errmsg: 'ok', code: h.code })))
    expect(answers[1].body.code).toBe('MYCODE1')
    // Decrypting is repeatable.
    const again = await call(server.url, 'POST', decryptPath(), JSON.stringify({ encrypt_code: cardsOf(s)[0].code }))
    expect(again.body.code).toBe(p.state.held[0].code)
  })

  it('refuses codes it never issued, including a plain code (40056)', async () => {
    await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])
    for (const encrypt_code of ['bm90LWlzc3VlZA', p.state.held[0].code, 12345]) {
      const r = await call(server.url, 'POST', decryptPath(), JSON.stringify({ encrypt_code }))
      expect(r.body).toEqual({ errcode: 40056, errmsg: 'invalid serial code' })
    }
  })

  it.each([
    [
      'a wrong token',
      decryptPath('nope'),
      '{"encrypt_code":"x"}',
      40001,
      'invalid credential, access_token is invalid or not latest',
    ],
    ['an expired token', decryptPath('old-token'), '{"encrypt_code":"x"}', 42001, 'access_token expired'],
    ['no token', DECRYPT_PATH, '{"encrypt_code":"x"}', 41001, 'access_token missing'],
    ['malformed JSON', decryptPath(), '{"encrypt_code":', 47001, 'data format error'],
    ['a JSON array', decryptPath(), '["x"]', 47001, 'data format error'],
    ['an empty body', decryptPath(), '', 44002, 'empty post data'],
    ['no encrypt_code', decryptPath(), '{"code":"x"}', 41011, 'missing required fields: encrypt_code'],
  ])('%s → %s', async (_why, path, body, errcode, errmsg) => {
    expect(await call(server.url, 'POST', path, body)).toEqual({ status: 200, body: { errcode, errmsg } })
  })

  it('refuses an issued encrypt_code spoiled by whitespace or a control character anywhere (40056)', async () => {
    await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])
    const variants = spoiled(p.state.held[0].encryptCode)
    expect(variants).toHaveLength(48)
    for (const [what, encrypt_code] of variants) {
      const r = await call(server.url, 'POST', decryptPath(), JSON.stringify({ encrypt_code }))
      expect([what, r.body]).toEqual([what, { errcode: 40056, errmsg: 'invalid serial code' }])
    }
  })

  it.each(Object.getOwnPropertyNames(Object.prototype))(
    'finds nothing inherited for %s: as encrypt_code 40056, as the only key 41011, as a token 40001',
    async (name) => {
      const body = `{${JSON.stringify(name)}:"x"}`
      const answers = await Promise.all([
        call(server.url, 'POST', decryptPath(), JSON.stringify({ encrypt_code: name })),
        call(server.url, 'POST', decryptPath(), body),
        call(server.url, 'POST', decryptPath(name), '{"encrypt_code":"x"}'),
      ])
      expect(answers.map((a) => a.body.errcode)).toEqual([40056, 41011, 40001])
    },
  )

  it('wants POST (43002)', async () => {
    expect((await call(server.url, 'GET', decryptPath())).body).toEqual({
      errcode: 43002,
      errmsg: 'require POST method',
    })
  })
})

describe('other paths and request counts', () => {
  it('answers 404 for an unknown path', async () => {
    const r = await call(server.url, 'GET', '/cgi-bin/token?grant_type=client_credential')
    expect(r).toEqual({ status: 404, body: { errcode: 404, errmsg: 'not found: /cgi-bin/token' } })
  })

  it('counts requests per endpoint, whatever the answer', async () => {
    await call(server.url, 'GET', ticketPath(`access_token=${TOKEN}&type=wx_card`))
    await call(server.url, 'GET', ticketPath('access_token=nope&type=wx_card'))
    await call(server.url, 'POST', decryptPath(), '{}')
    await call(server.url, 'GET', '/nowhere')
    // stable_token is counted from its first request on
    const memberApis = {
      activateuserform_set: 0,
      activate_geturl: 0,
      activatetempinfo_get: 0,
      membercard_activate: 0,
      membercard_userinfo: 0,
      code_consume: 0,
      code_unavailable: 0,
    }
    expect(p.state.requests).toEqual({
      stable_token: 0,
      getticket: 2,
      decrypt: 1,
      getcardlist: 0,
      code_get: 0,
      card_get: 0,
      jscode2session: 0,
      ...memberApis,
      other: 1,
    })
    await call(server.url, 'POST', STABLE_TOKEN_PATH, stableBody())
    await call(server.url, 'GET', STABLE_TOKEN_PATH)
    expect(p.state.requests).toEqual({
      getticket: 2,
      decrypt: 1,
      stable_token: 2,
      getcardlist: 0,
      code_get: 0,
      card_get: 0,
      jscode2session: 0,
      ...memberApis,
      other: 1,
    })
  })

  it('two listen() servers share the same platform state', async () => {
    const second = await p.listen()
    try {
      await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])
      const r = await call(
        second.url,
        'POST',
        decryptPath(),
        JSON.stringify({ encrypt_code: p.state.held[0].encryptCode }),
      )
      expect(r.body.code).toBe(p.state.held[0].code)
      expect(p.state.requests.decrypt).toBe(1)
    } finally {
      await second.close()
    }
  })
})

function stableBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET, ...extra })
}
const stable = async (extra: Record<string, unknown> = {}) =>
  (await call(server.url, 'POST', STABLE_TOKEN_PATH, stableBody(extra))).body
const ticketWith = async (token: string) =>
  (await call(server.url, 'GET', ticketPath(`access_token=${encodeURIComponent(token)}&type=wx_card`))).body.errcode

describe('POST /cgi-bin/stable_token', () => {
  it('normal mode answers the current token (the accessToken option) with the seconds it has left', async () => {
    expect(await stable()).toEqual({ access_token: TOKEN, expires_in: 7200 })
    clock += 1500
    expect(await stable({ force_refresh: false })).toEqual({ access_token: TOKEN, expires_in: 7198 })
    expect(await ticketWith(TOKEN)).toBe(0)
  })

  it('renews in the last 5 minutes: a new token for 7200 s, the old one valid until its own expiry', async () => {
    clock = T0 + (7200 - 301) * 1000
    expect(await stable()).toEqual({ access_token: TOKEN, expires_in: 301 })
    clock += 1000
    const { access_token: renewed, expires_in } = await stable()
    expect(renewed).not.toBe(TOKEN)
    expect(expires_in).toBe(7200)
    expect(await ticketWith(TOKEN)).toBe(0)
    expect(await ticketWith(String(renewed))).toBe(0)
    clock = T0 + 7200 * 1000
    expect(await ticketWith(TOKEN)).toBe(42001)
    expect(await ticketWith(String(renewed))).toBe(0)
  })

  it('an unrenewed token expires after 7200 s (42001), and normal mode then issues a new one', async () => {
    clock = T0 + 7200 * 1000
    expect(await ticketWith(TOKEN)).toBe(42001)
    const { access_token } = await stable()
    expect(access_token).not.toBe(TOKEN)
    expect(await ticketWith(String(access_token))).toBe(0)
  })

  it('force_refresh rotates the token and the old one is invalid at once (40001)', async () => {
    const { access_token: forced, expires_in } = await stable({ force_refresh: true })
    expect(forced).not.toBe(TOKEN)
    expect(expires_in).toBe(7200)
    expect(await ticketWith(TOKEN)).toBe(40001)
    expect(await ticketWith(String(forced))).toBe(0)
    expect(await stable()).toEqual({ access_token: forced, expires_in: 7200 })
  })

  it('a second force_refresh within 30 s does not rotate (否则不会刷新); from 30 s on it does', async () => {
    const first = await stable({ force_refresh: true })
    clock += 29_999
    expect(await stable({ force_refresh: true })).toEqual({ access_token: first.access_token, expires_in: 7170 })
    clock += 1
    const second = await stable({ force_refresh: true })
    expect(second.access_token).not.toBe(first.access_token)
    expect(await ticketWith(String(first.access_token))).toBe(40001)
  })

  it('refuses the 21st forced refresh of a day (45009) and allows it again the next day (China time)', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await stable({ force_refresh: true })).toHaveProperty('access_token')
      clock += 30_000
    }
    expect(await stable({ force_refresh: true })).toEqual({ errcode: 45009, errmsg: 'reach max api daily quota limit' })
    expect(await stable()).toHaveProperty('access_token') // normal mode is not limited by it
    const nextDay = Math.ceil((clock + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000
    clock = nextDay
    expect(await stable({ force_refresh: true })).toHaveProperty('access_token')
  })

  it.each<[string, string | undefined, number, string]>([
    ['an empty body', '', 44002, 'empty post data'],
    ['malformed JSON', '{"grant_type":', 47001, 'data format error'],
    ['a JSON array', '[]', 47001, 'data format error'],
    ['no grant_type', JSON.stringify({ appid: APPID, secret: SECRET }), 40002, 'invalid grant_type'],
    ['a wrong grant_type', stableBody({ grant_type: 'authorization_code' }), 40002, 'invalid grant_type'],
    ['no appid', stableBody({ appid: undefined }), 41002, 'appid missing'],
    ['an empty appid', stableBody({ appid: '' }), 41002, 'appid missing'],
    ['a wrong appid', stableBody({ appid: 'wx0000000000000000' }), 40013, 'invalid appid'],
    ['no secret', stableBody({ secret: undefined }), 41004, 'appsecret missing'],
    ['a wrong secret', stableBody({ secret: 'f'.repeat(32) }), 40125, 'invalid appsecret'],
    ['a secret in another case', stableBody({ secret: SECRET.toUpperCase() }), 40125, 'invalid appsecret'],
    ['a string force_refresh', stableBody({ force_refresh: 'true' }), 47001, 'data format error'],
  ])('%s → %i', async (_, body, errcode, errmsg) => {
    const r = await call(server.url, 'POST', STABLE_TOKEN_PATH, body)
    expect(r).toEqual({ status: 200, body: { errcode, errmsg } })
    expect(JSON.stringify(r.body)).not.toContain(SECRET)
  })

  it('wants POST (43002)', async () => {
    expect((await call(server.url, 'GET', STABLE_TOKEN_PATH)).body).toEqual({
      errcode: 43002,
      errmsg: 'require POST method',
    })
  })

  it('two listen() servers share one token', async () => {
    const second = await p.listen()
    try {
      const forced = (await call(second.url, 'POST', STABLE_TOKEN_PATH, stableBody({ force_refresh: true }))).body
      expect(await stable()).toEqual({ access_token: forced.access_token, expires_in: 7200 })
    } finally {
      await second.close()
    }
  })

  it('has defaults, so platforms made without appid/secret still answer', async () => {
    const plain = createCardPlatform({ ...fixturePlatformOptions(), appid: undefined, secret: undefined })
    const s = await plain.listen()
    try {
      const body = JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET })
      expect((await call(s.url, 'POST', STABLE_TOKEN_PATH, body)).body).toMatchObject({ access_token: TOKEN })
    } finally {
      await s.close()
    }
  })

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an empty appid', { appid: '' }, /createCardPlatform: appid must be a non-empty string/],
    ['a numeric secret', { secret: 42 }, /createCardPlatform: secret must be a non-empty string/],
    ['a non-function now', { now: 5 }, /createCardPlatform: now must be a function/],
  ])('createCardPlatform throws a TypeError for %s', (_, patch, message) => {
    expect(() => makePlatform(patch)).toThrow(TypeError)
    expect(() => makePlatform(patch)).toThrow(message)
  })
})
