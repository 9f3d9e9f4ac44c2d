// The simulator's card APIs over HTTP (card/user/getcardlist, card/code/get), the held cards' states, validity and
// the platform clock.
import {
  CARD_GET_PATH,
  CODE2SESSION_PATH,
  CODE_GET_PATH,
  FIXTURE_CARDS,
  FIXTURE_MINI_PROGRAM,
  FIXTURE_USERS,
  GET_CARD_LIST_PATH,
  STABLE_TOKEN_PATH,
  TICKET_PATH,
  type CardPlatform,
  type HeldCard,
  type HeldCardStatus,
  type Listening,
} from '../../testing'
import { WECHAT_USER_CARD_STATUSES } from '../../utils/protocol'
import { ACCOUNT, add, callApi, cardsOf, ext, ID, makePlatform } from '../helpers/platform'

// 2026-03-01 10:00 in China (UTC+8)
const T0 = Date.UTC(2026, 2, 1, 2, 0, 0)
const DAY = 86_400
/** China midnight of T0's day, in Unix seconds. */
const DAY0 = Date.UTC(2026, 2, 1, 0, 0, 0) / 1000 - 8 * 3600
const RANGE = { beginTimestamp: DAY0 + 10 * DAY, endTimestamp: DAY0 + 20 * DAY }

let p: CardPlatform
let api: Listening
let token: string = ACCOUNT.accessToken
beforeEach(async () => {
  token = ACCOUNT.accessToken
  p = makePlatform({
    now: () => T0,
    cards: [
      ...FIXTURE_CARDS,
      // the validity kinds no fixture card has: a fixed range, and a term that starts the next day
      { cardId: 'pRange', dateInfo: { type: 'DATE_TYPE_FIX_TIME_RANGE', ...RANGE } },
      { cardId: 'pLater', dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedBeginTerm: 1, fixedTerm: 2 } },
    ],
  })
  api = await p.listen()
})
afterEach(() => api.close())

const post = (path: string, body: unknown, accessToken = token) =>
  callApi(api.url, 'POST', `${path}?access_token=${encodeURIComponent(accessToken)}`, JSON.stringify(body))

/** Moves the clock; the access_token has its 7200 s on the same clock, so a new one is fetched (normal mode). */
async function later(ms: number): Promise<void> {
  p.advanceTime(ms)
  const body = { grant_type: 'client_credential', appid: ACCOUNT.appid, secret: ACCOUNT.secret }
  token = String((await callApi(api.url, 'POST', STABLE_TOKEN_PATH, JSON.stringify(body))).body.access_token)
}
const cardList = async (body: unknown = { openid: ACCOUNT.openid }) => (await post(GET_CARD_LIST_PATH, body)).body
const codeGet = async (card: { cardId: string; code: string }, checkConsume: boolean | undefined = false) =>
  (await post(CODE_GET_PATH, { card_id: card.cardId, code: card.code, check_consume: checkConsume })).body

/** Adds the cards (a custom code for the custom-code card) and returns what the platform holds. */
async function hold(...cardIds: string[]): Promise<HeldCard[]> {
  await add(
    p,
    cardIds.map((cardId, i) => ({ cardId, cardExt: ext(cardId, cardId === ID.custom ? { code: `CODE${i}` } : {}) })),
  )
  return p.state.held.slice(-cardIds.length)
}

