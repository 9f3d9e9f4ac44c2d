// platform.fetch: the simulated WeChat API in process, through the same router as the socket server, so the
// server toolkit runs against it where there is no socket (a mini-program, a browser).
import { createApiTicketProvider, createStableAccessTokenProvider, decryptCardCode, getUserCards } from '../../server'
import {
  CODE_GET_PATH,
  DECRYPT_PATH,
  GET_CARD_LIST_PATH,
  STABLE_TOKEN_PATH,
  TICKET_PATH,
  type CardPlatform,
  type Listening,
} from '../../testing'
import { ACCOUNT, add, callApi, ext, ID, makePlatform } from '../helpers/platform'

const { appid: APPID, secret: SECRET, apiTicket: TICKET, accessToken: TOKEN, openid: USER } = ACCOUNT
const T0 = 1_772_330_400_000

let p: CardPlatform
let api: Listening
beforeEach(async () => {
  p = makePlatform({ now: () => T0 })
  api = await p.listen()
  await add(p, [
    { cardId: ID.voucher, cardExt: ext(ID.voucher) },
    { cardId: ID.custom, cardExt: ext(ID.custom, { code: 'MYCODE1' }) },
  ])
})
afterEach(() => api.close())

/** The same request through platform.fetch, as { status, body }. */
async function viaFetch(method: string, path: string, body?: string) {
  const res = await p.fetch(`https://api.weixin.qq.com${path}`, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('platform.fetch answers what the socket server answers', () => {
  const q = `?access_token=${TOKEN}`
  const requests: [string, string, string, (() => string) | undefined][] = [
    [
      'stable_token',
      'POST',
      STABLE_TOKEN_PATH,
      () => JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET }),
    ],
    [
      'stable_token with a wrong secret',
      'POST',
      STABLE_TOKEN_PATH,
      () => JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: 'x' }),
    ],
    ['getticket', 'GET', `${TICKET_PATH}${q}&type=wx_card`, undefined],
    ['getticket with a wrong token', 'GET', `${TICKET_PATH}?access_token=nope&type=wx_card`, undefined],
    ['getticket by POST', 'POST', `${TICKET_PATH}${q}&type=wx_card`, () => '{}'],
    ['decrypt', 'POST', DECRYPT_PATH + q, () => JSON.stringify({ encrypt_code: p.state.held[0].encryptCode })],
    ['decrypt an unknown code', 'POST', DECRYPT_PATH + q, () => '{"encrypt_code":"bm9wZQ=="}'],
    ['decrypt with an empty body', 'POST', DECRYPT_PATH + q, () => ''],
    ['getcardlist', 'POST', GET_CARD_LIST_PATH + q, () => JSON.stringify({ openid: USER })],
    ['getcardlist for another user', 'POST', GET_CARD_LIST_PATH + q, () => '{"openid":"oOther"}'],
    [
      'code/get',
      'POST',
      CODE_GET_PATH + q,
      () => JSON.stringify({ card_id: ID.custom, code: 'MYCODE1', check_consume: false }),
    ],
    ['code/get by GET', 'GET', CODE_GET_PATH + q, undefined],
    ['an unknown path', 'GET', '/cgi-bin/token?grant_type=client_credential', undefined],
  ]
  it.each(requests)('%s', async (_, method, path, body) => {
    const overHttp = await callApi(api.url, method, path, body?.())
    const inProcess = await viaFetch(method, path, body?.())
    expect(inProcess).toEqual(overHttp)
  })

  it('counts its requests with the socket server', async () => {
    await viaFetch('POST', GET_CARD_LIST_PATH + q, JSON.stringify({ openid: USER }))
    await callApi(api.url, 'POST', GET_CARD_LIST_PATH + q, JSON.stringify({ openid: USER }))
    await viaFetch('GET', '/nowhere')
    expect(p.state.requests).toMatchObject({ getcardlist: 2, other: 1 })
  })
})

