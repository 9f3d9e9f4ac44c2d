import { request } from 'http'
import { DECRYPT_PATH, TICKET_PATH, type Listening } from '../../testing'
import { add, cardsOf, ext, ID, makePlatform, spoiled, TICKET, TOKEN } from './fixtures'

interface Answer {
  status: number
  body: Record<string, unknown>
}

/** A plain node:http client, so the tests do not depend on a global fetch. */
function call(base: string, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      base + path,
      { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode || 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

let p: ReturnType<typeof makePlatform>
let server: Listening
beforeEach(async () => {
  p = makePlatform({ expiredAccessTokens: ['old-token'] })
  server = await p.listen()
})
afterEach(() => server.close())

const ticketPath = (q: string) => `${TICKET_PATH}?${q}`
const decryptPath = (token = TOKEN) => `${DECRYPT_PATH}?access_token=${encodeURIComponent(token)}`

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
    const s = await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain, { apiTicket: String(r.body.ticket) }) }])
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
      { cardId: ID.plain, cardExt: ext(ID.plain) },
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
    await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])
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
    await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])
    const variants = spoiled(p.state.held[0].encryptCode)
    expect(variants).toHaveLength(45)
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
    expect(p.state.requests).toEqual({ getticket: 2, decrypt: 1, other: 1 })
  })

  it('two listen() servers share the same platform state', async () => {
    const second = await p.listen()
    try {
      await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])
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
