import { createClient } from 'redis'
import { createApiTicketProvider, createRedisStore, createStableAccessTokenProvider } from 'weapp-card-coupon/server'

const redis = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
redis.on('error', (e: Error) => console.warn('redis:', e.message)) // without a listener node-redis crashes the process
await redis.connect()

const store = createRedisStore(redis)
const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', store, baseUrl })
const tickets = createApiTicketProvider({
  getAccessToken: tokens.getAccessToken,
  appid,
  store,
  baseUrl,
  onError: (e) => console.warn(e.message), // every store fault, not just the first of an episode
})

console.log('api_ticket ready:', (await tickets.getTicket()).length > 0)
await redis.quit()
