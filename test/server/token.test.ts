// createStableAccessTokenProvider against the simulator's HTTP API (and test/server/http-server.ts where the exact
// request or a fault matters). The simulator's clock and the provider's are one injected clock.
import {
  createApiTicketProvider,
  createMemoryStore,
  createStableAccessTokenProvider,
  decryptCardCode,
  WeChatApiError,
  type CredentialStore,
  type StableAccessTokenProviderOptions,
} from '../../server'
import { STABLE_TOKEN_PATH, type CardPlatform, type Listening } from '../../testing'
import { ACCOUNT, expectTypeError, ext, ID, makePlatform } from '../helpers/platform'
import { reply, startServer, type TestServer } from './http-server'

const T0 = 1_700_000_000_000
const { appid: APPID, secret: SECRET, apiTicket: TICKET, accessToken: FIRST_TOKEN } = ACCOUNT
let clock = T0
let platform: CardPlatform
let api: Listening
/** Every stable_token body the providers sent (read through the fetch option, which still does real HTTP). */
let bodies: Record<string, unknown>[]
const recording: typeof fetch = (input, init) => {
  if (String(input).includes('stable_token') && typeof init?.body === 'string') bodies.push(JSON.parse(init.body))
  return fetch(input, init)
}
const forced = () => bodies.filter((b) => b.force_refresh === true).length

const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m))
beforeEach(async () => {
  clock = T0
  bodies = []
  platform = makePlatform({ now: () => clock })
  api = await platform.listen()
})
afterEach(async () => {
  await api.close()
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled()
})
afterAll(() => consoleSpies.forEach((s) => s.mockRestore()))

const provider = (o: Partial<StableAccessTokenProviderOptions> = {}) =>
  createStableAccessTokenProvider({
    appid: APPID,
    secret: SECRET,
    baseUrl: api.url,
    fetch: recording,
    now: () => clock,
    retryDelayMs: 1,
    timeoutMs: 10_000, // a bound for a stuck test: cases about no answer set their own
    ...o,
  })
/** What another party does: a forced refresh straight at the simulator. */
const forceElsewhere = async () => {
  const res = await fetch(`${api.url}${STABLE_TOKEN_PATH}`, {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET, force_refresh: true }),
  })
  return (await res.json()) as { access_token: string }
}
const ticketFor = (accessToken: string) =>
  fetch(`${api.url}/cgi-bin/ticket/getticket?type=wx_card&access_token=${encodeURIComponent(accessToken)}`).then(
    (r) => r.json() as Promise<{ errcode: number }>,
  )

