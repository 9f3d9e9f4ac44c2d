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
      success: ({ statusCode, data }) => {
        if (statusCode !== 200) return tell('领取失败，请稍后重试')
        addCards(data.cardList).then(
          ({ succeeded, failed }) => {
            // send succeeded[i].code (encrypted) to your server
            wx.showToast({ title: `${succeeded.length} 张成功，${failed.length} 张失败`, icon: 'none' })
          },
          (e) => {
            if (e.code === 'invalid') console.error(e.message) // for you: which card and field
            // the user closed WeChat's page (cancel) or was asked to upgrade (unsupported): nothing to add
            if (e.code === 'fail' || e.code === 'invalid')
              tell(e.detail === '已领完' ? '已领完' : '领取失败，请稍后重试')
          },
        )
      },
      fail: () => tell('网络异常，请重试'),
    })
  },
})

/** A short message for the user. */
function tell(title) {
  wx.showToast({ title, icon: 'none' })
}
