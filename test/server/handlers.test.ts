// The ready-made handlers mounted on a real HTTP server on 127.0.0.1, the server toolkit talking to the simulator's
// HTTP API: every bad input, per-code decrypt results, the user's cards with their states, and no secret echoed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http'
import type { AddressInfo } from 'net'
import {
  createApiTicketProvider,
  createCardCodesHandler,
  createCardExtHandler,
  createCardInfoSource,
  createStableAccessTokenProvider,
  createMemoryStore,
  createUserCardsHandler,
  verifyCardExt,
  type CardExtHandlerOptions,
  type CardExtRule,
  type CardHandler,
  type CardUser,
  type HandlerRequest,
} from '../../server'
import { FIXTURE_CARDS, FIXTURE_USERS, type CardPlatform, type Listening } from '../../testing'
import { ACCOUNT, ID, makePlatform } from '../helpers/platform'
import { httpRequest, type ClientAnswer } from './http-server'

const { appid: APPID, secret: SECRET, accessToken: FIRST_TOKEN, apiTicket: TICKET, openid: USER } = ACCOUNT
/** The session user: their key in this server (their mini-program openid) and their openid under the card account. */
const ME: CardUser = { id: 'oMiniProgramUser', cardOpenid: USER }
const SESSIONS: Record<string, CardUser> = {
  'Bearer s-user': ME,
  // Another user of this server and of the account (the fixture user `other`), who holds no card of USER's.
  'Bearer s-other': { id: 'oMiniProgramOther', cardOpenid: FIXTURE_USERS[1].openid },
  // A user whose card-account openid this server does not know (yet).
  'Bearer s-new': { id: 'oMiniProgramNew' },
}

/** This server's catalogue: an ordinary card, a custom-code one, one bound to the user; the platform has more. */
const [PLAIN, CUSTOM, BOUND, OTHER] = [ID.voucher, ID.custom, ID.member, ID.coupon]
const CARDS: Record<string, CardExtRule> = {
  [PLAIN]: {},
  [CUSTOM]: { useCustomCode: true },
  [BOUND]: { bindOpenid: true, outerStr: 'home-banner' },
}

let platform: CardPlatform
let wechat: Listening
let app: Server
let base: string
/** Every answer body and every onError message of this file: none may carry a secret. */
const seen: string[] = []
const errors: Error[] = []
let codes = 0

/** The user of the session named by the Authorization header (own lookups: `constructor` is no session). */
const sessionOf = ({ headers }: HandlerRequest): CardUser | undefined => {
  const auth = headers.authorization
  return typeof auth === 'string' && Object.prototype.hasOwnProperty.call(SESSIONS, auth) ? SESSIONS[auth] : undefined
}

beforeAll(() => jest.spyOn(console, 'error'))
afterAll(() => {
  expect(console.error).not.toHaveBeenCalled() // onError is given everywhere: nothing goes to the console
  const everything = seen.join('\n') + errors.map((e) => e.message).join('\n')
  for (const secret of [SECRET, FIRST_TOKEN, TICKET]) expect(everything).not.toContain(secret)
  expect(seen.length).toBeGreaterThan(50)
})

beforeEach(async () => {
  errors.length = 0
  platform = makePlatform()
  wechat = await platform.listen()
  const onError = (e: Error) => errors.push(e)
  const tokens = createStableAccessTokenProvider({
    appid: APPID,
    secret: SECRET,
    baseUrl: wechat.url,
    now: platform.now,
  })
  const tickets = createApiTicketProvider({
    getAccessToken: tokens.getAccessToken,
    baseUrl: wechat.url,
    now: platform.now,
  })
  const common = { getUser: sessionOf, onError, baseUrl: wechat.url }
  const routes: Record<string, CardHandler> = {
    '/card-ext': createCardExtHandler({
      ...common,
      getTicket: tickets.getTicket,
      cards: CARDS,
      createCode: () => `CODE${++codes}`,
    }),
    '/card-codes': createCardCodesHandler({ ...common, getAccessToken: tokens.getAccessToken, cards: CARDS }),
    '/user-cards': createUserCardsHandler({ ...common, getAccessToken: tokens.getAccessToken, cards: CARDS }),
  }
  app = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]
    // /parsed/…: as behind express.json(), the body arrives parsed in req.body
    if (path.startsWith('/parsed/')) {
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => (text += c))
      req.on('end', () => {
        Object.assign(req, { body: JSON.parse(text) })
        void routes[path.slice('/parsed'.length)](req, res)
      })
      return
    }
    const handler = Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : undefined
    if (handler) void handler(req, res)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
})
afterEach(async () => {
  await new Promise<void>((resolve) => {
    app.closeAllConnections()
    app.close(() => resolve())
  })
  await wechat.close()
})

const SESSION = { authorization: 'Bearer s-user' }
/** A fresh access_token provider on this test's simulator. */
const tokensOf = () =>
  createStableAccessTokenProvider({ appid: APPID, secret: SECRET, baseUrl: wechat.url, now: platform.now })
    .getAccessToken
async function send(
  method: string,
  path: string,
  o: { body?: unknown; raw?: string; chunks?: string[]; headers?: Record<string, string> } = {},
): Promise<ClientAnswer> {
  const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body))
  const answer = await httpRequest(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...SESSION, ...o.headers },
    ...(body === undefined ? {} : { body }),
    ...(o.chunks ? { chunks: o.chunks } : {}),
  })
  seen.push(answer.text)
  return answer
}
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send('POST', path, { body, headers })

/** Adds cards through the simulated client; returns the encrypted codes wx.addCard gave back. */
async function addCards(cardList: { cardId: string; cardExt: string }[]): Promise<string[]> {
  const res = (await platform.wx.addCard({ cardList })) as { cardList: { code: string; isSuccess: boolean }[] }
  expect(res.cardList.every((c) => c.isSuccess)).toBe(true)
  return res.cardList.map((c) => c.code)
}

