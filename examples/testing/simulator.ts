import { createCardPlatform } from 'weapp-card-coupon/testing'
import { createCardExt } from 'weapp-card-coupon/server'

const platform = createCardPlatform({
  apiTicket: 'test-ticket',
  accessToken: 'test-token',
  openid: 'oUser1', // the current user
  cards: [
    { cardId: 'pPlain' }, // platform-generated 12-digit codes
    { cardId: 'pCustom', useCustomCode: true },
    { cardId: 'pBound', bindOpenid: true },
    { cardId: 'pFew', quantity: 1 },
    { cardId: 'pOnce', getLimit: 1 },
    { cardId: 'pWeek', dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 7 } }, // valid 7 days from the day added
  ],
  // SDKVersion: '3.12.0',                   // what getSystemInfoSync / getAppBaseInfo report
  // missingApis: ['getAppBaseInfo'],        // APIs this client lacks (here: a base library before 2.20.1)
  // expiredAccessTokens: ['old-token'],     // answered 42001 instead of 40001
  // jsapiTicket: '…',                       // answered for type=jsapi (never signs a card)
  // appid: 'wx…', secret: '…',              // what stable_token accepts (defaults below)
  // now: () => clock,                       // ms clock: token expiry, forced refreshes, card validity
})

platform.wx.addCard({
  cardList: [{ cardId: 'pPlain', cardExt: createCardExt({ apiTicket: 'test-ticket', cardId: 'pPlain' }) }],
  success: (res) => console.log(res.cardList[0]?.code), // encrypted: decrypt it on the server
})
