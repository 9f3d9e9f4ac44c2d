// The per-test set-up of the component tests: the card-platform simulator (the fixture account and cards) installed
// on miniprogram-simulate's `wx`, its calls held until the test answers them; the events each rendered tag emitted;
// console.error silenced but recorded (tests assert what it named). Timer-agnostic: `useFakeTimers()` moves the
// tags' timers (and the simulator's answers) under jest's clock.
import type { Node, Root } from 'miniprogram-simulate'
import type { ClientSettings } from '../../testing'
import { UPGRADE_TEXT } from '../../utils'
import { freshCards, makePlatform } from './platform'
import { simulate } from './simulate'

export type Ev = [name: string, detail: Record<string, unknown>]
const EVENTS = ['success', 'open', 'fail', 'cancel', 'unsupported', 'complete', 'select']

/** Dispatches a tap on `selector` inside `node`, as a finger would. */
export function tapOn(node: Node | undefined, selector: string): void {
  const target = node?.querySelector(selector)
  if (!target) throw new Error(`nothing to tap: no ${selector}`)
  target.dispatchEvent('tap')
}

/** `node.querySelector(selector)`, which must be there. */
export function the(node: Node | undefined, selector: string): Node {
  const found = node?.querySelector(selector)
  if (!found) throw new Error(`no ${selector}`)
  return found
}

export function useHarness() {
  let fakeTimers = false
  let errors: jest.SpiedFunction<typeof console.error> | undefined
  const h = {
    platform: makePlatform(),
    events: [] as Ev[],
    /** console.error, silenced for the test and recorded. */
    get errors() {
      if (!errors) throw new Error('console.error is recorded during a test only')
      return errors
    },
    names: () => h.events.map((e) => e[0]),
    /** The title of every wx.showToast the tags showed in this test. */
    toasts: [] as string[],
    /** The cardList of every wx.addCard/openCard call so far. */
    calls: () => h.platform.state.log.map((call) => call.cardList as Record<string, string>[]),
    /** Lets queued promise callbacks, the simulator's answer and simulate's event dispatch run. */
    async flush() {
      if (fakeTimers) await jest.advanceTimersByTimeAsync(0)
      else await new Promise((resolve) => setTimeout(resolve, 0))
    },
    /** jest's fake timers for this test: the tags' timers and the simulator's answers move with jest's clock. */
    useFakeTimers() {
      jest.useFakeTimers()
      fakeTimers = true
    },
    /** Waits (real time: HTTP may be involved) until `done` holds; 10 s bound a stuck test, not a timing assertion. */
    async until(done: () => boolean) {
      const deadline = Date.now() + 10_000
      for (let rounds = 0; !done() && rounds < 10_000 && Date.now() < deadline; rounds++) await h.flush()
    },
    /** Waits until `count` wx calls are held. */
    async untilHeld(count = 1) {
      await h.until(() => h.platform.heldCalls().length >= count)
      expect(h.platform.heldCalls()).toHaveLength(count)
    },
    /** Waits until `count` events arrived. */
    untilEvents: (count: number) => h.until(() => h.events.length >= count),
    /** Answers the oldest held wx call as the platform would (the queued user action applies). */
    answer() {
      const held = h.platform.heldCalls()[0]
      if (!held) throw new Error('no held wx call to answer')
      held.answer()
    },
    /** Answers the oldest held wx call with exactly this result (an answer the platform does not model). */
    respond(via: 'success' | 'fail', result: object) {
      const held = h.platform.heldCalls()[0]
      if (!held) throw new Error('no held wx call to answer')
      held.respond(via, result)
    },
    /** Replaces this test's client: its version, the APIs it lacks. */
    useClient(settings: ClientSettings) {
      h.platform.setClient(settings)
    },
    /** Adds cards to the user's bag through the simulator; returns them as open-card-list rows (decrypted codes). */
    addToBag(...cardIds: string[]) {
      h.platform.hold(false)
      h.platform.wx.addCard({ cardList: freshCards(...cardIds), success: () => undefined })
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
      expect(h.platform.state.modals.map((modal) => modal.content)).toEqual([UPGRADE_TEXT])
    },
    /** Records every outcome event of `c` in `h.events`. */
    listen<R extends Node>(c: R): R {
      for (const name of EVENTS) c.addEventListener(name, (e) => h.events.push([name, e.detail]))
      return c
    },
    /** Renders registered component `id` with `props`, listened to and attached. */
    render<Methods extends object = object>(id: string, props: Record<string, unknown>): Root<Methods> {
      const c = h.listen(simulate.render<Methods>(id, props))
      c.attach(document.createElement('parent-wrapper'))
      // the page shows, as WeChat runs it after the page's onLoad (tags that read before any tap start then)
      c.triggerPageLifeTime('show')
      return c
    },
    /** `<tag id="c" attributes>slots</tag>` inside a page (for slots and page-level attributes); its tag listened to. */
    host(tag: string, id: string, attributes: string, data: Record<string, unknown>, slots = '') {
      const template = `<${tag} id="c" ${attributes}>${slots}</${tag}>`
      const page = simulate.render(simulate.load({ template, usingComponents: { [tag]: id }, data }))
      page.attach(document.createElement('parent-wrapper'))
      page.triggerPageLifeTime('show')
      return { page, c: h.listen(the(page, '#c')) }
    },
    /** Detaches `c` while its call is held, then answers (as the platform would): no setData, no event. */
    async expectSilentAfterDetach(c: Root, answer = () => h.answer()) {
      h.events.length = 0
      const setData = jest.spyOn(c.instance, 'setData')
      c.detach()
      answer()
      await h.flush()
      expect(setData).not.toHaveBeenCalled()
      expect(h.events).toEqual([])
    },
  }
  let undo = () => undefined as void
  beforeEach(() => {
    h.platform = makePlatform()
    // simulate's own `wx` mock keeps its other functions; the card APIs, version and modal are the simulator's
    undo = h.platform.install(Reflect.get(globalThis, 'wx') as object, { all: true, request: true })
    h.platform.hold()
    h.events = []
    h.toasts = []
    // the card platform does not model toasts: recorded here, on simulate's wx, for the tags' end-user messages
    const host = Reflect.get(globalThis, 'wx') as { showToast?: unknown }
    const showToast = host.showToast
    host.showToast = (toast: { title: string }) => h.toasts.push(toast.title)
    const undoPlatform = undo
    undo = () => {
      host.showToast = showToast
      undoPlatform()
    }
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    undo()
    errors?.mockRestore()
    if (fakeTimers) jest.useRealTimers()
    fakeTimers = false
  })
  return h
}
