// The two endpoints of <send-coupon-button> and <pay-coupon-list>, for the user your login session names:
// POST /send-coupon signs the plugin's parameters for that user; GET /pay-coupons lists the user's 商家券 with their
// states. examples/pay/server.mjs serves them alone; the card server (examples/server.ts) beside its card endpoints.
import { createPayCouponsHandler, createSendCouponHandler } from 'weapp-card-coupon/server'
import { wxpay } from './wechatpay.mjs'

const env = process.env

/**
 * A Map path → handler for `getUser(request)`: who is asking, `{ id, … }` with `id` the user's openid under
 * MINIPROGRAM_APPID (the mini-program bound to the merchant: what WeChat Pay knows the user by), or undefined without a
 * session (401).
 */
export function createPayRoutes(getUser) {
  return new Map([
    [
      '/send-coupon',
      createSendCouponHandler({
        // 发券商户号: the merchant that created the batches (the service provider's own id in service-provider mode)
        merchantId: env.WECHATPAY_MCHID,
        // that merchant's APIv2 key: HMAC-SHA256 over the parameters, never the APIv3 key
        apiV2Key: env.WECHATPAY_APIV2_KEY,
        // the batches this server may issue
        stocks: Object.fromEntries(env.STOCK_IDS.split(',').map((stockId) => [stockId, {}])),
        getUser,
      }),
    ],
    [
      '/pay-coupons',
      createPayCouponsHandler({
        client: wxpay,
        appid: env.MINIPROGRAM_APPID,
        merchantId: env.WECHATPAY_MCHID,
        getUser,
      }),
    ],
  ])
}
