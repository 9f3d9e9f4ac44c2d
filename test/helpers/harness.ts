// Shared per-test setup for component tests: the public card-platform simulator installed on miniprogram-simulate's
// `wx` (calls held until the test answers them), the component events seen, and console.error silenced but
// recorded (tests assert what it named).
import { createCardExt } from '../../server/sign'
import { createCardPlatform, type CardPlatform, type ClientSettings, type SimCard } from '../../testing'
import { UPGRADE_TEXT } from '../../utils'
import { simulate } from './simulate'

type Root = ReturnType<typeof simulate.render>
export type Ev = [string, Record<string, unknown>]
const EVENTS = ['success', 'open', 'fail', 'cancel', 'unsupported', 'complete', 'select']

export const API_TICKET = 'harness-api-ticket'
export const OPENID = 'oHarnessUser'
/** The merchant's cards in every component test: plain, custom-code, bound to the user, one in stock. */
export const CARDS: SimCard[] = [
  { cardId: 'pPlain' },
  { cardId: 'pPlain2' },
  { cardId: 'pCustom', useCustomCode: true },
  { cardId: 'pBound', bindOpenid: true },
  { cardId: 'pOne', quantity: 1 },
  { cardId: 'pThree', getLimit: 3 },
]

let customCodes = 0

/** A fresh, correctly signed cardExt for one of CARDS (a cardExt works once, so every add needs its own). */
export function signedCardExt(cardId: string): string {
  const card = CARDS.find((c) => c.cardId === cardId)
  return createCardExt({
    apiTicket: API_TICKET,
    cardId,
    code: card?.useCustomCode ? `CODE${++customCodes}` : undefined,
    openid: card?.bindOpenid ? OPENID : undefined,
  })
}

/** `{ cardId, cardExt }` items with fresh signatures. */
export const cardsToAdd = (...cardIds: string[]) =>
  cardIds.map((cardId) => ({ cardId, cardExt: signedCardExt(cardId) }))

/** Lets queued promise callbacks, the simulator's answer and simulate's async event dispatch run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Polls `done` until it holds or 10 s have passed (a bound for a stuck test, not a timing assertion). */
async function until(done: () => boolean) {
  const deadline = Date.now() + 10_000
  while (!done() && Date.now() < deadline) await flush()
}

export function useHarness() {
  const h = {
    platform: undefined as unknown as CardPlatform,
    events: [] as Ev[],
    errors: undefined as unknown as jest.SpyInstance,
    undo: () => undefined as void,
    names: () => h.events.map((e) => e[0]),
    /** The cardList of every wx.addCard/openCard call so far. */
    calls: () => h.platform.state.log.map((call) => call.cardList as Record<string, string>[]),
    /** Waits (real time: HTTP may be involved; a loaded machine is slow) until `count` wx calls are held. */
    async untilHeld(count = 1) {
      await until(() => h.platform.heldCalls().length >= count)
      expect(h.platform.heldCalls()).toHaveLength(count)
    },
    /** Waits until `count` events arrived. */
    async untilEvents(count: number) {
      await until(() => h.events.length >= count)
    },
    /** Answers the oldest held wx call as the platform would (the queued user action applies). */
    answer() {
      const held = h.platform.heldCalls()[0]
      if (!held) throw new Error('no held wx call to answer')
      held.answer()
    },
    /** Answers the oldest held wx call with exactly this failure (an answer the platform does not model). */
    failWith(errMsg: string) {
      const held = h.platform.heldCalls()[0]
      if (!held) throw new Error('no held wx call to answer')
      held.respond('fail', { errMsg })
    },
    /** Replaces this test's client: its version, the APIs it lacks. */
    useClient(settings: ClientSettings) {
      h.platform.setClient(settings)
    },
    /** Adds cards to the user's bag through the simulator; returns them as open-card-list rows (decrypted codes). */
    addToBag(...cardIds: string[]) {
      h.platform.hold(false)
      h.platform.wx.addCard({ cardList: cardsToAdd(...cardIds), success: () => undefined })
      h.platform.hold(true)
      h.platform.state.log.length = 0 // set-up, not a call of the tag under test
      return h.platform.state.held.slice(-cardIds.length).map(({ cardId, code }, i) => ({
        cardId,
        code,
        title: `券${i}`,
        description: `说明${i}`,
        extra: `¥${i}`,
      }))
    },
    /** A tap on an unsupported client: no call, `unsupported` with the version, `complete`, WeChat's modal once. */
    expectUnsupported(SDKVersion: string) {
      expect(h.platform.state.log).toHaveLength(0)
      expect(h.events).toEqual([
        ['unsupported', { SDKVersion, required: '1.1.0' }],
        ['complete', { outcome: 'unsupported' }],
      ])
      expect(h.platform.state.modals).toHaveLength(1)
      expect(h.platform.state.modals[0]?.content).toBe(UPGRADE_TEXT)
    },
    /** Records every outcome event of `c` in `h.events`. */
    listen(c: Root): Root {
      for (const name of EVENTS) {
        c.addEventListener(name, (e: { detail: Record<string, unknown> }) => h.events.push([name, e.detail]))
      }
      return c
    },
    /** Detaches `c` while its wx call is held, then answers: the tag makes no setData and emits nothing. */
    async expectSilentAfterDetach(c: Root, answer: () => void = () => h.answer()) {
      h.events.length = 0
      const setData = jest.spyOn(c.instance, 'setData')
      c.detach()
      answer()
      await flush()
      expect(setData).not.toHaveBeenCalled()
      expect(h.events).toEqual([])
    },
    /** Renders component `id` with `props`, listened to and attached. */
    render(id: string, props: Record<string, unknown>): Root {
      const c = h.listen(simulate.render(id, props))
      c.attach(document.createElement('parent-wrapper'))
      return c
    },
  }
  beforeEach(() => {
    h.platform = createCardPlatform({
      apiTicket: API_TICKET,
      accessToken: 'harness-token',
      openid: OPENID,
      cards: CARDS,
    })
    // simulate's own `wx` mock keeps its other functions; the card APIs, version and modal are the simulator's
    h.undo = h.platform.install((globalThis as unknown as { wx: object }).wx, { all: true, request: true })
    h.platform.hold()
    h.events = []
    h.errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    h.undo()
    h.errors.mockRestore()
  })
  return h
}
