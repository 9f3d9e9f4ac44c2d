/**
 * The cache behind both credential providers (api_ticket, access_token): a shared store that may fail, an in-process
 * copy that never gets lost, one fetch for all callers (and, when the store can lock, for all instances), the refresh
 * point apart from WeChat's real expiry, and stale-if-error between the two.
 */
import { describeError, redactSecrets, sleep } from './wechat'
import { CREDENTIAL_LIFETIME_SECONDS } from './constants'

/** One cached credential (an api_ticket or an access_token) as a store keeps it. Times are ms since the epoch. */
export interface StoredCredential {
  /** The api_ticket or access_token itself: a secret, never log it. */
  value: string
  /** WeChat's own expiry: the time of the answer + `expires_in`. Never handed out from then on. */
  expiresAt: number
  /** From here on the next caller refreshes it (expiresAt − the refresh margin); until expiresAt it is still handed out when that refresh fails. */
  refreshAt: number
}

/** A lock taken through `CredentialStore.lock`. */
export interface StoreLock {
  /** Frees the lock if this holder still owns it (never someone else's lock taken after ours expired). */
  release(): Promise<void>
}

/**
 * Where credentials are cached. `createMemoryStore()` (one process) and `createRedisStore(client)` (shared) implement
 * it; your own store can too. The providers time every call out (`storeTimeoutMs`) and survive a store that fails.
 */
export interface CredentialStore {
  /** The value at `key`, or undefined when there is none (or it cannot be read as a StoredCredential). */
  get(key: string): Promise<StoredCredential | undefined>
  /**
   * Writes `value` at `key`. `ttlMs` is how long it is worth keeping (until its expiresAt, in ms): a store may drop
   * it then. `ttlMs <= 0` means delete the key. invalidate() writes a mark with an empty value and `expiresAt: 0`
   * (the value was dropped on purpose): keep it like any value.
   */
  set(key: string, value: StoredCredential, ttlMs: number): Promise<void>
  /**
   * Optional: takes the lock named `key` for `ttlMs` ms unless someone holds it, atomically across every instance
   * sharing the store (e.g. Redis `SET key owner NX PX ttlMs`). Resolves the lock, or undefined when it is held
   * elsewhere. With it, instances sharing the store fetch once; without it, each instance fetches on its own.
   */
  lock?(key: string, ttlMs: number): Promise<StoreLock | undefined>
  /**
   * Optional: adds `amount` to the counter at `key` and resolves its total; the first add starts a window of
   * `windowMs` after which the counter is gone (Redis `INCRBY` then `PEXPIRE key windowMs NX`). With it, the store
   * is also a RateCounter: pass it as a handler's `rateCounter` so that instances share the per-user bounds.
   */
  increment?(key: string, amount: number, windowMs: number): Promise<number>
}

export interface MemoryStoreOptions {
  /** Clock in ms since the epoch (value and lock expiry). Default Date.now. */
  now?: (() => number) | undefined
}