describe('POST /card/user/getcardlist', () => {
  it("lists the user's cards in the order added, codes decrypted; card_id filters, '' means all", async () => {
    const held = await hold(ID.voucher, ID.custom, ID.voucher)
    const all = held.map((h) => ({ code: h.code, card_id: h.cardId }))
    expect(await cardList()).toEqual({ errcode: 0, errmsg: 'ok', card_list: all, has_share_card: false })
    expect((await cardList({ openid: ACCOUNT.openid, card_id: ID.voucher })).card_list).toEqual([all[0], all[2]])
    expect((await cardList({ openid: ACCOUNT.openid, card_id: '' })).card_list).toEqual(all)
    expect((await cardList({ openid: ACCOUNT.openid, card_id: 'pRange' })).card_list).toEqual([])
    expect(p.state.requests.getcardlist).toBe(4)
  })

  it('lists cards in every state (consumed, deleted… are still listed; code/get tells them apart)', async () => {
    const [a, b] = await hold(ID.voucher, ID.voucher)
    p.setCardStatus(a, 'CONSUMED')
    p.setCardStatus(b, 'DELETE')
    expect((await cardList()).card_list).toHaveLength(2)
  })

  it.each<[string, unknown, number, string]>([
    ['no openid', {}, 41009, 'missing openid'],
    ['an empty openid', { openid: '' }, 41009, 'missing openid'],
    ['another user (the simulator knows one)', { openid: 'oSomeoneElse' }, 40003, 'invalid openid'],
    ['the openid with a trailing space', { openid: `${ACCOUNT.openid} ` }, 40003, 'invalid openid'],
    ['a numeric openid', { openid: 42 }, 40003, 'invalid openid'],
    ['an unknown card_id', { openid: ACCOUNT.openid, card_id: 'pNope' }, 40073, 'invalid card_id'],
    ['an inherited name as card_id', { openid: ACCOUNT.openid, card_id: 'constructor' }, 40073, 'invalid card_id'],
    ['a numeric card_id', { openid: ACCOUNT.openid, card_id: 7 }, 40073, 'invalid card_id'],
  ])('%s → WeChat error', async (_, body, errcode, errmsg) => {
    expect(await cardList(body)).toEqual({ errcode, errmsg })
  })

  it.each<[string, string, string | undefined, number]>([
    ['a wrong access_token', 'GET_WRONG', '{"openid":"x"}', 40001],
    ['no access_token', '', '{"openid":"x"}', 41001],
    ['an empty body', ACCOUNT.accessToken, '', 44002],
    ['malformed JSON', ACCOUNT.accessToken, '{"openid":', 47001],
    ['a JSON array', ACCOUNT.accessToken, '[]', 47001],
  ])('%s → WeChat error', async (_, accessToken, body, errcode) => {
    const query = accessToken ? `?access_token=${accessToken}` : ''
    expect((await callApi(api.url, 'POST', GET_CARD_LIST_PATH + query, body)).body.errcode).toBe(errcode)
  })

  it('wants POST (43002)', async () => {
    expect((await callApi(api.url, 'GET', `${GET_CARD_LIST_PATH}?access_token=${ACCOUNT.accessToken}`)).body).toEqual({
      errcode: 43002,
      errmsg: 'require POST method',
    })
  })
})

