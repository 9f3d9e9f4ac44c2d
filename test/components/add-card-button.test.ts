/** @jest-environment ./test/helpers/jsdom-fetch-env.js */
import { byTag, loadComponent, simulate } from '../helpers/simulate'
import { cardsToAdd, flush, signedCardExt, useHarness } from '../helpers/harness'
import { startCardExtServer, type CardExtServer, type Fault } from '../helpers/card-ext-server'
import { UPGRADE_TEXT } from '../../utils'
import type { AddCardButtonInstance } from '../../components/add-card-button/index'

/** Valid in shape (the client's rules), signed with nothing: fine where WeChat is never asked. */
const SHAPED_EXT = { timestamp: 1414587457, signature: '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28', nonce_str: 'abc' }
const ID = loadComponent('components/add-card-button/index')

type Root = ReturnType<typeof simulate.render>
const h = useHarness()

const render = (props: Record<string, unknown>): Root => h.render(ID, props)
const vanButton = (c: Root) => byTag(c, 'van-button')[0]
const inner = (c: Root) => vanButton(c).querySelector('.van-button')
async function tap(c: Root, times = 1) {
  for (let i = 0; i < times; i++) inner(c).dispatchEvent('tap')
  await flush()
}
/** Answers the held call as the platform would and lets the tag settle. */
async function answer() {
  h.answer()
  await flush()
}
const names = h.names
const single = (cardId = 'pPlain') => ({ cardId, cardExt: signedCardExt(cardId) })

describe('rendering', () => {
  it('renders a real van-button, primary by default, with the default text', () => {
    const c = render(single())
    expect(vanButton(c).data.type).toBe('primary')
    expect(inner(c).dom.className).toMatch(/van-button--primary/)
    expect(c.dom.textContent).toContain('添加到卡包')
    expect(vanButton(c).data.ariaLabel).toBe('添加到卡包')
  })

  it('forwards look properties to van-button', () => {
    const look = {
      type: 'danger',
      size: 'small',
      block: true,
      round: true,
      plain: true,
      color: '#ff0000',
      disabled: true,
    }
    const c = render({ ...single(), text: '领取优惠券', ...look })
    const d = vanButton(c).data
    expect({
      type: d.type,
      size: d.size,
      block: d.block,
      round: d.round,
      plain: d.plain,
      color: d.color,
      disabled: d.disabled,
    }).toEqual(look)
    expect(inner(c).dom.className).toMatch(/van-button--round/)
    expect(c.dom.textContent).toContain('领取优惠券')
    expect(d.ariaLabel).toBe('领取优惠券')
  })

  it('custom-class from the page reaches the rendered button', () => {
    const page = simulate.render(
      simulate.load({
        template: `<add-card-button id="c" custom-class="page-btn" card-id="pPlain" card-ext="{{ext}}" />`,
        usingComponents: { 'add-card-button': ID },
        data: { ext: SHAPED_EXT },
      }),
    )
    page.attach(document.createElement('parent-wrapper'))
    expect(inner(page.querySelector('#c')).dom.className).toMatch(/page-btn/)
    // our own class sits on van-button's host, where vant's variables are set (our styles cannot reach inside)
    expect(vanButton(page.querySelector('#c')).dom.className).toMatch(/card-add/)
  })

  it('a disabled button makes no call', async () => {
    const c = render({ ...single(), disabled: true })
    await tap(c)
    expect(h.calls()).toHaveLength(0)
    expect(h.events).toEqual([])
  })
})

