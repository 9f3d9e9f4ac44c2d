// 核销 from your back office, once the order that used the coupon is paid: the order number makes the request
// number, so running it again for the same order is the same 核销, never a second one.
import { useBusifavorCoupon } from 'weapp-card-coupon/server'
import { wxpay } from './wechatpay.mjs'

const env = process.env

const used = await useBusifavorCoupon({
  client: wxpay,
  appid: env.MINIPROGRAM_APPID,
  couponCode: env.COUPON_CODE,
  useRequestNo: `USE${env.ORDER_ID}`,
  // the holder: WeChat Pay checks it
  openid: env.OPENID,
})
console.log(JSON.stringify(used))
