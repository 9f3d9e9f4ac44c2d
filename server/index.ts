/** Node-only server toolkit for WeChat card coupons (微信卡券): signing, code decryption, api_ticket caching. */
export { signCardExt, createNonceStr, createCardExt, verifyCardExt, type SignFields, type CardExtOptions } from './sign'
export { decryptCardCode, type DecryptCardCodeOptions } from './decrypt'
export {
  createApiTicketProvider,
  createMemoryTicketStore,
  type ApiTicketProvider,
  type ApiTicketProviderOptions,
  type StoredTicket,
  type TicketStore,
} from './ticket'
export { WeChatApiError } from './wechat'
