const { requestPayCoupons } = require('weapp-card-coupon/utils/index')

// The batch this page hands out (批次号, from the merchant platform: 营销中心 → 商家券).
const STOCK_ID = '1212000000000001'
const SERVER = 'https://your.server'

Page({
  data: { stockId: STOCK_ID, header: {}, coupons: [] },

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

  onChosen(event) {
    // a usable coupon: the cashier scans or types its code, and your server 核销s it (POST /v3/.../coupons/use)
    const { couponCode } = event.detail.coupon
    wx.showModal({ title: '出示给店员', content: couponCode, showCancel: false })
  },

  loadCoupons() {
    // GET /pay-coupons: the user's 商家券 with their states (SENDED, USED, EXPIRED, …), read from WeChat Pay
    requestPayCoupons({ url: `${SERVER}/pay-coupons`, header: this.data.header }).then(
      (coupons) => this.setData({ coupons }),
      (error) => console.warn('pay-coupons', error.message),
    )
  },
})
