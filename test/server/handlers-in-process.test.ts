// The handlers' cores called in process, the toolkit reaching the simulator through platform.fetch: no socket at
// all, as the demo runs them inside a mini-program (and the playground in a browser).
import {
  createApiTicketProvider,
  createCardCodesHandler,
  createCardExtHandler,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type CardCodesResponseBody,
  type CardExtResponseBody,
  type HandlerRequest,
  type UserCardsResponseBody,
} from '../../server'
import { ACCOUNT, ID, makePlatform } from '../helpers/platform'

const T0 = Date.UTC(2026, 5, 1, 4, 0, 0)
const USER = ACCOUNT.openid

/** What a page's wx.request carries in the demo: the login token in a header, the session in the app's memory. */
interface Session {
  openid: string
}

function setUp() {
  const platform = makePlatform({ now: () => T0 })
  const transport = { fetch: platform.fetch, now: platform.now } // no baseUrl: the default host, answered in process
  const tokens = createStableAccessTokenProvider({ appid: ACCOUNT.appid, secret: ACCOUNT.secret, ...transport })
  const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, ...transport })
  // The context type is the app's own: here a session object the demo looked up already.
  const getOpenid = (r: HandlerRequest<Session>) => r.context?.openid
  const cards = { [ID.voucher]: {}, [ID.custom]: { useCustomCode: true } }
  let memberCodes = 0
  const cardExt = createCardExtHandler<Session>({
    getOpenid,
    getTicket: tickets.getTicket,
    cards,
    createCode: () => `M${++memberCodes}`,
  })
  const saved: string[] = []
  const cardCodes = createCardCodesHandler<Session>({
    getOpenid,
    getAccessToken: tokens.getAccessToken,
    fetch: platform.fetch,
    cards,
    onCode: ({ code }) => void saved.push(code),
  })
  const userCards = createUserCardsHandler<Session>({
    getOpenid,
    getAccessToken: tokens.getAccessToken,
    fetch: platform.fetch,
  })
  const context: Session = { openid: USER }
  return { platform, cardExt, cardCodes, userCards, context, saved }
}

it('add → decrypt → consume, expire → the list with states, all in process', async () => {
  const { platform, cardExt, cardCodes, userCards, context, saved } = setUp()
  const issued = await cardExt.handle({
    method: 'POST',
    headers: {},
    body: new TextEncoder().encode(JSON.stringify({ cardIds: [ID.voucher, ID.voucher, ID.custom] })),
    context,
  })
  expect(issued.status).toBe(200)
  const { cardList } = JSON.parse(issued.body) as CardExtResponseBody
  const added = (await platform.wx.addCard({ cardList })) as { cardList: { cardId: string; code: string }[] }

  const decrypted = await cardCodes.handle({
    method: 'POST',
    headers: {},
    body: { cards: added.cardList.map((c) => ({ cardId: c.cardId, encryptCode: c.code })) },
    context,
  })
  const { cards } = JSON.parse(decrypted.body) as CardCodesResponseBody
  const codes = platform.state.held.map((h) => h.code)
  expect(cards).toEqual(platform.state.held.map((h) => ({ cardId: h.cardId, code: h.code })))
  expect(saved).toEqual(codes)

  platform.setCardStatus(platform.state.held[0], 'CONSUMED')
  platform.advanceTime(7 * 86_400_000) // the vouchers' 7 days are over; the custom-code card has 30
  const listed = await userCards.handle({ method: 'GET', url: '/user-cards', headers: {}, context })
  const { cards: held } = JSON.parse(listed.body) as UserCardsResponseBody
  expect(held.map((c) => [c.cardId, c.code, c.status, c.canConsume])).toEqual([
    [ID.voucher, codes[0], 'CONSUMED', false],
    [ID.voucher, codes[1], 'EXPIRE', false],
    [ID.custom, 'M1', 'NORMAL', true],
  ])
  const one = await userCards.handle({ method: 'GET', url: `/user-cards?cardId=${ID.custom}`, headers: {}, context })
  expect((JSON.parse(one.body) as UserCardsResponseBody).cards).toHaveLength(1)
  // every WeChat request went through platform.fetch; the expired token was renewed on the way
  expect(platform.state.requests).toMatchObject({ getticket: 1, decrypt: 3, getcardlist: 2, code_get: 4, other: 0 })
  expect(platform.state.requests.stable_token).toBe(2)
})

it('handle() applies the same checks to text, bytes and parsed bodies', async () => {
  const { cardExt, context } = setUp()
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
    getOpenid: () => USER,
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
    getOpenid: () => USER,
    getTicket: async () => ticket,
    cards: { [ID.custom]: { useCustomCode: true } },
    // an app bug that puts secrets in its error
    createCode: () => Promise.reject(new Error(`pool failed (ticket ${ticket}, secret ${secret})`)),
  })
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  try {
    const answer = await handler.handle({ method: 'POST', headers: {}, body: { cardIds: [ID.custom] } })
    expect(answer.status).toBe(500)
    expect(answer.body).not.toMatch(/pool failed|known-ticket|eeee/)
    expect(error).toHaveBeenCalledTimes(1)
    expect(error.mock.calls[0]).toEqual([
      'weapp-card-coupon: card-ext handler: could not issue cardIds[0] (pDemoCustom): Error: pool failed (ticket ***, secret ***)',
    ])
  } finally {
    error.mockRestore()
  }
})
