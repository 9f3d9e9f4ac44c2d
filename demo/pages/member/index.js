const { serverUrl } = require('../../config') // your server, e.g. https://your.server

Page({
  data: { serverUrl, header: {} },
  onLoad() {
    // wx.request sends no cookies: send the token your login flow (wx.login → your server) gave this user.
    this.setData({ header: { Authorization: `Bearer ${wx.getStorageSync('token')}` } })
  },
  onAdded() {
    // the member card is in the user's card bag now: read its state again (待激活)
    this.selectComponent('#member').refresh()
  },
  onActivate(e) {
    // e.detail: { outcome: 'activated', member } | { outcome: 'cancelled' } | { outcome: 'failed', reason, message }
    if (e.detail.outcome === 'activated') wx.showToast({ title: '激活成功', icon: 'none' })
  },
})