describe('input', () => {
  it('single-card shorthand with an object cardExt: serialized to a JSON string', async () => {
    const c = render({ cardId: 'pPlain', cardExt: SHAPED_EXT })
    await tap(c)
    expect(h.calls()).toEqual([[{ cardId: 'pPlain', cardExt: JSON.stringify(SHAPED_EXT) }]])
  })

  it('card-list input, string cardExt kept byte for byte, and the platform adds both', async () => {
    const cardList = cardsToAdd('pPlain', 'pCustom')
    const c = render({ cardList })
    await tap(c)
    expect(h.calls()).toEqual([cardList])
    await answer()
    expect(names()).toEqual(['success', 'complete'])
    expect(h.platform.state.held.map((card) => card.cardId)).toEqual(['pPlain', 'pCustom'])
  })

  it('card-list wins over the shorthand when both are set', async () => {
    const c = render({ cardList: cardsToAdd('pPlain2'), ...single() })
    await tap(c)
    expect(h.calls()[0]?.map((x) => x.cardId)).toEqual(['pPlain2'])
  })

  it.each([
    ['shorthand without cardExt', { cardId: 'pPlain' }, 0, 'cardExt'],
    ['non-JSON cardExt string', { cardId: 'pPlain', cardExt: '{oops' }, 0, 'cardExt'],
    ['missing signature', { cardId: 'pPlain', cardExt: { timestamp: 1 } }, 0, 'cardExt.signature'],
    [
      'millisecond timestamp',
      { cardId: 'pPlain', cardExt: { ...SHAPED_EXT, timestamp: Date.now() } },
      0,
      'cardExt.timestamp',
    ],
    [
      'api_ticket leaked into cardExt',
      { cardId: 'pPlain', cardExt: { ...SHAPED_EXT, api_ticket: 't' } },
      0,
      'cardExt.api_ticket',
    ],
    [
      'long nonce_str',
      { cardId: 'pPlain', cardExt: { ...SHAPED_EXT, nonce_str: 'n'.repeat(33) } },
      0,
      'cardExt.nonce_str',
    ],
    ['bad code', { cardId: 'pPlain', cardExt: { ...SHAPED_EXT, code: 'a-b' } }, 0, 'cardExt.code'],
    ['cardId with a space', { cardId: ' pPlain', cardExt: SHAPED_EXT }, 0, 'cardId'],
    [
      'second card without cardId',
      { cardList: [{ cardId: 'pPlain', cardExt: SHAPED_EXT }, { cardExt: SHAPED_EXT }] },
      1,
      'cardId',
    ],
    [
      'third card with an unknown key',
      {
        cardList: [
          ...cardsToAdd('pPlain', 'pPlain2'),
          { cardId: 'pOne', cardExt: { ...SHAPED_EXT, constructor: 'x' } },
        ],
      },
      2,
      'cardExt.constructor',
    ],
    [
      'the same cardExt twice',
      {
        cardList: [
          { cardId: 'pPlain', cardExt: SHAPED_EXT },
          { cardId: 'pPlain', cardExt: SHAPED_EXT },
        ],
      },
      1,
      'cardExt',
    ],
  ])(
    'invalid: %s → fail {code:"invalid"} naming index and field, console.error, no setData, no wx call',
    async (_, props, index, field) => {
      const c = render(props)
      const setData = jest.spyOn(c.instance, 'setData')
      await tap(c)
      expect(h.calls()).toHaveLength(0)
      expect(names()).toEqual(['fail', 'complete'])
      const d = h.events[0]?.[1]
      expect([d?.code, d?.index, d?.field]).toEqual(['invalid', index, field])
      expect(d?.message).toContain(`cardList[${index}].${field}`)
      expect(h.events[1]?.[1]).toEqual({ outcome: 'fail' })
      expect(h.errors).toHaveBeenCalledTimes(1)
      expect(String(h.errors.mock.calls[0][0])).toContain(field)
      expect(vanButton(c).data.loading).toBe(false)
      expect(setData).not.toHaveBeenCalled() // checked before the loading state, so no flash
    },
  )

  it('no input yet (cards still loading): fail names the empty card-list, not a card', async () => {
    const c = render({})
    await tap(c)
    expect(h.calls()).toHaveLength(0)
    expect(h.events[0]).toEqual([
      'fail',
      expect.objectContaining({
        code: 'invalid',
        index: undefined,
        field: undefined,
        message: 'cardList: is empty: pass at least one card',
      }),
    ])
  })
})

