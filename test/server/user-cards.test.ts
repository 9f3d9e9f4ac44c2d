// getUserCards against the card-platform simulator: over HTTP (baseUrl) and in process (platform.fetch), and against
// test/server/http-server.ts where an answer WeChat might give must be exact.
import { getUserCards, WeChatApiError, type AccessTokenRequest, type GetUserCardsOptions } from '../../server'
import type { CardPlatform, Listening } from '../../testing'
import { ACCOUNT, ext, ID, makePlatform } from '../helpers/platform'
import { reply, startServer } from './http-server'

const T0 = Date.UTC(2026, 2, 1, 2, 0, 0) // 10:00 in China
const DAY0 = Date.UTC(2026, 2, 1, 0, 0, 0) / 1000 - 8 * 3600
const DAY = 86_400
const { accessToken: TOKEN, openid: OPENID } = ACCOUNT

let platform: CardPlatform
let api: Listening
beforeEach(async () => {
  platform = makePlatform({ now: () => T0, expiredAccessTokens: ['old-token'] })
  api = await platform.listen()
})
afterEach(() => api.close())

/** Adds `count` cards of `cardId` in one wx.addCard call. */
async function addCards(cardId: string, count: number): Promise<void> {
  let codes = 0
  const cardList = Array.from({ length: count }, () => ({
    cardId,
    cardExt: ext(cardId, cardId === ID.custom ? { code: `M${++codes}` } : {}),
  }))
  await platform.wx.addCard({ cardList })
}

const options = (o: Partial<GetUserCardsOptions> = {}): GetUserCardsOptions => ({
  getAccessToken: async () => TOKEN,
  openid: OPENID,
  baseUrl: api.url,
  ...o,
})

describe('getUserCards: the held cards with their states', () => {
  it('joins getcardlist with code/get: every state, validity in seconds, in the order WeChat lists them', async () => {
    await addCards(ID.voucher, 8)
    await addCards(ID.custom, 1)
    const held = platform.state.held
    const statuses = ['CONSUMED', 'GIFTING', 'GIFT_SUCC', 'GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE', 'EXPIRE'] as const
    statuses.forEach((status, i) => platform.setCardStatus(held[i], status))
    const cards = await getUserCards(options())
    expect(cards).toEqual([
      ...statuses.map((status, i) => ({
        cardId: ID.voucher,
        code: held[i].code,
        status,
        canConsume: false,
        beginTime: DAY0,
        endTime: DAY0 + 7 * DAY - 1,
      })),
      {
        cardId: ID.voucher,
        code: held[7].code,
        status: 'NORMAL',
        canConsume: true,
        beginTime: DAY0,
        endTime: DAY0 + 7 * DAY - 1,
      },
      {
        cardId: ID.custom,
        code: 'M1',
        status: 'NORMAL',
        canConsume: true,
        beginTime: DAY0,
        endTime: DAY0 + 30 * DAY - 1,
      },
    ])
    expect(platform.state.requests).toMatchObject({ getcardlist: 1, code_get: 9 })
  })

  it('a card past its end time reads EXPIRE (the simulator clock moved a week)', async () => {
    await addCards(ID.voucher, 1)
    platform.advanceTime(7 * DAY * 1000)
    // the token has its 7200 s on the same clock: the source hands out the renewed one
    const renewed = await platform.fetch('http://simulator/cgi-bin/stable_token', {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: ACCOUNT.appid, secret: ACCOUNT.secret }),
    })
    const { access_token: token } = (await renewed.json()) as { access_token: string }
    const [card] = await getUserCards(options({ getAccessToken: async () => token }))
    expect(card).toMatchObject({ status: 'EXPIRE', canConsume: false })
  })

  it('cardId asks for one card only (card_id); an empty bag is an empty list with no look-up', async () => {
    await addCards(ID.voucher, 2)
    await addCards(ID.custom, 1)
    expect((await getUserCards(options({ cardId: ID.custom }))).map((c) => c.code)).toEqual(['M1'])
    const nobody = makePlatform()
    await expect(getUserCards(options({ baseUrl: undefined, fetch: nobody.fetch }))).resolves.toEqual([])
    expect(nobody.state.requests).toMatchObject({ getcardlist: 1, code_get: 0 })
  })

  it('one failing look-up marks that card UNKNOWN (no times) and is reported; the others are read', async () => {
    await addCards(ID.voucher, 3)
    platform.failNextRequest('code_get')
    const errors: Error[] = []
    const cards = await getUserCards(options({ concurrency: 1, onError: (e) => errors.push(e) }))
    expect(cards[0]).toEqual({
      cardId: ID.voucher,
      code: platform.state.held[0].code,
      status: 'UNKNOWN',
      canConsume: false,
    })
    expect(cards.slice(1).map((c) => c.status)).toEqual(['NORMAL', 'NORMAL'])
    expect(errors.map((e) => e.message)).toEqual([
      'getUserCards: card/code/get failed for card_list[0] (pDemoVoucher): WeChatApiError: WeChat card/code/get failed: errcode -1, errmsg system error',
    ])
    expect(errors[0].message).not.toContain(platform.state.held[0].code)
  })

  it('without onError, failures are one console.warn per call', async () => {
    await addCards(ID.voucher, 3)
    for (let i = 0; i < 3; i++) platform.failNextRequest('code_get')
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const cards = await getUserCards(options())
      expect(cards.map((c) => c.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN'])
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0][0])).toMatch(/\(and 2 more\)$/)
    } finally {
      warn.mockRestore()
    }
  })
})

