/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * <pay-coupon-list> in miniprogram-simulate with vant's real cells and empty state: its rows and their states in
 * words, the texts as properties, `choose` for a usable coupon only, rows it cannot read, the empty state.
 */
import type { Node } from 'miniprogram-simulate'
import type { ChooseCouponDetail, PayCouponItem } from '../../components/pay-coupon-list/index'
import { state } from '../../components/pay-coupon-list/coupon-row.wxs'
import { PAY_COUPON_STATES } from '../../utils/send-coupon-rules'
import { tapOn, the } from '../helpers/harness'
import { byTag, loadComponent, nodesOf, simulate, templateTree } from '../helpers/simulate'

const ENTRY = 'components/pay-coupon-list/index'
const LIST = loadComponent(ENTRY)

let chosen: ChooseCouponDetail[] = []
let errors: jest.SpiedFunction<typeof console.error>
beforeEach(() => {
  chosen = []
  errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
})
afterEach(() => errors.mockRestore())

const coupon = (n: number, fields: Partial<PayCouponItem> = {}): PayCouponItem => ({
  stockId: `12120000000000${n}`,
  couponCode: `code${n}`,
  state: 'SENDED',
  stockName: `满${n}0减${n}`,
  ...fields,
})

function render(props: Record<string, unknown>) {
  const c = simulate.render(LIST, props)
  c.addEventListener('choose', (e) => chosen.push(e.detail as unknown as ChooseCouponDetail))
  c.attach(document.createElement('parent-wrapper'))
  return c
}
/** `<pay-coupon-list id="c" attributes>slots</pay-coupon-list>` inside a page. */
function host(attributes: string, data: Record<string, unknown>, slots = '') {
  const template = `<pay-coupon-list id="c" ${attributes}>${slots}</pay-coupon-list>`
  const page = simulate.render(simulate.load({ template, usingComponents: { 'pay-coupon-list': LIST }, data }))
  page.attach(document.createElement('parent-wrapper'))
  return the(page, '#c')
}

const text = (n: Node | undefined) => (n?.dom.textContent || '').trim()
const within = (c: Node, selector: string) => byTag(c, 'van-cell').map((cell) => text(cell.querySelector(selector)))
const description = (empty: Node | undefined) =>
  (empty?.querySelectorAll('.van-empty__description') ?? []).map(text).join('')