describe('createStableAccessTokenProvider', () => {
  it('POSTs cgi-bin/stable_token with the JSON body WeChat documents and nothing in the URL', async () => {
    const srv: TestServer = await startServer()
    try {
      srv.handle((_, res) => reply(res, 200, { access_token: 'token-a', expires_in: 7200 }))
      const p = provider({ baseUrl: srv.baseUrl })
      await expect(p.getAccessToken()).resolves.toBe('token-a')
      expect(srv.requests).toHaveLength(1)
      const [req] = srv.requests
      expect(req.method).toBe('POST')
      expect(req.path).toBe('/cgi-bin/stable_token')
      expect([...req.query.keys()]).toEqual([])
      expect(req.headers['content-type']).toMatch(/^application\/json/)
      expect(JSON.parse(req.body)).toEqual({
        grant_type: 'client_credential',
        appid: APPID,
        secret: SECRET,
        force_refresh: false,
      })
    } finally {
      await srv.close()
    }
  })

  it('answers 1,000 concurrent callers with one request, then from the cache; the token works at getticket', async () => {
    const p = provider()
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => p.getAccessToken()))
    expect(new Set(tokens)).toEqual(new Set([FIRST_TOKEN]))
    await expect(p.getAccessToken()).resolves.toBe(FIRST_TOKEN)
    expect(platform.state.requests.stable_token).toBe(1)
    await expect(ticketFor(FIRST_TOKEN)).resolves.toMatchObject({ errcode: 0 })
  })

  it('refreshes in normal mode at expires_in − 300 s: WeChat renews in its last 5 minutes, the old token still works', async () => {
    const p = provider()
    await p.getAccessToken()
    clock = T0 + (7200 - 300) * 1000
    const renewed = await p.getAccessToken()
    expect(renewed).not.toBe(FIRST_TOKEN)
    expect(forced()).toBe(0)
    await expect(ticketFor(FIRST_TOKEN)).resolves.toMatchObject({ errcode: 0 })
    await expect(ticketFor(renewed)).resolves.toMatchObject({ errcode: 0 })
    clock = T0 + 7200 * 1000
    await expect(ticketFor(FIRST_TOKEN)).resolves.toMatchObject({ errcode: 42001 })
    await expect(p.getAccessToken()).resolves.toBe(renewed)
    expect(platform.state.requests.stable_token).toBe(2)
  })

  describe('forceRefresh', () => {
    it('re-reads in normal mode and takes the newer token another party forced, without forcing', async () => {
      const p = provider()
      const old = await p.getAccessToken()
      const { access_token: newer } = await forceElsewhere()
      await expect(ticketFor(old)).resolves.toMatchObject({ errcode: 40001 })
      await expect(p.getAccessToken({ forceRefresh: true })).resolves.toBe(newer)
      expect(forced()).toBe(0)
      expect(platform.state.requests.stable_token).toBe(3) // first read, the other party's force, the re-read
    })

    it('forces only when WeChat still hands back the rejected token; the old one is then invalid', async () => {
      const p = provider()
      const old = await p.getAccessToken()
      const fresh = await p.getAccessToken({ forceRefresh: true, rejectedToken: old })
      expect(fresh).not.toBe(old)
      expect(bodies.map((b) => b.force_refresh)).toEqual([false, false, true])
      await expect(ticketFor(old)).resolves.toMatchObject({ errcode: 40001 })
      await expect(ticketFor(fresh)).resolves.toMatchObject({ errcode: 0 })
      await expect(p.getAccessToken()).resolves.toBe(fresh)
    })

    it('answers a forceRefresh for a token it already replaced from the cache, with no request', async () => {
      const p = provider()
      const old = await p.getAccessToken()
      const fresh = await p.getAccessToken({ forceRefresh: true, rejectedToken: old })
      const before = bodies.length
      // Callers that used the old token learn of the rejection late: all of them get the new one.
      const late = await Promise.all(
        Array.from({ length: 50 }, () => p.getAccessToken({ forceRefresh: true, rejectedToken: old })),
      )
      expect(new Set(late)).toEqual(new Set([fresh]))
      expect(bodies.length).toBe(before)
    })

    it('shares one forced refresh between concurrent callers', async () => {
      const p = provider()
      const old = await p.getAccessToken()
      const all = await Promise.all(Array.from({ length: 100 }, () => p.getAccessToken({ forceRefresh: true })))
      expect(new Set(all).size).toBe(1)
      expect(all[0]).not.toBe(old)
      expect(forced()).toBe(1)
    })

    it('forces at most once per 30 s across instances sharing the store; the others get the new token through it', async () => {
      const store = createMemoryStore({ now: () => clock })
      const a = provider({ store })
      const b = provider({ store, lockWaitMs: 100 })
      const t1 = await a.getAccessToken()
      await expect(b.getAccessToken()).resolves.toBe(t1)
      const t2 = await a.getAccessToken({ forceRefresh: true, rejectedToken: t1 })
      await expect(b.getAccessToken({ forceRefresh: true, rejectedToken: t1 })).resolves.toBe(t2)
      expect(forced()).toBe(1)
      // WeChat rejects t2 too (say, a wrong account): within 30 s nobody forces again.
      clock += 29_999
      await expect(b.getAccessToken({ forceRefresh: true, rejectedToken: t2 })).rejects.toThrow(
        `createStableAccessTokenProvider: no access_token after waiting 100 ms (lockWaitMs) for a new access_token: ` +
          'WeChat still returns the rejected one, and a forced refresh already ran in the last 30 s (WeChat allows one per 30 s)',
      )
      expect(forced()).toBe(1)
      clock += 1
      const t3 = await b.getAccessToken({ forceRefresh: true, rejectedToken: t2 })
      expect(t3).not.toBe(t2)
      expect(forced()).toBe(2)
      await expect(a.getAccessToken()).resolves.toBe(t3)
    })

    it('refuses to force while the store (which keeps instances to one per 30 s) fails', async () => {
      const inner = createMemoryStore({ now: () => clock })
      let failing = false
      const store: CredentialStore = {
        get: (k) => inner.get(k),
        set: (k, v, t) => inner.set(k, v, t),
        lock: async (k, t) => {
          if (failing) throw new Error('LOADING')
          return inner.lock(k, t)
        },
      }
      const errors: Error[] = []
      const p = provider({ store, onError: (e) => errors.push(e) })
      const old = await p.getAccessToken()
      failing = true
      await expect(p.getAccessToken({ forceRefresh: true, rejectedToken: old })).rejects.toThrow(
        /^createStableAccessTokenProvider: WeChat still returns the rejected access_token, and a forced refresh needs the store .*which failed/,
      )
      expect(forced()).toBe(0)
      expect(errors[0].message).toMatch(/store lock failed for access_token:wx0000000000card00 \(Error: LOADING\)/)
    })

    it("passes WeChat's daily limit (45009) through as a WeChatApiError", async () => {
      const p = provider()
      await p.getAccessToken()
      for (let i = 0; i < 20; i++) {
        await p.getAccessToken({ forceRefresh: true })
        clock += 30_000
      }
      const err = await p.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(WeChatApiError)
      expect(err).toMatchObject({ errcode: 45009, api: 'cgi-bin/stable_token' })
    })
  })

  it('invalidate() makes the next call read in normal mode (no force)', async () => {
    const p = provider()
    await p.getAccessToken()
    await p.invalidate()
    await expect(p.getAccessToken()).resolves.toBe(FIRST_TOKEN)
    expect(bodies.map((b) => b.force_refresh)).toEqual([false, false])
  })

  it.each<[string, Partial<StableAccessTokenProviderOptions>, number, string]>([
    ['a wrong AppSecret', { secret: 'ffffffffffffffffffffffffffffffff' }, 40125, 'invalid appsecret'],
    ['a wrong AppID', { appid: 'wx0000000000000000' }, 40013, 'invalid appid'],
  ])('%s → a WeChatApiError with its errcode, never showing the secret', async (_, patch, errcode, errmsg) => {
    const err = await provider(patch)
      .getAccessToken()
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WeChatApiError)
    expect(err).toMatchObject({ errcode, errmsg, api: 'cgi-bin/stable_token' })
    const shown = `${(err as Error).message} ${(err as Error).stack} ${JSON.stringify(err)}`
    expect(shown).not.toContain(SECRET)
    expect(shown).not.toContain('ffffffffffffffffffffffffffffffff')
  })

  it('keeps the secret and the token out of every error, even when the server echoes them', async () => {
    const srv = await startServer()
    try {
      const answers = [
        (res: Parameters<Parameters<TestServer['handle']>[0]>[1], body: string) => reply(res, 500, body),
        (res: Parameters<Parameters<TestServer['handle']>[0]>[1], body: string) => reply(res, 200, `{"echo":${body}`),
        (res: Parameters<Parameters<TestServer['handle']>[0]>[1]) =>
          reply(res, 200, { access_token: 'token-shown-nowhere', expires_in: 'soon' }),
      ]
      for (const answer of answers) {
        srv.reset()
        srv.handle((req, res) => answer(res, req.body))
        const err = await provider({ baseUrl: srv.baseUrl, maxRetries: 0 })
          .getAccessToken()
          .catch((e: unknown) => e)
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toMatch(/^WeChat cgi-bin\/stable_token: /)
        const shown = `${(err as Error).message} ${JSON.stringify(err)} ${String((err as { cause?: unknown }).cause)}`
        expect(shown).not.toContain(SECRET)
        expect(shown).not.toContain('token-shown-nowhere')
      }
    } finally {
      await srv.close()
    }
  })

  const WHITESPACE = 'has leading or trailing whitespace (WeChat matches it exactly)'
  it.each<[string, Record<string, unknown> | undefined, string]>([
    ['no options', undefined, 'options are required'],
    ['no appid', { appid: undefined }, 'appid must be a non-empty string'],
    ['an empty appid', { appid: '' }, 'appid must be a non-empty string'],
    ['a numeric appid', { appid: 123 }, 'appid must be a non-empty string'],
    ['an appid pasted with a space', { appid: ` ${APPID}` }, `appid ${WHITESPACE}`],
    ['no secret', { secret: undefined }, 'secret must be a non-empty string'],
    ['an empty secret', { secret: '' }, 'secret must be a non-empty string'],
    // a secret read from a file or an env var often ends in a newline; the message never shows it
    ['a secret read with its newline', { secret: `${SECRET}\n` }, `secret ${WHITESPACE}`],
    ['a secret pasted with a space', { secret: ` ${SECRET}` }, `secret ${WHITESPACE}`],
    ['an empty key', { key: '' }, 'key must be a non-empty string'],
    // the transport, retry and cache options are checked by what every server function shares: one of each here
    ['a relative baseUrl', { baseUrl: 'api.weixin.qq.com' }, 'baseUrl must be an http(s) URL'],
    ['a string maxRetries', { maxRetries: '2' }, 'maxRetries must be an integer >= 0'],
    [
      'a margin of two hours',
      { refreshMarginSeconds: 7200 },
      'refreshMarginSeconds must be a number of seconds >= 0 and < 7200',
    ],
  ])('throws a TypeError naming the option for %s, before any request', async (_, patch, message) => {
    const make = () => (patch ? provider(patch) : createStableAccessTokenProvider(undefined as never))
    await expectTypeError(make, `createStableAccessTokenProvider: ${message}`)
    expect(platform.state.requests.stable_token).toBe(0)
  })

  describe('plugged into the other server functions', () => {
    it('createApiTicketProvider: a token forced out elsewhere is replaced in normal mode, and the ticket signs', async () => {
      const tokens = provider()
      const tickets = createApiTicketProvider({
        getAccessToken: tokens.getAccessToken,
        appid: APPID,
        baseUrl: api.url,
        now: () => clock,
      })
      await tokens.getAccessToken()
      await forceElsewhere()
      const ticket = await tickets.getTicket()
      expect(ticket).toBe(TICKET)
      expect(platform.state.requests).toMatchObject({ stable_token: 3, getticket: 2 })
      expect(forced()).toBe(0)
      const { cardList } = (await platform.wx.addCard({
        cardList: [{ cardId: ID.voucher, cardExt: ext(ID.voucher, { apiTicket: ticket }) }],
      })) as { cardList: { isSuccess: boolean }[] }
      expect(cardList[0].isSuccess).toBe(true)
    })

    it('decryptCardCode: refreshes the token once after 40001 and decrypts', async () => {
      const tokens = provider()
      await platform.wx.addCard({
        cardList: [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }],
      })
      const [held] = platform.state.held
      await tokens.getAccessToken()
      await forceElsewhere()
      await expect(
        decryptCardCode({ getAccessToken: tokens.getAccessToken, encryptCode: held.encryptCode, baseUrl: api.url }),
      ).resolves.toBe(held.code)
      expect(platform.state.requests.decrypt).toBe(2)
      expect(forced()).toBe(0)
    })
  })
})