describe('getUserCards: concurrency', () => {
  it('in process: exactly `concurrency` look-ups at once at the simulator, never more', async () => {
    await addCards(ID.voucher, 20)
    for (const concurrency of [1, 3, 8]) {
      platform.state.maxInFlight.code_get = 0
      const cards = await getUserCards(options({ baseUrl: undefined, fetch: platform.fetch, concurrency }))
      expect(cards).toHaveLength(20)
      expect(platform.state.maxInFlight.code_get).toBe(concurrency)
    }
    platform.state.maxInFlight.code_get = 0
    await getUserCards(options({ baseUrl: undefined, fetch: platform.fetch }))
    expect(platform.state.maxInFlight.code_get).toBe(8) // the default
  })

  it('over HTTP: never more than `concurrency` look-ups at the simulator at once', async () => {
    await addCards(ID.voucher, 12)
    await getUserCards(options({ concurrency: 3 })) // once with connections still to open, once with them open
    platform.state.maxInFlight.code_get = 0
    const cards = await getUserCards(options({ concurrency: 3 }))
    expect(cards.map((c) => c.status)).toEqual(Array(12).fill('NORMAL'))
    expect(platform.state.maxInFlight.code_get).toBeGreaterThanOrEqual(1)
    expect(platform.state.maxInFlight.code_get).toBeLessThanOrEqual(3)
    expect(platform.state.inFlight.code_get).toBe(0)
  })
})

describe('getUserCards: the access_token', () => {
  /** A source that hands out `first`, then TOKEN once asked to refresh; records what it was asked. */
  function source(first: string) {
    const asked: AccessTokenRequest[] = []
    const getAccessToken = async (request?: AccessTokenRequest) => {
      asked.push(request ?? { forceRefresh: false })
      return request?.forceRefresh ? TOKEN : first
    }
    return { asked, getAccessToken }
  }

  it.each([
    ['40001 (a token replaced elsewhere)', 'stale-token', 40001],
    ['42001 (an expired token)', 'old-token', 42001],
  ])('getcardlist answered %s: refreshed once, with the rejected token', async (_, first, errcode) => {
    await addCards(ID.voucher, 2)
    const { asked, getAccessToken } = source(first)
    const cards = await getUserCards(options({ getAccessToken }))
    expect(cards.map((c) => c.status)).toEqual(['NORMAL', 'NORMAL'])
    expect(asked).toEqual([{ forceRefresh: false }, { forceRefresh: true, rejectedToken: first }])
    expect(platform.state.requests).toMatchObject({ getcardlist: 2, code_get: 2 })
    expect(errcode).toBeGreaterThan(0)
  })

  it('concurrent look-ups all rejected (40014): one refresh for the whole list', async () => {
    await addCards(ID.voucher, 6)
    for (let i = 0; i < 3; i++) platform.failNextRequest('code_get', { errcode: 40014, errmsg: 'invalid access_token' })
    const { asked, getAccessToken } = source(TOKEN)
    const cards = await getUserCards(
      options({ getAccessToken, baseUrl: undefined, fetch: platform.fetch, concurrency: 3 }),
    )
    expect(cards.map((c) => c.status)).toEqual(Array(6).fill('NORMAL'))
    expect(asked).toEqual([{ forceRefresh: false }, { forceRefresh: true, rejectedToken: TOKEN }])
  })

  it('a refreshed token that is refused too rejects the list with the WeChatApiError', async () => {
    const err = await getUserCards(options({ getAccessToken: async () => 'nope' })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WeChatApiError)
    expect(err).toMatchObject({ errcode: 40001, api: 'card/user/getcardlist' })
    expect((err as Error).message).not.toContain('nope')
    expect(platform.state.requests.getcardlist).toBe(2)
  })

  it("another user's openid: WeChat's 40003 as a WeChatApiError", async () => {
    await expect(getUserCards(options({ openid: 'oSomebodyElse' }))).rejects.toMatchObject({
      name: 'WeChatApiError',
      errcode: 40003,
    })
  })
})

