// The types of fleet.js (plain JS: the bench runs it too).

export interface FleetConfig {
  client: 'ioredis' | 'node-redis'
  redisPort: number
  baseUrl: string
  appid: string
  secret: string
  lockTtlMs?: number
  storeTimeoutMs?: number
  /** Each process its own in-memory store instead of Redis. */
  memoryStore?: boolean
}

/** What `tickets` answers: how many calls resolved, the distinct tickets, the distinct errors. */
export interface Tickets {
  count: number
  distinct: string[]
  errors: string[]
}

/** One server process of the fleet, commanded over IPC. */
export interface Worker {
  pid: number
  exited: Promise<{ code: number | null; signal: string | null }>
  call(message: { cmd: 'tickets'; n: number; deadlineMs?: number | undefined }): Promise<Tickets>
  call(message: { cmd: 'fresh'; lockTtlMs?: number }): Promise<void>
  call(message: { cmd: 'invalidate' }): Promise<void>
  call(message: { cmd: 'faults' }): Promise<string[]>
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>
}

/** Forks a worker and resolves once its providers are ready. */
export function startWorker(config: FleetConfig): Promise<Worker>
