/**
 * A CredentialStore on the Redis client you already have (ioredis, node-redis v4+), typed by shape so that neither
 * client is a dependency of this package.
 */
import { randomBytes } from 'crypto'
import type { CredentialStore, StoredCredential } from './cache'

/** An ioredis client or cluster (`new Redis(...)`, `new Cluster(...)`): anything with `call(command, args)`. */
export interface IoRedisClientLike {
  call(command: string, args: string[]): Promise<unknown>
}

/** A node-redis v4+ client (`createClient(...)`, connected): anything with `sendCommand(args)`. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>
}

export type RedisClientLike = IoRedisClientLike | NodeRedisClientLike

export interface RedisStoreOptions {
  /** Put before every key (the providers' keys name the AppID). Default `weapp-card-coupon:`. */
  prefix?: string | undefined
}

const FN = 'createRedisStore'
// Deletes the lock only while it still holds this owner's token: never a lock someone took after ours expired.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

// Adds to a counter and starts its window with the first add (a counter without expiry gets one: never a window
// that lasts forever), atomically.
const INCREMENT =
  "local n = redis.call('incrby', KEYS[1], ARGV[1]) " +
  "if redis.call('pttl', KEYS[1]) < 0 then redis.call('pexpire', KEYS[1], ARGV[2]) end return n"

const isClient = <K extends string>(c: unknown, method: K): c is Record<K, (...args: unknown[]) => unknown> =>
  typeof c === 'object' && c !== null && typeof (c as Record<string, unknown>)[method] === 'function'

/**
 * The client's error as a message only. Not kept as `cause`: ioredis puts the command's arguments (a stored
 * credential) on its errors, and loggers print every property of an error.
 */
function commandError(command: string, key: string, e: unknown): Error {
  const message = typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e)
  return new Error(`Redis ${command} ${key} failed: ${message}`)
}

/**
 * A CredentialStore (with `lock` and `increment`) in Redis: values as JSON with a `PX` expiry, locks as `SET key
 * owner NX PX ttl` released by a compare-and-delete script, counters as `INCRBY` with a `PEXPIRE` on the first add
 * (one script: a RateCounter the handlers' bounds can share). Commands that fail reject with an `Error` naming the command and key
 * (never the value); the providers bound each call with their `storeTimeoutMs`. Throws a `TypeError` for a client
 * that is neither shape or a bad prefix.
 */
export function createRedisStore(client: RedisClientLike, options: RedisStoreOptions = {}): Required<CredentialStore> {
  let send: (args: string[]) => Promise<unknown>
  if (isClient(client, 'call')) send = (args) => Promise.resolve(client.call(args[0], args.slice(1)))
  else if (isClient(client, 'sendCommand')) send = (args) => Promise.resolve(client.sendCommand(args))
  else throw new TypeError(`${FN}: client must be an ioredis client (call) or a node-redis v4+ client (sendCommand)`)
  const prefix = options.prefix ?? 'weapp-card-coupon:'
  if (typeof prefix !== 'string' || !prefix) throw new TypeError(`${FN}: prefix must be a non-empty string`)

  async function command(args: string[], key: string): Promise<unknown> {
    try {
      return await send(args)
    } catch (e) {
      throw commandError(args[0], key, e)
    }
  }
  const ms = (n: number) => String(Math.max(1, Math.ceil(n)))

  return {
    async increment(key, amount, windowMs) {
      const k = prefix + key
      return Number(await command(['EVAL', INCREMENT, '1', k, String(amount), ms(windowMs)], k))
    },
    async get(key) {
      const k = prefix + key
      const reply = await command(['GET', k], k)
      if (reply === null || reply === undefined) return undefined
      try {
        return JSON.parse(String(reply)) as StoredCredential
      } catch {
        return undefined // not ours to read: treated as absent, and overwritten by the next fetch
      }
    },
    async set(key, value, ttlMs) {
      const k = prefix + key
      if (!(ttlMs > 0)) {
        await command(['DEL', k], k)
        return
      }
      const json = JSON.stringify({ value: value.value, expiresAt: value.expiresAt, refreshAt: value.refreshAt })
      await command(['SET', k, json, 'PX', ms(ttlMs)], k)
    },
    async lock(key, ttlMs) {
      const k = prefix + key
      const owner = randomBytes(16).toString('hex')
      const reply = await command(['SET', k, owner, 'NX', 'PX', ms(ttlMs)], k)
      if (reply === null || reply === undefined) return undefined
      return {
        async release() {
          await command(['EVAL', RELEASE, '1', k, owner], k)
        },
      }
    },
  }
}
