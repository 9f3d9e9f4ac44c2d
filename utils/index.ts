// The card API for mini-program code: pure TypeScript, no UI. The tags use exactly this.
export { CardError, type CardErrorCode, type CardErrorInfo } from './error'
export {
  CARD_API_MIN_VERSION,
  UPGRADE_TEXT,
  compareVersion,
  getSDKVersion,
  isCardApiSupported,
  showUpgradeModal,
  type CardApi,
} from './version'
export {
  validateCardExt,
  normalizeCardList,
  normalizeOpenList,
  type AddCardInput,
  type AddCardRequestInfo,
  type CardExtFields,
  type OpenCardInput,
} from './validate'
// The values WeChat matches exactly, as <open-card-list> judges its rows (utils/rules.ts).
export { decryptedCodeProblem, exactValueProblem, hasLoneSurrogate, secondsProblem, MAX_CODE_LENGTH } from './rules'
export { WECHAT_USER_CARD_STATUSES } from './protocol'
export {
  addCards,
  openCards,
  prepareAddCards,
  prepareOpenCards,
  assertSupported,
  toCardError,
  type AddCardResponseInfo,
  type AddCardResult,
  type OpenCardResult,
  type PreparedCardCall,
} from './api'
export { fetchFreshCards, requestCardList, type CardExtRequestOptions, type CardSource } from './source'
export {
  requestCardCodes,
  requestMemberInfo,
  requestUserCards,
  type CardCodesRequestOptions,
  type CardServerRequestOptions,
  type MemberInfoRequestOptions,
  type UserCardsRequestOptions,
} from './card-server'
export type {
  CardCodeResult,
  CardCodesRequestBody,
  CardCodesResponseBody,
  CardExtRequestBody,
  CardExtResponseBody,
  ErrorResponseBody,
  UserCard,
  UserCardStatus,
  UserCardsResponseBody,
} from './protocol'
// Member cards (会员卡): one-click activation through WeChat's activation mini-program, and your member endpoints.
export {
  ACTIVATION_APP_ID,
  NAVIGATE_TO_MINI_PROGRAM_MIN_VERSION,
  activateMemberCard,
  claimActivationHandBack,
  completeActivation,
  completeActivationOnShow,
  isActivationSupported,
  openActivation,
  requestActivation,
  requestActivationParams,
  type ActivationFailureReason,
  type ActivationHandBack,
  type ActivationOutcome,
  type MemberEndpoints,
} from './member-card'
export type {
  ActivateRequestBody,
  ActivateResponseBody,
  ActivationExtraDataBody,
  ActivationParamsRequestBody,
  ActivationParamsResponseBody,
  CodeNotUsableReasonBody,
  ConsumeRequestBody,
  ConsumeResponseBody,
  MemberCardData,
  MemberInfoResponseBody,
  UnavailableRequestBody,
  UnavailableResponseBody,
} from './member-protocol'
// WeChat Pay coupons through the send-coupon plugin: its rules, the client of your send-coupon endpoint, and the
// client of your pay-coupons endpoint (the user's 商家券).
export {
  fetchSendCouponParams,
  isSendCouponSupported,
  requestSendCouponParams,
  sendCouponParamsFromSource,
  type SendCouponParamsRequestOptions,
  type SendCouponParamsSource,
} from './send-coupon'
export { payCouponsFromAnswer, requestPayCoupons, type PayCouponsRequestOptions } from './pay-coupons'
export {
  MAX_COUPONS_PER_SEND,
  PAY_COUPON_STATES,
  SEND_COUPON_ERRCODES,
  SEND_COUPON_PLUGIN_MIN_VERSION,
  SEND_COUPON_RESULT_CODES,
  readSendCouponAnswer,
  type PayCoupon,
  type PayCouponState,
  type PayCouponsResponseBody,
  type SendCouponAnswer,
  type SendCouponFailReason,
  type SendCouponOutcome,
  type SendCouponParam,
  type SendCouponParamsRequestBody,
  type SendCouponParamsResponseBody,
  type SendCouponPluginParams,
  type SendCouponResult,
  type SendCouponResultItem,
  type SentCoupon,
} from './send-coupon-rules'
