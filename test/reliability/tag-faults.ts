// Faults the tags meet on a device, injected through the real components in miniprogram-simulate on the public
// card-platform simulator (hold mode: a call waits until the case answers it, or forever). Each must end in
// exactly one outcome event, then `complete`. Run by tag-faults.test.ts, which builds the world.
import type { CardPlatform } from '../../testing'
import type { AddCardInput, CardSource } from '../../utils'
import type { Fault as CardExtServerFault } from '../helpers/card-ext-server'
import type { Fault, Outcome } from './catalogue'

/** One rendered tag. */
export interface Tag {
  /** Taps it: the button, or row `row` of the list. */
  tap(row?: number): Promise<void>
  /** The page shows again (the user is back from WeChat's card page). */
  show(): void
  /** Changes its properties. */
  set(props: Record<string, unknown>): void
  /** `<add-card-button>`'s setCardSource. */
  setCardSource(source: CardSource): void
}

export interface TagWorld {
  /** The simulator under the tags, holding every addCard / openCard call. */
  platform: CardPlatform
  /** `<add-card-button>` with these properties. */
  button(props: Record<string, unknown>): Tag
  /** `<open-card-list>` with `rows` cards the user holds, and these properties. */
  list(rows: number, props?: Record<string, unknown>): Tag
  /** Fresh `{ cardId, cardExt }` items, signed with the simulator's ticket. */
  cards(...cardIds: string[]): AddCardInput[]
  /** A card-ext endpoint on 127.0.0.1 answering with `fault`; its URL. */
  cardExtUrl(fault: CardExtServerFault): string
  /** A URL on a port nobody listens on. */
  unreachableUrl: string
  /** Waits until `count` events arrived (a bound for a stuck case, not a timing assertion). */
  untilEvents(count: number): Promise<void>
  /** Lets answers, timers of 0 ms and event dispatch run. */
  flush(): Promise<void>
  /** The events so far, e.g. `fail timeout: …`, `complete fail`; and the wx calls the simulator recorded. */
  outcome(): Outcome
}

type Case = Fault<TagWorld>

/** The oldest held wx call. */
function held(w: TagWorld) {
  const call = w.platform.heldCalls()[0]
  if (!call) throw new Error('no wx call is held')
  return call
}

/** Answers the held call(s) with `answer`, lets the tag settle, and returns what happened. */
async function answered(w: TagWorld, answer: () => void): Promise<Outcome> {
  answer()
  await w.untilEvents(2)
  // a second callback is delivered on a later macrotask: give it the chance to (wrongly) emit
  await w.flush()
  await w.flush()
  return w.outcome()
}

const TIMEOUT = 'WeChat never answers'
const CALLBACKS = 'WeChat answers oddly'
const TAPS = 'Impatient taps'
const SOURCE = 'The tap-time source fails'

/** The call WeChat never answers, on either tag: fail `timeout` once, a late answer ignored, tappable again. */
const neverAnswers = (
  tagName: string,
  api: string,
  render: (w: TagWorld) => Tag,
  retap: (tag: Tag, w: TagWorld) => Promise<void>,
): Case => ({
  className: TIMEOUT,
  name: `${tagName}: page shows again, answer-timeout passes, then the late answer comes`,
  expected: {
    settled: [`fail timeout: wx.${api} did not answer within 1 ms after the page showed again`, 'complete fail'],
    calls: 2,
  },
  async run(w) {
    const tag = render(w)
    await tag.tap()
    tag.show()
    await w.untilEvents(2)
    held(w).answer() // too late: ignored
    await w.flush()
    await retap(tag, w) // tappable again: a second call
    return w.outcome()
  },
})

/** How a held call is answered: as the platform would (the user accepts), or exactly with this callback and result. */
type CallAnswer = 'as the platform would' | ['success' | 'fail', object]
const PLATFORM: CallAnswer = 'as the platform would'

/** A held call answered with `answers`, one after the other, on a tag with one card (or row). */
const oddAnswers = (
  tagName: string,
  render: (w: TagWorld) => Tag,
  name: string,
  answers: CallAnswer[],
  settled: string[],
): Case => ({
  className: CALLBACKS,
  name: `${tagName}: ${name}`,
  expected: { settled, calls: 1 },
  async run(w) {
    await render(w).tap()
    return answered(w, () => {
      const call = held(w)
      for (const answer of answers) {
        if (answer === PLATFORM) call.answer()
        else call.respond(...answer)
      }
    })
  },
})
const addCardAnswers = (name: string, answers: CallAnswer[], settled: string[]) =>
  oddAnswers('<add-card-button>', (w) => w.button({ cardList: w.cards('pPlain') }), name, answers, settled)
const openCardAnswers = (name: string, answers: CallAnswer[], settled: string[]) =>
  oddAnswers('<open-card-list>', (w) => w.list(1), name, answers, settled)
const SYSTEM_ERROR = (api: string): CallAnswer => ['fail', { errMsg: `${api}:fail system error` }]
const NO_ERRMSG: CallAnswer = ['fail', {}]

/** A tap-time source that fails: fail `source` (or `invalid`) once, and no wx call. */
const sourceFails = (name: string, settled: string, setUp: (w: TagWorld) => Tag): Case => ({
  className: SOURCE,
  name,
  expected: { settled: [settled, 'complete fail'], calls: 0 },
  async run(w) {
    await setUp(w).tap()
    return answered(w, () => undefined)
  },
})
const fromEndpoint =
  (fault: CardExtServerFault, props: Record<string, unknown> = {}) =>
  (w: TagWorld) =>
    w.button({ cardId: 'pPlain', cardExtUrl: w.cardExtUrl(fault), ...props })
