const { serverUrl } = require('../../config') // your server, e.g. https://your.server

Page({
  onReady() {
    this.selectComponent('#add').setCardSource((cardIds) =>
      request({ url: `${serverUrl}/card-ext`, method: 'POST', data: { cardIds } }).then((r) => r.cardList),
    )
  },
  onAdded(e) {
    wx.showToast({ title: `已领取 ${e.detail.succeeded.length} 张`, icon: 'none' })
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