describe('every handler: method, session, body', () => {
  it.each([
    ['/card-ext', 'GET', 'POST'],
    ['/card-codes', 'PUT', 'POST'],
    ['/user-cards', 'POST', 'GET'],
    ['/user-cards', 'DELETE', 'GET'],
  ])('%s %s → 405 method_not_allowed, Allow: %s', async (path, method, allowed) => {
    // node:http frames a body only for methods that usually have one
    const r = await send(method, path, ['POST', 'PUT'].includes(method) ? { body: {} } : {})
    expect([r.status, r.headers.allow, r.json]).toEqual([
      405,
      allowed,
      { code: 'method_not_allowed', message: `use ${allowed}` },
    ])
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8')
  })

  it.each([
    ['no Authorization header', { authorization: '' }],
    ['an unknown session', { authorization: 'Bearer s-nobody' }],
    ['a session named like an Object.prototype member', { authorization: 'constructor' }],
  ])('%s → 401 no_session, on every endpoint', async (_, headers) => {
    const answers = await Promise.all([
      post('/card-ext', { cardIds: [PLAIN] }, headers),
      post('/card-codes', { cards: [{ cardId: PLAIN, encryptCode: 'x' }] }, headers),
      send('GET', '/user-cards', { headers }),
    ])
    for (const r of answers)
      expect([r.status, r.json]).toEqual([401, { code: 'no_session', message: 'no session: log in first' }])
    expect(platform.state.requests).toMatchObject({ getticket: 0, decrypt: 0, getcardlist: 0 })
  })

  it.each([
    ['malformed JSON', '{"cardIds":', 'the body is not valid JSON'],
    ['an empty body', '', 'the body is empty; send JSON'],
    ['only spaces', '   ', 'the body is empty; send JSON'],
  ])('%s → 400 invalid_json (after the session check)', async (_, raw, message) => {
    for (const path of ['/card-ext', '/card-codes']) {
      const r = await send('POST', path, { raw })
      expect([r.status, r.json]).toEqual([400, { code: 'invalid_json', message }])
    }
    const anonymous = await send('POST', '/card-ext', { raw: '{', headers: { authorization: '' } })
    expect(anonymous.status).toBe(401)
  })

  it('a body over maxBodyBytes → 413 body_too_large: declared (Content-Length) or streamed (chunked)', async () => {
    const big = JSON.stringify({ cardIds: [PLAIN], data: { pad: 'x'.repeat(20_000) } })
    const declared = await send('POST', '/card-ext', { raw: big })
    expect([declared.status, declared.json?.code]).toEqual([413, 'body_too_large'])
    expect(declared.json?.message).toBe(`the body is ${big.length} bytes; at most 16384 are accepted`)
    const streamed = await send('POST', '/card-codes', { chunks: [big.slice(0, 10_000), big.slice(10_000)] })
    expect([streamed.status, streamed.json]).toEqual([
      413,
      { code: 'body_too_large', message: 'the body is over 16384 bytes; at most 16384 are accepted' },
    ])
    expect(platform.state.requests.getticket).toBe(0)
  })

  it('takes a body a framework already parsed (express.json()), size limit included', async () => {
    const r = await post('/parsed/card-ext', { cardIds: [PLAIN] })
    expect(r.status).toBe(200)
    const big = await post('/parsed/card-codes', { cards: [{ cardId: PLAIN, encryptCode: 'x'.repeat(20_000) }] })
    expect(big.json?.code).toBe('body_too_large')
  })
})

