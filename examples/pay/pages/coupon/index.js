// The batch this page hands out (批次号, from the merchant platform: 营销中心 → 商家券).
const STOCK_ID = '1212000000000001'
const SERVER = 'https://your.server'
// 商家券 states in the user's words
const STATE_TEXTS = { SENDED: '可使用', USED: '已使用', EXPIRED: '已过期', DELETED: '已删除', DEACTIVATED: '已失效' }

Page({
  data: { stockId: STOCK_ID, header: {}, coupons: [], stateTexts: STATE_TEXTS },

  onLoad() {
    // wx.request sends no cookies: your login token goes in a header (the tag fetches again when it changes)
    this.setData({ header: { Authorization: `Bearer ${wx.getStorageSync('token')}` } })
    this.loadCoupons()
  },

  onReceived(event) {
    // event.detail.succeeded: the coupons now in the user's 卡包 (DUPREQUEST: it was there already)
    if (event.detail.succeeded.length) this.loadCoupons()
  },

  onFailed(event) {
    // the tag already told the user (a toast); reason and detail say why, for you
    console.warn('send-coupon-button', event.detail.reason, event.detail.detail)
  },

  loadCoupons() {
    wx.request({
      url: `${SERVER}/pay-coupons`,
      header: this.data.header,
      success: ({ statusCode, data }) => {
        if (statusCode === 200) this.setData({ coupons: data.coupons })
      },
    })
  },
})
