// Used when the simulator switch is off: your card server, running the ready-made handlers of
// weapp-card-coupon/server (its README's "A card server"). Add its host to the mini-program's request 合法域名.
module.exports = {
  // POST { cardIds } → { cardList: [{ cardId, cardExt }] }: <add-card-button card-ext-url>, every tap
  cardExtUrl: '',
  // POST { cards: [{ cardId, encryptCode }] } → { cards: [{ cardId, code }] }: the codes wx.addCard returned
  cardCodesUrl: '',
  // GET → { cards: [{ cardId, code, status, canConsume, beginTime, endTime }] }: the 我的卡券 page
  userCardsUrl: '',
  // The login token your server's getOpenid accepts, sent as `Authorization: Bearer <token>`
  // (e.g. the DEV_SESSION that README's server was started with).
  token: '',
  // Your cards in place of the simulator's, by the names the pages use (your server's `cards` table lists them).
  cardIds: { coupon: '', voucher: '', custom: '', member: '', soldOut: '' },
}