describe('a cardExt works once', () => {
  it('after WeChat accepted it, a second tap is refused before any wx call, saying why and what to do', async () => {
    const c = render(single())
    await tap(c)
    await answer()
    expect(names()).toEqual(['success', 'complete'])
    h.events.length = 0
    await tap(c)
    expect(h.calls()).toHaveLength(1)
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0]?.[1]).toMatchObject({ code: 'invalid', index: 0, field: 'cardExt' })
    expect(String(h.events[0]?.[1].message)).toMatch(/already used.*fresh one/)
  })

  it('a cancel does not spend it: the same cardExt is sent again and added', async () => {
    const cardExt = signedCardExt('pPlain')
    const c = render({ cardId: 'pPlain', cardExt })
    h.platform.nextUserAction('cancel')
    await tap(c)
    await answer()
    expect(names()).toEqual(['cancel', 'complete'])
    await tap(c)
    await answer()
    expect(h.calls().map((list) => list[0]?.cardExt)).toEqual([cardExt, cardExt])
    expect(names()).toEqual(['cancel', 'complete', 'success', 'complete'])
  })

  it('a card refused within a success (out of stock) is spent too: WeChat has seen its nonce', async () => {
    const c = render({ cardList: cardsToAdd('pOne', 'pOne') })
    await tap(c)
    await answer()
    const detail = h.events[0]?.[1] as { succeeded: unknown[]; failed: unknown[] }
    expect([detail.succeeded.length, detail.failed.length]).toEqual([1, 1])
    await tap(c)
    expect(h.calls()).toHaveLength(1)
    expect(h.events[2]?.[1]).toMatchObject({ code: 'invalid', index: 0, field: 'cardExt' })
  })
})

describe('version guard', () => {
  it.each([
    ['base library 1.0.9', { SDKVersion: '1.0.9' }, '1.0.9'],
    ['wx.addCard missing', { SDKVersion: '3.12.0', missingApis: ['addCard' as const] }, '3.12.0'],
  ])('%s: unsupported event, official modal, no call, no setData', async (_, settings, version) => {
    h.useClient(settings)
    const c = render(single())
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect(setData).not.toHaveBeenCalled()
    h.expectUnsupported(version)
    expect(UPGRADE_TEXT).toBe('当前微信版本过低，无法使用该功能，请升级到最新微信版本后重试。')
  })

  it('show-upgrade-modal=false: event only, no modal; upgrade-text replaces the wording', async () => {
    h.useClient({ SDKVersion: '1.0.9' })
    await tap(render({ ...single(), showUpgradeModal: false }))
    expect(names()).toEqual(['unsupported', 'complete'])
    expect(h.platform.state.modals).toHaveLength(0)
    await tap(render({ ...single(), upgradeText: '请升级微信' }))
    expect(h.platform.state.modals[0]?.content).toBe('请升级微信')
  })

  function host(useFallback: boolean) {
    const page = simulate.render(
      simulate.load({
        template: `<add-card-button id="c" card-id="pPlain" card-ext="{{ext}}" use-fallback-slot="{{use}}"><view slot="fallback" class="fb">请使用新版微信领取</view></add-card-button>`,
        usingComponents: { 'add-card-button': ID },
        data: { ext: SHAPED_EXT, use: useFallback },
      }),
    )
    page.attach(document.createElement('parent-wrapper'))
    return page
  }

  it('use-fallback-slot on an unsupported client renders the fallback slot instead of the button', () => {
    h.useClient({ SDKVersion: '1.0.9' })
    const page = host(true)
    expect(page.dom.textContent).toContain('请使用新版微信领取')
    expect(byTag(page.querySelector('#c'), 'van-button')).toHaveLength(0)
  })

  it('use-fallback-slot on a supported client renders the button and not the fallback', () => {
    const page = host(true)
    expect(page.dom.textContent).not.toContain('请使用新版微信领取')
    expect(byTag(page.querySelector('#c'), 'van-button')).toHaveLength(1)
  })

  it('without use-fallback-slot an unsupported client still gets the button (tap explains)', () => {
    h.useClient({ SDKVersion: '1.0.9' })
    const page = host(false)
    expect(page.dom.textContent).not.toContain('请使用新版微信领取')
    expect(byTag(page.querySelector('#c'), 'van-button')).toHaveLength(1)
  })
})