describe('POST /card/code/get', () => {
  it("answers WeChat's shape: the card's validity in seconds, the holder, can_consume, user_card_status", async () => {
    const [plain] = await hold(ID.coupon)
    expect(await codeGet(plain)).toEqual({
      errcode: 0,
      errmsg: 'ok',
      // the default date_info: 30 days from the day added, China time, the last day until 23:59:59
      card: { card_id: ID.coupon, begin_time: DAY0, end_time: DAY0 + 30 * DAY - 1 },
      openid: ACCOUNT.openid,
      can_consume: true,
      user_card_status: 'NORMAL',
    })
    expect(plain).toMatchObject({ status: 'NORMAL', beginTime: DAY0, endTime: DAY0 + 30 * DAY - 1 })
  })

  it('carries outer_str when the cardExt had one', async () => {
    await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher, { outerStr: 'channel-7' }) }])
    expect(await codeGet(p.state.held[0])).toMatchObject({ outer_str: 'channel-7', user_card_status: 'NORMAL' })
  })

  it('DATE_TYPE_FIX_TIME_RANGE: the range as given; usable only inside it', async () => {
    const [card] = await hold('pRange')
    expect(await codeGet(card)).toMatchObject({
      card: { card_id: 'pRange', begin_time: RANGE.beginTimestamp, end_time: RANGE.endTimestamp },
      can_consume: false, // not yet
      user_card_status: 'NORMAL',
    })
    await later(10 * DAY * 1000)
    expect(await codeGet(card)).toMatchObject({ can_consume: true, user_card_status: 'NORMAL' })
  })

  it('DATE_TYPE_FIX_TERM with fixed_begin_term: from the next day, for 2 days; then EXPIRE', async () => {
    const [card] = await hold('pLater')
    expect(card).toMatchObject({ beginTime: DAY0 + DAY, endTime: DAY0 + 3 * DAY - 1 })
    expect(await codeGet(card)).toMatchObject({ can_consume: false, user_card_status: 'NORMAL' })
    await later(DAY * 1000)
    expect(await codeGet(card)).toMatchObject({ can_consume: true, user_card_status: 'NORMAL' })
    await later(2 * DAY * 1000)
    expect(await codeGet(card)).toMatchObject({ can_consume: false, user_card_status: 'EXPIRE' })
    expect(await codeGet(card, true)).toMatchObject({ errcode: 40127 })
    expect(card.status).toBe('NORMAL') // expired by time, not by a state change
  })

  it('a card added after the clock moved gets its term from that day', async () => {
    p.advanceTime(5 * DAY * 1000)
    const [card] = await hold(ID.coupon)
    expect(card).toMatchObject({ beginTime: DAY0 + 5 * DAY, endTime: DAY0 + 35 * DAY - 1 })
  })

  const states = WECHAT_USER_CARD_STATUSES.filter((status) => status !== 'NORMAL')
  it.each(states)(
    'setCardStatus(%s): answered with can_consume false; check_consume true refuses it',
    async (status) => {
      const [card, other] = await hold(ID.voucher, ID.voucher)
      p.setCardStatus(card, status)
      expect(await codeGet(card)).toMatchObject({ errcode: 0, user_card_status: status, can_consume: false })
      expect(await codeGet(other)).toMatchObject({ user_card_status: 'NORMAL', can_consume: true })
      expect(await codeGet(card, true)).toEqual(
        status === 'CONSUMED'
          ? { errcode: 40099, errmsg: 'invalid code, this code has consumed.' }
          : {
              errcode: 40127,
              errmsg:
                'invalid user-card status! Hint: the card was given to user, but may be deleted or set unavailable !',
            },
      )
      p.setCardStatus(card, 'NORMAL')
      expect(await codeGet(card, true)).toMatchObject({ errcode: 0, user_card_status: 'NORMAL', can_consume: true })
    },
  )

  it('a gift: GIFTING, then GIFT_SUCC or GIFT_TIMEOUT', async () => {
    const [given, returned] = await hold(ID.voucher, ID.voucher)
    for (const card of [given, returned]) p.setCardStatus(card, 'GIFTING')
    p.setCardStatus(given, 'GIFT_SUCC')
    p.setCardStatus(returned, 'GIFT_TIMEOUT')
    expect([(await codeGet(given)).user_card_status, (await codeGet(returned)).user_card_status]).toEqual([
      'GIFT_SUCC',
      'GIFT_TIMEOUT',
    ])
  })

  it('check_consume defaults to true', async () => {
    const [card] = await hold(ID.voucher)
    p.setCardStatus(card, 'CONSUMED')
    expect((await post(CODE_GET_PATH, { card_id: card.cardId, code: card.code })).body.errcode).toBe(40099)
  })

  it('finds a platform-code card without card_id; a custom code needs card_id (41011)', async () => {
    const [plain, custom] = await hold(ID.voucher, ID.custom)
    expect((await post(CODE_GET_PATH, { code: plain.code, check_consume: false })).body).toMatchObject({
      card: { card_id: ID.voucher },
    })
    expect((await post(CODE_GET_PATH, { code: custom.code, check_consume: false })).body).toEqual({
      errcode: 41011,
      errmsg: 'missing required fields: card_id',
    })
  })

  it.each<[string, (h: HeldCard) => unknown, number, string]>([
    [
      'a code the user does not hold',
      () => ({ code: '123456789012', check_consume: false }),
      40056,
      'invalid serial code',
    ],
    ['the code under another card', (h) => ({ card_id: 'pRange', code: h.code }), 40056, 'invalid serial code'],
    ['the encrypted code', (h) => ({ card_id: h.cardId, code: h.encryptCode }), 40056, 'invalid serial code'],
    [
      'the code with a trailing space',
      (h) => ({ card_id: h.cardId, code: `${h.code} ` }),
      40056,
      'invalid serial code',
    ],
    ['a numeric code', (h) => ({ card_id: h.cardId, code: Number(h.code) }), 40056, 'invalid serial code'],
    ['no code', (h) => ({ card_id: h.cardId }), 41011, 'missing required fields: code'],
    ['an unknown card_id', (h) => ({ card_id: 'pNope', code: h.code }), 40073, 'invalid card_id'],
    ['an inherited name as card_id', (h) => ({ card_id: '__proto__', code: h.code }), 40073, 'invalid card_id'],
    [
      'a string check_consume',
      (h) => ({ card_id: h.cardId, code: h.code, check_consume: 'no' }),
      47001,
      'data format error',
    ],
  ])('%s → WeChat error', async (_, body, errcode, errmsg) => {
    const [card] = await hold(ID.voucher)
    expect((await post(CODE_GET_PATH, body(card))).body).toEqual({ errcode, errmsg })
  })

  it('refuses a wrong token (40001) and wants POST (43002)', async () => {
    const [card] = await hold(ID.voucher)
    expect((await post(CODE_GET_PATH, { card_id: card.cardId, code: card.code }, 'nope')).body.errcode).toBe(40001)
    expect((await callApi(api.url, 'GET', `${CODE_GET_PATH}?access_token=${ACCOUNT.accessToken}`)).body.errcode).toBe(
      43002,
    )
    expect(p.state.requests.code_get).toBe(2)
  })
})

