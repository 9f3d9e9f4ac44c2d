import { createStableAccessTokenProvider, getUserCards } from 'weapp-card-coupon/server'

const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({
  appid: process.env.WECHAT_APPID ?? '',
  secret: process.env.WECHAT_SECRET ?? '',
  baseUrl,
})

// The openid comes from your session; an empty one rejects with a TypeError before any request.
const openid = process.env.DEV_OPENID ?? ''
const cards = await getUserCards({ getAccessToken: tokens.getAccessToken, openid, baseUrl })
for (const card of cards) {
  const until = card.endTime === undefined ? '' : ` until ${new Date(card.endTime * 1000).toISOString()}`
  console.log(card.cardId, card.status, card.canConsume ? 'usable' : 'not usable', until)
}
