import { createCardPlatform } from 'weapp-card-coupon/testing'
import {
  createCardExt,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type UserCardsResponseBody,
} from 'weapp-card-coupon/server'

const platform = createCardPlatform({
  apiTicket: 'test-ticket',
  accessToken: 'test-token',
  openid: 'oUser1',
  cards: [{ cardId: 'pCoupon' }],
})
await platform.wx.addCard({
  cardList: [{ cardId: 'pCoupon', cardExt: createCardExt({ apiTicket: 'test-ticket', cardId: 'pCoupon' }) }],
})
const tokens = createStableAccessTokenProvider({
  appid: 'wx0000000000card00',
  secret: 'simulator-app-secret-0000000000',
  fetch: platform.fetch,
})
const userCards = createUserCardsHandler({
  // your session: the user's key in your system, and their openid under the Official Account that owns the cards
  getUser: ({ headers }) =>
    headers.authorization === 'Bearer demo' ? { id: 'user-1', cardOpenid: 'oUser1' } : undefined,
  getAccessToken: tokens.getAccessToken,
  fetch: platform.fetch,
})
const answer = await userCards.handle({ method: 'GET', url: '/user-cards', headers: { authorization: 'Bearer demo' } })
const { cards } = JSON.parse(answer.body) as UserCardsResponseBody
console.log(
  answer.status,
  cards.map((card) => `${card.cardId} ${card.status}`),
) // 200 [ 'pCoupon NORMAL' ]
