// The per-user bounds of the endpoints: how many cardExts a user is issued and how many codes they may have
// decrypted within a window. Counted in fixed windows by a RateCounter: in this process by default, shared between
// instances when you pass a store that counts (createRedisStore's does).
import { createMemoryStore } from '../cache'
import { HandlerError } from './core'

/** Counts events per key in fixed windows. `createMemoryStore()` and `createRedisStore(client)` are RateCounters. */
export interface RateCounter {
  /**
   * Adds `amount` to the counter at `key` and resolves its total. The first add starts a window of `windowMs`; the
   * counter is gone after it. Atomic across the instances sharing the counter (Redis: `INCRBY` then `PEXPIRE … NX`).
   */
  increment(key: string, amount: number, windowMs: number): Promise<number>
}

/** A bound: at most `max` events per user within `windowMs` ms. */
export interface RateBound {
  max: number
  windowMs: number
}

/** A RateCounter in this process's memory: the memory store's counter (windows expire on the given clock). */
export const createMemoryRateCounter = (now: () => number = Date.now): RateCounter => createMemoryStore({ now })

/** Checks a RateCounter option: an object with `increment`, or a TypeError naming the option. */
export function checkRateCounter(fn: string, counter: unknown): RateCounter | undefined {
  if (counter === undefined) return undefined
  if (typeof counter !== 'object' || counter === null || typeof (counter as RateCounter).increment !== 'function')
    throw new TypeError(`${fn}: rateCounter must have increment(key, amount, windowMs)`)
  return counter as RateCounter
}

/** Checks a RateBound option (TypeError naming it) and fills the default. */
export function checkBound(
  fn: string,
  name: string,
  bound: Partial<RateBound> | undefined,
  fallback: RateBound,
): RateBound {
  if (bound !== undefined && (typeof bound !== 'object' || bound === null))
    throw new TypeError(`${fn}: ${name} must be { max, windowMs }`)
  const max = bound?.max ?? fallback.max
  const windowMs = bound?.windowMs ?? fallback.windowMs
  if (!Number.isInteger(max) || max < 0) throw new TypeError(`${fn}: ${name}.max must be an integer >= 0`)
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new TypeError(`${fn}: ${name}.windowMs must be an integer >= 1`)
  return { max, windowMs }
}

/**
 * Counts `amount` events against `key`; a 429 `rate_limited` (with `Retry-After`) when that takes the total over
 * `max`. A counter that fails is reported and answers 503 `server_error`: a bound is never skipped silently.
 */
export async function spend(
  counter: RateCounter,
  o: { key: string; amount: number; max: number; windowMs: number; what: string },
  report: (message: string, cause?: unknown) => void,
): Promise<void> {
  let total: number
  try {
    total = await counter.increment(o.key, o.amount, o.windowMs)
  } catch (e) {
    report(`rate counter failed for ${o.key}`, e)
    throw new HandlerError(503, 'server_error', 'could not check the request against its limits; try again later')
  }
  if (typeof total !== 'number' || total > o.max) {
    const seconds = Math.ceil(o.windowMs / 1000)
    throw new HandlerError(
      429,
      'rate_limited',
      `too many ${o.what}: at most ${o.max} per ${seconds} s for one user; try again later`,
      { 'retry-after': String(seconds) },
    )
  }
}