/** A CredentialStore in this process's memory (values and locks expire on the given clock). The default store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): Required<CredentialStore> {
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError('createMemoryStore: now must be a function')
  const values = new Map<string, { value: StoredCredential; until: number }>()
  const locks = new Map<string, { owner: object; until: number }>()
  const counters = new Map<string, { total: number; until: number }>()
  return {
    async increment(key, amount, windowMs) {
      let entry = counters.get(key)
      if (!entry || entry.until <= now()) {
        if (counters.size > 10_000) for (const [k, v] of counters) if (v.until <= now()) counters.delete(k)
        entry = { total: 0, until: now() + windowMs }
        counters.set(key, entry)
      }
      entry.total += amount
      return entry.total
    },
    async get(key) {
      const entry = values.get(key)
      if (entry && entry.until > now()) return { ...entry.value }
      values.delete(key)
      return undefined
    },
    async set(key, value, ttlMs) {
      if (ttlMs > 0) values.set(key, { value: { ...value }, until: now() + ttlMs })
      else values.delete(key)
    },
    async lock(key, ttlMs) {
      const held = locks.get(key)
      if (held && held.until > now()) return undefined
      const owner = {}
      locks.set(key, { owner, until: now() + ttlMs })
      return {
        async release() {
          if (locks.get(key)?.owner === owner) locks.delete(key)
        },
      }
    },
  }
}

/** The cache options both providers take (besides their own). */
export interface CacheOptions {
  /** Where values are cached. Default: `createMemoryStore({ now })` (this process). Share one (`createRedisStore`) between instances. */
  store?: CredentialStore | undefined
  /**
   * Seconds before WeChat's expiry at which a value is refreshed. Default 300. For a short `expires_in` the margin
   * shrinks to a quarter of the lifetime, so a value is always cached for most of it. Must be >= 0 and < 7200.
   */
  refreshMarginSeconds?: number | undefined
  /** Clock in ms since the epoch, for tests. Default Date.now. */
  now?: (() => number) | undefined
  /**
   * Longest wait for one store call, in ms. Default 1 000. A store call that fails or times out is reported to
   * `onError`; the provider then serves its in-process copy and leaves the store alone for storeTimeoutMs,
   * doubling (up to 30×) while it keeps failing.
   */
  storeTimeoutMs?: number | undefined
  /**
   * Expiry of the lock the instance that fetches holds, in ms (a holder that dies frees it after this long).
   * Default: long enough for one fetch with its retries ((maxRetries + 1) × timeoutMs + back-off + 1 s).
   */
  lockTtlMs?: number | undefined
  /** Longest wait for another instance's fetch, in ms, before rejecting with an Error. Default lockTtlMs + 1 000. */
  lockWaitMs?: number | undefined
  /**
   * Told about faults that do not fail the call: a store call that failed or timed out, a refresh that failed while
   * the cached value is still valid. The Error's message names the store key and never contains a credential or
   * the AppSecret. Default: one `console.warn` per fault episode (the next one after a success).
   */
  onError?: ((error: Error) => void) | undefined
}

/** A fresh credential from WeChat. */
export interface Fetched {
  value: string
  /** WeChat's `expires_in`, in seconds. */
  expiresIn: number
}

/** What a fetcher returns when it must not fetch now: the value is to come from another instance through the store. */
export interface WaitForStore {
  /** What is awaited, for the message when lockWaitMs runs out. */
  waitFor: string
}

export type Fetcher = (rejected: string | undefined) => Promise<Fetched | WaitForStore>

export interface CacheSettings {
  /** The public function's name, for messages. */
  fn: string
  /** What is cached, for messages: `api_ticket`, `access_token`. */
  what: string
  key: string
  /** Values besides the cached ones that must never reach a message (the AppSecret). */
  secrets: readonly string[]
  /** Used for the default lockTtlMs. */
  timeoutMs: number
  maxRetries: number
  retryDelayMs: number
}

export interface CredentialCache {
  /**
   * A value that is not `rejected`: fresh from the store or this process; else fetched once for all concurrent
   * callers (and instances, when the store locks); a cached one past its refresh point when that fetch fails.
   */
  get(rejected?: string): Promise<string>
  /** The value this process holds, if any. */
  current(): string | undefined
  /** Takes the store lock `${key}:${name}` for ttlMs and never releases it: a rate limit shared by instances. */
  claim(name: string, ttlMs: number): Promise<'claimed' | 'taken' | 'store failed'>
  /** Drops the value here and in the store; rejects when the store could not be told. */
  invalidate(): Promise<void>
}

const MAX_LIFETIME_MS = CREDENTIAL_LIFETIME_SECONDS * 1000
const STALE_RETRY_FIRST_MS = 5_000
const STALE_RETRY_MAX_MS = 60_000
const POLL_FIRST_MS = 20
const POLL_MAX_MS = 200

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0

/** A store read: the value when usable; `invalidated` when another instance's invalidate() left its mark there. */
type Read = { ok: true; value: StoredCredential | undefined; invalidated: boolean } | { ok: false }

/** What invalidate() writes: a mark that the value was dropped on purpose (not lost with a restarted store). */
const INVALIDATED: StoredCredential = { value: '', expiresAt: 0, refreshAt: 0 }
/** How long the mark stays: longer than any value WeChat hands out (7,200 s). */
const INVALIDATED_TTL_MS = CREDENTIAL_LIFETIME_SECONDS * 1000

const isInvalidatedMark = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (v as StoredCredential).value === '' && (v as StoredCredential).expiresAt === 0