describe('state changes and the clock', () => {
  it('setCardStatus refuses a card the user does not hold and a status WeChat does not have', async () => {
    const [card] = await hold(ID.voucher)
    expect(() => p.setCardStatus({ cardId: ID.voucher, code: '000000000000' }, 'CONSUMED')).toThrow(
      /setCardStatus: the user holds no card with this cardId and code/,
    )
    expect(() => p.setCardStatus({ cardId: 'pRange', code: card.code }, 'CONSUMED')).toThrow(TypeError)
    expect(() => p.setCardStatus(card, 'USED' as HeldCardStatus)).toThrow(/status must be one of NORMAL, CONSUMED/)
    expect(() => p.setCardStatus(card, 'UNKNOWN' as HeldCardStatus)).toThrow(TypeError)
    expect(card.status).toBe('NORMAL')
  })

  it('advanceTime moves now() and the access_token with it (expired after 7200 s: 42001)', async () => {
    expect(p.now()).toBe(T0)
    p.advanceTime(7199_000)
    expect(p.now()).toBe(T0 + 7199_000)
    expect((await cardList()).errcode).toBe(0)
    p.advanceTime(1000)
    expect((await cardList()).errcode).toBe(42001)
  })

  it.each([-1, NaN, Infinity, '5'])('advanceTime(%p) throws a TypeError', (ms) => {
    expect(() => p.advanceTime(ms as number)).toThrow(/advanceTime: ms must be a finite number >= 0/)
    expect(p.now()).toBe(T0)
  })

  it.each<[string, object, RegExp]>([
    [
      'milliseconds',
      { type: 'DATE_TYPE_FIX_TIME_RANGE', beginTimestamp: T0, endTimestamp: T0 + 1 },
      /cards\[0\]\.dateInfo\.beginTimestamp must be Unix seconds/,
    ],
    [
      'an end before the begin',
      { type: 'DATE_TYPE_FIX_TIME_RANGE', beginTimestamp: 20, endTimestamp: 10 },
      /endTimestamp is before beginTimestamp/,
    ],
    ['a term of 0 days', { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 0 }, /fixedTerm must be a whole number of days >= 1/],
    ['a negative begin term', { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 3, fixedBeginTerm: -1 }, /fixedBeginTerm/],
    [
      'another type',
      { type: 'DATE_TYPE_PERMANENT' },
      /type must be 'DATE_TYPE_FIX_TIME_RANGE' or 'DATE_TYPE_FIX_TERM'/,
    ],
  ])('createCardPlatform refuses a dateInfo with %s', (_, dateInfo, message) => {
    expect(() => makePlatform({ cards: [{ cardId: 'p1', dateInfo: dateInfo as never }] })).toThrow(message)
  })
})

