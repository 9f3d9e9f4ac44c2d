/** @jest-environment jsdom */
import { byTag, loadComponent, simulate } from '../helpers/simulate'
import { useHarness } from '../helpers/harness'
import { flush } from '../helpers/platform'
import { UPGRADE_TEXT } from '../../utils'

const SIG = '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'
const EXT = { timestamp: 1414587457, signature: SIG, nonce_str: 'abc' }
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
const names = h.names

describe('rendering', () => {
  it('renders a real van-button, primary by default, with the default text', () => {
    const c = render({ cardId: 'A', cardExt: EXT })
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
    const c = render({ cardId: 'A', cardExt: EXT, text: '领取优惠券', ...look })
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
        template: `<add-card-button id="c" custom-class="page-btn" card-id="A" card-ext="{{ext}}" />`,
        usingComponents: { 'add-card-button': ID },
        data: { ext: EXT },
      }),
    )
    page.attach(document.createElement('parent-wrapper'))
    expect(inner(page.querySelector('#c')).dom.className).toMatch(/page-btn/)
    // our own class sits on van-button's host, where vant's variables are set (our styles cannot reach inside)
    expect(vanButton(page.querySelector('#c')).dom.className).toMatch(/card-add/)
  })

  it('a disabled button makes no call', async () => {
    const c = render({ cardId: 'A', cardExt: EXT, disabled: true })
    await tap(c)
    expect(h.client.pending.calls).toHaveLength(0)
    expect(h.events).toEqual([])
  })
})

describe('input', () => {
  it('single-card shorthand with an object cardExt: serialized to a JSON string', async () => {
    const c = render({ cardId: 'A', cardExt: EXT })
    await tap(c)
    expect(h.client.pending.calls).toHaveLength(1)
    expect(h.client.pending.calls[0].cardList).toEqual([{ cardId: 'A', cardExt: JSON.stringify(EXT) }])
  })

  it('card-list input, string cardExt kept byte for byte', async () => {
    const s = JSON.stringify({ ...EXT, nonce_str: 'x2' })
    const c = render({
      cardList: [
        { cardId: 'A', cardExt: EXT },
        { cardId: 'B', cardExt: s },
      ],
    })
    await tap(c)
    expect(h.client.pending.calls[0].cardList).toEqual([
      { cardId: 'A', cardExt: JSON.stringify(EXT) },
      { cardId: 'B', cardExt: s },
    ])
  })

  it('card-list wins over the shorthand when both are set', async () => {
    const c = render({ cardList: [{ cardId: 'L', cardExt: EXT }], cardId: 'S', cardExt: EXT })
    await tap(c)
    expect(h.client.pending.calls[0].cardList.map((x) => x.cardId)).toEqual(['L'])
  })

  it.each([
    ['shorthand without cardExt', { cardId: 'A' }, 0, 'cardExt'],
    ['non-JSON cardExt string', { cardId: 'A', cardExt: '{oops' }, 0, 'cardExt'],
    ['missing signature', { cardId: 'A', cardExt: { timestamp: 1 } }, 0, 'cardExt.signature'],
    ['millisecond timestamp', { cardId: 'A', cardExt: { ...EXT, timestamp: Date.now() } }, 0, 'cardExt.timestamp'],
    ['api_ticket leaked into cardExt', { cardId: 'A', cardExt: { ...EXT, api_ticket: 't' } }, 0, 'cardExt.api_ticket'],
    ['long nonce_str', { cardId: 'A', cardExt: { ...EXT, nonce_str: 'n'.repeat(33) } }, 0, 'cardExt.nonce_str'],
    ['bad code', { cardId: 'A', cardExt: { ...EXT, code: 'a-b' } }, 0, 'cardExt.code'],
    ['second card without cardId', { cardList: [{ cardId: 'A', cardExt: EXT }, { cardExt: EXT }] }, 1, 'cardId'],
    [
      'third card with unknown key',
      {
        cardList: [
          { cardId: 'A', cardExt: EXT },
          { cardId: 'B', cardExt: EXT },
          { cardId: 'C', cardExt: { ...EXT, foo: 1 } },
        ],
      },
      2,
      'cardExt.foo',
    ],
  ])(
    'invalid: %s → fail {code:"invalid"} naming index and field, console.error, no wx call',
    async (_, props, index, field) => {
      const c = render(props)
      const setData = jest.spyOn(c.instance, 'setData')
      await tap(c)
      expect(h.client.pending.calls).toHaveLength(0)
      expect(names()).toEqual(['fail', 'complete'])
      const d = h.events[0][1]
      expect([d.code, d.index, d.field]).toEqual(['invalid', index, field])
      expect(d.message).toContain(`cardList[${index}].${field}`)
      expect(h.events[1][1]).toEqual({ outcome: 'fail' })
      expect(h.errors).toHaveBeenCalledTimes(1)
      expect(String(h.errors.mock.calls[0][0])).toContain(field)
      expect(vanButton(c).data.loading).toBe(false)
      expect(setData).not.toHaveBeenCalled() // checked before the loading state, so no flash
    },
  )

  it('no input yet (cards still loading): fail names the empty card-list, not a card', async () => {
    const c = render({})
    await tap(c)
    expect(h.client.pending.calls).toHaveLength(0)
    expect(h.events[0]).toEqual([
      'fail',
      expect.objectContaining({
        code: 'invalid',
        index: undefined,
        field: undefined,
        message: 'cardList: must be a non-empty array',
      }),
    ])
  })
})

