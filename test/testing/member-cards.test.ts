// The simulator's member cards over HTTP in WeChat's wire formats: the activation form, geturl, the activation
// mini-program round trip (the user fills the form or leaves), activate_ticket lifetime (72012), activate, userinfo,
// consume and unavailable with WeChat's error codes, and the states getcardlist and code/get report afterwards.
import {
  ACTIVATE_TICKET_LIFETIME_MS,
  ACTIVATION_APP_ID,
  CARD_GET_PATH,
  CODE_GET_PATH,
  FIXTURE_CARDS,
  fixtureUser,
  GET_CARD_LIST_PATH,
  type CardPlatform,
  type EnterOptions,
  type Listening,
} from '../../testing'
import { ACCOUNT, add, callApi, cardsOf, ext, freshCards, ID, makePlatform } from '../helpers/platform'

const T0 = Date.UTC(2026, 2, 1, 2, 0, 0)
let p: CardPlatform
let api: Listening
beforeEach(async () => {
  p = makePlatform({
    now: () => T0,
    cards: [
      ...FIXTURE_CARDS,
      { cardId: 'pUrlMember', memberCard: { wxActivate: true, activateUrl: 'https://example.com/activate' } },
      { cardId: 'pAutoMember', memberCard: { wxActivate: true, autoActivate: true } },
    ],
  })
  api = await p.listen()
})
afterEach(() => api.close())

const call = (path: string, body: unknown) =>
  callApi(api.url, 'POST', `/${path}?access_token=${ACCOUNT.accessToken}`, JSON.stringify(body))

/** Adds one card of `cardId` for the fixture user and returns its decrypted code. */
async function hold(cardId: string): Promise<string> {
  const [{ code: encryptCode }] = cardsOf(await add(p, freshCards(cardId)))
  return p.state.held.find((h) => h.encryptCode === encryptCode)?.code ?? ''
}

/** geturl's URL → the activation mini-program's extraData, URL-decoded. */
async function extraDataFor(cardId: string) {
  const { body } = await call('card/membercard/activate/geturl', { card_id: cardId, outer_str: 'list' })
  const url = new URL(String(body.url))
  return {
    encrypt_card_id: url.searchParams.get('encrypt_card_id') ?? '',
    outer_str: url.searchParams.get('outer_str') ?? '',
    biz: url.searchParams.get('biz') ?? '',
  }
}

/** Jumps to the activation mini-program and resolves the options the app is shown with when the user is back. */
function jump(extraData: unknown, appId: string = ACTIVATION_APP_ID): Promise<{ errMsg: string; back?: EnterOptions }> {
  const { wx } = p.memberCards.client
  return new Promise((resolve) => {
    const onShow = (back: EnterOptions) => {
      wx.offAppShow(onShow)
      resolve({ errMsg: 'navigateToMiniProgram:ok', back })
    }
    wx.onAppShow(onShow)
    wx.navigateToMiniProgram({
      appId,
      extraData,
      fail: ({ errMsg }) => {
        wx.offAppShow(onShow)
        resolve({ errMsg })
      },
    })
  })
}

