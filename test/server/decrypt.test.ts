import { decryptCardCode, WeChatApiError } from '../../server'
import { closedPort, reply, startServer, type TestServer } from './http-server'

let srv: TestServer
beforeAll(async () => {
  srv = await startServer()
})
afterAll(() => srv.close())
beforeEach(() => srv.reset())

const TOKEN = 'ACCESS token/with+odd&chars=é'
const ENCRYPTED = 'XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE'
const call = (o: Partial<Parameters<typeof decryptCardCode>[0]> = {}) =>
  decryptCardCode({ accessToken: TOKEN, encryptCode: ENCRYPTED, baseUrl: srv.baseUrl, timeoutMs: 2000, ...o })

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
    await expect(call({ timeoutMs: 50 })).rejects.toThrow(
      'WeChat card/code/decrypt: no response within 50 ms (timeoutMs)',
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

  it.each<[string, Partial<Parameters<typeof decryptCardCode>[0]>, RegExp]>([
    ['empty accessToken', { accessToken: '' }, /accessToken is required/],
    ['missing encryptCode', { encryptCode: undefined as unknown as string }, /encryptCode is required/],
    ['empty encryptCode', { encryptCode: '' }, /encryptCode is required/],
    ['a non-http baseUrl', { baseUrl: 'ftp://x' }, /baseUrl must be an http\(s\) URL/],
    ['a zero timeoutMs', { timeoutMs: 0 }, /timeoutMs must be a positive number/],
  ])('rejects with a TypeError before any request for %s', async (_, patch, message) => {
    srv.handle((__, res) => reply(res, 200, { errcode: 0, code: 'x' }))
    const err = await call(patch).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toMatch(message)
    expect(srv.requests).toHaveLength(0)
  })
})
