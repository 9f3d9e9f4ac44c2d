const { requestCardCodes, requestUserCards } = require('weapp-card-coupon/utils/index')
const { serverUrl } = require('../../config') // your server, e.g. https://your.server

Page({
  data: { serverUrl, header: {}, cards: [] },
  onLoad() {
    // wx.request sends no cookies: send the token your login flow (wx.login → your server) gave this user.
    this.setData({ header: { Authorization: `Bearer ${wx.getStorageSync('token')}` } })
  },
  async onShow() {
    // [{ cardId, code, status, canConsume, beginTime?, endTime?, title?, logo? }]: the tag shows them as they are
    const cards = await requestUserCards({ url: `${serverUrl}/user-cards`, header: this.data.header })
    this.setData({ cards })
  },
  async onAdded(e) {
    // One result per card: { cardId, code } (decrypted: what wx.openCard needs) or { cardId, error }.
    await requestCardCodes({
      url: `${serverUrl}/card-codes`,
      header: this.data.header,
      cards: e.detail.succeeded.map((card) => ({ cardId: card.cardId, encryptCode: card.code })),
    })
    // The list from your server now has the new cards, with their titles and states.
    await this.onShow()
  },
  onAddFailed(e) {
    // The tag has told the user (a toast: 已领完, 网络异常，请重试 or 领取失败，请稍后重试; e.detail.reason says which).
    // e.detail.code: 'source' (your server: e.detail.message says why), 'invalid' (see the console), 'fail', 'timeout'
    console.warn(`add-card-button ${e.detail.code}: ${e.detail.message}`)
  },
  onOpened(e) {
    // e.detail.cardList: the { cardId, code } WeChat opened
    wx.showToast({ title: `已打开 ${e.detail.cardList.length} 张`, icon: 'none' })
  },
  onCancel() {},
  onFail(e) {
    // The tag has told the user (打开失败，请稍后重试). e.detail.code: 'invalid' (see the console), 'fail' (WeChat's
    // reason in e.detail.detail) or 'timeout'
    console.warn(`open-card-list ${e.detail.code}: ${e.detail.message}`)
  },
})
