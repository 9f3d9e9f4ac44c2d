import { randomUUID } from 'node:crypto'
import {
  createApiTicketProvider,
  createStableAccessTokenProvider,
  type CredentialStore,
  type StoreLock,
} from 'weapp-card-coupon/server'

// Yours: a key-value service with expiry and an atomic "set if absent". A stand-in in memory here, so the example
// runs as it is; replace it with your service's client.
const entries = new Map<string, { value: string; until: number }>()
const live = (key: string) => {
  const entry = entries.get(key)
  return entry && entry.until > Date.now() ? entry.value : undefined
}
const kv = {
  get: async (key: string) => live(key),
  put: async (key: string, value: string, ttlMs: number) => void entries.set(key, { value, until: Date.now() + ttlMs }),
  delete: async (key: string) => void entries.delete(key),
  putIfAbsent: async (key: string, value: string, ttlMs: number) =>
    live(key) === undefined && Boolean(entries.set(key, { value, until: Date.now() + ttlMs })),
  deleteIfEquals: async (key: string, value: string) => void (live(key) === value && entries.delete(key)),
}

const store: CredentialStore = {
  async get(key) {
    const raw = await kv.get(key)
    return raw === undefined ? undefined : JSON.parse(raw) // the provider checks the shape itself
  },
  async set(key, value, ttlMs) {
    // ttlMs <= 0: nothing left to keep (invalidate() writes a mark instead: keep it like any value)
    if (ttlMs > 0) await kv.put(key, JSON.stringify(value), ttlMs)
    else await kv.delete(key)
  },
  async lock(key, ttlMs): Promise<StoreLock | undefined> {
    const owner = randomUUID()
    if (!(await kv.putIfAbsent(key, owner, ttlMs))) return undefined
    return { release: () => kv.deleteIfEquals(key, owner) } // only its own lock
  },
}

const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', store, baseUrl })
const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid, store, baseUrl })
console.log('api_ticket ready:', (await tickets.getTicket()).length > 0)