const fromPage = (source: CardSource) => (w: TagWorld) => {
  const tag = w.button({ cardId: 'pPlain' })
  tag.setCardSource(source)
  return tag
}

export const TAG_FAULTS: Case[] = [
  neverAnswers(
    '<add-card-button>',
    'addCard',
    (w) => w.button({ cardList: w.cards('pPlain'), answerTimeout: 1 }),
    (tag, w) => {
      tag.set({ cardList: w.cards('pPlain2') }) // the first cardExt was spent by the late answer
      return tag.tap()
    },
  ),
  neverAnswers(
    '<open-card-list>',
    'openCard',
    (w) => w.list(2, { answerTimeout: 1 }),
    (tag) => tag.tap(1),
  ),
  addCardAnswers('success twice', [PLATFORM, PLATFORM], ['success 1/1', 'complete success']),
  addCardAnswers('success, then fail', [PLATFORM, SYSTEM_ERROR('addCard')], ['success 1/1', 'complete success']),
  addCardAnswers(
    'fail, then success',
    [SYSTEM_ERROR('addCard'), PLATFORM],
    ['fail fail: system error', 'complete fail'],
  ),
  addCardAnswers(
    'fail without errMsg',
    [NO_ERRMSG],
    ['fail fail: wx.addCard failed without an errMsg', 'complete fail'],
  ),
  addCardAnswers(
    'success without cardList',
    [['success', { errMsg: 'addCard:ok' }]],
    ['success 0/0', 'complete success'],
  ),
  openCardAnswers('success, then fail', [PLATFORM, SYSTEM_ERROR('openCard')], ['open 1', 'complete open']),
  openCardAnswers(
    'fail without errMsg, then success',
    [NO_ERRMSG, PLATFORM],
    ['fail fail: wx.openCard failed without an errMsg', 'complete fail'],
  ),
  {
    className: CALLBACKS,
    name: '<add-card-button>: wx.addCard throws synchronously',
    expected: { settled: ['fail fail: wx.addCard threw: native crash', 'complete fail'], calls: 0 },
    async run(w) {
      w.platform.throwOnNextCall('addCard', new Error('native crash'))
      await w.button({ cardList: w.cards('pPlain') }).tap()
      return answered(w, () => undefined)
    },
  },
  {
    className: CALLBACKS,
    name: '<open-card-list>: wx.openCard throws synchronously',
    expected: { settled: ['fail fail: wx.openCard threw: native crash', 'complete fail'], calls: 0 },
    async run(w) {
      w.platform.throwOnNextCall('openCard', new Error('native crash'))
      await w.list(1).tap()
      return answered(w, () => undefined)
    },
  },
  {
    className: TAPS,
    name: '<add-card-button>: three more taps while WeChat is open',
    expected: { settled: ['success 1/1', 'complete success'], calls: 1 },
    async run(w) {
      const tag = w.button({ cardList: w.cards('pPlain') })
      for (let i = 0; i < 4; i++) await tag.tap()
      return answered(w, () => held(w).answer())
    },
  },
  {
    className: TAPS,
    name: '<open-card-list>: the same row and another tapped while WeChat is open',
    expected: { settled: ['open 1', 'complete open'], calls: 1 },
    async run(w) {
      const tag = w.list(2)
      for (const row of [0, 0, 1]) await tag.tap(row)
      return answered(w, () => held(w).answer())
    },
  },
  sourceFails(
    'card-ext-url answers HTTP 500',
    'fail source: card source: <card-ext-url> answered HTTP 500: could not sign the card',
    fromEndpoint('http500'),
  ),
  sourceFails(
    'card-ext-url never answers',
    'fail source: card source: no answer from <card-ext-url> within 20 ms',
    fromEndpoint('hang', { requestTimeout: 20 }),
  ),
  sourceFails(
    'card-ext-url answers HTML, not JSON',
    'fail source: card source: <card-ext-url> answered something that is not JSON',
    fromEndpoint('notJson'),
  ),
  sourceFails(
    'card-ext-url answers the wrong shape',
    'fail source: card source: the answer must be { cardList: [{ cardId, cardExt }, …] } with at least one card',
    fromEndpoint('wrongShape'),
  ),
  sourceFails(
    'card-ext-url answers a cardExt in milliseconds',
    'fail invalid: cardList[0].cardExt.timestamp: looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)',
    fromEndpoint('badCardExt'),
  ),
  sourceFails(
    'card-ext-url cannot be reached',
    'fail source: card source: request to <unreachable> failed: request:fail TypeError: fetch failed',
    (w) => w.button({ cardId: 'pPlain', cardExtUrl: w.unreachableUrl }),
  ),
  sourceFails(
    "the page's source rejects",
    "fail source: card source: the page's source failed: login expired",
    fromPage(() => Promise.reject(new Error('login expired'))),
  ),
  sourceFails(
    "the page's source throws",
    "fail source: card source: the page's source failed: no network",
    fromPage(() => {
      throw new Error('no network')
    }),
  ),
  sourceFails(
    "the page's source resolves nothing",
    'fail source: card source: the answer must be { cardList: [{ cardId, cardExt }, …] } with at least one card',
    fromPage(() => Promise.resolve(undefined as unknown as AddCardInput[])),
  ),
]