describe('POST /card-ext', () => {
  it('one freshly signed cardExt per card, in order: custom code, bound openid, outer_str; WeChat accepts them', async () => {
    const r = await post('/card-ext', { cardIds: [PLAIN, CUSTOM, BOUND, PLAIN], data: { scene: 'home' } })
    expect(r.status).toBe(200)
    expect(r.headers['cache-control']).toBe('no-store')
    const { cardList } = r.json as { cardList: { cardId: string; cardExt: string }[] }
    expect(cardList.map((c) => c.cardId)).toEqual([PLAIN, CUSTOM, BOUND, PLAIN])
    const exts = cardList.map((c) => JSON.parse(c.cardExt) as Record<string, unknown>)
    expect(exts[1].code).toMatch(/^CODE\d+$/)
    expect(exts[2]).toMatchObject({ openid: USER, outer_str: 'home-banner' })
    expect(exts[0].openid).toBeUndefined()
    expect(exts[0].nonce_str).not.toBe(exts[3].nonce_str)
    for (const c of cardList) expect(verifyCardExt(c.cardExt, { apiTicket: TICKET, cardId: c.cardId })).toBe(true)
    await addCards(cardList)
    expect(platform.state.held.map((h) => h.cardId)).toEqual([PLAIN, CUSTOM, BOUND, PLAIN])
    expect(platform.state.requests).toMatchObject({ stable_token: 1, getticket: 1 })
  })

  it('createCode gets the card, the session openid and the request data', async () => {
    const createCode = jest.fn(() => 'CODE42')
    const handler = createCardExtHandler({
      getUser: () => ME,
      getTicket: async () => TICKET,
      cards: CARDS,
      createCode,
    })
    const r = await handler.handle({ method: 'POST', headers: {}, body: { cardIds: [CUSTOM], data: { shop: 7 } } })
    expect(r.status).toBe(200)
    expect(createCode).toHaveBeenCalledWith({ cardId: CUSTOM, user: ME, openid: ME.id, data: { shop: 7 } })
  })

  it.each<[string, unknown, string]>([
    ['a JSON array', [PLAIN], 'the body must be a JSON object with cardIds'],
    ['no cardIds', { cardId: PLAIN }, 'cardIds must be an array'],
    ['cardIds as a string', { cardIds: PLAIN }, 'cardIds must be an array'],
    ['no card', { cardIds: [] }, 'cardIds is empty'],
    ['11 cards', { cardIds: Array(11).fill(PLAIN) }, 'cardIds has 11 items; at most 10 per request'],
    ['a number', { cardIds: [PLAIN, 7] }, 'cardIds[1] must be a string, got number'],
    ['an empty id', { cardIds: [''] }, 'cardIds[0] is empty'],
    [
      'a padded id',
      { cardIds: [` ${PLAIN}`] },
      'cardIds[0] has leading or trailing whitespace (WeChat matches it exactly)',
    ],
    [
      'a newline inside',
      { cardIds: ['pDemo\nVoucher'] },
      'cardIds[0] contains whitespace or a control character (WeChat matches it exactly)',
    ],
    ['data not an object', { cardIds: [PLAIN], data: 'home' }, 'data must be an object when present'],
  ])('%s → 400 invalid_request', async (_, body, message) => {
    const r = await post('/card-ext', body)
    expect([r.status, r.json]).toEqual([400, { code: 'invalid_request', message }])
    expect(platform.state.requests.getticket).toBe(0)
  })

  it.each(['pNope', OTHER, 'constructor', '__proto__', 'toString'])(
    'a card this server does not issue (%s) → 404 unknown_card, before any WeChat call',
    async (cardId) => {
      const r = await post('/card-ext', { cardIds: [PLAIN, cardId] })
      expect([r.status, r.json]).toEqual([
        404,
        { code: 'unknown_card', message: `cardIds[1] ${JSON.stringify(cardId)} is not a card this server issues` },
      ])
      expect(platform.state.requests.getticket).toBe(0)
    },
  )

  it('no api_ticket from WeChat → 502 wechat_error; the cause goes to onError, not to the client', async () => {
    platform.failNextRequest('getticket', { errcode: 40164, errmsg: 'invalid ip 10.0.0.8, not in whitelist' })
    const r = await post('/card-ext', { cardIds: [PLAIN] })
    expect([r.status, r.json]).toEqual([
      502,
      { code: 'wechat_error', message: 'could not get the api_ticket from WeChat; try again later' },
    ])
    expect(r.text).not.toContain('10.0.0.8')
    expect(errors.map((e) => e.message)).toEqual([
      'card-ext handler: could not get the api_ticket: WeChatApiError: WeChat cgi-bin/ticket/getticket failed: errcode 40164, errmsg invalid ip 10.0.0.8, not in whitelist',
    ])
  })

  const handlerWith = (o: Partial<CardExtHandlerOptions>) =>
    createCardExtHandler({
      getUser: () => ME,
      getTicket: async () => TICKET,
      cards: CARDS,
      createCode: () => 'C1',
      onError: (e) => errors.push(e),
      ...o,
    })
  const issue = async (handler: CardHandler, cardIds: string[]) => {
    const r = await handler.handle({ method: 'POST', headers: {}, body: { cardIds } })
    seen.push(r.body)
    return { status: r.status, body: JSON.parse(r.body) as unknown }
  }

  it.each<[string, Partial<CardExtHandlerOptions>, string]>([
    ['createCode throws', { createCode: () => Promise.reject(new Error('code pool empty')) }, 'code pool empty'],
    ['createCode gives a code WeChat refuses', { createCode: () => 'has spaces and is far too long' }, 'code'],
    [
      'an error carrying the ticket',
      { createCode: () => Promise.reject(new Error(`bad ticket ${TICKET}`)) },
      'bad ticket ***',
    ],
  ])('%s → 500 server_error naming the card; the cause (redacted) to onError', async (_, o, cause) => {
    const r = await issue(handlerWith(o), [PLAIN, CUSTOM])
    expect(r).toEqual({
      status: 500,
      body: { code: 'server_error', message: `could not issue cardIds[1] "${CUSTOM}"` },
    })
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toMatch(/^card-ext handler: could not issue cardIds\[1\] \(pDemoCustom\): /)
    expect(errors[0].message).toContain(cause)
  })

  it('getUser rejecting → 500 server_error; an id or cardOpenid WeChat cannot match → 500 too', async () => {
    const failing = await issue(handlerWith({ getUser: () => Promise.reject(new Error('redis down')) }), [PLAIN])
    const padded = await issue(handlerWith({ getUser: () => ({ id: 'u1', cardOpenid: ` ${USER}` }) }), [PLAIN])
    const noId = await issue(handlerWith({ getUser: () => ({ id: '' }) }), [PLAIN])
    for (const r of [failing, padded, noId])
      expect(r).toEqual({ status: 500, body: { code: 'server_error', message: 'could not read the session' } })
    expect(errors.map((e) => e.message)).toEqual([
      'card-ext handler: getUser failed: Error: redis down',
      'card-ext handler: getUser resolved a user that has a cardOpenid that has leading or trailing whitespace (WeChat matches it exactly)',
      'card-ext handler: getUser resolved a user that has an id that is empty',
    ])
  })

  it('getOpenid (deprecated) still works: its openid is both the user id and the card-account openid', async () => {
    const r = await issue(handlerWith({ getUser: undefined, getOpenid: () => USER }), [BOUND])
    expect(r.status).toBe(200)
    const { cardList } = r.body as { cardList: { cardExt: string }[] }
    expect(JSON.parse(cardList[0].cardExt)).toMatchObject({ openid: USER })
    expect(() => handlerWith({ getOpenid: () => USER })).toThrow(/pass getUser or getOpenid \(deprecated\), not both/)
  })

  it('a function catalogue decides per card (and may be asynchronous)', async () => {
    const handler = handlerWith({ cards: async (cardId) => (cardId === PLAIN ? {} : undefined) })
    expect((await issue(handler, [PLAIN])).status).toBe(200)
    expect((await issue(handler, [BOUND])).status).toBe(404)
  })

  it.each<[string, Partial<CardExtHandlerOptions>, RegExp]>([
    ['no getUser', { getUser: undefined }, /createCardExtHandler: getUser must be a function/],
    ['no getTicket', { getTicket: undefined }, /getTicket must be a function/],
    ['no cards', { cards: undefined }, /cards must be an object or a Map by card id, or a function/],
    ['cards as an array', { cards: [PLAIN] as never }, /cards must be an object or a Map/],
    [
      'a custom-code card without createCode',
      { createCode: undefined },
      /createCode is required: card pDemoCustom has useCustomCode/,
    ],
    ['maxCards 0', { maxCards: 0 }, /maxCards must be an integer >= 1/],
    ['maxBodyBytes 1.5', { maxBodyBytes: 1.5 }, /maxBodyBytes must be an integer >= 1/],
    ['onError not a function', { onError: 'log' as never }, /onError must be a function/],
  ])('construction: %s → TypeError', (_, o, message) => {
    expect(() => handlerWith(o)).toThrow(TypeError)
    expect(() => handlerWith(o)).toThrow(message)
  })

  it('a Map catalogue works, and a custom-code card in it needs createCode too', async () => {
    const cards = new Map<string, CardExtRule>([[PLAIN, {}]])
    expect((await issue(handlerWith({ cards }), [PLAIN])).status).toBe(200)
    expect(() => handlerWith({ cards: new Map([[CUSTOM, { useCustomCode: true }]]), createCode: undefined })).toThrow(
      /createCode is required/,
    )
  })
})

