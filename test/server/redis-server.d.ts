// The types of redis-server.js (plain JS: the bench runs it too).

/** A redis-server on a free loopback port: `stop()` ends it, `start()` runs it again on the same port (empty). */
export interface RedisServer {
  port: number
  url: string
  start(): Promise<void>
  stop(): Promise<void>
}

/** Starts redis-server (no persistence) and resolves once it accepts connections; rejects when it is missing. */
export function startRedis(): Promise<RedisServer>

/** A port nobody listens on right now. */
export function freePort(): Promise<number>
