/**
 * Node-only server toolkit for WeChat card coupons (微信卡券): signing, code decryption, a stable access_token,
 * api_ticket caching, and stores to share them (memory, Redis).
 */
export { signCardExt, createNonceStr, createCardExt, verifyCardExt, type SignFields, type CardExtOptions } from './sign'
export { decryptCardCode, type DecryptCardCodeOptions } from './decrypt'
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