describe('POST /card-codes: one result per code', () => {
  it('decrypted, malformed, unknown to WeChat, failed at WeChat: each answered on its own, in order', async () => {
    const issued = (await post('/card-ext', { cardIds: [PLAIN, CUSTOM, BOUND] })).json as {
      cardList: { cardId: string; cardExt: string }[]
    }
    const [plain, custom, bound] = await addCards(issued.cardList)
    const onCode = jest.fn()
    const handler = createCardCodesHandler({
      getUser: sessionOf,
      getAccessToken: async () => FIRST_TOKEN,
      baseUrl: wechat.url,
      concurrency: 1, // so the failing request below is the first one
      onCode,
      onError: (e) => errors.push(e),
    })
    platform.failNextRequest('decrypt')
    const spaced = `${plain.slice(0, 10)} ${plain.slice(10)}`
    const r = await handler.handle({
      method: 'POST',
      headers: SESSION,
      body: JSON.stringify({
        cards: [
          { cardId: BOUND, encryptCode: bound },
          { cardId: PLAIN, encryptCode: plain },
          { cardId: PLAIN, encryptCode: spaced },
          { cardId: PLAIN, encryptCode: 'bm90LWlzc3VlZC1ieS13ZWNoYXQ=' },
          { cardId: CUSTOM, encryptCode: custom },
        ],
      }),
    })
    seen.push(r.body)
    expect(r.status).toBe(200)
    const held = platform.state.held
    expect(JSON.parse(r.body)).toEqual({
      cards: [
        {
          cardId: BOUND,
          error: { code: 'wechat_error', message: 'WeChat could not decrypt this code now; try again later' },
        },
        { cardId: PLAIN, code: held[0].code },
        {
          cardId: PLAIN,
          error: {
            code: 'invalid_code',
            message:
              "encryptCode contains a space: a '+' turns into a space when the code passes through a URL query unencoded (use encodeURIComponent)",
          },
        },
        {
          cardId: PLAIN,
          error: { code: 'invalid_code', message: 'WeChat does not know this code (40056 invalid serial code)' },
        },
        { cardId: CUSTOM, code: held[1].code },
      ],
    })
    expect(onCode.mock.calls.map(([card]) => card)).toEqual([
      { openid: USER, cardId: PLAIN, code: held[0].code, user: ME },
      { openid: USER, cardId: CUSTOM, code: held[1].code, user: ME },
    ])
    expect(platform.state.requests.decrypt).toBe(4) // the spaced one never reached WeChat
    expect(errors.map((e) => e.message)).toEqual([
      `card-codes handler: cards[0] (${BOUND}): WeChatApiError: WeChat card/code/decrypt failed: errcode -1, errmsg system error`,
    ])
  })

  it('onCode failing for one code makes that one server_error; the batch still answers 200', async () => {
    const issued = (await post('/card-ext', { cardIds: [PLAIN, PLAIN] })).json as {
      cardList: { cardId: string; cardExt: string }[]
    }
    const [a, b] = await addCards(issued.cardList)
    const handler = createCardCodesHandler({
      getUser: sessionOf,
      getAccessToken: async () => FIRST_TOKEN,
      baseUrl: wechat.url,
      onCode: ({ code }) => (code === platform.state.held[0].code ? Promise.reject(new Error('db down')) : undefined),
      onError: (e) => errors.push(e),
    })
    const r = await handler.handle({
      method: 'POST',
      headers: SESSION,
      body: { cards: [a, b].map((encryptCode) => ({ cardId: PLAIN, encryptCode })) },
    })
    expect(JSON.parse(r.body)).toEqual({
      cards: [
        { cardId: PLAIN, error: { code: 'server_error', message: 'could not save this code' } },
        { cardId: PLAIN, code: platform.state.held[1].code },
      ],
    })
    expect(errors[0].message).toBe(`card-codes handler: onCode failed for cards[0] (${PLAIN}): Error: db down`)
  })

  it('a batch shares one access_token and refreshes it at most once (40001 on every code)', async () => {
    const issued = (await post('/card-ext', { cardIds: [PLAIN, PLAIN, PLAIN, PLAIN] })).json as {
      cardList: { cardId: string; cardExt: string }[]
    }
    const encrypted = await addCards(issued.cardList)
    const asked: unknown[] = []
    const handler = createCardCodesHandler({
      getUser: sessionOf,
      getAccessToken: async (request) => {
        asked.push(request)
        return request?.forceRefresh ? FIRST_TOKEN : 'a-token-replaced-elsewhere'
      },
      baseUrl: wechat.url,
      concurrency: 4,
    })
    const r = await handler.handle({
      method: 'POST',
      headers: SESSION,
      body: { cards: encrypted.map((encryptCode) => ({ cardId: PLAIN, encryptCode })) },
    })
    const { cards } = JSON.parse(r.body) as { cards: { code?: string }[] }
    expect(cards.map((c) => c.code)).toEqual(platform.state.held.map((h) => h.code))
    expect(asked).toEqual([
      { forceRefresh: false },
      { forceRefresh: true, rejectedToken: 'a-token-replaced-elsewhere' },
    ])
  })

  it.each<[string, unknown, number, string, string]>([
    ['no cards', { cards: [] }, 400, 'invalid_request', 'cards is empty'],
    [
      '21 codes',
      { cards: Array(21).fill({ cardId: PLAIN, encryptCode: 'x' }) },
      400,
      'invalid_request',
      'cards has 21 items; at most 20 per request',
    ],
    [
      'an item that is a string',
      { cards: [PLAIN] },
      400,
      'invalid_request',
      'cards[0] must be an object { cardId, encryptCode }',
    ],
    ['no encryptCode', { cards: [{ cardId: PLAIN }] }, 400, 'invalid_request', 'cards[0].encryptCode must be a string'],
    [
      'a padded cardId',
      { cards: [{ cardId: `${PLAIN} `, encryptCode: 'x' }] },
      400,
      'invalid_request',
      'cards[0].cardId has leading or trailing whitespace (WeChat matches it exactly)',
    ],
    [
      'a card this server does not know',
      {
        cards: [
          { cardId: PLAIN, encryptCode: 'x' },
          { cardId: 'hasOwnProperty', encryptCode: 'x' },
        ],
      },
      404,
      'unknown_card',
      'cards[1].cardId "hasOwnProperty" is not a card of this server',
    ],
  ])('%s → %i %s', async (_, body, status, code, message) => {
    const r = await post('/card-codes', body)
    expect([r.status, r.json]).toEqual([status, { code, message }])
    expect(platform.state.requests.decrypt).toBe(0)
  })

  it('an empty encryptCode is that code’s invalid_code, not a failed request', async () => {
    const r = await post('/card-codes', { cards: [{ cardId: PLAIN, encryptCode: '' }] })
    expect([r.status, r.json]).toEqual([
      200,
      { cards: [{ cardId: PLAIN, error: { code: 'invalid_code', message: 'encryptCode is required' } }] },
    ])
  })
})

