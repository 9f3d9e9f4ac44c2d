const { requestPayCoupons } = require('weapp-card-coupon/utils/index')
const { serverUrl } = require('../../config') // your server, e.g. https://your.server

// 满50减5: a batch of the simulator's merchant (npx weapp-card-coupon-simulator lists them); yours: its 批次号 from
// the merchant platform (营销中心 → 商家券), and your server's STOCK_IDS must name it.
const STOCK_ID = '1212000000000001'
/** The page's own line under the button, by the fail event's reason (the tag's toast has said it too). */
const WHY = {
  sold_out: '券已领完',
  limit: '已达领取上限',
  not_running: '活动未开始或已结束',
  retry: '请稍后重试',
  network: '网络异常',
  failed: '请稍后再试',
}
Page({
  data: { serverUrl, stockId: STOCK_ID, header: {}, coupons: [], emptyText: '正在读取…', result: '' },

  onLoad() {
    // wx.request sends no cookies: send the token your login flow (wx.login → your server) gave this user
    this.setData({ header: { Authorization: `Bearer ${wx.getStorageSync('token')}` } })
    this.loadCoupons()
  },

  onReceived(e) {
    // e.detail: { coupons, succeeded, failed }; succeeded (SUCCESS, or DUPREQUEST: it was there already) are now in
    // the user's 卡包: read the list again
    const { succeeded, failed } = e.detail
    this.setData({ result: `领到 ${succeeded.length} 张${failed.length ? `，${failed.length} 张未领到` : ''}` })
    this.loadCoupons()
  },

  onFailed(e) {
    // the tag's toast has told the user why (e.detail.reason: sold_out, limit, not_running, retry, network, failed);
    // code and message are for you (the devtools console)
    console.warn('send-coupon-button', e.detail.reason, e.detail.message)
    this.setData({ result: `未领到：${WHY[e.detail.reason] || '请稍后再试'}` })
  },

  onChosen(e) {
    // a usable coupon: the cashier scans or types its code, and your server 核销s it (useBusifavorCoupon)
    wx.showModal({ title: '出示给店员', content: e.detail.coupon.couponCode, showCancel: false })
  },

  loadCoupons() {
    // GET /pay-coupons: the user's 商家券 with their states (SENDED, USED, EXPIRED…), read from WeChat Pay
    return requestPayCoupons({ url: `${serverUrl}/pay-coupons`, header: this.data.header }).then(
      (coupons) => this.setData({ coupons, emptyText: '还没有微信支付券：点上面的按钮领一张' }),
      (error) => {
        console.warn('pay-coupons', error.message)
        this.setData({ emptyText: '读取失败，请稍后重试' })
      },
    )
  },
})
