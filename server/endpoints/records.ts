// What a handler remembers per request between instances: JSON records in a CredentialStore, each for a fixed time.
// The counter keeps each 核销's outcome by request id, the activation each activate_ticket's, the send-coupon endpoint
// each user's pending out_request_no per batch.
import { isPlainObject } from '../../utils/rules'
import { createMemoryStore, type CredentialStore } from '../cache'

/** JSON records in a store, each kept `ttlMs` after it is written. */
export interface RecordBook<T extends object> {
  /** The record at `key`, or undefined: none, expired, not JSON, or not of this book's shape. Rejects when the store does. */
  read(key: string): Promise<T | undefined>
  /** Writes the record at `key` for the book's `ttlMs`. Rejects when the store does. */
  write(key: string, record: T): Promise<void>
  /** The store (its `lock`, when it has one, serializes work on a key). */
  store: CredentialStore
}

/**
 * A RecordBook over `store` (default: this process's memory), checked: a store without get and set is a TypeError
 * naming `fn`. `isRecord` tells a record of this book from anything else found at a key; `now` (ms since the epoch)
 * dates the records.
 */
export function createRecordBook<T extends object>(
  fn: string,
  store: CredentialStore | undefined,
  o: { ttlMs: number; isRecord(value: Record<string, unknown>): boolean; now?: (() => number) | undefined },
): RecordBook<T> {
  const now = o.now ?? Date.now
  const book = store ?? createMemoryStore({ now })
  if (!book || typeof book.get !== 'function' || typeof book.set !== 'function')
    throw new TypeError(`${fn}: store must have get and set (createMemoryStore, createRedisStore)`)
  return {
    store: book,
    async read(key) {
      const stored = await book.get(key)
      if (!stored || !stored.value || !(stored.expiresAt > now())) return undefined
      try {
        const parsed: unknown = JSON.parse(stored.value)
        return isPlainObject(parsed) && o.isRecord(parsed) ? (parsed as unknown as T) : undefined
      } catch {
        return undefined
      }
    },
    write(key, record) {
      const expiresAt = now() + o.ttlMs
      return book.set(key, { value: JSON.stringify(record), expiresAt, refreshAt: expiresAt }, o.ttlMs)
    },
  }
}