describe('version guard', () => {
  it.each([
    ['base library 1.0.9', { SDKVersion: '1.0.9' }, '1.0.9'],
    ['wx.addCard missing', { SDKVersion: '3.12.0', addCard: false }, '3.12.0'],
  ])('%s: unsupported event, official modal, no call', async (_, o, v) => {
    h.useClient(o)
    const c = render({ cardId: 'A', cardExt: EXT })
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    expect(setData).not.toHaveBeenCalled()
    h.expectUnsupported(v)
    expect(UPGRADE_TEXT).toBe('当前微信版本过低，无法使用该功能，请升级到最新微信版本后重试。')
  })

  it('show-upgrade-modal=false: event only, no modal; upgrade-text replaces the wording', async () => {
    h.useClient({ SDKVersion: '1.0.9' })
    await tap(render({ cardId: 'A', cardExt: EXT, showUpgradeModal: false }))
    expect(names()).toEqual(['unsupported', 'complete'])
    expect(h.client.showModal).not.toHaveBeenCalled()
    await tap(render({ cardId: 'A', cardExt: EXT, upgradeText: '请升级微信' }))
    expect(h.client.showModal.mock.calls[0][0].content).toBe('请升级微信')
  })

  function host(useFallback: boolean) {
    const page = simulate.render(
      simulate.load({
        template: `<add-card-button id="c" card-id="A" card-ext="{{ext}}" use-fallback-slot="{{use}}"><view slot="fallback" class="fb">请使用新版微信领取</view></add-card-button>`,
        usingComponents: { 'add-card-button': ID },
        data: { ext: EXT, use: useFallback },
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
    const c = render({ cardId: 'A', cardExt: EXT })
    await tap(c, 10)
    expect(h.client.pending.calls).toHaveLength(1)
    expect(vanButton(c).data.loading).toBe(true)
    expect(inner(c).dom.className).toMatch(/van-button--loading/)
    h.client.pending.ok()
    await flush()
    expect(vanButton(c).data.loading).toBe(false)
    await tap(c)
    expect(h.client.pending.calls).toHaveLength(2)
  })

  it('guards in the logic layer too: taps that arrive before the view re-renders still make one call', async () => {
    // On a device the view updates asynchronously, so van-button may still deliver taps after loading is set.
    const c = render({ cardId: 'A', cardExt: EXT })
    const onTap = (c.instance as unknown as { onTap(): void }).onTap.bind(c.instance)
    for (let i = 0; i < 10; i++) onTap()
    await flush()
    expect(h.client.pending.calls).toHaveLength(1)
  })

  it('at most 2 setData per tap round trip (loading on, loading off)', async () => {
    const c = render({ cardId: 'A', cardExt: EXT })
    const setData = jest.spyOn(c.instance, 'setData')
    await tap(c)
    h.client.pending.ok()
    await flush()
    expect(setData.mock.calls.map((a) => a[0])).toEqual([{ loading: true }, { loading: false }])
  })

  it('detached mid-call: no setData and no events afterwards', async () => {
    const c = render({ cardId: 'A', cardExt: EXT })
    await tap(c)
    await h.expectSilentAfterDetach(c)
  })
})

describe('outcomes: exactly one event per tap, then complete', () => {
  const two = {
    cardList: [
      { cardId: 'A', cardExt: EXT },
      { cardId: 'B', cardExt: EXT },
    ],
  }

  it('success: {cardList, succeeded, failed}', async () => {
    const c = render(two)
    await tap(c)
    h.client.pending.ok()
    await flush()
    expect(names()).toEqual(['success', 'complete'])
    const d = h.events[0][1] as {
      cardList: { cardId: string; code: string }[]
      succeeded: unknown[]
      failed: unknown[]
    }
    expect(d.cardList.map((x) => [x.cardId, x.code])).toEqual([
      ['A', 'enc0'],
      ['B', 'enc1'],
    ])
    expect([d.succeeded.length, d.failed.length]).toEqual([2, 0])
    expect(h.events[1][1]).toEqual({ outcome: 'success' })
  })

  it('partial success is still success, with failed non-empty', async () => {
    const c = render(two)
    await tap(c)
    h.client.pending.ok((x, i) => ({ ...x, code: i ? '' : 'enc0', isSuccess: i === 0 }))
    await flush()
    expect(names()).toEqual(['success', 'complete'])
    const d = h.events[0][1] as { succeeded: { cardId: string }[]; failed: { cardId: string }[] }
    expect(d.succeeded.map((x) => x.cardId)).toEqual(['A'])
    expect(d.failed.map((x) => x.cardId)).toEqual(['B'])
  })

  it('cancel: {code, errMsg}', async () => {
    const c = render(two)
    await tap(c)
    h.client.pending.fail('addCard:fail cancel')
    await flush()
    expect(h.events).toEqual([
      ['cancel', { code: 'cancel', errMsg: 'addCard:fail cancel' }],
      ['complete', { outcome: 'cancel' }],
    ])
    expect(vanButton(c).data.loading).toBe(false)
  })

  it('fail with the platform detail', async () => {
    const c = render(two)
    await tap(c)
    h.client.pending.fail('addCard:fail 签名错误')
    await flush()
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0][1]).toMatchObject({ code: 'fail', errMsg: 'addCard:fail 签名错误', detail: '签名错误' })
  })

  it('a synchronous throw from wx.addCard becomes fail and the button recovers', async () => {
    const w = (globalThis as unknown as { wx: Record<string, unknown> }).wx
    w.addCard = () => {
      throw new Error('native crash')
    }
    const c = render(two)
    await tap(c)
    expect(names()).toEqual(['fail', 'complete'])
    expect(h.events[0][1]).toMatchObject({ code: 'fail', detail: 'native crash' })
    expect(vanButton(c).data.loading).toBe(false)
  })
})
