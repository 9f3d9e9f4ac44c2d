import { createApiTicketProvider, createCardExt, createStableAccessTokenProvider } from 'weapp-card-coupon/server'

const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', baseUrl })
const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid, baseUrl })

const cardId = 'pDemoCoupon' // an ordinary card: no custom code, not bound to one user
const cardExt = createCardExt({
  apiTicket: await tickets.getTicket(),
  cardId,
  // only for such cards: code: '…' for a custom-code card, openid: '…' for a card bound to one user (your session's)
})
// {"cardId":"…","cardExt":"{\"timestamp\":…,\"nonce_str\":\"…\",\"signature\":\"…\"}"}: an item of wx.addCard's
// cardList, cardExt as it is (a string)
console.log(JSON.stringify({ cardId, cardExt }))
