// The server of <send-coupon-button>: POST /send-coupon signs the plugin's parameters for the session user;
// GET /pay-coupons lists that user's 商家券 with their states.
import { createServer } from 'node:http'
import { createPayCouponsHandler, createSendCouponHandler } from 'weapp-card-coupon/server'
import { wxpay } from './wechatpay.mjs'

const env = process.env

// Who is asking: your own login session. Here a development token, DEV_SESSION, stands for the user DEV_OPENID.
const getOpenid = (request) =>
  request.headers.authorization === `Bearer ${env.DEV_SESSION}` ? env.DEV_OPENID : undefined

const sendCoupon = createSendCouponHandler({
  // 发券商户号: the merchant that created the batches (the service provider's own id in service-provider mode)
  merchantId: env.WECHATPAY_MCHID,
  // that merchant's APIv2 key: HMAC-SHA256 over the parameters, never the APIv3 key
  apiV2Key: env.WECHATPAY_APIV2_KEY,
  // the batches this server may issue
  stocks: Object.fromEntries(env.STOCK_IDS.split(',').map((stockId) => [stockId, {}])),
  getOpenid,
})

const payCoupons = createPayCouponsHandler({
  client: wxpay,
  appid: env.WECHAT_APPID,
  merchantId: env.WECHATPAY_MCHID,
  getOpenid,
})

const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0]
  if (path === '/send-coupon') return sendCoupon(req, res)
  if (path === '/pay-coupons') return payCoupons(req, res)
  res.writeHead(404).end()
})
server.listen(Number(env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`))
