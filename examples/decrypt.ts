import { createStableAccessTokenProvider, decryptCardCode, WeChatApiError } from 'weapp-card-coupon/server'

const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({
  appid: process.env.WECHAT_APPID ?? '',
  secret: process.env.WECHAT_SECRET ?? '',
  baseUrl,
})

try {
  const code = await decryptCardCode({
    getAccessToken: tokens.getAccessToken,
    encryptCode: process.env.ENCRYPT_CODE ?? '', // e.g. the encrypt_code query parameter of your card's URL
    baseUrl,
  })
  console.log('code:', code)
} catch (e) {
  // TypeError: not a code WeChat issued (e.g. a '+' that became a space); 40056: WeChat does not know it.
  if (e instanceof TypeError || (e instanceof WeChatApiError && e.errcode === 40056)) console.log('invalid code')
  else throw e
}