describe('GET /user-cards', () => {
  async function holdEverything(): Promise<void> {
    const issued = (await post('/card-ext', { cardIds: [PLAIN, PLAIN, CUSTOM, BOUND] })).json as {
      cardList: { cardId: string; cardExt: string }[]
    }
    await addCards(issued.cardList)
    // a card of the same AppID this server does not issue
    const other = createCardExtHandler({ getUser: () => ME, getTicket: async () => TICKET, cards: { [OTHER]: {} } })
    const r = await other.handle({ method: 'POST', headers: {}, body: { cardIds: [OTHER] } })
    await addCards((JSON.parse(r.body) as { cardList: { cardId: string; cardExt: string }[] }).cardList)
  }

  it("the session user's cards of this server, with their states and validity (seconds)", async () => {
    await holdEverything()
    const held = platform.state.held
    platform.setCardStatus(held[0], 'CONSUMED')
    platform.setCardStatus(held[2], 'GIFTING')
    const r = await send('GET', '/user-cards')
    expect(r.status).toBe(200)
    const { cards } = r.json as { cards: Record<string, unknown>[] }
    expect(cards).toEqual(
      [held[0], held[1], held[2], held[3]].map((h, i) => ({
        cardId: h.cardId,
        code: h.code,
        status: ['CONSUMED', 'NORMAL', 'GIFTING', 'NORMAL'][i],
        canConsume: i % 2 === 1,
        beginTime: h.beginTime,
        endTime: h.endTime,
      })),
    )
    expect(cards.map((c) => c.cardId)).not.toContain(OTHER) // held, but not in this server's catalogue
  })

  it('?cardId= lists one card; unknown → 404, malformed → 400', async () => {
    await holdEverything()
    const one = await send('GET', `/user-cards?cardId=${CUSTOM}`)
    expect((one.json as { cards: { cardId: string }[] }).cards.map((c) => c.cardId)).toEqual([CUSTOM])
    const unknown = await send('GET', `/user-cards?cardId=${OTHER}`)
    expect([unknown.status, unknown.json]).toEqual([
      404,
      { code: 'unknown_card', message: `cardId "${OTHER}" is not a card of this server` },
    ])
    const padded = await send('GET', `/user-cards?cardId=%20${PLAIN}`)
    expect([padded.status, padded.json?.code]).toEqual([400, 'invalid_request'])
    const broken = await send('GET', '/user-cards?cardId=%E0%A4%A')
    expect([broken.status, broken.json?.code]).toEqual([400, 'invalid_request'])
  })

  it('one failing look-up: that card is UNKNOWN, the rest are read (200)', async () => {
    await holdEverything()
    platform.failNextRequest('code_get')
    const r = await send('GET', '/user-cards')
    const { cards } = r.json as { cards: { status: string }[] }
    expect(r.status).toBe(200)
    expect(cards.filter((c) => c.status === 'UNKNOWN')).toHaveLength(1)
    expect(cards.filter((c) => c.status === 'NORMAL')).toHaveLength(3)
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toMatch(/^user-cards handler: getUserCards: card\/code\/get failed for card_list\[\d\]/)
  })

  it('getcardlist failing → 502 wechat_error', async () => {
    platform.failNextRequest('getcardlist', { errcode: 40003, errmsg: 'invalid openid' })
    const r = await send('GET', '/user-cards')
    expect([r.status, r.json]).toEqual([
      502,
      { code: 'wechat_error', message: "could not read the user's cards from WeChat; try again later" },
    ])
    expect(errors[0].message).toBe(
      'user-cards handler: getUserCards failed: WeChatApiError: WeChat card/user/getcardlist failed: errcode 40003, errmsg invalid openid',
    )
  })
})

