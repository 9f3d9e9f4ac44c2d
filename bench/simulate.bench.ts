/** @jest-environment jsdom */
// P2 (setData economy) and P3 (list rendering), measured in miniprogram-simulate with the official compiler.
// Run by bench/run.ts through bench/jest.config.js; results go to the JSON file named by BENCH_OUT.
import fs from 'fs'
import v8 from 'v8'
import vm from 'vm'
import { createCardExt } from '../server/sign'
import { createCardPlatform, type CardPlatform } from '../testing/index'
import type { Node } from 'miniprogram-simulate'
import type * as Sim from '../test/helpers/simulate'

const OUT = process.env.BENCH_OUT
const ROUNDS = Number(process.env.BENCH_P3_ROUNDS || 9)
const WARMUP = Number(process.env.BENCH_P3_WARMUP || 2)
const N_LIST = 1000
const N_HUGE = 10_000
const FIRST_PAGE = 50 // <open-card-list>'s default page-size

const API_TICKET = 'bench-api-ticket'
const OURS_ADD = 'components/add-card-button/index'
const OURS_LIST = 'components/open-card-list/index'
const BASELINE_LIST = 'bench/baseline-list/index'

/** A rendered node (miniprogram-simulate's, typed in test/types), and what this file reaches inside it. */
type Comp = Node<{ updateCard(index: number, fields: object): void }>
type XNode = { childNodes?: XNode[]; shadowRoot?: XNode; __virtual?: boolean; is?: string }
type Exparser = { Component: { prototype: { setData(d: object): void } } }
type SetDataCall = { is: string; bytes: number; payload: string }
// wcc's output keeps its expression tables in this window global, keyed by template number ($gwx_1, $gwx_2 …),
// so two bundles compiled from different wxml lists in one window read each other's tables. Its WXS prototype
// patch (wxs_nf_init) must survive a reset: it defines non-configurable properties and cannot run twice.
const wcc = globalThis as unknown as { __WXML_GLOBAL__?: { wxs_nf_init?: boolean } }

const results: Record<string, unknown> = {}
const flush = () => new Promise((r) => setTimeout(r, 0))
const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// A collection between timed samples keeps one side's garbage (1,000 detached rows) out of the other side's time.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** Same cards as the component tests: decrypted, with title/description/extra, no logo. */
const deck = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    cardId: `p${i}`,
    code: `c${i}`,
    title: `券${i}`,
    description: `说明${i}`,
    extra: `¥${i}`,
  }))

/**
 * A module registry of its own: the simulator registers a component only the first time its JS is required,
 * and caches one compiled template bundle per root, so each component under test gets a fresh registry.
 * With `instrument`, every component's setData (ours and vant's) is recorded while `rec.on` is set: exparser's
 * prototype method is what j-component's per-instance setData forwards to, so patching it sees instances
 * created later too. P3 leaves it off so neither side pays for the wrapper.
 */
function registry(instrument = true) {
  jest.resetModules()
  wcc.__WXML_GLOBAL__ = { wxs_nf_init: wcc.__WXML_GLOBAL__?.wxs_nf_init }
  const helper = require('../test/helpers/simulate') as typeof Sim
  const sim = {
    loadComponent: helper.loadComponent,
    render: (id: string, props: Record<string, unknown>): Comp => helper.simulate.render(id, props),
    byTag: helper.byTag,
  }
  const jComponent = require('j-component') as { create(id: string, props?: object): Comp }
  const exparser = require('miniprogram-exparser') as Exparser
  const { getTagName } = require('j-component/src/tool/utils') as { getTagName(is: string): string | undefined }
  const rec = { on: false, calls: [] as SetDataCall[] }
  const proto = exparser.Component.prototype
  const original = proto.setData
  if (instrument)
    proto.setData = function (this: { is: string }, d: object) {
      if (rec.on) {
        const payload = JSON.stringify(d)
        rec.calls.push({ is: this.is, bytes: Buffer.byteLength(payload), payload })
      }
      return original.call(this, d)
    }
  return { sim, jComponent, rec, getTagName }
}

/** Starts recording; the returned function stops and answers {ours, tree} for what happened in between. */
function record(rec: ReturnType<typeof registry>['rec'], ourId: string) {
  rec.calls = []
  rec.on = true
  return () => {
    rec.on = false
    const ours = rec.calls.filter((c) => c.is === ourId)
    return {
      ours: ours.length,
      tree: rec.calls.length,
      payloads: ours.map((c) => c.payload),
      bytes: ours.reduce((s, c) => s + c.bytes, 0),
      others: rec.calls.filter((c) => c.is !== ourId).map((c) => c.payload),
    }
  }
}

/**
 * Nodes of the whole rendered tree, shadow trees included, by tag ('#text' for text nodes); wx:for/wx:if/slot
 * placeholders and shadow roots are left out. The root itself is not counted.
 */
