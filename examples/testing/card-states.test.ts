import { createCardPlatform } from 'weapp-card-coupon/testing'
import { createCardExt, createStableAccessTokenProvider, getUserCards } from 'weapp-card-coupon/server'

test('a used card, a gift, and a card that expires a week later', async () => {
  const platform = createCardPlatform({
    apiTicket: 'test-ticket',
    accessToken: 'test-token',
    openid: 'oUser1',
    cards: [{ cardId: 'pWeek', dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 7 } }],
  })
  const cardList = [1, 2, 3].map(() => ({
    cardId: 'pWeek',
    cardExt: createCardExt({ apiTicket: 'test-ticket', cardId: 'pWeek' }),
  }))
  await platform.wx.addCard({ cardList })
  const [used, given] = platform.state.held
  if (!used || !given) throw new Error('both cards should have been added')
  platform.setCardStatus(used, 'CONSUMED')
  platform.setCardStatus(given, 'GIFTING')
  platform.setCardStatus(given, 'GIFT_SUCC')

  // The server side, on the platform's clock: the access_token expires with it and is renewed by the provider.
  const tokens = createStableAccessTokenProvider({
    appid: 'wx0000000000card00',
    secret: 'simulator-app-secret-0000000000', // the simulator's defaults
    fetch: platform.fetch,
    now: platform.now,
  })
  const statuses = async () =>
    (await getUserCards({ getAccessToken: tokens.getAccessToken, openid: 'oUser1', fetch: platform.fetch })).map(
      (card) => card.status,
    )

  expect(await statuses()).toEqual(['CONSUMED', 'GIFT_SUCC', 'NORMAL'])
  platform.advanceTime(7 * 24 * 3600 * 1000)
  expect(await statuses()).toEqual(['CONSUMED', 'GIFT_SUCC', 'EXPIRE'])
  expect(platform.state.requests).toMatchObject({ stable_token: 2, getcardlist: 2, code_get: 6 })
})