describe('in flight', () => {
  it('shows loading and ignores further taps: 10 rapid taps → exactly one wx.addCard', async () => {
    const c = render({ cardList: cardsToAdd('pPlain') })
    await tap(c, 10)
    expect(h.calls()).toHaveLength(1)
    expect(vanButton(c).data.loading).toBe(true)
    expect(inner(c).dom.className).toMatch(/van-button--loading/)
    await answer()
    expect(vanButton(c).data.loading).toBe(false)
    c.setData({ cardList: cardsToAdd('pPlain') })
    await tap(c)
    expect(h.calls()).toHaveLength(2)
  })

  it('guards in the logic layer too: taps that arrive before the view re-renders still make one call', async () => {
    // On a device the view updates asynchronously, so van-button may still deliver taps after loading is set.
    const c = render(single())
    const onTap = (c.instance as unknown as { onTap(): void }).onTap.bind(c.instance)
    for (let i = 0; i < 10; i++) onTap()
    await flush()
    expect(h.calls()).toHaveLength(1)
  })

  it('at most 2 setData per tap round trip (loading on, loading off)', async () => {
    const c = render(single())
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    await answer()
    expect(setData.mock.calls.map((a) => a[0])).toEqual([{ loading: true }, { loading: false }])
  })

  it('detached mid-call: no setData and no events afterwards', async () => {
    const c = render(single())
    await tap(c)
    await h.expectSilentAfterDetach(c)
  })
})

