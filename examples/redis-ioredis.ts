import { Redis } from 'ioredis'
import { createApiTicketProvider, createRedisStore, createStableAccessTokenProvider } from 'weapp-card-coupon/server'

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
redis.on('error', (e) => console.warn('redis:', e.message)) // the providers report store faults to onError too

const store = createRedisStore(redis)
const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', store, baseUrl })
const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid, store, baseUrl })

console.log('api_ticket ready:', (await tickets.getTicket()).length > 0)
redis.disconnect()
