/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * What both tags share (components/common/card-call.ts), through each real tag in miniprogram-simulate: the version
 * guard and the fallback slot, one card call at a time, silence once detached, exactly one outcome per tap whatever
 * WeChat answers, and the timeout for a call WeChat never answers (on jest's clock).
 */
import type { Root } from 'miniprogram-simulate'
import { ID, freshCards } from '../helpers/platform'
import { tapOn, useHarness, type Ev } from '../helpers/harness'
import { byTag, loadComponent } from '../helpers/simulate'

const BUTTON = loadComponent('components/add-card-button/index')
const LIST = loadComponent('components/open-card-list/index')
const h = useHarness()

interface Tag {
  tag: string
  api: 'addCard' | 'openCard'
  /** The component id, for a page that hosts it. */
  id: string
  /** The property that gives the tag its cards, and a value for it: one fresh card, or two held ones. */
  cards: [property: string, value: () => unknown]
  /** What the tag renders its cards with. */
  part: 'van-button' | 'van-cell'
  /** A finger's tap on it (row `row` of the list). */
  tap(c: Root, row?: number): void
  /** Its tap handler called in the logic layer, as taps that reach it before the view re-renders are. */
  handle(c: Root): void
  /** Ready for another call: the button needs a fresh cardExt (one works once); the list, another row. */
  again(c: Root): void
  /** How its success outcome reads (see `outcome`). */
  success: string
}

const TAGS: Tag[] = [
  {
    tag: 'add-card-button',
    api: 'addCard',
    id: BUTTON,
    cards: ['cardList', () => freshCards(ID.coupon)],
    part: 'van-button',
    tap: (c) => tapOn(byTag(c, 'van-button')[0], '.van-button'),
    handle: (c) => (c.instance as typeof c.instance & { onTap(): void }).onTap(),
    again: (c) => c.setData({ cardList: freshCards(ID.coupon) }),
    success: 'success 1/1',
  },
  {
    tag: 'open-card-list',
    api: 'openCard',
    id: LIST,
    cards: ['cards', () => h.addToBag(ID.voucher, ID.voucher)],
    part: 'van-cell',
    tap: (c, row = 0) => tapOn(byTag(c, 'van-cell')[row], '.van-cell'),
    handle: (c) =>
      (c.instance as typeof c.instance & { onRowTap(e: object): void }).onRowTap({
        currentTarget: { dataset: { index: 0 } },
      }),
    again: () => undefined,
    success: 'open 1',
  },
]

/** An event as these tests read it: `fail timeout: <message>`, `success 1/1`, `open 1`, `complete fail`. */
function outcome([name, detail]: Ev): string {
  if (name === 'complete') return `complete ${detail.outcome}`
  if (name === 'success')
    return `success ${(detail.succeeded as unknown[]).length}/${(detail.cardList as unknown[]).length}`
  if (name === 'open') return `open ${(detail.cardList as unknown[]).length}`
  return name === 'fail' ? `fail ${detail.code}: ${detail.message}` : name
}
const outcomes = () => h.events.filter(([name]) => name !== 'select').map(outcome)

describe.each(TAGS)('<$tag>', (t) => {
  const [property, value] = t.cards
  const render = (props: Record<string, unknown> = {}) => h.render(t.id, { [property]: value(), ...props })
  async function tap(c: Root, row?: number) {
    t.tap(c, row)
    await h.flush()
  }

  describe('the version guard', () => {
    it.each<[string, { SDKVersion?: string; missingApis?: ['addCard' | 'openCard'] }, string]>([
      ['base library 1.0.9', { SDKVersion: '1.0.9' }, '1.0.9'],
      [`a client without wx.${t.api}`, { missingApis: [t.api] }, '3.12.0'],
    ])('%s: unsupported, WeChat’s upgrade modal, no call, no setData', async (_, client, version) => {
      h.useClient(client)
      const c = render()
      const setData = jest.spyOn(c.instance, 'setData')
      await tap(c)
      expect(setData).not.toHaveBeenCalled()
      h.expectUnsupported(version)
    })

    it('show-upgrade-modal=false: the event only; upgrade-text replaces the wording', async () => {
      h.useClient({ SDKVersion: '1.0.9' })
      await tap(render({ showUpgradeModal: false }))
      expect(h.names()).toEqual(['unsupported', 'complete'])
      expect(h.platform.state.modals).toHaveLength(0)
      await tap(render({ upgradeText: '请升级微信' }))
      expect(h.platform.state.modals.map((modal) => modal.content)).toEqual(['请升级微信'])
    })

    it.each<[string, string, boolean, boolean]>([
      ['use-fallback-slot on an unsupported client: the fallback instead', 'use-fallback-slot', false, true],
      ['use-fallback-slot on a supported client: the tag, not the fallback', 'use-fallback-slot', true, false],
      ['an unsupported client without use-fallback-slot: still the tag (a tap explains)', '', false, false],
    ])('%s', (_, attribute, supported, fallback) => {
      if (!supported) h.useClient({ SDKVersion: '1.0.9' })
      const slot = '<view slot="fallback">请使用新版微信</view>'
      const { page, c } = h.host(t.tag, t.id, `${property}="{{cards}}" ${attribute}`, { cards: value() }, slot)
      expect(page.dom.textContent?.includes('请使用新版微信')).toBe(fallback)
      expect(byTag(c, t.part).length > 0).toBe(!fallback)
    })
  })

  describe('one card call at a time', () => {
    it('taps while WeChat is open make no second call; once it answers, a tap calls again', async () => {
      const c = render()
      for (let i = 0; i < 5; i++) await tap(c)
      expect(h.calls()).toHaveLength(1)
      h.answer()
      await h.flush()
      expect(outcomes()).toEqual([t.success, `complete ${t.success.split(' ')[0]}`])
      t.again(c)
      await tap(c, 1)
      expect(h.calls()).toHaveLength(2)
    })

    it('guards in the logic layer: taps that reach it before any re-render still make one call', async () => {
      const c = render()
      for (let i = 0; i < 10; i++) t.handle(c)
      await h.flush()
      expect(h.calls()).toHaveLength(1)
    })

    it.each(['accept', 'cancel'] as const)(
      'detached while WeChat is open: no setData, no event (%s)',
      async (action) => {
        const c = render()
        await tap(c)
        h.platform.nextUserAction(action)
        await h.expectSilentAfterDetach(c)
      },
    )
  })

  describe('exactly one outcome, then complete, whatever WeChat answers', () => {
    const failed = `wx.${t.api} failed without an errMsg`
    it.each<[string, [via: 'success' | 'fail' | 'platform', result?: object][], string]>([
      ['success twice', [['platform'], ['platform']], t.success],
      ['success, then fail', [['platform'], ['fail', { errMsg: `${t.api}:fail system error` }]], t.success],
      [
        'fail, then success',
        [['fail', { errMsg: `${t.api}:fail system error` }], ['platform']],
        'fail fail: system error',
      ],
      ['fail without errMsg, then success', [['fail', {}], ['platform']], `fail fail: ${failed}`],
    ])('%s', async (_, answers, first) => {
      await tap(render())
      const [call] = h.platform.heldCalls()
      for (const [via, result] of answers) {
        if (via === 'platform') call?.answer()
        else call?.respond(via, result ?? {})
      }
      await h.untilEvents(2)
      await h.flush() // a second callback arrives on a later macrotask: give it the chance to (wrongly) emit
      await h.flush()
      expect(outcomes()).toEqual([first, `complete ${first.split(' ')[0]}`])
      expect(JSON.stringify(h.events)).not.toContain('undefined')
    })

    it("WeChat's own failure: fail with its errMsg and detail, and nothing in the console", async () => {
      await tap(render())
      h.respond('fail', { errMsg: `${t.api}:fail:no permission` })
      await h.flush()
      expect(h.events[0]).toEqual([
        'fail',
        expect.objectContaining({ code: 'fail', errMsg: `${t.api}:fail:no permission`, detail: 'no permission' }),
      ])
      expect(h.errors).not.toHaveBeenCalled() // WeChat's answer, not a developer's mistake
    })

    it('the user cancels: cancel with the errMsg', async () => {
      const c = render()
      h.platform.nextUserAction('cancel')
      await tap(c)
      h.answer()
      await h.flush()
      expect(h.events).toEqual([
        ['cancel', { code: 'cancel', errMsg: `${t.api}:fail cancel` }],
        ['complete', { outcome: 'cancel' }],
      ])
    })

    it(`wx.${t.api} throws synchronously: fail, no call, and the tag can be tapped again`, async () => {
      h.platform.throwOnNextCall(t.api, new Error('native crash'))
      const c = render()
      await tap(c)
      expect(outcomes()).toEqual([`fail fail: wx.${t.api} threw: native crash`, 'complete fail'])
      expect(h.calls()).toHaveLength(0)
      t.again(c)
      await tap(c, 1)
      expect(h.calls()).toHaveLength(1)
    })
  })

  describe('a call WeChat never answers', () => {
    beforeEach(() => h.useFakeTimers())

    it('after the page shows again and answer-timeout passes: fail timeout once, a late answer ignored, tappable again', async () => {
      const c = render({ answerTimeout: 5000 })
      await tap(c)
      c.triggerPageLifeTime('show') // the user is back from WeChat's card page
      await jest.advanceTimersByTimeAsync(4999)
      expect(h.events).toEqual([])
      await jest.advanceTimersByTimeAsync(1)
      const timeout = `wx.${t.api} did not answer within 5000 ms after the page showed again`
      expect(outcomes()).toEqual([`fail timeout: ${timeout}`, 'complete fail'])
      h.answer() // WeChat answers after all: ignored
      await jest.advanceTimersByTimeAsync(60_000)
      expect(h.events).toHaveLength(2)
      t.again(c) // the late answer spent the button's cardExt
      await tap(c, 1)
      expect(h.calls()).toHaveLength(2)
    })

    it('no timeout while the card page is still open (no page show), nor with answer-timeout 0', async () => {
      const waiting = render({ answerTimeout: 1 })
      await tap(waiting)
      const never = render({ answerTimeout: 0 })
      await tap(never)
      never.triggerPageLifeTime('show')
      await jest.advanceTimersByTimeAsync(3_600_000)
      expect(h.events).toEqual([])
    })

    it('an answer before the grace period ends wins, and the timer never fires afterwards', async () => {
      const c = render({ answerTimeout: 5000 })
      await tap(c)
      c.triggerPageLifeTime('show')
      await jest.advanceTimersByTimeAsync(4999)
      h.answer()
      await jest.advanceTimersByTimeAsync(60_000)
      expect(outcomes()).toEqual([t.success, `complete ${t.success.split(' ')[0]}`])
    })
  })
})