describe('handle(): the same core without a socket', () => {
  it('handle() applies the same checks to text, bytes and parsed bodies', async () => {
    // the session is the app's own context here (a typed object it looked up), not a header
    const context = { user: ME }
    const cardExt = createCardExtHandler<{ user: CardUser }>({
      getUser: (r) => r.context?.user,
      getTicket: async () => TICKET,
      cards: { [PLAIN]: {} },
    })
    const answers = await Promise.all(
      [
        { method: 'POST', headers: {}, body: '{"cardIds":', context },
        { method: 'POST', headers: {}, body: new TextEncoder().encode('x'.repeat(16_385)), context },
        { method: 'POST', headers: {}, body: 'x'.repeat(16_385), context },
        { method: 'POST', headers: {}, body: { cardIds: ['x'.repeat(16_385)] }, context },
        { method: 'POST', headers: {}, body: `{"cardIds":["${ID.voucher}"]}` },
        { method: 'post', headers: {}, body: { cardIds: [ID.voucher] }, context },
      ].map((r) => cardExt.handle(r)),
    )
    expect(answers.map((a) => [a.status, (JSON.parse(a.body) as { code?: string }).code])).toEqual([
      [400, 'invalid_json'],
      [413, 'body_too_large'],
      [413, 'body_too_large'],
      [413, 'body_too_large'],
      [401, 'no_session'],
      [200, undefined],
    ])
    // a UTF-8 body is measured in bytes: 6 000 three-byte characters are 18 000 bytes
    const chinese = await cardExt.handle({ method: 'POST', headers: {}, body: `"${'券'.repeat(6000)}"`, context })
    expect(chinese.status).toBe(413)
  })

  it('handle() never rejects: a request that is not one answers 500 server_error', async () => {
    const errors: Error[] = []
    const handler = createUserCardsHandler({
      getUser: () => ME,
      getAccessToken: async () => 't',
      onError: (e) => errors.push(e),
    })
    const answer = await handler.handle(null as never)
    expect([answer.status, JSON.parse(answer.body)]).toEqual([
      500,
      { code: 'server_error', message: 'unexpected server error' },
    ])
    expect(errors[0].message).toMatch(/user-cards handler: handle\(\) takes \{ method, headers/)
  })

  it('without onError, a failure is one console.error line, with every secret it carried taken out', async () => {
    const secret = 'e'.repeat(32)
    const ticket = 'known-ticket-short'
    const handler = createCardExtHandler({
      getUser: () => ME,
      getTicket: async () => ticket,
      cards: { [ID.custom]: { useCustomCode: true } },
      // an app bug that puts secrets in its error
      createCode: () => Promise.reject(new Error(`pool failed (ticket ${ticket}, secret ${secret})`)),
    })
    const error = jest.mocked(console.error).mockImplementation(() => undefined) // the file's spy: see afterAll
    const answer = await handler.handle({ method: 'POST', headers: {}, body: { cardIds: [ID.custom] } })
    expect(answer.status).toBe(500)
    expect(answer.body).not.toMatch(/pool failed|known-ticket|eeee/)
    expect(error.mock.calls).toEqual([
      [
        'weapp-card-coupon: card-ext handler: could not issue cardIds[0] (pDemoCustom): Error: pool failed (ticket ***, secret ***)',
      ],
    ])
    error.mockClear() // only this handler has no onError
  })
})

describe('the HTTP path: session first, JSON only, bounded, on time', () => {
  /** `[[[…]]]` nested `depth` deep: 10 kB at 5 000. */
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

  it('without a session, even a hostile body is a 401: the body is never read, parsed or serialized', async () => {
    const deep = nested(5_000)
    const anonymous = { authorization: '' }
    for (const path of ['/card-ext', '/card-codes', '/parsed/card-ext']) {
      // /parsed/ parses before the handler (like express.json()); its answer is still the handler's 401
      const r = await send('POST', path, { raw: deep, headers: anonymous })
      expect([r.status, r.json?.code]).toEqual([401, 'no_session'])
    }
    const wrongType = await send('POST', '/card-ext', {
      raw: 'x',
      headers: { ...anonymous, 'content-type': 'text/plain' },
    })
    expect([wrongType.status, wrongType.json?.code]).toEqual([401, 'no_session'])
    expect(errors).toEqual([])
  })

  it('nesting deeper than maxBodyDepth → 400 body_too_deep, as text or already parsed (no RangeError)', async () => {
    const text = await send('POST', '/card-ext', { raw: nested(5_000) })
    const message = 'the body nests objects and arrays deeper than 8 levels'
    expect([text.status, text.json]).toEqual([400, { code: 'body_too_deep', message }])
    let parsed: unknown = 1
    for (let i = 0; i < 5_000; i++) parsed = { a: parsed }
    const handler = createCardExtHandler({
      getUser: () => ME,
      getTicket: async () => TICKET,
      cards: { [PLAIN]: {} },
      onError: (e) => errors.push(e),
    })
    const framework = await handler.handle({ method: 'POST', headers: {}, body: { cardIds: [PLAIN], data: parsed } })
    expect([framework.status, JSON.parse(framework.body)]).toEqual([400, { code: 'body_too_deep', message }])
    // a brace inside a string is no nesting
    const quoted = await post('/card-ext', { cardIds: [PLAIN], data: { note: '{{{{{{{{{{[[[[[[[[' } })
    expect(quoted.status).toBe(200)
    expect(errors).toEqual([])
  })

  it.each([
    ['text/plain', '{"cardIds":["x"]}'],
    ['application/x-www-form-urlencoded', 'cardIds=x'],
    ['multipart/form-data; boundary=b', '--b\r\n\r\nx\r\n--b--'],
  ])('a %s body → 415 unsupported_media_type', async (type, raw) => {
    const r = await send('POST', '/card-codes', { raw, headers: { 'content-type': type } })
    expect([r.status, r.json]).toEqual([
      415,
      { code: 'unsupported_media_type', message: `send the body as application/json, not "${type.split(';')[0]}"` },
    ])
  })

  it('application/json with a charset, and application/<x>+json, are JSON', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const r = await send('POST', '/card-ext', { body: { cardIds: [PLAIN] }, headers: { 'content-type': type } })
      expect(r.status).toBe(200)
    }
  })

  it('a request past deadlineMs → 504 timeout in the documented shape; onCode is never told a late code', async () => {
    const onCode = jest.fn()
    let release: (token: string) => void = () => undefined
    const handler = createCardCodesHandler({
      getUser: () => ME,
      getAccessToken: () => new Promise<string>((resolve) => (release = resolve)),
      baseUrl: wechat.url,
      onCode,
      deadlineMs: 50,
      onError: (e) => errors.push(e),
    })
    const issued = (await post('/card-ext', { cardIds: [PLAIN] })).json as {
      cardList: { cardId: string; cardExt: string }[]
    }
    const [encryptCode] = await addCards(issued.cardList)
    const r = await handler.handle({ method: 'POST', headers: {}, body: { cards: [{ cardId: PLAIN, encryptCode }] } })
    expect([r.status, JSON.parse(r.body)]).toEqual([
      504,
      { code: 'timeout', message: 'the request took longer than 50 ms; try again later' },
    ])
    expect(errors.map((e) => e.message)).toEqual(['card-codes handler: no answer within deadlineMs (50 ms)'])
    // WeChat answers after all: the work finishes, and nobody is told
    release(FIRST_TOKEN)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(platform.state.requests.decrypt).toBe(1)
    expect(onCode).not.toHaveBeenCalled()
  })
})

