// The reliability catalogue (issue 16, "Done when"): bad inputs that must each end in a typed error before any wx
// call or network request, valid look-alikes that must pass unchanged, and faults injected on the client and the
// server that must each end in exactly one outcome. The *.test.ts files beside this one run every case and assert
// it; `npm run reliability` runs them with RELIABILITY_OUT set, and each file then writes what it observed there
// for scripts/reliability-report.js to format into docs/reliability.md. The cases are listed once, here.
import fs from 'fs'
import path from 'path'
import { runInThisContext } from 'vm'
import { BAD_INPUTS, CONTROLS } from './inputs'
import { nextMacrotask } from './run'
import { SERVER_FAULTS } from './server-faults'
import { TAG_FAULTS } from './tag-faults'

/** What the catalogue must reach; the jest suite asserts it, the report says whether it is met. */
export const GOALS = { badInputs: 80, faults: 15 } as const

/** The typed error a bad input must end in. */
export type ExpectedError =
  /** The client's CardError('invalid'), naming the card (`index`) and the `field`; `says` describes the input. */
  | { error: 'invalid'; index: number | undefined; field: string | undefined; says?: RegExp }
  /** A server factory's TypeError, `<fn>: …` naming the option. */
  | { error: 'TypeError'; fn: string; option: string; says?: RegExp }

/** One bad input: `attempt` must throw or reject with `expected`, and reach no wx function and no network. */
export interface BadInput<World> {
  className: string
  name: string
  expected: ExpectedError
  /**
   * A bug this catalogue found (file, input, expected and got): the case runs as `it.failing` until it is fixed,
   * and the report lists it apart from the counts.
   */
  knownBug?: string | undefined
  /** Set-up whose wx calls do not count (e.g. WeChat accepting a cardExt before it is sent again). */
  prepare?(world: World): Promise<void>
  attempt(world: World): unknown
}

/** A valid input that looks like a bad one: `attempt` must resolve `expected` (what wx received). */
export interface Control<World> {
  className: string
  name: string
  expected: unknown
  attempt(world: World): Promise<unknown>
}

/** What a fault led to: every outcome in order, and the calls made to the faulty side. */
export interface Outcome {
  /**
   * A tag: its events in order (`fail timeout: …`, `complete fail`). A server function: how each call settled,
   * in order (the value it resolved, or `<Error name>: <message>`).
   */
  settled: string[]
  /** A tag: wx calls the simulator recorded. A server function: requests upstream (WeChat or the simulator). */
  calls: number
  /** A server function: what its onError hook was told, in order (never a credential). */
  reported?: string[]
}

/** One fault injected: `run` must lead to exactly `expected`. */
export interface Fault<World> {
  className: string
  name: string
  expected: Outcome
  run(world: World): Promise<Outcome>
}

export { BAD_INPUTS, CONTROLS, SERVER_FAULTS, TAG_FAULTS }

/**
 * Every class of the catalogue with its kind, number of cases and how many of them end as expected (all but the
 * known bugs), in catalogue order: the report's table.
 */
export function classTable(): { className: string; kind: string; cases: number; asExpected: number }[] {
  const rows: { className: string; kind: string; cases: number; asExpected: number }[] = []
  const lists: [string, { className: string; knownBug?: string | undefined }[]][] = [
    ['bad input', BAD_INPUTS],
    ['valid look-alike', CONTROLS],
    ['fault (tags)', TAG_FAULTS],
    ['fault (server)', SERVER_FAULTS],
  ]
  for (const [kind, cases] of lists) {
    for (const { className, knownBug } of cases) {
      let row = rows.find((r) => r.className === className && r.kind === kind)
      if (!row) rows.push((row = { className, kind, cases: 0, asExpected: 0 }))
      row.cases++
      if (!knownBug) row.asExpected++
    }
  }
  return rows
}

/** What one case showed, as the report counts it. */
export interface Observation {
  kind: 'bad input' | 'valid look-alike' | 'fault (tags)' | 'fault (server)'
  className: string
  name: string
  /** The case ended as the catalogue says (a typed error; the input accepted; exactly one outcome). */
  ok: boolean
  /** wx calls the case made (bad inputs and look-alikes). */
  wxCalls?: number
  /** Requests it sent: HTTP, access_token source calls, Redis commands (bad inputs). */
  requests?: number
  /** The bug it shows (a case run as `it.failing`). */
  knownBug?: string
}

/**
 * Collects the observations of one test file and, when RELIABILITY_OUT names a folder (npm run reliability),
 * writes them there after the file's last test, with the unhandled rejections counted over the file's run.
 */
export function observations(file: string) {
  const seen: Observation[] = []
  const rejections = countUnhandledRejections()
  afterAll(() => {
    const out = process.env.RELIABILITY_OUT
    if (!out) return
    const report = { file, goals: GOALS, unhandledRejections: rejections.count(), observations: seen }
    fs.writeFileSync(path.join(out, `${file}.json`), JSON.stringify(report, null, 2))
  })
  return {
    /**
     * Runs one case's assertions and records the case, `ok` when they all passed; the test fails as they do.
     * `check` may fill in the counts of `observation` as it goes.
     */
    async check(observation: Omit<Observation, 'ok'>, check: () => Promise<void>): Promise<void> {
      let ok = false
      try {
        await check()
        ok = true
      } finally {
        seen.push({ ...observation, ok })
      }
    },
    /** Declares the file's last test: no rejection went unhandled over its run. */
    lastTestNoUnhandledRejection() {
      it('no rejection went unhandled over the run', async () => {
        await nextMacrotask()
        expect(rejections.count()).toBe(0)
      })
    },
  }
}

/**
 * Counts `unhandledRejection` events of the real process from this file's first test to its last. Jest gives a test
 * file its own `process` object, whose listeners Node never calls: the real one is the main context's.
 */
function countUnhandledRejections(): { count(): number } {
  const realProcess = runInThisContext('process') as NodeJS.Process
  let count = 0
  const onRejection = () => count++
  beforeAll(() => realProcess.on('unhandledRejection', onRejection))
  afterAll(() => realProcess.off('unhandledRejection', onRejection))
  return { count: () => count }
}