describe('outcomes: exactly one event per tap, then complete', () => {
  it('success: {cardList, succeeded, failed} with the encrypted codes the platform issued', async () => {
    const c = render({ cardList: cardsToAdd('pPlain', 'pBound') })
    await tap(c)
    await answer()
    expect(names()).toEqual(['success', 'complete'])
    const d = h.events[0]?.[1] as {
      cardList: { cardId: string; code: string }[]
      succeeded: unknown[]
      failed: unknown[]
    }
    expect(d.cardList.map((x) => [x.cardId, x.code])).toEqual(
      h.platform.state.held.map((card) => [card.cardId, card.encryptCode]),
    )
    expect([d.succeeded.length, d.failed.length]).toEqual([2, 0])
    expect(h.events[1]?.[1]).toEqual({ outcome: 'success' })
  })

  it('partial success is still success, with failed non-empty', async () => {
    const c = render({ cardList: cardsToAdd('pOne', 'pOne') })
    await tap(c)
    await answer()
    expect(names()).toEqual(['success', 'complete'])
    const d = h.events[0]?.[1] as { succeeded: { cardId: string }[]; failed: { cardId: string }[] }
    expect(d.succeeded.map((x) => x.cardId)).toEqual(['pOne'])
    expect(d.failed.map((x) => x.cardId)).toEqual(['pOne'])
  })

  it('cancel: {code, errMsg}', async () => {
    const c = render(single())
    h.platform.nextUserAction('cancel')
    await tap(c)
    await answer()
    expect(h.events).toEqual([
      ['cancel', { code: 'cancel', errMsg: 'addCard:fail cancel' }],
      ['complete', { outcome: 'cancel' }],
    ])
    expect(vanButton(c).data.loading).toBe(false)
  })

  it("fail with WeChat's detail (a cardExt signed with another ticket: 签名错误)", async () => {
    const c = render({ cardId: 'pPlain', cardExt: SHAPED_EXT })
    await tap(c)
    await answer()
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0]?.[1]).toMatchObject({ code: 'fail', errMsg: 'addCard:fail 签名错误', detail: '签名错误' })
    expect(h.errors).not.toHaveBeenCalled() // WeChat's answer, not a developer mistake
  })

  it('a synchronous throw from wx.addCard becomes fail and the button recovers', async () => {
    h.platform.throwOnNextCall('addCard', new Error('native crash'))
    const c = render(single())
    await tap(c)
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0]?.[1]).toMatchObject({ code: 'fail', detail: 'native crash' })
    expect(vanButton(c).data.loading).toBe(false)
  })

  it('an answer without errMsg is a fail that says so (never the text "undefined")', async () => {
    const c = render(single())
    await tap(c)
    h.platform.heldCalls()[0]?.respond('fail', {})
    await flush()
    expect(h.events[0]?.[1]).toMatchObject({ code: 'fail', message: 'wx.addCard failed without an errMsg' })
    expect(JSON.stringify(h.events)).not.toContain('undefined')
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
    render({ cardExtUrl: server.url, cardId: 'pThree', requestHeader: { Authorization: 'Bearer t0ken' }, ...props })

  /** Taps, lets the request run, answers WeChat's card page, waits for the outcome. */
  async function tapAndAnswer(c: Root) {
    const events = h.events.length
    await tap(c)
    await h.untilHeld()
    h.answer()
    await h.untilEvents(events + 2)
  }

  it('card-ext-url: three taps → three requests, three different cardExts, three cards added (the card allows 3)', async () => {
    const c = tapTime({ requestData: { scene: 'home' } })
    for (let i = 0; i < 3; i++) await tapAndAnswer(c)
    expect(names()).toEqual(['success', 'complete', 'success', 'complete', 'success', 'complete'])
    expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill({ cardIds: ['pThree'], data: { scene: 'home' } }))
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer t0ken'))
    const sent = h.calls().map((list) => list[0]?.cardExt)
    expect(new Set(sent).size).toBe(3)
    expect(h.platform.state.held.map((card) => card.cardId)).toEqual(['pThree', 'pThree', 'pThree'])
  })

  it('card-ids: several cards in one request and one wx.addCard', async () => {
    const c = tapTime({ cardIds: ['pPlain', 'pCustom', 'pBound'] })
    await tapAndAnswer(c)
    expect(server.requests[0]?.body.cardIds).toEqual(['pPlain', 'pCustom', 'pBound'])
    expect(h.calls()[0]?.map((card) => card.cardId)).toEqual(['pPlain', 'pCustom', 'pBound'])
    expect(h.platform.state.held).toHaveLength(3)
  })

  it('loading shows from the tap until WeChat answers, in 2 setData; taps meanwhile are ignored', async () => {
    const c = tapTime()
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect(vanButton(c).data.loading).toBe(true) // while the request is on its way
    await tap(c, 3)
    await h.untilHeld()
    expect(vanButton(c).data.loading).toBe(true) // while WeChat's card page is open
    h.answer()
    await h.untilEvents(2)
    expect(server.requests).toHaveLength(1)
    expect(setData.mock.calls.map((args) => args[0])).toEqual([{ loading: true }, { loading: false }])
  })

  it.each<[Fault, Record<string, unknown>, string, RegExp]>([
    ['http500', {}, 'source', /HTTP 500: could not sign the card/],
    ['hang', { requestTimeout: 30 }, 'source', /no answer from .* within 30 ms/],
    ['notJson', {}, 'source', /not JSON/],
    ['wrongShape', {}, 'source', /must be \{ cardList/],
    ['badCardExt', {}, 'invalid', /cardList\[0\]\.cardExt\.timestamp: looks like milliseconds/],
  ])(
    'a source that fails (%s): fail naming the cause, loading cleared, no wx call, tappable again',
    async (fault, props, code, message) => {
      server.fault = fault
      const c = tapTime(props)
      await tap(c)
      await h.untilEvents(2)
      expect(names()).toEqual(['fail', 'complete'])
      expect(h.events[0]?.[1]).toMatchObject({ code })
      expect(String(h.events[0]?.[1].message)).toMatch(message)
      expect(h.errors).toHaveBeenCalledTimes(1) // shown to the developer in the console
      expect(h.calls()).toHaveLength(0)
      expect(vanButton(c).data.loading).toBe(false)
      server.fault = 'none'
      c.setData({ requestTimeout: 10_000 }) // the retry is an ordinary request, however loaded the machine
      await tapAndAnswer(c)
      expect(names().slice(2)).toEqual(['success', 'complete'])
    },
  )

  it('a server that cannot be reached: fail code source with the request error', async () => {
    const c = tapTime({ cardExtUrl: 'http://127.0.0.1:9/card-ext' })
    await tap(c)
    await h.untilEvents(2)
    expect(h.events[0]?.[1]).toMatchObject({ code: 'source' })
    expect(String(h.events[0]?.[1].message)).toMatch(
      /request to http:\/\/127\.0\.0\.1:9\/card-ext failed: request:fail/,
    )
  })

  it('no card to request: invalid before any request or setData', async () => {
    const c = render({ cardExtUrl: server.url })
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect(h.events[0]?.[1]).toMatchObject({ code: 'invalid', field: 'cardIds' })
    expect(server.requests).toHaveLength(0)
    expect(setData).not.toHaveBeenCalled()
  })

  it('an unsupported client: unsupported before any request', async () => {
    h.useClient({ SDKVersion: '1.0.9' })
    await tap(tapTime())
    h.expectUnsupported('1.0.9')
    expect(server.requests).toHaveLength(0)
  })

  describe('setCardSource: the page provides the cards (its own auth or transport)', () => {
    const instance = (c: Root) => c.instance as unknown as AddCardButtonInstance

    it('is called on every tap with the card ids, wins over card-ext-url, and null removes it', async () => {
      const c = tapTime()
      const source = jest.fn((cardIds: string[]) => Promise.resolve(cardsToAdd(...cardIds)))
      instance(c).setCardSource(source)
      await tapAndAnswer(c)
      await tapAndAnswer(c)
      expect(source.mock.calls).toEqual([[['pThree']], [['pThree']]])
      expect(server.requests).toHaveLength(0)
      expect(names()).toEqual(['success', 'complete', 'success', 'complete'])
      instance(c).setCardSource(null)
      await tapAndAnswer(c)
      expect(server.requests).toHaveLength(1)
    })

    it.each<[string, () => unknown, RegExp]>([
      ['rejects', () => Promise.reject(new Error('login expired')), /the page's source failed: login expired/],
      [
        'throws',
        () => {
          throw new Error('no network')
        },
        /the page's source failed: no network/,
      ],
      ['answers nothing', () => Promise.resolve(undefined), /must be \{ cardList/],
      ['answers an empty list', () => Promise.resolve([]), /at least one card/],
    ])('a page source that %s: fail code source, no wx call', async (_, source, message) => {
      const c = tapTime()
      instance(c).setCardSource(source as never)
      await tap(c)
      await h.untilEvents(2)
      expect(h.events[0]?.[1]).toMatchObject({ code: 'source' })
      expect(String(h.events[0]?.[1].message)).toMatch(message)
      expect(h.calls()).toHaveLength(0)
      expect(vanButton(c).data.loading).toBe(false)
    })
  })
})

describe('a call WeChat never answers', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('after the page shows again and answer-timeout passes: fail code timeout once, tappable again, a late answer ignored', async () => {
    const c = render({ ...single(), answerTimeout: 5 })
    await tap(c)
    expect(vanButton(c).data.loading).toBe(true)
    c.triggerPageLifeTime('show') // the user is back from WeChat's card page
    await h.untilEvents(2)
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0]?.[1]).toMatchObject({
      code: 'timeout',
      message: 'wx.addCard did not answer within 5 ms after the page showed again',
    })
    expect(vanButton(c).data.loading).toBe(false)
    h.answer() // WeChat answers after all: ignored
    await sleep(10)
    expect(names()).toEqual(['fail', 'complete'])
    c.setData({ cardId: 'pPlain2', cardExt: signedCardExt('pPlain2') })
    await tap(c)
    expect(h.calls()).toHaveLength(2)
  })

  it('no timeout while the card page is still open (no page show), nor with answer-timeout 0', async () => {
    const waiting = render({ ...single(), answerTimeout: 1 })
    await tap(waiting)
    const never = render({ ...single('pPlain2'), answerTimeout: 0 })
    await tap(never)
    never.triggerPageLifeTime('show')
    await sleep(20)
    expect(h.events).toEqual([])
    expect([vanButton(waiting).data.loading, vanButton(never).data.loading]).toEqual([true, true])
  })

  it('an answer before the grace period ends wins, and the timer never fires afterwards', async () => {
    const c = render({ ...single(), answerTimeout: 20 })
    await tap(c)
    c.triggerPageLifeTime('show')
    await answer()
    await sleep(40)
    expect(names()).toEqual(['success', 'complete'])
  })
})
