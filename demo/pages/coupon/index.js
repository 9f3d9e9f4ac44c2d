const { addCards } = require('weapp-card-coupon/utils/index')
const { serverUrl } = require('../../config') // your server, e.g. https://your.server

Page({
  add() {
    // a cardExt works once: ask your server for a fresh one on every tap (POST /card-ext)
    wx.request({
      url: `${serverUrl}/card-ext`,
      method: 'POST',
      header: { Authorization: `Bearer ${wx.getStorageSync('token')}` },
      data: { cardIds: ['pDemoMember'] },
      success: ({ data }) =>
        addCards(data.cardList).then(
          ({ succeeded, failed }) => {
            // send succeeded[i].code (encrypted) to your server
            wx.showToast({ title: `${succeeded.length} 张成功，${failed.length} 张失败`, icon: 'none' })
          },
          (e) => {
            if (e.code === 'invalid') console.error(e.message)
          },
        ),
    })
  },
})
