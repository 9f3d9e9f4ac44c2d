import { createStableAccessTokenProvider, setActivationForm, WeChatApiError } from 'weapp-card-coupon/server'

const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({
  appid: process.env.WECHAT_APPID ?? '',
  secret: process.env.WECHAT_SECRET ?? '',
  baseUrl,
})
const cardId = process.env.MEMBER_CARD_ID ?? 'pDemoMember' // a member card created with "wx_activate": true

try {
  // What WeChat's activation mini-program asks the user: the mobile number and name, and optionally a choice.
  await setActivationForm({
    getAccessToken: tokens.getAccessToken,
    cardId,
    requiredForm: {
      can_modify: false,
      common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE', 'USER_FORM_INFO_FLAG_NAME'],
    },
    optionalForm: {
      rich_field_list: [{ type: 'FORM_FIELD_RADIO', name: '常去门店', values: ['南山店', '福田店'] }],
    },
    baseUrl,
  })
  console.log(`activation form set for ${cardId}`)
} catch (e) {
  // 72026: the card is not set for one-click activation (activate_url or auto_activate wins over wx_activate).
  if (e instanceof WeChatApiError && e.errcode === 72026) console.log(`${cardId} is not a one-click member card`)
  else throw e
}
