// decryptCardCode (server/decrypt.ts) against a stand-in for WeChat on 127.0.0.1 (exact requests and faults) and
// the simulator (the codes it issues).
import { decryptCardCode, WeChatApiError, type AccessTokenRequest, type DecryptCardCodeOptions } from '../../server'
import { ACCOUNT, ext, expectTypeError, ID, makePlatform } from '../helpers/platform'
import { closedPort, reply, startServer, type Handler, type TestServer } from './http-server'

let srv: TestServer
beforeAll(async () => {
  srv = await startServer()
})
afterAll(() => srv.close())
beforeEach(() => srv.reset())

const TOKEN = 'ACCESS_token/with+odd&chars=é' // no whitespace: WeChat matches a token exactly
const ENCRYPTED = 'XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE'
const call = (o: Partial<Record<keyof DecryptCardCodeOptions, unknown>> = {}) =>
  decryptCardCode({
    accessToken: TOKEN,
    encryptCode: ENCRYPTED,
    baseUrl: srv.baseUrl,
    timeoutMs: 10_000, // a bound for a stuck test: cases about no answer set their own
    ...o,
  } as DecryptCardCodeOptions)
const decrypted: Handler = (_, res) => reply(res, 200, { errcode: 0, errmsg: 'ok', code: '751234212312' })

describe('decryptCardCode against a local HTTP server', () => {
  it('POSTs encrypt_code as JSON with the URL-encoded token and returns the code', async () => {
    srv.handle((_, res) => reply(res, 200, { errcode: 0, errmsg: 'ok', code: '751234212312' }))
    await expect(call()).resolves.toBe('751234212312')
    expect(srv.requests).toHaveLength(1)
    const [req] = srv.requests
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/card/code/decrypt')
    expect(req.query.get('access_token')).toBe(TOKEN)
    expect([...req.query.keys()]).toEqual(['access_token'])
    expect(req.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(req.body)).toEqual({ encrypt_code: ENCRYPTED })
  })

  it('accepts a baseUrl with a trailing slash', async () => {
    srv.handle((_, res) => reply(res, 200, { errcode: 0, errmsg: 'ok', code: '1' }))
    await expect(call({ baseUrl: `${srv.baseUrl}/` })).resolves.toBe('1')
    expect(srv.requests[0].path).toBe('/card/code/decrypt')
  })

  it('turns a non-zero errcode into a WeChatApiError', async () => {
    srv.handle((_, res) => reply(res, 200, { errcode: 40056, errmsg: 'invalid serial code' }))
    const err = await call().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WeChatApiError)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({
      name: 'WeChatApiError',
      errcode: 40056,
      errmsg: 'invalid serial code',
      api: 'card/code/decrypt',
    })
    expect((err as Error).message).toBe('WeChat card/code/decrypt failed: errcode 40056, errmsg invalid serial code')
  })

  it.each<[string, (res: Parameters<Parameters<TestServer['handle']>[0]>[1]) => void, RegExp]>([
    [
      'HTTP 500',
      (res) => reply(res, 500, 'upstream down'),
      /^WeChat card\/code\/decrypt: HTTP 500 Internal Server Error$/,
    ],
    ['HTTP 404', (res) => reply(res, 404, 'nope'), /^WeChat card\/code\/decrypt: HTTP 404/],
    [
      'malformed JSON',
      (res) => reply(res, 200, '{"errcode":0,"code":'),
      /^WeChat card\/code\/decrypt: response is not valid JSON/,
    ],
    ['a JSON array', (res) => reply(res, 200, [1]), /^WeChat card\/code\/decrypt: response is not a JSON object/],
    [
      'no code',
      (res) => reply(res, 200, { errcode: 0, errmsg: 'ok' }),
      /^WeChat card\/code\/decrypt: response has no code$/,
    ],
    ['an empty code', (res) => reply(res, 200, { errcode: 0, errmsg: 'ok', code: '' }), /response has no code/],
  ])('rejects with a clear Error on %s', async (_, answer, message) => {
    srv.handle((__, res) => answer(res))
    const err = await call().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err).not.toBeInstanceOf(WeChatApiError)
    expect((err as Error).message).toMatch(message)
    expect((err as Error).message).not.toContain(TOKEN)
  })

  it('times out when the server never answers', async () => {
    srv.handle(() => undefined)
    // 1 s: the request reaches the local server long before, on a busy machine too (one attempt, no retry)
    await expect(call({ timeoutMs: 1000 })).rejects.toThrow(
      'WeChat card/code/decrypt: no response within 1000 ms (timeoutMs)',
    )
    expect(srv.requests).toHaveLength(1)
  })

  it('names the API and the cause when the connection fails', async () => {
    const port = await closedPort()
    const err = await call({ baseUrl: `http://127.0.0.1:${port}` }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/^WeChat card\/code\/decrypt: request failed: .*ECONNREFUSED/)
    expect((err as { cause?: unknown }).cause).toHaveProperty('message', 'fetch failed')
  })

  it('passes a custom fetch', async () => {
    srv.handle((_, res) => reply(res, 200, { errcode: 0, errmsg: 'ok', code: '42' }))
    const seen: string[] = []
    const spy: typeof fetch = (input, init) => {
      seen.push(String(input))
      return fetch(input, init)
    }
    await expect(call({ fetch: spy })).resolves.toBe('42')
    expect(seen).toHaveLength(1)
  })

  it.each<[string, Partial<Record<keyof DecryptCardCodeOptions, unknown>> | undefined, string]>([
    ['no options', undefined, 'options are required'],
    ['an empty accessToken', { accessToken: '' }, 'accessToken must be a non-empty string'],
    ['a numeric accessToken', { accessToken: 42 }, 'accessToken must be a non-empty string'],
    [
      'an accessToken read with its newline',
      { accessToken: `${TOKEN}\n` },
      'accessToken has leading or trailing whitespace (WeChat matches it exactly)',
    ],
    [
      'an accessToken pasted with a space',
      { accessToken: ` ${TOKEN}` },
      'accessToken has leading or trailing whitespace (WeChat matches it exactly)',
    ],
    ['no token at all', { accessToken: undefined }, 'accessToken or getAccessToken is required'],
    ['both token options', { getAccessToken: async () => TOKEN }, 'pass accessToken or getAccessToken, not both'],
    [
      'a getAccessToken that is not a function',
      { accessToken: undefined, getAccessToken: TOKEN },
      'getAccessToken must be a function',
    ],
    ['no encryptCode', { encryptCode: undefined }, 'encryptCode is required'],
    ['an empty encryptCode', { encryptCode: '' }, 'encryptCode is required'],
    ['a numeric encryptCode', { encryptCode: 12345 }, 'encryptCode is required'],
    ['a baseUrl that is not http(s)', { baseUrl: '//api.weixin.qq.com' }, 'baseUrl must be an http(s) URL'],
    ['a zero timeoutMs', { timeoutMs: 0 }, 'timeoutMs must be a positive number'],
  ])('rejects with a TypeError before any request for %s', async (_, patch, message) => {
    srv.handle(decrypted)
    await expectTypeError(
      () => (patch ? call(patch) : decryptCardCode(undefined as never)),
      `decryptCardCode: ${message}`,
    )
    expect(srv.requests).toHaveLength(0)
  })
})

