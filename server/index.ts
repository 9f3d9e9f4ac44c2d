/**
 * Server toolkit for WeChat card coupons (微信卡券): signing, code decryption, the user's cards with their states,
 * a stable access_token, api_ticket caching, stores to share them (memory, Redis), and ready-made handlers.
 */
export { signCardExt, createNonceStr, createCardExt, verifyCardExt, type SignFields, type CardExtOptions } from './sign'
export { decryptCardCode, type DecryptCardCodeOptions } from './decrypt'
export { getUserCards, type GetUserCardsOptions } from './user-cards'
export { createCardInfoSource, type CardInfo, type CardInfoSource, type CardInfoSourceOptions } from './card-info'
export {
  createCardExtHandler,
  DEFAULT_ISSUE_LIMIT,
  type CardExtHandlerOptions,
  type CardExtRule,
} from './endpoints/card-ext'
export { createCardCodesHandler, DEFAULT_DECRYPT_LIMIT, type CardCodesHandlerOptions } from './endpoints/card-codes'
export { createMemoryRateCounter, type RateBound, type RateCounter } from './endpoints/limits'
export { createUserCardsHandler, type UserCardsHandlerOptions } from './endpoints/user-cards'
export type { CardCatalogue } from './endpoints/catalogue'
// Member cards (会员卡) and the counter: activation, member data, 核销 and invalidation.
export {
  ACTIVATION_APP_ID,
  MEMBER_CARD_ERRCODES,
  activateMemberCard,
  consumeCode,
  getActivationExtraData,
  getActivationForm,
  getCodeState,
  getMemberInfo,
  makeCodeUnavailable,
  setActivationForm,
  type ActivationExtraData,
  type ActivationForm,
  type CodeNotUsableReason,
  type CodeRef,
  type CodeState,
  type ConsumeOutcome,
  type MemberActivation,
  type MemberCardApiOptions,
  type MemberInfo,
  type UnavailableOutcome,
} from './member-card'
export {
  createActivateHandler,
  createActivationParamsHandler,
  createMemberInfoHandler,
  type ActivateHandlerOptions,
  type ActivationParamsHandlerOptions,
  type ActivationRequest,
  type MemberHandlerOptions,
} from './endpoints/member-activation'
export {
  CONSUME_REQUEST_TTL_MS,
  createCodeUnavailableHandler,
  createConsumeHandler,
  type ConsumeHandlerOptions,
  type StaffActionRecord,
  type StaffHandlerOptions,
} from './endpoints/member-staff'
export type {
  ActivateRequestBody,
  ActivateResponseBody,
  ActivationParamsRequestBody,
  ActivationParamsResponseBody,
  CodeNotUsableReasonBody,
  ConsumeRequestBody,
  ConsumeResponseBody,
  MemberCardData,
  MemberInfoResponseBody,
  UnavailableRequestBody,
  UnavailableResponseBody,
} from '../utils/member-protocol'
export type {
  CardHandler,
  CardUser,
  HandlerErrorCode,
  HandlerOptions,
  HandlerRequest,
  HandlerResponse,
  HeaderValue,
} from './endpoints/core'
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
  WeChatUserCardStatus,
} from '../utils/protocol'
export { WECHAT_USER_CARD_STATUSES } from '../utils/protocol'
export { createApiTicketProvider, type ApiTicketProvider, type ApiTicketProviderOptions } from './ticket'
export {
  createStableAccessTokenProvider,
  type StableAccessTokenProvider,
  type StableAccessTokenProviderOptions,
} from './token'
export {
  createMemoryStore,
  type CacheOptions,
  type CredentialStore,
  type MemoryStoreOptions,
  type StoredCredential,
  type StoreLock,
} from './cache'
export {
  createRedisStore,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  type RedisStoreOptions,
} from './redis-store'
export {
  WeChatApiError,
  type AccessTokenRequest,
  type AccessTokenSource,
  type RetryOptions,
  type TransportOptions,
} from './wechat'
// WeChat Pay coupons (商家券 / 代金券): the send-coupon plugin's sign and endpoint.
export {
  APIV2_KEY_LENGTH,
  SEND_COUPON_PARAM_FIELDS,
  SendCouponSignError,
  sendCouponSignSource,
  signSendCouponParams,
  verifySendCouponSign,
  type SendCouponSignParams,
} from './pay/sign'
export {
  createOutRequestNo,
  createSendCouponHandler,
  type SendCouponHandlerOptions,
  type SendCouponStock,
} from './pay/send-coupon-handler'
export { createPayCouponsHandler, type PayCouponsHandlerOptions } from './pay/pay-coupons-handler'
export type {
  PayCoupon,
  PayCouponState,
  PayCouponsResponseBody,
  SendCouponAnswer,
  SendCouponParam,
  SendCouponParamsRequestBody,
  SendCouponParamsResponseBody,
  SendCouponPluginParams,
  SendCouponResultItem,
} from '../utils/send-coupon-rules'
export { MAX_COUPONS_PER_SEND, SEND_COUPON_ERRCODES, SEND_COUPON_RESULT_CODES } from '../utils/send-coupon-rules'
export {
  listBusifavorCoupons,
  useBusifavorCoupon,
  WechatPayApiError,
  type BusifavorCoupon,
  type BusifavorCouponState,
  type ListBusifavorCouponsOptions,
  type PayApiClient,
  type PayApiOptions,
  type PayApiRequest,
  type UseBusifavorCouponOptions,
  type WechatpayAxiosPluginLike,
} from './pay/busifavor'
