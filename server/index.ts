/**
 * Server toolkit for WeChat card coupons (微信卡券): signing, code decryption, the user's cards with their states,
 * a stable access_token, api_ticket caching, stores to share them (memory, Redis), and ready-made handlers.
 */
export { signCardExt, createNonceStr, createCardExt, verifyCardExt, type SignFields, type CardExtOptions } from './sign'
export { decryptCardCode, type DecryptCardCodeOptions } from './decrypt'
export { getUserCards, type GetUserCardsOptions } from './user-cards'
export {
  createCardCodesHandler,
  createCardExtHandler,
  createUserCardsHandler,
  type CardCodesHandlerOptions,
  type CardExtHandlerOptions,
  type CardExtRule,
  type UserCardsHandlerOptions,
} from './handlers'
export {
  type CardCatalogue,
  type CardHandler,
  type HandlerErrorCode,
  type HandlerOptions,
  type HandlerRequest,
  type HandlerResponse,
  type HeaderValue,
} from './handler'
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