describe('a code goes only to its holder; the bounds per user', () => {
  type Issued = { cardList: { cardId: string; cardExt: string }[] }
  const issuedTo = async (cardIds: string[]) => ((await post('/card-ext', { cardIds })).json as Issued).cardList

  it("another user's encrypted codes → not_holder per item, no code, onCode not called", async () => {
    const mine = await addCards(await issuedTo([PLAIN, CUSTOM]))
    const onCode = jest.fn()
    const handler = createCardCodesHandler({
      getUser: sessionOf,
      getAccessToken: tokensOf(),
      baseUrl: wechat.url,
      onCode,
      onError: (e) => errors.push(e),
    })
    const ask = (authorization: string, cards: { cardId: string; encryptCode: string }[]) =>
      handler.handle({ method: 'POST', headers: { authorization }, body: { cards } }).then((r) => {
        seen.push(r.body)
        return JSON.parse(r.body) as unknown
      })
    const notHolder = (cardId: string) => ({
      cardId,
      error: { code: 'not_holder', message: "this code is not the session user's code of this card" },
    })
    const stolen = await ask('Bearer s-other', [
      { cardId: PLAIN, encryptCode: mine[0] },
      { cardId: CUSTOM, encryptCode: mine[1] },
    ])
    expect(stolen).toEqual({ cards: [notHolder(PLAIN), notHolder(CUSTOM)] })
    // the holder naming the wrong card gets no code either
    const wrongCard = await ask('Bearer s-user', [{ cardId: CUSTOM, encryptCode: mine[0] }])
    expect(wrongCard).toEqual({ cards: [notHolder(CUSTOM)] })
    expect(onCode).not.toHaveBeenCalled()
    const own = await ask('Bearer s-user', [{ cardId: PLAIN, encryptCode: mine[0] }])
    expect(own).toEqual({ cards: [{ cardId: PLAIN, code: platform.state.held[0].code }] })
    expect(onCode).toHaveBeenCalledTimes(1)
    expect(errors).toEqual([])
  })

  it('a session without a card-account openid: no_card_openid where one is needed, and nothing goes to WeChat', async () => {
    const newcomer = { authorization: 'Bearer s-new' }
    const codes = await post('/card-codes', { cards: [{ cardId: PLAIN, encryptCode: 'x' }] }, newcomer)
    const list = await send('GET', '/user-cards', { headers: newcomer })
    const bound = await post('/card-ext', { cardIds: [PLAIN, BOUND] }, newcomer)
    for (const r of [codes, list, bound]) expect([r.status, r.json?.code]).toEqual([403, 'no_card_openid'])
    expect(bound.json?.message).toBe(
      `cardIds[1] "${BOUND}" is bound to one user (bind_openid), and this session has no openid under the Official Account that owns the cards`,
    )
    expect(platform.state.requests).toMatchObject({ getticket: 0, decrypt: 0, getcardlist: 0, code_get: 0 })
    // an unbound card needs no card-account openid
    expect((await post('/card-ext', { cardIds: [PLAIN] }, newcomer)).status).toBe(200)
  })

  it('25 requests × 20 codes of another user: 0 codes leak, and decrypting stops at the bound (40 per 10 min)', async () => {
    const mine = await addCards(await issuedTo(Array(10).fill(PLAIN)))
    mine.push(...(await addCards(await issuedTo(Array(10).fill(CUSTOM)))))
    const before = platform.state.requests.decrypt
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        post(
          '/card-codes',
          { cards: mine.map((encryptCode, j) => ({ cardId: j < 10 ? PLAIN : CUSTOM, encryptCode })) },
          { authorization: 'Bearer s-other', 'x-attempt': String(i) },
        ),
      ),
    )
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(2)
    expect(statuses.filter((s) => s === 429)).toHaveLength(23)
    const limited = answers.find((r) => r.status === 429)
    expect([limited?.json, limited?.headers['retry-after']]).toEqual([
      { code: 'rate_limited', message: 'too many codes decrypted: at most 40 per 600 s for one user; try again later' },
      '600',
    ])
    const leaked = answers.flatMap((r) => ((r.json?.cards ?? []) as { code?: string }[]).filter((c) => c.code))
    expect(leaked).toEqual([])
    expect(platform.state.requests.decrypt - before).toBe(40)
  })

  it('issuing is bounded per user and card: a loop cannot drain a custom-code pool', async () => {
    const created = codes
    const answers: number[] = []
    for (let i = 0; i < 12; i++) answers.push((await post('/card-ext', { cardIds: [CUSTOM] })).status)
    expect(answers).toEqual([...Array(10).fill(200), 429, 429])
    expect(codes - created).toBe(10) // createCode was not asked once the bound was reached
    // another card, and another user, have their own bounds
    expect((await post('/card-ext', { cardIds: [PLAIN] })).status).toBe(200)
    expect((await post('/card-ext', { cardIds: [CUSTOM] }, { authorization: 'Bearer s-other' })).status).toBe(200)
  })

  it("a card's get_limit lowers its bound to 3 × get_limit; a shared store counts across instances", async () => {
    const store = createMemoryStore()
    const instance = () =>
      createCardExtHandler({
        getUser: () => ME,
        getTicket: async () => TICKET,
        cards: { [BOUND]: { bindOpenid: true, getLimit: 1 } },
        rateCounter: store,
      })
    const [a, b] = [instance(), instance()]
    const statuses: number[] = []
    for (const handler of [a, b, a, b])
      statuses.push((await handler.handle({ method: 'POST', headers: {}, body: { cardIds: [BOUND] } })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
  })
})

describe('card-ext asks the card: card/get, cached, single flight, stale if error', () => {
  type Issued = { cardList: { cardId: string; cardExt: string }[] }
  const sourceOf = () =>
    createCardInfoSource({
      getAccessToken: tokensOf(),
      appid: APPID,
      baseUrl: wechat.url,
      now: platform.now,
      onError: (e) => errors.push(e),
    })
  const handlerWith = (o: Partial<CardExtHandlerOptions> = {}) =>
    createCardExtHandler({
      getUser: () => ME,
      getTicket: async () => TICKET,
      getCardInfo: sourceOf().getCardInfo,
      cards: { [PLAIN]: {}, [CUSTOM]: {}, [BOUND]: {} }, // no rule by hand: the card says
      createCode: () => `CODE${++codes}`,
      onError: (e) => errors.push(e),
      ...o,
    })
  const issue = async (handler: CardHandler, cardIds: string[]) => {
    const r = await handler.handle({ method: 'POST', headers: {}, body: { cardIds } })
    seen.push(r.body)
    return { status: r.status, body: JSON.parse(r.body) as unknown }
  }

  it('learns use_custom_code and bind_openid from card/get: WeChat accepts every cardExt; one card/get per card', async () => {
    const handler = handlerWith()
    const answers = await Promise.all([1, 2, 3].map(() => issue(handler, [PLAIN, CUSTOM, BOUND])))
    for (const r of answers) expect(r.status).toBe(200)
    const [{ cardList }] = answers.map((r) => r.body as Issued)
    expect(JSON.parse(cardList[1].cardExt)).toMatchObject({ code: expect.stringMatching(/^CODE\d+$/) as unknown })
    expect(JSON.parse(cardList[2].cardExt)).toMatchObject({ openid: USER })
    await addCards(cardList)
    expect(platform.state.requests.card_get).toBe(3)
  })

  it('a rule contradicting card/get → 500 card_rule_conflict naming both; a custom-code card without createCode → 500 no_create_code', async () => {
    const conflict = await issue(handlerWith({ cards: { [CUSTOM]: { useCustomCode: false } } }), [CUSTOM])
    const message = `card "${CUSTOM}": its rule says useCustomCode: false, and card/get says use_custom_code: true; fix the rule or leave it out`
    expect(conflict).toEqual({ status: 500, body: { code: 'card_rule_conflict', message } })
    const noCode = await issue(handlerWith({ createCode: undefined }), [PLAIN, CUSTOM])
    expect(noCode).toEqual({
      status: 500,
      body: {
        code: 'no_create_code',
        message: `card "${CUSTOM}" uses custom codes (use_custom_code), and no createCode was given`,
      },
    })
    expect(platform.state.requests.getticket).toBe(0) // nothing was signed
  })

  it("the card's get_limit bounds issuing (3 × 1 for the member card); a failed refresh serves the cached settings", async () => {
    const handler = handlerWith({ rateCounter: createMemoryStore({ now: platform.now }) }) // windows on the platform's clock
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await issue(handler, [BOUND])).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    platform.advanceTime(11 * 60_000) // past the 10 minutes the settings are used for
    platform.failNextRequest('card_get')
    expect((await issue(handler, [BOUND])).status).toBe(200) // a new window, the cached settings
    expect(errors.map((e) => e.message)).toEqual([
      `createCardInfoSource: refreshing ${BOUND} failed (WeChatApiError: WeChat card/get failed: errcode -1, errmsg system error); serving the settings read before`,
    ])
  })

  it('card/get failing with nothing cached → 502 wechat_error naming the card', async () => {
    platform.failNextRequest('card_get', { errcode: 40073, errmsg: 'invalid card_id' })
    expect(await issue(handlerWith(), [PLAIN])).toEqual({
      status: 502,
      body: {
        code: 'wechat_error',
        message: `could not read the settings of card "${PLAIN}" from WeChat; try again later`,
      },
    })
  })
})

