const { serverUrl } = require('../../config') // your server, e.g. https://your.server

Page({
  data: { cards: [] },
  onLoad() {
    this.sign()
  },
  // Your server signs the cardExt (api_ticket never reaches the mini-program): see the README of weapp-card-coupon/server.
  async sign() {
    this.setData({ cards: [] })
    const { cardList } = await request({
      url: `${serverUrl}/card-ext`,
      method: 'POST',
      data: { cardIds: ['pDemoVoucher'] },
    })
    this.setData({ cards: cardList })
  },
  onAdded(e) {
    const { failed } = e.detail
    if (failed.length) wx.showToast({ title: `${failed.length} 张未领取成功`, icon: 'none' })
    this.sign() // that cardExt is spent
  },
  onCancel() {}, // not spent: the same cardExt can be tapped again
  onFail(e) {
    // e.detail.code: 'invalid' (your input, see the console), 'fail' (WeChat's reason in e.detail.detail) or 'timeout'
    // the tag has told the user in a toast (e.detail.reason: what it said)
    console.warn(`${e.detail.code}: ${e.detail.message}`)
  },
})

// wx.request sends no cookies: send the token your login flow (wx.login → your server) gave this user.
// It also calls success for every HTTP status, so check it.
function request(o) {
  return new Promise((resolve, reject) =>
    wx.request({
      ...o,
      header: { Authorization: `Bearer ${wx.getStorageSync('token')}` },
      success: (r) => (r.statusCode === 200 ? resolve(r.data) : reject(new Error(`${o.url}: HTTP ${r.statusCode}`))),
      fail: reject,
    }),
  )
}