describe('decryptCardCode with an access_token source', () => {
  let asked: (AccessTokenRequest | undefined)[]
  const source =
    (tokens = ['token-1', 'token-2', 'token-3']) =>
    async (o?: AccessTokenRequest) => {
      asked.push(o)
      return tokens[asked.length - 1]
    }
  const sequence = (...handlers: Handler[]): Handler => {
    let i = 0
    return (req, res) => handlers[Math.min(i++, handlers.length - 1)](req, res)
  }
  const errcode =
    (code: number): Handler =>
    (_, res) =>
      reply(res, 200, { errcode: code, errmsg: `error ${code}` })
  beforeEach(() => {
    asked = []
  })

  it.each([40001, 40014, 42001])('refreshes the token once on errcode %i and decrypts', async (code) => {
    srv.handle(sequence(errcode(code), decrypted))
    await expect(call({ accessToken: undefined, getAccessToken: source() })).resolves.toBe('751234212312')
    expect(asked).toEqual([{ forceRefresh: false }, { forceRefresh: true, rejectedToken: 'token-1' }])
    expect(srv.requests.map((r) => r.query.get('access_token'))).toEqual(['token-1', 'token-2'])
    expect(srv.requests.map((r) => JSON.parse(r.body))).toEqual([
      { encrypt_code: ENCRYPTED },
      { encrypt_code: ENCRYPTED },
    ])
  })

  it('gives up with the WeChatApiError when the fresh token is rejected too', async () => {
    srv.handle(errcode(40001))
    const err = await call({ accessToken: undefined, getAccessToken: source() }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'WeChatApiError', errcode: 40001 })
    expect(srv.requests).toHaveLength(2)
  })

  it.each([40056, 40164, 45009, -1, 48001])('does not refresh on errcode %i', async (code) => {
    srv.handle(errcode(code))
    await expect(call({ accessToken: undefined, getAccessToken: source() })).rejects.toMatchObject({ errcode: code })
    expect(srv.requests).toHaveLength(1)
    expect(asked).toEqual([{ forceRefresh: false }])
  })

  it('does not repeat a call with a fixed accessToken WeChat rejected', async () => {
    srv.handle(sequence(errcode(40001), decrypted))
    await expect(call()).rejects.toBeInstanceOf(WeChatApiError)
    expect(srv.requests).toHaveLength(1)
  })

  it('rejects a source that resolves to no token with a TypeError, before any request', async () => {
    srv.handle(decrypted)
    await expect(call({ accessToken: undefined, getAccessToken: source(['']) })).rejects.toThrow(
      new TypeError('decryptCardCode: getAccessToken must resolve to a non-empty string'),
    )
    expect(srv.requests).toHaveLength(0)
  })
})