describe('failNextRequest and the requests in flight', () => {
  it('answers the queued faults first, one per request, then as usual', async () => {
    const [card] = await hold(ID.voucher)
    p.failNextRequest('code_get')
    p.failNextRequest('code_get', { errcode: 45009, errmsg: 'reach max api daily quota limit' })
    expect(await codeGet(card)).toEqual({ errcode: -1, errmsg: 'system error' })
    expect(await codeGet(card)).toEqual({ errcode: 45009, errmsg: 'reach max api daily quota limit' })
    expect(await codeGet(card)).toMatchObject({ errcode: 0, user_card_status: 'NORMAL' })
    expect((await cardList()).errcode).toBe(0) // other APIs are not affected
    expect(p.state.requests.code_get).toBe(3)
  })

  it('refuses an unknown API and an answer that is not an error', () => {
    expect(() => p.failNextRequest('consume' as never)).toThrow(/failNextRequest: api must be one of/)
    expect(() => p.failNextRequest('code_get', { errcode: 0, errmsg: 'ok' })).toThrow(TypeError)
  })

  it('counts the requests being answered over HTTP, and the most at once', async () => {
    const held = await hold(ID.voucher, ID.voucher, ID.voucher, ID.voucher)
    const answers = await Promise.all(held.map((card) => codeGet(card)))
    expect(answers.every((a) => a.user_card_status === 'NORMAL')).toBe(true)
    expect(p.state.inFlight.code_get).toBe(0)
    expect(p.state.maxInFlight.code_get).toBeGreaterThanOrEqual(1)
    expect(p.state.maxInFlight.code_get).toBeLessThanOrEqual(4)
  })
})