function countNodes(c: Comp, tagOf: (is: string) => string | undefined) {
  const n: Record<string, number> = {}
  const add = (k: string) => (n[k] = (n[k] || 0) + 1)
  const walk = (x: XNode, root = false) => {
    if (!x.childNodes) add('#text')
    else if (!x.__virtual && x.is && !root) add(tagOf(x.is) || x.is)
    if (x.shadowRoot) walk(x.shadowRoot)
    for (const k of x.childNodes || []) walk(k)
  }
  walk((c as Comp & { _exparserNode: XNode })._exparserNode, true)
  return n
}

function listen(c: Comp, names: string[]) {
  const seen: string[] = []
  for (const n of names) c.addEventListener(n, () => seen.push(n))
  return seen
}

afterAll(() => {
  if (OUT) fs.writeFileSync(OUT, JSON.stringify(results, null, 2))
})

/**
 * The public card-platform simulator on miniprogram-simulate's global `wx`, holding every addCard/openCard call
 * until the bench answers it, so the answer lands inside the recorded window. `undo()` puts back simulate's own.
 */
function heldPlatform(cardIds: string[]): { platform: CardPlatform; undo: () => void } {
  const platform = createCardPlatform({
    apiTicket: API_TICKET,
    accessToken: 'bench-access-token',
    openid: 'o-bench-user',
    cards: cardIds.map((cardId) => ({ cardId })),
  })
  const undo = platform.install((globalThis as unknown as { wx: object }).wx, { all: true })
  platform.hold()
  return { platform, undo }
}

/** Answers the one held call (as the platform decides, or with exactly `result`), then lets its callbacks run. */
async function answerHeldCall(platform: CardPlatform, result?: object) {
  const held = platform.heldCalls()
  expect(held).toHaveLength(1)
  if (result) held[0].respond('success', result)
  else held[0].answer()
  await flush()
}

describe('P2 setData economy', () => {
  it('add round trip: tap <add-card-button> → wx.addCard answered → success, complete', async () => {
    const r = registry()
    const { platform, undo } = heldPlatform(['A'])
    try {
      const id = r.sim.loadComponent(OURS_ADD)
      const c = r.sim.render(id, { cardId: 'A', cardExt: createCardExt({ apiTicket: API_TICKET, cardId: 'A' }) })
      const events = listen(c, ['success', 'fail', 'cancel', 'unsupported', 'complete'])
      c.attach(document.createElement('parent-wrapper'))
      const stop = record(r.rec, id)
      r.sim.byTag(c, 'van-button')[0].querySelector('.van-button')?.dispatchEvent('tap')
      await flush()
      await answerHeldCall(platform)
      const got = stop()
      expect(platform.state.log.map((call) => [call.api, call.status])).toEqual([['addCard', 'ok']])
      expect(platform.state.held).toHaveLength(1)
      expect(events).toEqual(['success', 'complete'])
      results.addRoundTrip = { ...got, events }
    } finally {
      undo()
    }
  })

  // One list per N: a row tap (wx.openCard answered), then one checkbox in selectable mode. The list renders its
  // default first page (page-size 50) at every N, as a page that sets no page-size gets.
  it.each([10, N_LIST, N_HUGE])('open tap and one list-item update at N=%i', async (n) => {
    const r = registry()
    // The deck's codes were never issued by this platform, so the open is answered as WeChat's success as is.
    const { platform, undo } = heldPlatform([])
    try {
      const id = r.sim.loadComponent(OURS_LIST)
      const c = r.sim.render(id, { cards: deck(n), selectable: true })
      const events = listen(c, ['open', 'fail', 'cancel', 'unsupported', 'complete'])
      c.attach(document.createElement('parent-wrapper'))
      expect(r.sim.byTag(c, 'van-cell')).toHaveLength(Math.min(n, FIRST_PAGE))
      expect(r.sim.byTag(c, 'van-cell')[3].dom.textContent).toContain('券3')

      let stop = record(r.rec, id)
      r.sim.byTag(c, 'van-cell')[3].querySelector('.van-cell')?.dispatchEvent('tap')
      await flush()
      expect(platform.state.log.map((call) => call.cardList)).toEqual([[{ cardId: 'p3', code: 'c3' }]])
      await answerHeldCall(platform, { errMsg: 'openCard:ok' })
      const open = stop()
      expect(events).toEqual(['open', 'complete'])

      stop = record(r.rec, id)
      r.sim.byTag(c, 'van-checkbox')[3].querySelector('.van-checkbox__icon-wrap')?.dispatchEvent('tap')
      await flush()
      const select = stop()
      expect(select.ours).toBeGreaterThan(0) // the tap reached the component
      expect(platform.state.log).toHaveLength(1) // and did not open the card

      // one row's state changes (the page learned the card was used): the list's own path-keyed update
      stop = record(r.rec, id)
      c.instance.updateCard(5, { status: 'CONSUMED' })
      await flush()
      const rowState = stop()
      expect(r.sim.byTag(c, 'van-cell')[5].dom.textContent).toContain('已使用')

      // the user scrolled to the end of the rendered rows: one page more
      stop = record(r.rec, id)
      ;(c.instance as unknown as { showMore(): void }).showMore()
      await flush()
      const pageMore = stop()
      expect(r.sim.byTag(c, 'van-cell')).toHaveLength(Math.min(n, 2 * FIRST_PAGE))

      results[`list${n}`] = { n, open: { ...open, events }, select, rowState, pageMore }
    } finally {
      undo()
    }
  })
})