describe("decryptCardCode and encrypt_codes that cannot be WeChat's (standard base64)", () => {
  it.each<[string, string, RegExp]>([
    [
      'a + turned into a space',
      'XXIzTtMqCxwOaawoE91 VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE',
      /contains a space: a '\+' turns into a space/,
    ],
    ['a leading space', ' XXIzTtMqCxwOaawoE91+VJdsFmv7', /contains a space/],
    ['a trailing space', 'XXIzTtMqCxwOaawoE91+VJdsFmv7 ', /contains a space/],
    ['a percent-encoded +', 'XXIzTtMqCxwOaawoE91%2BVJdsFmv7', /is still URL-encoded/],
    ['a percent-encoded =', 'XXIzTtMqCxwOaawoE91VJdsFmv7%3D', /is still URL-encoded/],
    ['a newline', 'XXIzTtMqCxwOaawoE91+VJdsFmv7\n', /characters base64 does not use/],
    ['a tab', 'XXIzTtMqCxwOa\tawoE91+VJdsFmv7', /characters base64 does not use/],
    ['a NUL', 'XXIzTtMqCxwOaawoE91+VJdsFmv7\u0000', /characters base64 does not use/],
    ['an ideographic space', 'XXIzTtMqCxwOaawoE91+VJdsFmv7\u3000', /characters base64 does not use/],
    ['a zero-width space', 'XXIzTtMqCxwOaawo\u200bE91+VJdsFmv7', /characters base64 does not use/],
    ['a byte order mark', '\ufeffXXIzTtMqCxwOaawoE91+VJdsFmv7', /characters base64 does not use/],
    ['quotes', '"XXIzTtMqCxwOaawoE91+VJdsFmv7"', /characters base64 does not use/],
  ])('%s → TypeError before any request', async (_, encryptCode, message) => {
    srv.handle(decrypted)
    const err = await call({ encryptCode }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toMatch(/^decryptCardCode: encryptCode /)
    expect((err as Error).message).toMatch(message)
    expect(srv.requests).toHaveLength(0)
  })

  it.each([ENCRYPTED, 'AAAA/+==', 'url-safe_base64-too', 'never-issued'])('sends %s as it is', async (encryptCode) => {
    srv.handle(decrypted)
    await expect(call({ encryptCode })).resolves.toBe('751234212312')
    expect(JSON.parse(srv.requests[0].body)).toEqual({ encrypt_code: encryptCode })
  })

  it("the simulator's codes, carried through a URL query: encoded they decrypt, unencoded every one with a '+' is refused before sending", async () => {
    const platform = makePlatform()
    const api = await platform.listen()
    try {
      for (let i = 0; i < 150; i++)
        await platform.wx.addCard({ cardList: [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }] })
      const codes = platform.state.held.map((h) => h.encryptCode)
      for (const ch of ['+', '/', '=']) expect(codes.filter((c) => c.includes(ch)).length).toBeGreaterThan(0)
      const viaQuery = (code: string, encode: boolean) =>
        new URLSearchParams(`encrypt_code=${encode ? encodeURIComponent(code) : code}`).get('encrypt_code') ?? ''
      const decrypt = (encryptCode: string) =>
        decryptCardCode({ accessToken: ACCOUNT.accessToken, encryptCode, baseUrl: api.url })
      let refused = 0
      for (const h of platform.state.held) {
        await expect(decrypt(viaQuery(h.encryptCode, true))).resolves.toBe(h.code)
        if (h.encryptCode.includes('+')) {
          refused++
          await expect(decrypt(viaQuery(h.encryptCode, false))).rejects.toThrow(/encryptCode contains a space/)
        } else await expect(decrypt(viaQuery(h.encryptCode, false))).resolves.toBe(h.code)
      }
      expect(refused).toBeGreaterThan(0)
      expect(platform.state.requests.decrypt).toBe(150 + 150 - refused)
    } finally {
      await api.close()
    }
  })
})
