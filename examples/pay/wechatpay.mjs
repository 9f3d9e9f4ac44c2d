// Your WeChat Pay APIv3 client: the SDK signs every request with the merchant's private key (RSA) and verifies every
// answer with WeChat Pay's public key. The APIv2 key is not here: it only signs the send-coupon plugin's parameters.
import { readFileSync } from 'node:fs'
import { Wechatpay } from 'wechatpay-axios-plugin'

const env = process.env

export const wxpay = new Wechatpay({
  mchid: env.WECHATPAY_MCHID,
  // the serial of the merchant's API certificate (商户API证书序列号)
  serial: env.WECHATPAY_SERIAL,
  privateKey: readFileSync(env.WECHATPAY_PRIVATE_KEY_FILE),
  // WeChat Pay's public key by its id (PUB_KEY_ID_…), or the platform certificate by its serial
  certs: { [env.WECHATPAY_PUBLIC_KEY_ID]: readFileSync(env.WECHATPAY_PUBLIC_KEY_FILE) },
  // tests point it at the simulator; in production leave it out (https://api.mch.weixin.qq.com)
  ...(env.WECHATPAY_BASE_URL ? { baseURL: env.WECHATPAY_BASE_URL } : {}),
})