describe('platform.fetch as a fetch', () => {
  it('takes a URL object or a Request, and a body as bytes', async () => {
    const url = new URL(`http://any.host${GET_CARD_LIST_PATH}?access_token=${TOKEN}`)
    const body = new TextEncoder().encode(JSON.stringify({ openid: USER }))
    const a = await (await p.fetch(url, { method: 'POST', body })).json()
    const b = await (await p.fetch(new Request(url, { method: 'POST', body: JSON.stringify({ openid: USER }) }))).json()
    expect(a).toEqual(b)
    expect(a).toMatchObject({ errcode: 0, card_list: expect.any(Array) })
  })

  it("answers with a Response: HTTP 200 and WeChat's errcode, 404 only for an unknown path", async () => {
    const res = await p.fetch(`https://api.weixin.qq.com${TICKET_PATH}?type=wx_card`)
    expect(res).toBeInstanceOf(Response)
    expect([res.status, res.ok, res.headers.get('content-type')]).toEqual([
      200,
      true,
      'application/json; charset=utf-8',
    ])
    expect(await res.json()).toEqual({ errcode: 41001, errmsg: 'access_token missing' })
    expect((await p.fetch('https://api.weixin.qq.com/nope')).status).toBe(404)
  })

  it('answers on a later macrotask, like a network, and counts the requests in flight meanwhile', async () => {
    let answered = 0
    const all = Array.from({ length: 5 }, () =>
      p.fetch(`https://api.weixin.qq.com${TICKET_PATH}?access_token=${TOKEN}&type=wx_card`).then(() => answered++),
    )
    await Promise.resolve()
    expect(answered).toBe(0)
    expect(p.state.inFlight.getticket).toBe(5)
    await Promise.all(all)
    expect(p.state.inFlight.getticket).toBe(0)
    expect(p.state.maxInFlight.getticket).toBe(5)
  })

  it('rejects for an aborted signal, before or while answering', async () => {
    const url = `https://api.weixin.qq.com${TICKET_PATH}?access_token=${TOKEN}&type=wx_card`
    await expect(p.fetch(url, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
    expect(p.state.requests.getticket).toBe(0)
    const controller = new AbortController()
    const pending = p.fetch(url, { signal: controller.signal })
    controller.abort(new Error('gave up'))
    await expect(pending).rejects.toThrow('gave up')
    expect(p.state.inFlight.getticket).toBe(0)
  })

  it('works where the runtime has no Response, URL, URLSearchParams or AbortController (a mini-program)', async () => {
    const missing = ['Response', 'URL', 'URLSearchParams', 'AbortController'] as const
    const saved = missing.map((name) => Object.getOwnPropertyDescriptor(globalThis, name))
    for (const name of missing) Reflect.deleteProperty(globalThis, name)
    try {
      const res = await p.fetch(`https://api.weixin.qq.com${DECRYPT_PATH}?access_token=${TOKEN}`, {
        method: 'POST',
        body: JSON.stringify({ encrypt_code: p.state.held[1].encryptCode }),
      })
      expect([res.ok, res.status, res.statusText, res.headers.get('Content-Type')]).toEqual([
        true,
        200,
        'OK',
        'application/json; charset=utf-8',
      ])
      expect(await res.json()).toEqual({ errcode: 0, errmsg: 'ok', code: 'MYCODE1' })
      // the server toolkit on top of it, as the demo runs it inside a mini-program
      const tokens = createStableAccessTokenProvider({ appid: APPID, secret: SECRET, fetch: p.fetch, now: p.now })
      const code = await decryptCardCode({
        getAccessToken: tokens.getAccessToken,
        encryptCode: p.state.held[1].encryptCode,
        fetch: p.fetch,
      })
      expect(code).toBe('MYCODE1')
      const cards = await getUserCards({ getAccessToken: tokens.getAccessToken, openid: USER, fetch: p.fetch })
      expect(cards.map((c) => c.status)).toEqual(['NORMAL', 'NORMAL'])
    } finally {
      missing.forEach((name, i) => Object.defineProperty(globalThis, name, saved[i] as PropertyDescriptor))
    }
  })
})

describe('the server toolkit through platform.fetch (no socket, the default baseUrl)', () => {
  it('token → ticket → decrypt → the user’s cards with their states', async () => {
    const tokens = createStableAccessTokenProvider({ appid: APPID, secret: SECRET, fetch: p.fetch, now: p.now })
    const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, fetch: p.fetch, now: p.now })
    expect(await tickets.getTicket()).toBe(TICKET)
    const code = await decryptCardCode({
      getAccessToken: tokens.getAccessToken,
      encryptCode: p.state.held[0].encryptCode,
      fetch: p.fetch,
    })
    expect(code).toBe(p.state.held[0].code)
    p.setCardStatus(p.state.held[1], 'CONSUMED')
    const cards = await getUserCards({ getAccessToken: tokens.getAccessToken, openid: USER, fetch: p.fetch })
    expect(cards.map((c) => [c.cardId, c.code, c.status, c.canConsume])).toEqual([
      [ID.voucher, code, 'NORMAL', true],
      [ID.custom, 'MYCODE1', 'CONSUMED', false],
    ])
    expect(p.state.requests).toMatchObject({ stable_token: 1, getticket: 1, decrypt: 1, getcardlist: 1, code_get: 2 })
  })
})
