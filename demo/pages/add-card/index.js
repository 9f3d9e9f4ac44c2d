const { serverUrl } = require('../../config') // your server, e.g. https://your.server

Page({
  data: { serverUrl, header: {} },
  onLoad() {
    // wx.request sends no cookies: send the token your login flow (wx.login → your server) gave this user.
    this.setData({ header: { Authorization: `Bearer ${wx.getStorageSync('token')}` } })
  },
  onAdded(e) {
    const { succeeded, failed } = e.detail
    // succeeded[i].code is encrypted: your server decrypts it when you need it (POST /card-codes, see open-card-list)
    wx.showToast({
      title: failed.length ? `${failed.length} 张未领取成功` : `已领取 ${succeeded.length} 张`,
      icon: 'none',
    })
  },
  onFail(e) {
    // e.detail.code: 'source' (no cards from your server: e.detail.detail says why), 'invalid' (see the console),
    // 'fail' (WeChat's reason in e.detail.detail) or 'timeout' (WeChat never answered)
    // the tag has told the user in a toast (e.detail.reason: what it said)
    console.warn(`${e.detail.code}: ${e.detail.message}`)
  },
})