describe('two AppIDs, many users: code2Session, holders, card/get, a rotated ticket', () => {
  const other = FIXTURE_USERS[1]
  const get = (path: string) => callApi(api.url, 'GET', path, undefined)
  const session = (jsCode: string, appid: string = FIXTURE_MINI_PROGRAM.appid) =>
    get(
      `${CODE2SESSION_PATH}?appid=${appid}&secret=${FIXTURE_MINI_PROGRAM.secret}&js_code=${encodeURIComponent(jsCode)}&grant_type=authorization_code`,
    )

  it("wx.login of a user's client → sns/jscode2session: the mini-program openid and the unionid, once", async () => {
    const { code, errMsg } = await p.clientOf('other').login()
    expect(errMsg).toBe('login:ok')
    const first = await session(code)
    expect(first.body).toEqual({
      openid: other.miniOpenid,
      session_key: expect.stringMatching(/^[A-Za-z0-9+/=]{24}$/) as unknown,
      unionid: other.unionid,
    })
    expect((await session(code)).body).toEqual({ errcode: 40163, errmsg: 'code been used' })
    const late = await p.clientOf('other').login()
    p.advanceTime(5 * 60_000)
    expect((await session(late.code)).body).toEqual({ errcode: 40029, errmsg: 'invalid code' })
    // the Official Account's AppID is not the mini-program's
    const mixedUp = await p.clientOf('other').login()
    expect((await session(mixedUp.code, ACCOUNT.appid)).body).toEqual({ errcode: 40013, errmsg: 'invalid appid' })
    expect(() => p.clientOf('nobody')).toThrow(TypeError)
  })

  it("each user's cards are theirs: getcardlist per user, code/get names the holder, openCard their own only", async () => {
    const [mine] = await hold(ID.coupon)
    const theirs = await p.clientOf('other').wx.addCard({ cardList: [{ cardId: ID.coupon, cardExt: ext(ID.coupon) }] })
    expect(theirs.cardList[0]?.isSuccess).toBe(true)
    const held = p.state.held[1]
    expect(held.openid).toBe(other.openid)
    expect((await cardList()).card_list).toEqual([{ code: mine.code, card_id: ID.coupon }])
    expect((await cardList({ openid: other.openid })).card_list).toEqual([{ code: held.code, card_id: ID.coupon }])
    // a mini-program openid is no user of the Official Account
    expect(await cardList({ openid: other.miniOpenid })).toEqual({ errcode: 40003, errmsg: 'invalid openid' })
    expect(await codeGet(held)).toMatchObject({ errcode: 0, openid: other.openid })
    await expect(p.wx.openCard({ cardList: [{ cardId: held.cardId, code: held.code }] })).rejects.toMatchObject({
      errMsg: `openCard:fail invalid code: the user holds no card ${ID.coupon} with code ${held.code}`,
    })
  })

  it("a bound cardExt naming another user, or the user's mini-program openid, is 参数错误", async () => {
    const client = p.clientOf('other')
    for (const openid of [ACCOUNT.openid, other.miniOpenid]) {
      const cardList = [{ cardId: ID.member, cardExt: ext(ID.member, { openid }) }]
      await expect(client.wx.addCard({ cardList })).rejects.toEqual({ errMsg: 'addCard:fail 参数错误' })
    }
    const own = await client.wx.addCard({
      cardList: [{ cardId: ID.member, cardExt: ext(ID.member, { openid: other.openid }) }],
    })
    expect(own.cardList[0]?.isSuccess).toBe(true)
  })

  it("card/get answers each card's settings in WeChat's shape (a member card as MEMBER_CARD, how it activates)", async () => {
    const member = FIXTURE_CARDS.find((c) => c.cardId === ID.member)
    expect((await post(CARD_GET_PATH, { card_id: ID.member })).body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card: {
        card_type: 'MEMBER_CARD',
        member_card: {
          wx_activate: true,
          auto_activate: false,
          base_info: {
            id: ID.member,
            title: member?.title,
            logo_url: member?.logoUrl,
            color: member?.color,
            code_type: 'CODE_TYPE_QRCODE',
            date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 365, fixed_begin_term: 0 },
            sku: { quantity: 100_000_000 },
            get_limit: 1,
            use_custom_code: false,
            bind_openid: true,
            status: 'CARD_STATUS_VERIFY_OK',
          },
        },
      },
    })
    const custom = (await post(CARD_GET_PATH, { card_id: ID.custom })).body as {
      card: { card_type: string; general_coupon: { base_info: Record<string, unknown> } }
    }
    expect(custom.card.card_type).toBe('GENERAL_COUPON')
    expect(custom.card.general_coupon.base_info).toMatchObject({
      use_custom_code: true,
      bind_openid: false,
      get_limit: 0,
    })
    expect((await post(CARD_GET_PATH, { card_id: 'pNope' })).body).toEqual({
      errcode: 40073,
      errmsg: 'invalid card_id',
    })
  })

  it('rotateTicket: getticket answers the new one; the old one signs for the grace period, then 签名错误', async () => {
    const next = p.rotateTicket({ graceMs: 60_000 })
    const ticket = await callApi(api.url, 'GET', `${TICKET_PATH}?access_token=${token}&type=wx_card`, undefined)
    expect(ticket.body).toMatchObject({ errcode: 0, ticket: next })
    // the old ticket, within the grace period, and the new one
    expect(cardsOf(await add(p, [{ cardId: ID.coupon, cardExt: ext(ID.coupon) }]))[0]?.isSuccess).toBe(true)
    expect(
      cardsOf(await add(p, [{ cardId: ID.coupon, cardExt: ext(ID.coupon, { apiTicket: next }) }]))[0]?.isSuccess,
    ).toBe(true)
    p.advanceTime(60_000)
    await expect(p.wx.addCard({ cardList: [{ cardId: ID.coupon, cardExt: ext(ID.coupon) }] })).rejects.toEqual({
      errMsg: 'addCard:fail 签名错误',
    })
  })
})