describe('getUserCards: bad options are a TypeError before any request', () => {
  it.each<[string, Partial<Record<keyof GetUserCardsOptions, unknown>>, RegExp]>([
    ['an empty openid', { openid: '' }, /getUserCards: openid is empty/],
    ['no openid', { openid: undefined }, /getUserCards: openid must be a string, got undefined/],
    ['a numeric openid', { openid: 42 }, /openid must be a string, got number/],
    ['an openid with a leading space', { openid: ` ${OPENID}` }, /openid has leading or trailing whitespace/],
    ['an openid with a newline inside', { openid: 'oUser\n1' }, /openid contains whitespace or a control character/],
    ['a cardId with a tab', { cardId: 'pCoupon\t' }, /getUserCards: cardId has leading or trailing whitespace/],
    ['an empty cardId', { cardId: '' }, /cardId is empty/],
    ['no getAccessToken', { getAccessToken: undefined }, /getAccessToken must be a function/],
    ['concurrency 0', { concurrency: 0 }, /concurrency must be an integer >= 1/],
    ['concurrency 2.5', { concurrency: 2.5 }, /concurrency must be an integer >= 1/],
    ['a relative baseUrl', { baseUrl: '/wechat' }, /baseUrl must be an http\(s\) URL/],
  ])('%s', async (_, patch, message) => {
    const getAccessToken = jest.fn(async () => TOKEN)
    const err = await getUserCards({ ...options({ getAccessToken }), ...patch } as GetUserCardsOptions).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toMatch(message)
    expect(getAccessToken).not.toHaveBeenCalled()
    expect(platform.state.requests).toMatchObject({ getcardlist: 0, code_get: 0 })
  })
})

describe("getUserCards: WeChat's answers read leniently, never wrongly", () => {
  it('older answers (can_consume "true", times as digits) read as such; an unknown status reads UNKNOWN', async () => {
    const srv = await startServer()
    try {
      srv.handle((req, res) => {
        if (req.path === '/card/user/getcardlist') {
          return reply(res, 200, {
            errcode: 0,
            errmsg: 'ok',
            card_list: [
              { card_id: 'p1', code: '111' },
              { card_id: 'p2', code: '222' },
            ],
          })
        }
        const { code } = JSON.parse(req.body) as { code: string }
        return reply(res, 200, {
          errcode: 0,
          errmsg: 'ok',
          card: { card_id: code === '111' ? 'p1' : 'p2', begin_time: '1772294400', end_time: 'soon' },
          can_consume: 'true',
          user_card_status: code === '111' ? 'NORMAL' : 'FROZEN',
        })
      })
      const cards = await getUserCards(options({ baseUrl: srv.baseUrl, onError: () => undefined }))
      expect(cards).toEqual([
        { cardId: 'p1', code: '111', status: 'NORMAL', canConsume: true, beginTime: 1772294400, endTime: undefined },
        { cardId: 'p2', code: '222', status: 'UNKNOWN', canConsume: false },
      ])
      expect(JSON.parse(srv.requests[1].body)).toEqual({ card_id: 'p1', code: '111', check_consume: false })
    } finally {
      await srv.close()
    }
  })

  it('a getcardlist answer without a proper card_list rejects naming the API', async () => {
    const srv = await startServer()
    try {
      srv.handle((_, res) => reply(res, 200, { errcode: 0, card_list: [{ card_id: 'p1' }] }))
      await expect(getUserCards(options({ baseUrl: srv.baseUrl }))).rejects.toThrow(
        'WeChat card/user/getcardlist: card_list[0] has no card_id and code',
      )
    } finally {
      await srv.close()
    }
  })
})
