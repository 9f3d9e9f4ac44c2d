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
  onOpened(e) {
    // e.detail.cardList: the { cardId, code } WeChat opened
    wx.showToast({ title: `已打开 ${e.detail.cardList.length} 张`, icon: 'none' })
  },
  onCancel() {},
  onFail(e) {
    // e.detail.code: 'invalid' (a code or cardId WeChat would refuse: see the console), 'fail' (WeChat's reason) or 'timeout'
    if (e.detail.code === 'fail') wx.showToast({ title: e.detail.detail || '打开失败', icon: 'none' })
  },
})
