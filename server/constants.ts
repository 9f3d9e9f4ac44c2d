// WeChat's server APIs this toolkit calls and WeChat's timing rules, named once: the server functions call these
// paths, and the card-platform simulator (weapp-card-coupon/testing) answers them.

/** Paths below https://api.weixin.qq.com, by what they do. */
export const WECHAT_API = {
  /** `POST`: an access_token in normal or forced mode. */
  stableToken: 'cgi-bin/stable_token',
  /** `GET ?type=wx_card`: the card api_ticket. */
  getTicket: 'cgi-bin/ticket/getticket',
  /** `POST`: an encrypt_code back to the real code. */
  decryptCode: 'card/code/decrypt',
  /** `POST`: the codes one user holds. */
  getCardList: 'card/user/getcardlist',
  /** `POST`: one code's state and holder. */
  getCode: 'card/code/get',
  /** `POST`: one card's settings (base_info: title, logo_url, color, date_info, sku, get_limit, use_custom_code…). */
  getCard: 'card/get',
  /** `GET`, on the mini-program's AppID: a wx.login js_code → the mini-program openid, session_key, unionid. */
  code2Session: 'sns/jscode2session',
  /** `POST`: 核销 one code. */
  consumeCode: 'card/code/consume',
  /** `POST`: make one code unavailable for good. */
  codeUnavailable: 'card/code/unavailable',
  /** `POST`: the activation form of a member card (一键激活). */
  activateUserForm: 'card/membercard/activateuserform/set',
  /** `POST`: the parameters of WeChat's activation mini-program for a member card. */
  activateGetUrl: 'card/membercard/activate/geturl',
  /** `POST`: what the user submitted in the activation mini-program, by activate_ticket. */
  activateTempInfo: 'card/membercard/activatetempinfo/get',
  /** `POST`: activate a member card with its member data. */
  activateMemberCard: 'card/membercard/activate',
  /** `POST`: a member card's data (number, bonus, balance). */
  memberUserInfo: 'card/membercard/userinfo/get',
} as const

/** An access_token and an api_ticket live this long, in seconds. */
export const CREDENTIAL_LIFETIME_SECONDS = 7200

/** WeChat ignores a forced access_token refresh within 30 s of the previous one. */
export const FORCE_REFRESH_INTERVAL_MS = 30_000

/** WeChat allows this many forced access_token refreshes a day (China time). */
export const FORCE_REFRESHES_PER_DAY = 20

export const DAY_MS = 24 * 3600 * 1000

/** China time (UTC+8), on which WeChat counts days: card validity terms, daily quotas. */
export const CHINA_TIME_OFFSET_MS = 8 * 3600 * 1000
