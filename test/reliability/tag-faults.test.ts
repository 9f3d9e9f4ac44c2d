/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * Runs every tag fault of the catalogue (tag-faults.ts) through the real components in miniprogram-simulate, on
 * the card-platform simulator in hold mode (test/helpers/harness.ts) and a card-ext endpoint with switchable faults
 * (test/helpers/card-ext-server.ts).
 */
import type { AddCardButtonInstance } from '../../components/add-card-button/index'
import { closedPort } from '../server/http-server'
import { startCardExtServer, type CardExtServer } from '../helpers/card-ext-server'
import { cardsToAdd, flush, useHarness } from '../helpers/harness'
import { byTag, loadComponent, simulate } from '../helpers/simulate'
import { TAG_FAULTS, observations } from './catalogue'
import { byClass } from './run'
import type { Tag, TagWorld } from './tag-faults'

const BUTTON = loadComponent('components/add-card-button/index')
const LIST = loadComponent('components/open-card-list/index')
type Root = ReturnType<typeof simulate.render>

const seen = observations('tag-faults')
const h = useHarness()
let server: CardExtServer
let unreachableUrl: string
beforeAll(async () => {
  server = await startCardExtServer()
  unreachableUrl = `http://127.0.0.1:${await closedPort()}/card-ext`
})
afterAll(() => server.close())

/** An event as the catalogue writes it: `fail timeout: <message>`, `success 1/1`, `open 1`, `complete fail`. */
function describeEvent([name, detail]: [string, Record<string, unknown>]): string {
  if (name === 'complete') return `complete ${detail.outcome}`
  if (name === 'success')
    return `success ${(detail.succeeded as unknown[]).length}/${(detail.cardList as unknown[]).length}`
  if (name === 'open') return `open ${(detail.cardList as unknown[]).length}`
  if (name !== 'fail') return name
  // the servers' ports change from run to run
  const message = String(detail.message)
    .split(server.url)
    .join('<card-ext-url>')
    .split(unreachableUrl)
    .join('<unreachable>')
  return `fail ${detail.code}: ${message}`
}

/** Dispatches a tap on `selector` inside the `index`-th `child` component of `c` (vant's node, as a finger would). */
function tapInside(c: Root, child: string, index: number, selector: string): void {
  const target = byTag(c, child)[index]?.querySelector(selector)
  if (!target) throw new Error(`no ${selector} in ${child} number ${index} to tap`)
  target.dispatchEvent('tap')
}

/** miniprogram-simulate's page lifetimes (its typings leave them out). */
type WithPage = Root & { triggerPageLifeTime(name: 'show' | 'hide'): void }

function tag(c: Root, tap: (row: number) => void): Tag {
  return {
    async tap(row = 0) {
      tap(row)
      await flush()
    },
    show: () => (c as WithPage).triggerPageLifeTime('show'),
    set: (props) => c.setData(props),
    setCardSource: (source) => (c.instance as unknown as AddCardButtonInstance).setCardSource(source),
  }
}

function makeWorld(): TagWorld {
  return {
    platform: h.platform,
    button(props) {
      const c = h.render(BUTTON, props)
      return tag(c, () => tapInside(c, 'van-button', 0, '.van-button'))
    },
    list(rows, props = {}) {
      const cards = h.addToBag(...Array.from({ length: rows }, () => 'pPlain'))
      const c = h.render(LIST, { cards, ...props })
      return tag(c, (row) => tapInside(c, 'van-cell', row, '.van-cell'))
    },
    cards: cardsToAdd,
    cardExtUrl(fault) {
      server.fault = fault
      return server.url
    },
    unreachableUrl,
    untilEvents: h.untilEvents,
    flush: async () => {
      await flush()
    },
    outcome: () => ({ settled: h.events.map(describeEvent), calls: h.platform.state.log.length }),
  }
}

describe.each(byClass(TAG_FAULTS))('fault: %s', (className, cases) => {
  it.each(cases)('%s: exactly one outcome, then complete', (name, c) =>
    seen.check({ kind: 'fault (tags)', className, name }, async () => {
      const outcome = await c.run(makeWorld())
      expect(outcome).toEqual(c.expected)
      // one outcome event, then complete naming it
      const [event, complete] = outcome.settled
      expect([outcome.settled.length, complete]).toEqual([2, `complete ${event?.split(' ')[0]}`])
    }),
  )
})

seen.lastTestNoUnhandledRejection()