describe('the activation form and the parameters of the activation mini-program', () => {
  it('activateuserform/set keeps the form of a one-click member card', async () => {
    const form = { card_id: ID.member, required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE'] } }
    expect((await call('card/membercard/activateuserform/set', form)).body).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(p.memberCards.form(ID.member)).toEqual(form)
  })

  it.each(['pUrlMember', 'pAutoMember'])(
    '%s (activate_url / auto_activate win over wx_activate) answers 72026',
    async (cardId) => {
      for (const path of ['card/membercard/activateuserform/set', 'card/membercard/activate/geturl'])
        expect((await call(path, { card_id: cardId })).body.errcode).toBe(72026)
    },
  )

  it('a card that is no member card answers 40073; no card_id 41011', async () => {
    expect((await call('card/membercard/activate/geturl', { card_id: ID.coupon })).body.errcode).toBe(40073)
    expect((await call('card/membercard/activate/geturl', {})).body.errcode).toBe(41011)
  })

  it('geturl answers a URL whose query carries encrypt_card_id, outer_str and biz, URL-encoded', async () => {
    const { body } = await call('card/membercard/activate/geturl', { card_id: ID.member, outer_str: 'a b' })
    expect(body.errcode).toBe(0)
    expect(String(body.url)).toMatch(/encrypt_card_id=[^&]+&outer_str=a%20b&biz=[^&#]+/)
    expect((await extraDataFor(ID.member)).encrypt_card_id).not.toBe('')
  })
})

describe('the round trip through the activation mini-program', () => {
  it('the user fills the form: referrerInfo carries activate_ticket, card_id and code; activatetempinfo reads the form', async () => {
    const code = await hold(ID.member)
    p.memberCards.nextVisit({
      fill: { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000' }, custom: { 爱好: ['跑步'] } },
    })
    const { back } = await jump(await extraDataFor(ID.member))
    expect(back?.scene).toBe(1038)
    expect(back?.referrerInfo).toEqual({
      appId: ACTIVATION_APP_ID,
      extraData: { activate_ticket: expect.any(String), card_id: ID.member, code },
    })
    expect(p.memberCards.client.wx.getEnterOptionsSync().referrerInfo).toEqual(back?.referrerInfo)
    const ticket = back?.referrerInfo.extraData?.activate_ticket
    expect((await call('card/membercard/activatetempinfo/get', { activate_ticket: ticket })).body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      info: {
        common_field_list: [{ name: 'USER_FORM_INFO_FLAG_MOBILE', value: '13800000000' }],
        custom_field_list: [{ name: '爱好', value_list: ['跑步'] }],
      },
    })
  })

  it('the user leaves: referrerInfo has the appId and no extraData', async () => {
    await hold(ID.member)
    p.memberCards.nextVisit('leave')
    const { back } = await jump(await extraDataFor(ID.member))
    expect(back?.referrerInfo).toEqual({ appId: ACTIVATION_APP_ID })
  })

  it('another appId, or parameters geturl did not issue, fail the jump', async () => {
    expect((await jump(await extraDataFor(ID.member), 'wx0000000000other')).errMsg).toMatch(
      /^navigateToMiniProgram:fail/,
    )
    expect((await jump({ encrypt_card_id: 'made-up', outer_str: '', biz: 'x' })).errMsg).toMatch(
      /^navigateToMiniProgram:fail invalid extraData/,
    )
  })

  it(`an activate_ticket lives ${ACTIVATE_TICKET_LIFETIME_MS / 60000} minutes, then answers 72012; an unknown one 72011`, async () => {
    await hold(ID.member)
    p.memberCards.nextVisit({ fill: {} })
    const { back } = await jump(await extraDataFor(ID.member))
    const ticket = back?.referrerInfo.extraData?.activate_ticket
    p.advanceTime(ACTIVATE_TICKET_LIFETIME_MS - 1)
    expect((await call('card/membercard/activatetempinfo/get', { activate_ticket: ticket })).body.errcode).toBe(0)
    p.advanceTime(1)
    expect((await call('card/membercard/activatetempinfo/get', { activate_ticket: ticket })).body).toEqual({
      errcode: 72012,
      errmsg: 'activate_ticket has been expired',
    })
    expect((await call('card/membercard/activatetempinfo/get', { activate_ticket: 'other' })).body.errcode).toBe(72011)
  })
})

describe('activate and userinfo', () => {
  it('userinfo reads has_active false before, the member data after card/membercard/activate', async () => {
    const code = await hold(ID.member)
    const info = () => call('card/membercard/userinfo/get', { card_id: ID.member, code })
    expect((await info()).body).toMatchObject({ errcode: 0, has_active: false, user_card_status: 'NORMAL' })
    const activate = { card_id: ID.member, code, membership_number: 'M0001', init_bonus: 100, init_balance: 500 }
    expect((await call('card/membercard/activate', activate)).body).toEqual({ errcode: 0, errmsg: 'ok' })
    expect((await info()).body).toMatchObject({
      errcode: 0,
      openid: ACCOUNT.openid,
      has_active: true,
      membership_number: 'M0001',
      bonus: 100,
      balance: 500,
    })
    expect(p.memberCards.member({ cardId: ID.member, code })).toMatchObject({ membershipNumber: 'M0001' })
  })

  it('activate refuses a missing membership_number (41011), a negative bonus (47001), an unknown code (40056)', async () => {
    const code = await hold(ID.member)
    expect((await call('card/membercard/activate', { card_id: ID.member, code })).body.errcode).toBe(41011)
    const bad = { card_id: ID.member, code, membership_number: 'M1', init_bonus: -1 }
    expect((await call('card/membercard/activate', bad)).body.errcode).toBe(47001)
    const unknown = { card_id: ID.member, code: '000000000000', membership_number: 'M1' }
    expect((await call('card/membercard/activate', unknown)).body.errcode).toBe(40056)
  })
})

describe('consume and unavailable, and the states reported afterwards', () => {
  it('consume answers the card and the holder; then 40099; getcardlist still lists it, code/get reads CONSUMED', async () => {
    const code = await hold(ID.coupon)
    expect((await call('card/code/consume', { code })).body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card: { card_id: ID.coupon },
      openid: ACCOUNT.openid,
    })
    expect((await call('card/code/consume', { code })).body.errcode).toBe(40099)
    expect(
      (
        await callApi(
          api.url,
          'POST',
          `${CODE_GET_PATH}?access_token=${ACCOUNT.accessToken}`,
          JSON.stringify({ code, check_consume: false }),
        )
      ).body,
    ).toMatchObject({
      user_card_status: 'CONSUMED',
      can_consume: false,
    })
    const list = await callApi(
      api.url,
      'POST',
      `${GET_CARD_LIST_PATH}?access_token=${ACCOUNT.accessToken}`,
      JSON.stringify({ openid: ACCOUNT.openid }),
    )
    expect(list.body.card_list).toEqual([{ card_id: ID.coupon, code }])
    expect(p.state.requests.code_consume).toBe(2)
  })

  it('consume: an unknown code 40056, a deleted or unavailable one 40127, a custom code without card_id 41011', async () => {
    expect((await call('card/code/consume', { code: '123456789012' })).body.errcode).toBe(40056)
    const code = await hold(ID.voucher)
    p.setCardStatus({ cardId: ID.voucher, code }, 'DELETE')
    expect((await call('card/code/consume', { code })).body.errcode).toBe(40127)
    const custom = await hold(ID.custom)
    expect((await call('card/code/consume', { code: custom })).body.errcode).toBe(41011)
    expect((await call('card/code/consume', { code: custom, card_id: ID.custom })).body.errcode).toBe(0)
  })

  it('unavailable with a reason: UNAVAILABLE afterwards, then 40127; a consumed code 40099', async () => {
    const code = await hold(ID.coupon)
    expect((await call('card/code/unavailable', { code, reason: '退款' })).body).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(p.state.held.find((h) => h.code === code)?.status).toBe('UNAVAILABLE')
    expect((await call('card/code/unavailable', { code })).body.errcode).toBe(40127)
    expect((await call('card/code/consume', { code })).body.errcode).toBe(40127)
    const used = await hold(ID.voucher)
    await call('card/code/consume', { code: used })
    expect((await call('card/code/unavailable', { code: used })).body.errcode).toBe(40099)
  })

  it('failNextRequest reaches the member APIs too', async () => {
    p.failNextRequest('code_consume')
    expect((await call('card/code/consume', { code: '1' })).body).toEqual({ errcode: -1, errmsg: 'system error' })
  })
})

describe('another user of the account; card/get of a member card set otherwise', () => {
  /** Adds the bound member card for the fixture user `other` through their own client; resolves their code. */
  async function otherHolds(): Promise<string> {
    const other = fixtureUser('other')
    const cardExt = ext(ID.member, { openid: other.openid })
    await p.clientOf('other').wx.addCard({ cardList: [{ cardId: ID.member, cardExt }] })
    return p.state.held.find((h) => h.openid === other.openid && h.cardId === ID.member)?.code ?? ''
  }

  it("the other user's activation client activates their own card; userinfo and consume name them as holder", async () => {
    const mine = await hold(ID.member)
    const theirs = await otherHolds()
    expect(theirs).not.toBe('')
    const extraData = await extraDataFor(ID.member)
    p.memberCards.nextVisit({ fill: {} })
    const { wx } = p.memberCards.clientOf('other')
    const back = await new Promise<EnterOptions>((resolve) => {
      wx.onAppShow(resolve)
      wx.navigateToMiniProgram({ appId: ACTIVATION_APP_ID, extraData })
    })
    expect(back.referrerInfo.extraData).toMatchObject({ card_id: ID.member, code: theirs })
    expect(p.memberCards.clientOf('other')).toBe(p.memberCards.clientOf(fixtureUser('other').openid))
    expect(() => p.memberCards.clientOf('nobody')).toThrow(TypeError)
    const info = await call('card/membercard/userinfo/get', { card_id: ID.member, code: theirs })
    expect(info.body).toMatchObject({ errcode: 0, openid: fixtureUser('other').openid })
    const mineInfo = await call('card/membercard/userinfo/get', { card_id: ID.member, code: mine })
    expect(mineInfo.body).toMatchObject({ errcode: 0, openid: ACCOUNT.openid })
    const consumed = await call('card/code/consume', { card_id: ID.member, code: theirs })
    expect(consumed.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card: { card_id: ID.member },
      openid: fixtureUser('other').openid,
    })
  })

  it('card/get names how a member card activates: activate_url when it has one', async () => {
    const urlCard = await call(CARD_GET_PATH.slice(1), { card_id: 'pUrlMember' })
    expect(urlCard.body).toMatchObject({
      card: {
        card_type: 'MEMBER_CARD',
        member_card: { wx_activate: true, activate_url: 'https://example.com/activate' },
      },
    })
  })
})