describe('P3 list rendering', () => {
  it(`render + attach of ${N_LIST} rows: <open-card-list> vs plain van-cells`, () => {
    const cards = deck(N_LIST)
    // Compile (wcc) and register once per side, outside the timed part. simulate.render once per side also
    // injects that side's WXSS into <head>; the timed part then calls j-component's create directly, which
    // is simulate.render minus that style injection (a page-load cost on a device, not a render cost).
    const sides = [
      { name: 'ours', entry: OURS_LIST },
      { name: 'baseline', entry: BASELINE_LIST },
    ].map((s) => {
      const r = registry(false)
      const id = r.sim.loadComponent(s.entry)
      // page-size N: ours renders every row, as the baseline does (a like-for-like render of 1,000 rows)
      const probe = r.sim.render(id, { cards, pageSize: N_LIST })
      probe.attach(document.createElement('parent-wrapper'))
      // Both sides must really render the same rows before their times mean anything.
      const cells = r.sim.byTag(probe, 'van-cell')
      expect(cells).toHaveLength(N_LIST)
      expect(cells[N_LIST - 1].dom.textContent).toContain(`券${N_LIST - 1}`)
      expect(cells[N_LIST - 1].dom.textContent).toContain(`说明${N_LIST - 1}`)
      expect(cells[N_LIST - 1].dom.textContent).toContain(`¥${N_LIST - 1}`)
      const nodes = countNodes(probe, r.getTagName)
      probe.detach()
      // This side's wcc tables, now filled by the probe render; swapped in before each of its samples.
      const tables = wcc.__WXML_GLOBAL__
      const rendersAll = (c: Comp) => r.sim.byTag(c, 'van-cell').length === N_LIST
      return {
        ...s,
        id,
        tables,
        nodes,
        rendersAll,
        create: r.jComponent.create.bind(r.jComponent),
        times: [] as number[],
      }
    })

    const once = (s: (typeof sides)[number]) => {
      wcc.__WXML_GLOBAL__ = s.tables
      gc()
      const parent = document.createElement('parent-wrapper')
      const t0 = process.hrtime.bigint()
      const c = s.create(s.id, { cards, pageSize: N_LIST })
      c.attach(parent)
      const t1 = process.hrtime.bigint()
      // Checked on every sample, outside the timed part: a wrong wcc table would render the wrong rows.
      expect(s.rendersAll(c)).toBe(true)
      c.detach()
      return ms(t0, t1)
    }

    for (let i = 0; i < WARMUP; i++) for (const s of sides) once(s)
    const ratios: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, the order flipped every round so a slow drift does not favour one side.
      const order = round % 2 ? [sides[1], sides[0]] : sides
      for (const s of order) s.times.push(once(s))
      ratios.push(sides[0].times[round] / sides[1].times[round])
    }
    results.render = {
      n: N_LIST,
      rounds: ROUNDS,
      warmup: WARMUP,
      oursMs: sides[0].times,
      baselineMs: sides[1].times,
      ratios,
      oursMedianMs: median(sides[0].times),
      baselineMedianMs: median(sides[1].times),
      ratioMedian: median(ratios),
      oursNodes: sides[0].nodes,
      baselineNodes: sides[1].nodes,
    }
  })
})

describe('P3b 10,000 cards', () => {
  it(`first screen of ${N_HUGE} cards in <open-card-list> (default page-size), and the bytes the page sends`, () => {
    const cards = deck(N_HUGE)
    const r = registry()
    const id = r.sim.loadComponent(OURS_LIST)
    const probe = r.sim.render(id, { cards, selectable: true })
    probe.attach(document.createElement('parent-wrapper'))
    expect(r.sim.byTag(probe, 'van-cell')).toHaveLength(FIRST_PAGE)
    probe.detach()
    const times: number[] = []
    let ours = -1
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      gc()
      const parent = document.createElement('parent-wrapper')
      const stop = record(r.rec, id)
      const t0 = process.hrtime.bigint()
      const c = r.jComponent.create(id, { cards, selectable: true })
      c.attach(parent)
      const t1 = process.hrtime.bigint()
      const got = stop()
      ours = got.ours
      expect(r.sim.byTag(c, 'van-cell')).toHaveLength(FIRST_PAGE)
      c.detach()
      if (round >= WARMUP) times.push(ms(t0, t1))
    }
    results.huge = {
      n: N_HUGE,
      rounds: ROUNDS,
      rows: FIRST_PAGE,
      firstScreenMs: times,
      firstScreenMedianMs: median(times),
      // the page's own setData of the list (what crosses to the render layer once), and the tag's own on first render
      cardsBytes: Buffer.byteLength(JSON.stringify({ cards })),
      oursOnRender: ours,
    }
  })
})