const actions = (c: Node) => c.querySelectorAll('.coupon-action').map(text)
async function tapRow(c: Node, i: number) {
  tapOn(byTag(c, 'van-cell')[i], '.van-cell')
  await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('rows', () => {
  it('one van-cell per coupon: title, description and validity as label, extra as value, logo, the action', () => {
    const c = render({
      coupons: [
        coupon(1, { description: '全场通用', expireTime: '2026-12-31T23:59:59+08:00', extra: '¥1' }),
        coupon(2, { title: '新人券', logo: 'https://x/logo.png' }),
        coupon(3, { stockName: undefined }),
      ],
    })
    expect(byTag(c, 'van-cell')).toHaveLength(3)
    expect(within(c, '.van-cell__title')).toEqual([
      '满10减1全场通用 · 有效期至 2026.12.31',
      '新人券',
      '121200000000003',
    ])
    expect(within(c, '.van-cell__label')).toEqual(['全场通用 · 有效期至 2026.12.31', '', ''])
    expect(within(c, '.van-cell__value')).toEqual(['¥1', '', ''])
    expect(byTag(c, 'van-cell').map((cell) => cell.dom.querySelectorAll('.main--coupon-logo').length)).toEqual([
      0, 1, 0,
    ])
    expect(actions(c)).toEqual(['去使用', '去使用', '去使用'])
    expect(byTag(c, 'van-cell').map((cell) => cell.data.clickable)).toEqual([true, true, true])
  })

  it.each(PAY_COUPON_STATES.filter((s) => s !== 'SENDED').map((s) => [s] as const))(
    '%s: dimmed, its state in words, not a button, a tap chooses nothing',
    async (couponState) => {
      const words = { USED: '已使用', EXPIRED: '已过期', DELETED: '已删除', DEACTIVATED: '已失效' }[couponState]
      const c = render({ coupons: [coupon(1), coupon(2, { state: couponState })] })
      expect(actions(c)).toEqual(['去使用', words])
      expect(byTag(c, 'van-cell')[1]?.dom.className).toMatch(new RegExp(`coupon-item--${couponState}\\b`))
      expect(byTag(c, 'van-cell').map((cell) => cell.data.clickable)).toEqual([true, false])
      const tree = nodesOf(templateTree(ENTRY, c.instance.data)).filter((n) => n.attr?.ariaRole)
      expect(tree.map((n) => [n.attr!.ariaRole, n.attr!.ariaLabel, n.attr!.ariaDisabled])).toEqual([
        ['button', '满10减1 去使用', false],
        ['text', `满20减2 ${words}`, true],
      ])
      await tapRow(c, 1)
      expect(chosen).toEqual([])
      expect(errors).not.toHaveBeenCalled()
    },
  )

  it('texts are properties; a partial state-texts keeps the other defaults', () => {
    const c = render({
      coupons: [
        coupon(1, { expireTime: '2027-01-02T00:00:00+08:00' }),
        coupon(2, { state: 'USED' }),
        coupon(3, { state: 'EXPIRED' }),
      ],
      actionText: '出示券码',
      stateTexts: { USED: '已核销' },
      validUntilText: '截止',
    })
    expect(actions(c)).toEqual(['出示券码', '已核销', '已过期'])
    expect(within(c, '.van-cell__label')[0]).toBe('截止 2027.01.02')
  })
})

describe('choose', () => {
  it('a tap on a usable coupon emits choose with the coupon and its index', async () => {
    const coupons = [coupon(1, { state: 'USED' }), coupon(2)]
    const c = render({ coupons })
    await tapRow(c, 1)
    expect(chosen).toEqual([{ coupon: coupons[1], index: 1 }])
    await tapRow(c, 0)
    expect(chosen).toHaveLength(1)
  })

  it.each<[string, Record<string, unknown>]>([
    ['couponCode', { couponCode: '' }],
    ['stockId', { stockId: 7 }],
    ['state', { state: 'FROZEN' }],
    ['expireTime', { expireTime: 1767196799 }],
  ])('a row with a wrong %s: 状态未知, named once in the console, never chosen', async (field, fields) => {
    const c = render({ coupons: [coupon(1), { ...coupon(2), ...fields }] })
    expect(actions(c)).toEqual(['去使用', '状态未知'])
    expect(state({ ...coupon(2), ...fields } as PayCouponItem)).toBe('UNKNOWN')
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0]?.[0])).toContain(`pay-coupon-list: coupons[1].${field}`)
    await tapRow(c, 1)
    expect(chosen).toEqual([])
  })

  it('a new list renders at once; the rows keep their code as key', () => {
    const c = render({ coupons: [coupon(1)] })
    c.setData({ coupons: [coupon(1, { state: 'USED' }), coupon(2)] })
    expect(actions(c)).toEqual(['已使用', '去使用'])
  })
})

describe('empty', () => {
  it('no coupons: van-empty with the default text and the drawn picture (nothing fetched)', () => {
    const c = render({ coupons: [] })
    const empty = byTag(c, 'van-empty')[0]
    expect(description(empty)).toBe('暂无优惠券')
    expect(empty?.data.image).toBe('')
    expect(c.querySelectorAll('.coupon-empty-drawing')).toHaveLength(1)
  })

  it('empty-text, empty-image and the empty slot', () => {
    const c = host(
      'coupons="{{ coupons }}" empty-text="还没有券" empty-image="/images/empty.png"',
      { coupons: [] },
      '<view slot="empty">去领券</view>',
    )
    const empty = byTag(c, 'van-empty')[0]
    expect(description(empty)).toBe('还没有券')
    expect(text(empty?.querySelector('.van-empty__bottom'))).toBe('去领券')
    expect(c.querySelectorAll('.coupon-empty-drawing')).toHaveLength(0)
    expect(c.querySelectorAll('.coupon-empty-image')).toHaveLength(1)
  })

  it('rows: no empty state', () => {
    expect(byTag(render({ coupons: [coupon(1)] }), 'van-empty')).toHaveLength(0)
  })
})
