/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * <add-card-button> in miniprogram-simulate with vant's real van-button, on the card-platform simulator: what it
 * renders, the cards it sends, its loading state, what a success carries, and tap-time mode (a fresh cardExt from the
 * page's server for every add). What both tags share is in card-call.test.ts.
 */
import type { Node, Root } from 'miniprogram-simulate'
import type { AddCardButtonInstance } from '../../components/add-card-button/index'
import type { CardSource } from '../../utils'
import { startCardExtServer, type CardExtServer, type Fault } from '../helpers/card-ext-server'
import { tapOn, the, useHarness } from '../helpers/harness'
import { ACCOUNT, freshCards, ID } from '../helpers/platform'
import { byTag, loadComponent } from '../helpers/simulate'

/** Valid in shape (the client's rules), signed with nothing: fine where WeChat is never asked. */
const SHAPED_EXT = { timestamp: 1414587457, signature: '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28', nonce_str: 'abc' }
const BUTTON = loadComponent('components/add-card-button/index')
const h = useHarness()

const render = (props: Record<string, unknown>) => h.render<AddCardButtonInstance>(BUTTON, props)
const vanButton = (c: Node) => byTag(c, 'van-button')[0]
const inner = (c: Node) => the(vanButton(c), '.van-button')
const loading = (c: Node) => vanButton(c)?.data.loading
async function tap(c: Node, times = 1) {
  for (let i = 0; i < times; i++) tapOn(vanButton(c), '.van-button')
  await h.flush()
}
/** Answers the held call as the platform would and lets the tag settle. */
async function answer() {
  h.answer()
  await h.flush()
}
const single = (cardId: string = ID.coupon) => freshCards(cardId)[0]

describe('rendering', () => {
  it('a real van-button, primary by default, with the default text', () => {
    const c = render({ ...single() })
    expect(vanButton(c)?.data.type).toBe('primary')
    expect(inner(c).dom.className).toMatch(/van-button--primary/)
    expect(c.dom.textContent).toContain('添加到卡包')
    expect(vanButton(c)?.data.ariaLabel).toBe('添加到卡包')
  })

  it('forwards the look properties to van-button', () => {
    const look = { type: 'danger', size: 'small', block: true, round: true, plain: true, color: '#f00', disabled: true }
    const c = render({ ...single(), text: '领取优惠券', ...look })
    const { type, size, block, round, plain, color, disabled, ariaLabel } = vanButton(c)?.data ?? {}
    expect({ type, size, block, round, plain, color, disabled }).toEqual(look)
    expect(inner(c).dom.className).toMatch(/van-button--round/)
    expect([c.dom.textContent?.includes('领取优惠券'), ariaLabel]).toEqual([true, '领取优惠券'])
  })

  it("custom-class from the page reaches the rendered button; our class sits on van-button's host", () => {
    const attributes = 'custom-class="page-btn" card-id="pA" card-ext="{{ext}}"'
    const { c } = h.host('add-card-button', BUTTON, attributes, { ext: SHAPED_EXT })
    expect(inner(c).dom.className).toMatch(/page-btn/)
    // where vant's variables are set: our styles cannot reach inside van-button
    expect(vanButton(c)?.dom.className).toMatch(/card-add/)
  })

  it('a disabled button makes no call', async () => {
    await tap(render({ ...single(), disabled: true }))
    expect([h.calls(), h.events]).toEqual([[], []])
  })
})

describe('the cards it sends', () => {
  it('the card-id + card-ext shorthand, an object cardExt serialized to the JSON string WeChat needs', async () => {
    await tap(render({ cardId: ID.coupon, cardExt: SHAPED_EXT }))
    expect(h.calls()).toEqual([[{ cardId: ID.coupon, cardExt: JSON.stringify(SHAPED_EXT) }]])
  })

  it('card-list, each cardExt string kept byte for byte; the platform adds them all', async () => {
    const cardList = freshCards(ID.coupon, ID.custom)
    await tap(render({ cardList }))
    expect(h.calls()).toEqual([cardList])
    await answer()
    expect(h.names()).toEqual(['success', 'complete'])
    expect(h.platform.state.held.map((card) => card.cardId)).toEqual([ID.coupon, ID.custom])
  })

  it('card-list wins over the shorthand when both are set', async () => {
    await tap(render({ cardList: freshCards(ID.voucher), ...single() }))
    expect(h.calls()[0]?.map((card) => card.cardId)).toEqual([ID.voucher])
  })

  it.each<[string, Record<string, unknown>, number | undefined, string | undefined]>([
    ['no cards yet (still loading)', {}, undefined, undefined],
    ['the shorthand without cardExt', { cardId: ID.coupon }, 0, 'cardExt'],
    [
      'a millisecond timestamp',
      { cardId: ID.coupon, cardExt: { ...SHAPED_EXT, timestamp: Date.now() } },
      0,
      'cardExt.timestamp',
    ],
    ['a cardId with a space', { cardId: ` ${ID.coupon}`, cardExt: SHAPED_EXT }, 0, 'cardId'],
    [
      'a 3rd card with an unknown key',
      {
        cardList: [
          ...freshCards(ID.coupon, ID.voucher),
          { cardId: ID.coupon, cardExt: { ...SHAPED_EXT, constructor: 'x' } },
        ],
      },
      2,
      'cardExt.constructor',
    ],
    [
      'the same cardExt twice',
      {
        cardList: [
          { cardId: ID.coupon, cardExt: SHAPED_EXT },
          { cardId: ID.coupon, cardExt: SHAPED_EXT },
        ],
      },
      1,
      'cardExt',
    ],
  ])(
    'invalid (%s): fail naming the card and field, in the console too; no setData, no wx call',
    async (_, props, index, field) => {
      const c = render(props)
      const setData = jest.spyOn(c.instance, 'setData')
      await tap(c)
      expect(h.calls()).toHaveLength(0)
      expect(h.events).toEqual([
        ['fail', expect.objectContaining({ code: 'invalid', index, field })],
        ['complete', { outcome: 'fail' }],
      ])
      const where = index === undefined ? 'cardList' : `cardList[${index}].${field}`
      expect(h.events[0]?.[1].message).toMatch(new RegExp(`^${where.replace(/[.[\]]/g, '\\$&')}: `))
      expect(h.errors.mock.calls).toEqual([[`[weapp-card-coupon] ${h.events[0]?.[1].message}`]])
      expect(setData).not.toHaveBeenCalled() // checked before the loading state, so no flash
    },
  )
})

describe('a cardExt works once', () => {
  it('after WeChat accepted it, a second tap is refused before any wx call, saying why and what to do', async () => {
    const c = render({ ...single() })
    await tap(c)
    await answer()
    await tap(c)
    expect(h.calls()).toHaveLength(1)
    expect(h.names()).toEqual(['success', 'complete', 'fail', 'complete'])
    expect(h.events[2]?.[1]).toMatchObject({ code: 'invalid', index: 0, field: 'cardExt' })
    expect(String(h.events[2]?.[1].message)).toMatch(/already used.*fresh one/)
  })

  it('a cancel does not spend it: the same cardExt is sent again and added', async () => {
    const card = single()
    const c = render({ ...card })
    h.platform.nextUserAction('cancel')
    await tap(c)
    await answer()
    await tap(c)
    await answer()
    expect(h.calls().map((list) => list[0]?.cardExt)).toEqual([card?.cardExt, card?.cardExt])
    expect(h.names()).toEqual(['cancel', 'complete', 'success', 'complete'])
  })

  it('a card refused within a success (out of stock) is spent too: WeChat has seen its nonce', async () => {
    const c = render({ cardList: freshCards(ID.lastOne, ID.lastOne) })
    await tap(c)
    await answer()
    await tap(c)
    expect(h.calls()).toHaveLength(1)
    expect(h.events[2]?.[1]).toMatchObject({ code: 'invalid', index: 0, field: 'cardExt' })
  })
})

describe('loading and what a success carries', () => {
  it('loading from the tap until WeChat answers, in 2 setData per round trip', async () => {
    const c = render({ ...single() })
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect([loading(c), inner(c).dom.className.includes('van-button--loading')]).toEqual([true, true])
    await answer()
    expect(loading(c)).toBe(false)
    expect(setData.mock.calls.map((args) => args[0])).toEqual([{ loading: true }, { loading: false }])
  })

  it('success: { cardList, succeeded, failed } with the encrypted codes the platform issued', async () => {
    await tap(render({ cardList: freshCards(ID.coupon, ID.member) }))
    await answer()
    const { cardList, succeeded, failed } = h.events[0]?.[1] as Record<string, { cardId: string; code: string }[]>
    expect(cardList?.map((card) => [card.cardId, card.code])).toEqual(
      h.platform.state.held.map((card) => [card.cardId, card.encryptCode]),
    )
    expect([succeeded?.length, failed?.length]).toEqual([2, 0])
  })

  it('a partial success is still success, with failed non-empty', async () => {
    await tap(render({ cardList: freshCards(ID.lastOne, ID.lastOne) }))
    await answer()
    expect(h.names()).toEqual(['success', 'complete'])
    const { succeeded, failed } = h.events[0]?.[1] as Record<string, { cardId: string }[]>
    expect([succeeded?.map((card) => card.cardId), failed?.map((card) => card.cardId)]).toEqual([
      [ID.lastOne],
      [ID.lastOne],
    ])
  })

  it.each<[string, object, string]>([
    ['no cardList', { errMsg: 'addCard:ok' }, 'the answer has no cardList'],
    ['a cardList that is not an array', { errMsg: 'addCard:ok', cardList: {} }, 'its cardList is object, not an array'],
    ['a card that is null', { errMsg: 'addCard:ok', cardList: [null] }, 'its cardList[0] is null, not a card object'],
  ])('an ok answer with %s: fail saying what is missing, loading cleared, the toast', async (_, answer, problem) => {
    const c = render({ ...single() })
    await tap(c)
    h.respond('success', answer)
    await h.flush()
    expect(h.events).toEqual([
      [
        'fail',
        expect.objectContaining({
          code: 'fail',
          detail: 'malformed answer',
          reason: 'failed',
          message: `wx.addCard answered ok, but ${problem}: the cards may have been added`,
        }),
      ],
      ['complete', { outcome: 'fail' }],
    ])
    expect([loading(c), h.toasts]).toEqual([false, ['领取失败，请稍后重试']])
  })
})

describe('the end user is told: a toast in their words', () => {
  it.each<[string, string, string, string]>([
    ['WeChat says 已领完', 'addCard:fail 已领完', 'sold_out', '已领完'],
    ['WeChat fails otherwise', 'addCard:fail system error', 'failed', '领取失败，请稍后重试'],
  ])('%s: fail with reason %s and the toast', async (_, errMsg, reason, toast) => {
    await tap(render({ ...single() }))
    h.respond('fail', { errMsg })
    await h.flush()
    expect(h.events[0]?.[1]).toMatchObject({ code: 'fail', errMsg, reason })
    expect(h.toasts).toEqual([toast])
  })

  it('invalid input: the developer reads why in the console, the user a short toast', async () => {
    await tap(render({ cardId: ID.coupon }))
    expect(h.events[0]?.[1]).toMatchObject({ code: 'invalid', reason: 'failed' })
    expect(h.toasts).toEqual(['领取失败，请稍后重试'])
  })

  it('every card refused within the success (out of stock): success as WeChat said, and 已领完', async () => {
    await tap(render({ cardList: freshCards(ID.lastOne) }))
    await answer()
    expect(h.toasts).toEqual([])
    await tap(render({ cardList: freshCards(ID.lastOne) }))
    await answer()
    expect(h.names()).toEqual(['success', 'complete', 'success', 'complete'])
    expect(h.toasts).toEqual(['已领完'])
  })

  it('a cancel and an old client show none (the user chose; WeChat’s modal says it)', async () => {
    h.platform.nextUserAction('cancel')
    await tap(render({ ...single() }))
    await answer()
    h.useClient({ SDKVersion: '1.0.9' })
    await tap(render({ ...single() }))
    expect(h.names()).toEqual(['cancel', 'complete', 'unsupported', 'complete'])
    expect(h.toasts).toEqual([])
  })

  it('toast-texts replaces some words and keeps the other defaults; show-toast false shows none', async () => {
    const texts = { sold_out: '来晚了，券已领完' }
    for (const errMsg of ['addCard:fail 已领完', 'addCard:fail system error']) {
      await tap(render({ ...single(), toastTexts: texts }))
      h.respond('fail', { errMsg })
      await h.flush()
    }
    await tap(render({ ...single(), showToast: false }))
    h.respond('fail', { errMsg: 'addCard:fail 已领完' })
    await h.flush()
    expect(h.names()).toEqual(['fail', 'complete', 'fail', 'complete', 'fail', 'complete'])
    expect(h.toasts).toEqual(['来晚了，券已领完', '领取失败，请稍后重试'])
  })
})

describe('tap-time mode: a fresh cardExt for every add', () => {
  let server: CardExtServer
  beforeAll(async () => {
    server = await startCardExtServer()
  })
  afterAll(() => server.close())
  beforeEach(() => {
    server.fault = 'none'
    server.requests.length = 0
  })

  const tapTime = (props: Record<string, unknown> = {}) =>
    render({ cardExtUrl: server.url, cardId: ID.coupon, requestHeader: { Authorization: 'Bearer t0ken' }, ...props })

  /** Taps, lets the request run, answers WeChat's card page, waits for the outcome. */
  async function tapAndAnswer(c: Root) {
    const events = h.events.length
    await tap(c)
    await h.untilHeld()
    h.answer()
    await h.untilEvents(events + 2)
  }

  it('card-ext-url: three taps → three requests, three different cardExts, three cards added (3 per user)', async () => {
    const c = tapTime({ requestData: { scene: 'home' } })
    for (let i = 0; i < 3; i++) await tapAndAnswer(c)
    expect(h.names()).toEqual(['success', 'complete', 'success', 'complete', 'success', 'complete'])
    expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill({ cardIds: [ID.coupon], data: { scene: 'home' } }))
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer t0ken'))
    expect(new Set(h.calls().map((list) => list[0]?.cardExt)).size).toBe(3)
    expect(h.platform.state.held.map((card) => card.cardId)).toEqual([ID.coupon, ID.coupon, ID.coupon])
  })

  it('after 签名错误 the next request says signatureFailed (the server refreshes its ticket); a success clears it', async () => {
    const c = tapTime()
    h.platform.rotateTicket({ ticket: 'a-ticket-the-server-does-not-have-yet' })
    await tapAndAnswer(c)
    expect(h.events[0]).toEqual(['fail', expect.objectContaining({ errMsg: 'addCard:fail 签名错误' })])
    h.platform.rotateTicket({ ticket: ACCOUNT.apiTicket }) // the server signs with WeChat's ticket again
    await tapAndAnswer(c)
    await tapAndAnswer(c)
    expect(h.names().slice(2)).toEqual(['success', 'complete', 'success', 'complete'])
    expect(server.requests.map((r) => r.body.signatureFailed)).toEqual([undefined, true, undefined])
  })

  it('card-ids: several cards in one request and one wx.addCard', async () => {
    await tapAndAnswer(tapTime({ cardIds: [ID.coupon, ID.custom, ID.member] }))
    expect(server.requests[0]?.body.cardIds).toEqual([ID.coupon, ID.custom, ID.member])
    expect(h.calls()[0]?.map((card) => card.cardId)).toEqual([ID.coupon, ID.custom, ID.member])
    expect(h.platform.state.held).toHaveLength(3)
  })

  it('loading shows from the tap until WeChat answers, in 2 setData; taps meanwhile are ignored', async () => {
    const c = tapTime()
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect(loading(c)).toBe(true) // while the request is on its way
    await tap(c, 3)
    await h.untilHeld()
    expect(loading(c)).toBe(true) // while WeChat's card page is open
    h.answer()
    await h.untilEvents(2)
    expect(server.requests).toHaveLength(1)
    expect(setData.mock.calls.map((args) => args[0])).toEqual([{ loading: true }, { loading: false }])
  })

  const SHAPE = 'the answer must be { cardList: [{ cardId, cardExt }, …] } with at least one card'
  it.each<[Fault, Record<string, unknown>, string]>([
    ['http500', {}, 'source: card source: <url> answered HTTP 500: could not sign the card'],
    ['hang', { requestTimeout: 30 }, 'source: card source: no answer from <url> within 30 ms'],
    ['notJson', {}, 'source: card source: <url> answered something that is not JSON'],
    ['wrongShape', {}, `source: card source: ${SHAPE}`],
    [
      'badCardExt',
      {},
      'invalid: cardList[0].cardExt.timestamp: looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)',
    ],
  ])(
    'a source that fails (%s): fail naming the cause, loading cleared, no wx call, tappable again',
    async (fault, props, failure) => {
      server.fault = fault
      const c = tapTime(props)
      await tap(c)
      await h.untilEvents(2)
      const [code, message] = failure.replace('<url>', server.url).split(/: (.*)/)
      expect(h.events).toEqual([
        ['fail', expect.objectContaining({ code, message })],
        ['complete', { outcome: 'fail' }],
      ])
      expect(h.errors).toHaveBeenCalledTimes(1) // shown to the developer in the console
      expect([h.calls(), loading(c)]).toEqual([[], false])
      server.fault = 'none'
      c.setData({ requestTimeout: 10_000 }) // the retry is an ordinary request, however loaded the machine
      await tapAndAnswer(c)
      expect(h.names().slice(2)).toEqual(['success', 'complete'])
    },
  )

  it('a server that cannot be reached: fail code source with the request error; the user reads 网络异常', async () => {
    await tap(tapTime({ cardExtUrl: 'http://127.0.0.1:9/card-ext' }))
    await h.untilEvents(2)
    expect(h.events[0]?.[1]).toMatchObject({
      code: 'source',
      reason: 'network',
      message: 'card source: request to http://127.0.0.1:9/card-ext failed: request:fail TypeError: fetch failed',
    })
    expect(h.toasts).toEqual(['网络异常，请重试'])
  })

  it('a server that answers too late: 网络异常 too; a server that answers HTTP 500: 领取失败', async () => {
    server.fault = 'hang'
    await tap(tapTime({ requestTimeout: 30 }))
    await h.untilEvents(2)
    server.fault = 'http500'
    await tap(tapTime())
    await h.untilEvents(4)
    expect(h.events.filter(([name]) => name === 'fail').map(([, d]) => d.reason)).toEqual(['network', 'failed'])
    expect(h.toasts).toEqual(['网络异常，请重试', '领取失败，请稍后重试'])
  })

  describe('one outcome per tap, then nothing: a source that answers after the tap ended reaches no wx.addCard', () => {
    /** A page source that answers when the test says so. */
    function heldSource() {
      const held = { release: () => undefined as void, calls: 0 }
      const source: CardSource = (cardIds) => {
        held.calls++
        return new Promise((resolve) => (held.release = () => resolve(freshCards(...cardIds))))
      }
      return { held, source }
    }

    /** Counts wx.request answers (success or fail), so a test knows the source has its answer. */
    function countAnswers() {
      const wxHost = Reflect.get(globalThis, 'wx') as { request(options: WechatMiniprogram.RequestOption): unknown }
      const request = wxHost.request
      const seen = { answers: 0 }
      wxHost.request = (options) =>
        request.call(wxHost, {
          ...options,
          success: (result) => {
            seen.answers++
            options.success?.(result)
          },
          fail: (result) => {
            seen.answers++
            options.fail?.(result)
          },
        })
      return seen
    }

    it('setCardSource, detached before the source answers: no wx.addCard, no setData, no event', async () => {
      const c = tapTime()
      const { held, source } = heldSource()
      c.instance.setCardSource(source)
      await tap(c)
      expect(held.calls).toBe(1)
      await h.expectSilentAfterDetach(c, () => held.release())
      await h.flush()
      expect(h.calls()).toEqual([])
    })

    it('setCardSource, timed out after the page showed again: fail timeout once; the late cards are dropped', async () => {
      h.useFakeTimers()
      const c = tapTime({ answerTimeout: 5000 })
      const { held, source } = heldSource()
      c.instance.setCardSource(source)
      await tap(c)
      c.triggerPageLifeTime('show') // the user went elsewhere and came back; the source has not answered
      await jest.advanceTimersByTimeAsync(5000)
      expect(h.events.map(([name, d]) => [name, d.code ?? d.outcome])).toEqual([
        ['fail', 'timeout'],
        ['complete', 'fail'],
      ])
      expect(loading(c)).toBe(false)
      held.release()
      await jest.advanceTimersByTimeAsync(60_000)
      expect([h.calls(), h.events.length]).toEqual([[], 2])
      // the next tap is a call of its own
      await tap(c)
      held.release()
      await jest.advanceTimersByTimeAsync(0)
      expect(h.calls()).toHaveLength(1)
    })

    it('card-ext-url over HTTP, detached before the server answers: no wx.addCard, no setData, no event', async () => {
      server.fault = 'held'
      const seen = countAnswers()
      const c = tapTime()
      await tap(c)
      await h.until(() => server.requests.length === 1)
      await h.expectSilentAfterDetach(c, () => server.release())
      await h.until(() => seen.answers === 1)
      await h.flush()
      await h.flush()
      expect([seen.answers, h.calls(), h.events]).toEqual([1, [], []])
    })

    it('card-ext-url over HTTP, timed out after the page showed again: fail timeout once; the late answer is dropped', async () => {
      server.fault = 'held'
      const seen = countAnswers()
      // the server holds its answer until released: any grace period ends first
      const c = tapTime({ answerTimeout: 20 })
      await tap(c)
      await h.until(() => server.requests.length === 1)
      c.triggerPageLifeTime('show')
      await h.untilEvents(2)
      expect(h.events.map(([name, d]) => [name, d.code ?? d.outcome])).toEqual([
        ['fail', 'timeout'],
        ['complete', 'fail'],
      ])
      server.release()
      await h.until(() => seen.answers === 1)
      await h.flush()
      await h.flush()
      expect([seen.answers, h.calls(), h.events.length, loading(c)]).toEqual([1, [], 2, false])
    })
  })

  it('no card to request: invalid before any request or setData', async () => {
    const c = render({ cardExtUrl: server.url })
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect(h.events[0]?.[1]).toMatchObject({ code: 'invalid', field: 'cardIds' })
    expect([server.requests, setData.mock.calls]).toEqual([[], []])
  })

  it('an unsupported client: unsupported before any request', async () => {
    h.useClient({ SDKVersion: '1.0.9' })
    await tap(tapTime())
    h.expectUnsupported('1.0.9')
    expect(server.requests).toHaveLength(0)
  })

  describe('setCardSource: the page provides the cards (its own auth or transport)', () => {
    it('is called on every tap with the card ids, wins over card-ext-url, and null removes it', async () => {
      const c = tapTime()
      const source = jest.fn((cardIds: string[]) => Promise.resolve(freshCards(...cardIds)))
      c.instance.setCardSource(source)
      await tapAndAnswer(c)
      await tapAndAnswer(c)
      expect(source.mock.calls).toEqual([[[ID.coupon]], [[ID.coupon]]])
      expect(server.requests).toHaveLength(0)
      expect(h.names()).toEqual(['success', 'complete', 'success', 'complete'])
      c.instance.setCardSource(null)
      await tapAndAnswer(c)
      expect(server.requests).toHaveLength(1)
    })

    it.each<[string, CardSource, string]>([
      ['rejects', () => Promise.reject(new Error('login expired')), "the page's source failed: login expired"],
      [
        'throws',
        () => {
          throw new Error('no network')
        },
        "the page's source failed: no network",
      ],
      ['answers nothing', () => Promise.resolve(undefined as never), SHAPE],
      ['answers an empty list', () => Promise.resolve([]), SHAPE],
    ])('a page source that %s: fail code source, no wx call', async (_, source, message) => {
      const c = tapTime()
      c.instance.setCardSource(source)
      await tap(c)
      await h.untilEvents(2)
      expect(h.events[0]?.[1]).toMatchObject({ code: 'source', message: `card source: ${message}` })
      expect([h.calls(), loading(c)]).toEqual([[], false])
    })
  })
})