describe('a rotated api_ticket costs at most one failed add', () => {
  type Issued = { cardList: { cardId: string; cardExt: string }[] }
  const addOnce = async (cardList: Issued['cardList']) =>
    platform.wx.addCard({ cardList }).then(
      () => 'addCard:ok',
      (e: { errMsg: string }) => e.errMsg,
    )

  it('the add after 签名错误 says so (signatureFailed): the ticket is refreshed, at most once per 30 s', async () => {
    expect((await post('/card-ext', { cardIds: [PLAIN] })).status).toBe(200) // the ticket is cached now
    platform.rotateTicket() // no grace period: the cached ticket signs 签名错误 from now on
    const stale = (await post('/card-ext', { cardIds: [PLAIN] })).json as Issued
    expect(await addOnce(stale.cardList)).toBe('addCard:fail 签名错误')
    const fresh = (await post('/card-ext', { cardIds: [PLAIN], signatureFailed: true })).json as Issued
    expect(await addOnce(fresh.cardList)).toBe('addCard:ok')
    expect(platform.state.requests.getticket).toBe(2)
    // a page that keeps saying so costs WeChat nothing more within 30 s
    for (let i = 0; i < 5; i++) await post('/card-ext', { cardIds: [PLAIN], signatureFailed: true })
    expect(platform.state.requests.getticket).toBe(2)
  })
})

describe('/user-cards: titles and logos from card/get, a short per-user cache', () => {
  const listWith = (o: { getCardInfo?: boolean; cacheMs?: number } = {}) =>
    createUserCardsHandler({
      getUser: sessionOf,
      getAccessToken: tokensOf(),
      baseUrl: wechat.url,
      onError: (e) => errors.push(e),
      ...(o.getCardInfo === false
        ? {}
        : {
            getCardInfo: createCardInfoSource({ getAccessToken: tokensOf(), appid: APPID, baseUrl: wechat.url })
              .getCardInfo,
          }),
      ...(o.cacheMs === undefined ? {} : { cacheMs: o.cacheMs }),
    })
  const list = async (handler: CardHandler, authorization = 'Bearer s-user') => {
    const r = await handler.handle({ method: 'GET', url: '/user-cards', headers: { authorization } })
    seen.push(r.body)
    return JSON.parse(r.body) as { cards: Record<string, unknown>[] }
  }

  it('each card carries its title, logo and color as <open-card-list> reads them', async () => {
    const issued = (await post('/card-ext', { cardIds: [PLAIN, BOUND] })).json as {
      cardList: { cardId: string; cardExt: string }[]
    }
    await addCards(issued.cardList)
    const { cards } = await list(listWith())
    const fixture = (id: string) => FIXTURE_CARDS.find((card) => card.cardId === id)
    expect(cards.map(({ cardId, title, logo, color }) => ({ cardId, title, logo, color }))).toEqual(
      [PLAIN, BOUND].map((id) => ({
        cardId: id,
        title: fixture(id)?.title,
        logo: fixture(id)?.logoUrl,
        color: fixture(id)?.color,
      })),
    )
  })

  it('P8: 20 calls by a user holding 50 cards cost 20 getcardlist + 50 code/get + 1 card/get (1,020 without)', async () => {
    // 50 cards of one card, five users' worth of adds (10 per add, the issue bound is per user and card)
    for (let i = 0; i < 5; i++) {
      const r = await createCardExtHandler({
        getUser: () => ({ id: `adder-${i}`, cardOpenid: USER }),
        getTicket: async () => TICKET,
        cards: { [PLAIN]: {} },
      }).handle({ method: 'POST', headers: {}, body: { cardIds: Array(10).fill(PLAIN) } })
      await addCards((JSON.parse(r.body) as { cardList: { cardId: string; cardExt: string }[] }).cardList)
    }
    const count = () => {
      const { getcardlist, code_get: codeGet, card_get: cardGet } = platform.state.requests
      return getcardlist + codeGet + cardGet
    }
    const before = count()
    const handler = listWith()
    for (let i = 0; i < 20; i++) expect((await list(handler)).cards).toHaveLength(50)
    expect(count() - before).toBe(20 + 50 + 1)
    // a card added meanwhile shows at once: getcardlist is asked every time, only the new card's state is looked up
    const more = await post('/card-ext', { cardIds: [PLAIN] })
    await addCards((more.json as { cardList: { cardId: string; cardExt: string }[] }).cardList)
    const again = count()
    expect((await list(handler)).cards).toHaveLength(51)
    expect(count() - again).toBe(1 + 1)
    // without card/get and the cache, each call costs 1 + one per card (20 calls on 50 cards: 1,020; two show it)
    const uncached = listWith({ getCardInfo: false, cacheMs: 0 })
    const base = count()
    for (let i = 0; i < 2; i++) await list(uncached)
    expect(count() - base).toBe(2 * (1 + 51))
    // the cache is per user: another user is asked for their own cards
    expect((await list(handler, 'Bearer s-other')).cards).toEqual([])
  })
})