/** A StoredCredential as far as a store's answer can be trusted (a store may hold anything). */
function valid(v: unknown): StoredCredential | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const { value, expiresAt, refreshAt } = v as Record<string, unknown>
  if (typeof value !== 'string' || !value || typeof expiresAt !== 'number' || typeof refreshAt !== 'number')
    return undefined
  return { value, expiresAt, refreshAt }
}

function withTimeout<T>(run: () => Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    // A store written by hand may throw instead of rejecting.
    Promise.resolve().then(run),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (storeTimeoutMs)`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** Checks the cache options (TypeError naming the option) and builds the cache. */
export function createCredentialCache(o: CacheOptions, s: CacheSettings, fetchValue: Fetcher): CredentialCache {
  const { fn, what, key } = s
  const now = o.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError(`${fn}: now must be a function`)
  const store = o.store ?? createMemoryStore({ now })
  if (!store || typeof store.get !== 'function' || typeof store.set !== 'function')
    throw new TypeError(`${fn}: store must have get(key) and set(key, value, ttlMs)`)
  if (store.lock !== undefined && typeof store.lock !== 'function')
    throw new TypeError(`${fn}: store.lock must be a function when present`)
  const margin = o.refreshMarginSeconds ?? 300
  if (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0 || margin * 1000 >= MAX_LIFETIME_MS)
    throw new TypeError(`${fn}: refreshMarginSeconds must be a number of seconds >= 0 and < 7200`)
  const marginMs = margin * 1000
  const ms = (name: 'storeTimeoutMs' | 'lockTtlMs' | 'lockWaitMs', fallback: number): number => {
    const v = o[name] ?? fallback
    if (!positive(v)) throw new TypeError(`${fn}: ${name} must be a positive number of ms`)
    return v
  }
  const storeTimeoutMs = ms('storeTimeoutMs', 1000)
  const lockTtlMs = ms('lockTtlMs', (s.maxRetries + 1) * s.timeoutMs + s.retryDelayMs * (2 ** s.maxRetries - 1) + 1000)
  const lockWaitMs = ms('lockWaitMs', lockTtlMs + 1000)
  if (o.onError !== undefined && typeof o.onError !== 'function')
    throw new TypeError(`${fn}: onError must be a function`)
  // Without store.lock, instances cannot coordinate; locks in this process still serve the force-refresh limit.
  const ownLocks = createMemoryStore({ now })
  const lockIn = (name: string, ttlMs: number) => (store.lock ? store.lock(name, ttlMs) : ownLocks.lock(name, ttlMs))

  // ------------------------------------------------------------ fault reporting, with every secret taken out
  const known = new Set<string>(s.secrets.filter(Boolean))
  const remember = (value: string) => {
    known.add(value)
    if (known.size > 16) known.delete(known.values().next().value as string)
  }
  // Known secrets by value; and, for one this process never saw (another instance's), anything shaped like a token.
  const redact = (text: string) => redactSecrets(text, known)
  const episodes = { store: false, refresh: false }
  function fault(kind: keyof typeof episodes, message: string): void {
    const error = new Error(redact(message))
    const first = !episodes[kind]
    episodes[kind] = true
    try {
      if (o.onError) o.onError(error)
      else if (first) console.warn(`weapp-card-coupon: ${error.message}`)
    } catch {
      // A failing onError must not fail the call it reports on.
    }
  }

  // ------------------------------------------------------------ the store, bounded and skipped while it fails
  let storeSkipUntil = 0
  let storeBackoff = 0
  async function storeCall<T>(
    op: string,
    run: () => Promise<T>,
    force = false,
  ): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    if (!force && now() < storeSkipUntil) return { ok: false, error: 'skipped after a recent store fault' }
    try {
      const value = await withTimeout(run, storeTimeoutMs, `the store (${op} ${key})`)
      storeBackoff = 0
      storeSkipUntil = 0
      episodes.store = false
      return { ok: true, value }
    } catch (e) {
      storeBackoff = Math.min(storeBackoff ? storeBackoff * 2 : storeTimeoutMs, 30 * storeTimeoutMs)
      storeSkipUntil = now() + storeBackoff
      const error = describeError(e)
      fault('store', `${fn}: store ${op} failed for ${key} (${error}); serving the ${what} held in this process`)
      return { ok: false, error }
    }
  }

  // ------------------------------------------------------------ state
  let local: StoredCredential | undefined
  /** The store is known to hold `local` (we wrote or read it): if the store later lacks it, it was dropped on purpose. */
  let localSaved = false
  let generation = 0
  let invalidating: Promise<void> | undefined
  let reading: { generation: number; promise: Promise<Read> } | undefined
  let saving: Promise<void> | undefined
  const flights = new Map<string, { generation: number; promise: Promise<string> }>()
  let held: StoreLock | undefined
  /** Values invalidate() dropped here but could not delete from the store: not adopted from the store again. */
  const dropped = new Set<string>()
  let staleRetryAt = 0
  let staleBackoff = 0

  const usable = (v: StoredCredential | undefined, rejected: string | undefined): v is StoredCredential =>
    v !== undefined && v.value !== rejected && v.expiresAt > now()
  /** Usable and not yet due: `v` itself, else undefined (a plain test would narrow the caller's `v` to undefined). */
  const fresh = (v: StoredCredential | undefined, rejected: string | undefined): StoredCredential | undefined =>
    usable(v, rejected) && v.refreshAt > now() ? v : undefined

  const readNow = (): Promise<Read> =>
    storeCall('get', () => store.get(key)).then((r): Read =>
      r.ok ? { ok: true, value: valid(r.value), invalidated: isInvalidatedMark(r.value) } : { ok: false },
    )
  /** One store read at a time, shared by the callers that arrive while it runs. */
  function read(): Promise<Read> {
    if (reading && reading.generation === generation) return reading.promise
    const promise = readNow()
    const entry = { generation, promise }
    reading = entry
    void promise.finally(() => {
      if (reading === entry) reading = undefined
    })
    return promise
  }

  /** Writes the in-process copy to the store again after an earlier write failed (in the background). */
  function saveLocal(): void {
    const value = local
    if (saving || !value) return
    saving = storeCall('set', () => store.set(key, value, value.expiresAt - now())).then((r) => {
      if (r.ok && local === value) localSaved = true
      saving = undefined
    })
  }

  /** The value to go by after a store read: the store's when usable, else ours if the store never got it. */
  function candidate(r: Read, started: number): StoredCredential | undefined {
    if (started !== generation) return undefined
    if (!r.ok) return local
    if (r.value && r.value.expiresAt > now() && !dropped.has(r.value.value)) {
      remember(r.value.value)
      if (local?.value !== r.value.value || local.refreshAt !== r.value.refreshAt) local = r.value
      localSaved = true
      return local
    }
    // Ours never reached the store (its writes failed) and nobody dropped it on purpose: write it back.
    if (local && !localSaved && !r.invalidated && local.expiresAt > now()) {
      saveLocal()
      return local
    }
    // The store dropped what we wrote (invalidated elsewhere, evicted, restarted): refetch.
    local = undefined
    localSaved = false
    return undefined
  }

  async function adopt(fetched: Fetched, started: number): Promise<string> {
    const t = now()
    const lifetime = fetched.expiresIn * 1000
    const value: StoredCredential = {
      value: fetched.value,
      expiresAt: t + lifetime,
      refreshAt: t + lifetime - Math.min(marginMs, lifetime / 4),
    }
    remember(value.value)
    dropped.delete(value.value) // WeChat issued it again: valid after all
    if (started === generation) {
      local = value
      localSaved = false
      staleRetryAt = 0
      staleBackoff = 0
      episodes.refresh = false
      const w = await storeCall('set', () => store.set(key, value, lifetime))
      if (w.ok && local === value) localSaved = true
    }
    return value.value
  }

  type Lock = { state: 'held'; lock: StoreLock } | { state: 'taken' } | { state: 'store failed' }
  async function takeLock(name: string, ttlMs: number): Promise<Lock> {
    const r = await storeCall('lock', () => lockIn(`${key}:${name}`, ttlMs))
    if (!r.ok) return { state: 'store failed' }
    return r.value ? { state: 'held', lock: r.value } : { state: 'taken' }
  }
  function release(lock: StoreLock): void {
    if (held === lock) held = undefined
    void storeCall('release', () => lock.release(), true)
  }

  /** A fetch shared by this process's callers: under the store lock when it can be had, else waiting for the holder's value. */
  /**
   * A fetch shared by this process's callers: under the store lock when it can be had; else waiting for the
   * holder's value, taking the lock over if the holder dies. A fetcher that says wait is not asked again.
   */
  async function fly(
    started: number,
    rejected: string | undefined,
    stale: StoredCredential | undefined,
  ): Promise<string> {
    const deadline = Date.now() + lockWaitMs
    let pause = POLL_FIRST_MS
    let toldToWait: string | undefined
    for (;;) {
      const lock: Lock = toldToWait ? { state: 'taken' } : await takeLock('lock', lockTtlMs)
      if (lock.state === 'taken' && stale && usable(stale, rejected)) return stale.value
      if (lock.state !== 'taken') {
        if (lock.state === 'held') held = lock.lock
        try {
          if (lock.state === 'held') {
            // Another instance may have written while this one waited for the lock (a read that began before would not see it).
            const again = fresh(candidate(await readNow(), started), rejected)
            if (again) return again.value
          }
          const fetched = await fetchValue(rejected)
          if ('value' in fetched) return await adopt(fetched, started)
          toldToWait = fetched.waitFor
        } finally {
          if (lock.state === 'held') release(lock.lock)
        }
      }
      if (Date.now() >= deadline) {
        const waitFor = toldToWait ?? `another instance to fetch it (lock ${key}:lock)`
        throw new Error(`${fn}: no ${what} after waiting ${lockWaitMs} ms (lockWaitMs) for ${waitFor}`)
      }
      await sleep(Math.min(pause, Math.max(0, deadline - Date.now())))
      pause = Math.min(pause * 2, POLL_MAX_MS)
      const seen = fresh(candidate(await read(), started), rejected)
      if (seen) return seen.value
    }
  }

  function refresh(
    started: number,
    rejected: string | undefined,
    stale: StoredCredential | undefined,
  ): Promise<string> {
    const name = rejected ?? ''
    const joined = flights.get(name)
    let promise: Promise<string>
    if (joined && joined.generation === started) promise = joined.promise
    else {
      promise = fly(started, rejected, stale).catch((e: unknown) => {
        if (started === generation && usable(local, rejected)) {
          staleBackoff = Math.min(staleBackoff ? staleBackoff * 2 : STALE_RETRY_FIRST_MS, STALE_RETRY_MAX_MS)
          staleRetryAt = now() + staleBackoff
          fault(
            'refresh',
            `${fn}: refreshing the ${what} failed (${describeError(e)}); serving the cached one until it expires ` +
              `at ${new Date(local.expiresAt).toISOString()}, next try in ${staleBackoff / 1000} s`,
          )
        }
        throw e
      })
      const entry = { generation: started, promise }
      flights.set(name, entry)
      void promise.then(
        () => flights.get(name) === entry && flights.delete(name),
        () => flights.get(name) === entry && flights.delete(name),
      )
    }
    // Stale-if-error: until WeChat's real expiry, a failed refresh still answers with the cached value.
    return stale ? promise.catch((e: unknown) => (usable(stale, rejected) ? stale.value : Promise.reject(e))) : promise
  }

  return {
    async get(rejected) {
      if (rejected !== undefined) remember(rejected)
      // A pending invalidate() must land first; its failure is invalidate's to report.
      if (invalidating) await invalidating.catch(() => undefined)
      const started = generation
      const joined = flights.get(rejected ?? '')
      if (joined && joined.generation === started) return joined.promise
      const c = candidate(await read(), started)
      if (!usable(c, rejected)) return refresh(started, rejected, undefined)
      if (fresh(c, rejected) || now() < staleRetryAt) return c.value
      return refresh(started, rejected, c)
    },
    current: () => local?.value,
    async claim(name, ttlMs) {
      const lock = await takeLock(name, ttlMs)
      return lock.state === 'held' ? 'claimed' : lock.state
    },
    async invalidate() {
      generation++
      const old = local?.value
      local = undefined
      localSaved = false
      staleRetryAt = 0
      // A fetch started before this one must not keep the next one waiting for its lock.
      if (held) release(held)
      // A mark, not a delete: a process whose own copy never reached the store must not write it back.
      const done = storeCall('delete', () => store.set(key, INVALIDATED, INVALIDATED_TTL_MS), true).then((r) => {
        if (r.ok) return
        if (old) dropped.add(old)
        if (dropped.size > 16) dropped.delete(dropped.values().next().value as string)
        throw new Error(redact(`${fn}: invalidate could not delete ${key} from the store (${r.error})`))
      })
      invalidating = done
      try {
        await done
      } finally {
        if (invalidating === done) invalidating = undefined
      }
    },
  }
}
