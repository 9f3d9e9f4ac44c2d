/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * <open-card-list> in miniprogram-simulate with vant's real cells, checkboxes and buttons, on the card-platform
 * simulator: its rows, opening one card or a selection, the empty state, card states, the setData budget. What both
 * tags share is in card-call.test.ts.
 */
import type { Node, Root } from 'miniprogram-simulate'
import type { OpenCardListInstance } from '../../components/open-card-list/index'
import { WECHAT_USER_CARD_STATUSES } from '../../utils/protocol'
import { tapOn, the, useHarness } from '../helpers/harness'
import { ID } from '../helpers/platform'
import { byTag, loadComponent, nodesOf, templateTree } from '../helpers/simulate'
import { problem, state } from '../../components/open-card-list/card-row.wxs'
import { rowProblem } from '../../components/open-card-list/row-problem'

const ENTRY = 'components/open-card-list/index'
const LIST = loadComponent(ENTRY)
const h = useHarness()

/** The rows of the last deck(): n cards the user holds (added through the simulator), with decrypted codes. */
let rows: { cardId: string; code: string; title: string; description: string; extra: string }[] = []
const deck = (n: number) => (rows = h.addToBag(...Array.from({ length: n }, () => ID.voucher)))
/** n rows: four cards the user really holds (rows 0–3 may be opened), the rest only fill the list. */
const bigList = (n: number) => [
  ...deck(4),
  ...Array.from({ length: n - 4 }, (_, i) => ({ cardId: ID.voucher, code: `filler${i}`, title: `券${i + 4}` })),
]
/** What wx.openCard receives for rows `indexes` of the last deck(). */
const sent = (...indexes: number[]) => indexes.map((i) => ({ cardId: rows[i]?.cardId, code: rows[i]?.code }))
/** Answers the held call as the platform would and lets the tag settle. */
async function answer() {
  h.answer()
  await h.flush()
}

const render = (props: Record<string, unknown>) => h.render<OpenCardListInstance>(LIST, props)
const host = (attributes: string, data: Record<string, unknown>, slots = '') =>
  h.host('open-card-list', LIST, attributes, data, slots)

const text = (n: Node | undefined) => (n?.dom.textContent || '').trim()
/** A tap on the node vant renders for the row's cell, as a finger would. */
async function tapRow(c: Node, i: number) {
  tapOn(byTag(c, 'van-cell')[i], '.van-cell')
  await h.flush()
}
async function tapCheck(c: Node, i: number) {
  tapOn(byTag(c, 'van-checkbox')[i], '.van-checkbox__icon-wrap')
  await h.flush()
}
const batchButton = (c: Node) => the(byTag(c, 'van-button')[0], '.van-button')
async function tapBatch(c: Node) {
  batchButton(c).dispatchEvent('tap')
  await h.flush()
}
const checked = (c: Node) =>
  byTag(c, 'van-checkbox').map((b) => /van-checkbox__icon--checked/.test(the(b, '.van-checkbox__icon').dom.className))
const batchDisabled = (c: Node) => /van-button--disabled/.test(batchButton(c).dom.className)
/** The outcome events (select events are asserted on their own). */
const outcomes = () => h.events.filter(([name]) => name !== 'select')
const names = () => outcomes().map(([name]) => name)
const selections = () => h.events.filter(([name]) => name === 'select').map(([, detail]) => detail.indexes)

describe('rendering', () => {
  it('one van-cell per card: title, description as label, extra as value, logo, action text', () => {
    const cards = deck(3)
    const c = render({ cards: [cards[0], cards[1], { ...cards[2], logo: 'https://x/logo.png' }] })
    expect(byTag(c, 'van-cell')).toHaveLength(3)
    const within = (sel: string) => byTag(c, 'van-cell').map((cell) => text(cell.querySelector(sel)))
    expect(within('.van-cell__label')).toEqual(['说明0', '说明1', '说明2'])
    expect(within('.van-cell__title')).toEqual(['券0说明0', '券1说明1', '券2说明2'])
    expect(within('.van-cell__value')).toEqual(['¥0', '¥1', '¥2'])
    expect(c.querySelectorAll('.card-action').map(text)).toEqual(['查看', '查看', '查看'])
    expect(byTag(c, 'van-cell').map((cell) => cell.dom.querySelectorAll('.main--card-logo').length)).toEqual([0, 0, 1])
    // not selectable: no checkboxes, no batch button
    expect(byTag(c, 'van-checkbox')).toHaveLength(0)
    expect(byTag(c, 'van-button')).toHaveLength(0)
  })

  it('texts are properties', () => {
    const c = render({
      cards: [deck(1)[0], { cardId: 'x', title: 'y' }],
      selectable: true,
      actionText: '打开',
      pendingText: '解码中',
      openSelectedText: '一起打开',
    })
    expect(c.querySelectorAll('.card-action').map(text)).toEqual(['打开', '解码中'])
    expect(text(batchButton(c))).toBe('一起打开')
  })

  it('rows are buttons for screen readers, labelled with title and action', () => {
    const c = render({ cards: [deck(1)[0], { cardId: 'x', title: '新券' }] })
    const rows = nodesOf(templateTree(ENTRY, c.instance.data)).filter((n) => n.attr && n.attr.ariaRole)
    expect(rows.map((n) => [n.attr!.ariaRole, n.attr!.ariaLabel, n.attr!.ariaDisabled])).toEqual([
      ['button', '券0 查看', false],
      ['text', '新券 处理中', true],
    ])
  })

  it('custom-class from the page reaches the list root', () => {
    const { c } = host('custom-class="page-list" cards="{{cards}}"', { cards: deck(1) })
    expect(the(c, '.card-list').dom.className).toMatch(/page-list/)
  })

  it('a `cards` update re-renders the rows from the new list', async () => {
    const c = render({ cards: deck(2) })
    c.setData({ cards: deck(4).slice(1) })
    await h.flush()
    expect(byTag(c, 'van-cell').map((cell) => text(cell.querySelector('.van-cell__label')))).toEqual([
      '说明1',
      '说明2',
      '说明3',
    ])
  })
})

describe('open one card', () => {
  it('a tap on a row calls wx.openCard with exactly that card, then open and complete', async () => {
    const c = render({ cards: deck(3) })
    await tapRow(c, 1)
    expect(h.calls()).toEqual([sent(1)])
    expect(outcomes()).toEqual([])
    await answer()
    expect(h.platform.state.opened).toEqual(sent(1))
    expect(outcomes()).toEqual([
      ['open', { cardList: sent(1) }],
      ['complete', { outcome: 'open' }],
    ])
  })

  it('a code the user does not hold: WeChat (the simulator) fails it with its reason', async () => {
    const c = render({ cards: [{ cardId: ID.voucher, code: '123456789012', title: '别人的券' }] })
    await tapRow(c, 0)
    await answer()
    expect(h.events[0]?.[1]).toMatchObject({
      code: 'fail',
      detail: `invalid code: the user holds no card ${ID.voucher} with code 123456789012`,
    })
  })

  it('a card without its decrypted code: disabled look, hint; a tap or its checkbox does nothing (no event, no error)', async () => {
    const cards: object[] = deck(5)
    cards[3] = { cardId: ID.voucher, title: '券3' }
    const c = render({ cards, selectable: true })
    expect(c.querySelectorAll('.card-item').map((n) => /card-item--pending/.test(n.dom.className))).toEqual([
      false,
      false,
      false,
      true,
      false,
    ])
    expect(text(c.querySelectorAll('.card-action')[3])).toBe('处理中')
    expect(byTag(c, 'van-checkbox').map((b) => b.data.disabled)).toEqual([false, false, false, true, false])
    await tapCheck(c, 3)
    expect(checked(c)[3]).toBe(false)
    await tapRow(c, 3)
    expect(h.calls()).toHaveLength(0)
    expect(outcomes()).toEqual([])
    expect(h.errors).not.toHaveBeenCalled()
  })
})

describe('the end user is told: a toast in their words', () => {
  it('WeChat fails the open: fail with reason failed, and 打开失败，请稍后重试', async () => {
    const c = render({ cards: [{ cardId: ID.voucher, code: '123456789012', title: '别人的券' }] })
    await tapRow(c, 0)
    await answer()
    expect(h.events[0]?.[1]).toMatchObject({ code: 'fail', reason: 'failed' })
    expect(h.toasts).toEqual(['打开失败，请稍后重试'])
  })

  it('a cancel shows none; toast-texts replaces the words; show-toast false shows none', async () => {
    const mine = render({ cards: deck(1) })
    h.platform.nextUserAction('cancel')
    await tapRow(mine, 0)
    await answer()
    const stranger = [{ cardId: ID.voucher, code: '123456789012' }]
    await tapRow(render({ cards: stranger, toastTexts: { failed: '暂时打不开，请稍后再试' } }), 0)
    await answer()
    await tapRow(render({ cards: stranger, showToast: false }), 0)
    await answer()
    expect(names()).toEqual(['cancel', 'complete', 'fail', 'complete', 'fail', 'complete'])
    expect(h.toasts).toEqual(['暂时打不开，请稍后再试'])
  })
})

describe('selectable', () => {
  it('checkboxes select (without opening), the button opens the selection in ONE call, success clears it', async () => {
    const c = render({ cards: deck(4), selectable: true })
    expect(byTag(c, 'van-checkbox')).toHaveLength(4)
    expect(text(batchButton(c))).toBe('打开所选')
    expect(batchDisabled(c)).toBe(true)
    await tapBatch(c)
    expect(h.calls()).toHaveLength(0) // nothing selected: disabled
    for (const i of [0, 2, 3, 3]) await tapCheck(c, i) // 3 on and off again
    expect(checked(c)).toEqual([true, false, true, false])
    expect(h.calls()).toHaveLength(0) // a checkbox does not open its row
    expect(batchDisabled(c)).toBe(false)
    await tapBatch(c)
    expect(h.calls()).toEqual([sent(0, 2)])
    expect(checked(c)).toEqual([true, false, true, false]) // kept while WeChat is open
    await answer()
    expect(outcomes()).toEqual([
      ['open', { cardList: sent(0, 2) }],
      ['complete', { outcome: 'open' }],
    ])
    expect(checked(c)).toEqual([false, false, false, false])
    expect(batchDisabled(c)).toBe(true)
  })

  it.each([
    ['cancel', () => h.platform.nextUserAction('cancel'), () => h.answer()],
    ['a system error', () => undefined, () => h.respond('fail', { errMsg: 'openCard:fail system error' })],
  ])('%s keeps the selection', async (_, before, respond) => {
    const c = render({ cards: deck(3), selectable: true })
    await tapCheck(c, 1)
    before()
    await tapBatch(c)
    respond()
    await h.flush()
    expect(names()).toHaveLength(2)
    expect(checked(c)).toEqual([false, true, false])
    expect(batchDisabled(c)).toBe(false)
    await tapBatch(c)
    expect(h.calls()[1]).toEqual(sent(1))
  })

  it('a row tap opens only that row, selection untouched', async () => {
    const c = render({ cards: deck(3), selectable: true })
    await tapCheck(c, 0)
    await tapRow(c, 2)
    await answer()
    expect(h.calls()).toEqual([sent(2)])
    expect(checked(c)).toEqual([true, false, false])
  })

  it('a new `cards` list clears the selection (an index may now name another card)', async () => {
    const c = render({ cards: deck(3), selectable: true })
    await tapCheck(c, 2)
    expect(checked(c)).toEqual([false, false, true])
    const before = rows
    c.setData({ cards: [{ cardId: ID.voucher, title: 'new' }, ...before] })
    await h.flush()
    expect(checked(c)).toEqual([false, false, false, false])
    expect(byTag(c, 'van-button')[0].data.disabled).toBe(true)
    await tapCheck(c, 3)
    await tapBatch(c)
    expect(h.calls()).toEqual([sent(2)])
  })
})

describe('empty', () => {
  const description = (c: Node) =>
    byTag(c, 'van-empty').map((e) => e.querySelectorAll('.van-empty__description').map(text).join(''))

  it('no cards: van-empty with the default text, no batch button', () => {
    const c = render({ cards: [], selectable: true })
    expect(description(c)).toEqual(['暂无卡券'])
    expect(byTag(c, 'van-button')).toHaveLength(0)
  })

  it('empty-text and the empty slot', () => {
    const { c } = host('cards="{{cards}}" empty-text="还没有券"', { cards: [] }, '<view slot="empty">去领券</view>')
    expect(description(c)).toEqual(['还没有券'])
    expect(text(byTag(c, 'van-empty')[0]?.querySelector('.van-empty__bottom'))).toBe('去领券')
  })

  it('goes away when cards arrive', async () => {
    const c = render({ cards: [] })
    c.setData({ cards: deck(1) })
    await h.flush()
    expect(byTag(c, 'van-empty')).toHaveLength(0)
    expect(byTag(c, 'van-cell')).toHaveLength(1)
  })
})

describe('setData budget', () => {
  /** Every setData of one selectable list through: open a row, select a row, open the selection. */
  async function trace(n: number) {
    h.events = []
    const c = render({ cards: bigList(n), selectable: true })
    const payloads: string[] = []
    const setData = c.instance.setData.bind(c.instance)
    c.instance.setData = (data: Record<string, unknown>) => {
      payloads.push(JSON.stringify(data))
      setData(data)
    }
    const step = async (act: () => Promise<void>, answerIt = false) => {
      await act()
      if (answerIt) {
        h.answer()
        await h.flush()
      }
      return payloads.splice(0)
    }
    const open = await step(() => tapRow(c, 3), true)
    const select = await step(() => tapCheck(c, 3))
    const batch = await step(() => tapBatch(c), true)
    expect(names().filter((x) => x === 'open')).toHaveLength(2)
    return { open, select, batch }
  }

  // (bench P2 measures the same at 1,000 rows; 300 here keeps the suite quick)
  it('per-row updates are path-keyed: same payload for 10, 300 and 10,000 cards; ≤ 1 setData per open round trip', async () => {
    const small = await trace(10)
    const large = await trace(300)
    const huge = await trace(10_000)
    expect(small.open).toEqual([]) // tap → openCard → open → complete: nothing to render
    expect(small.select).toEqual(['{"selected[3]":true,"selectedCount":1}'])
    expect(small.batch).toEqual(['{"selected":[],"selectedCount":0}']) // the selection cleared, in one call
    expect(large).toEqual(small)
    expect(huge).toEqual(small)
  })
})

describe('card states: a "my cards" list', () => {
  const STATUS_WORDS: [string, string][] = [
    ['CONSUMED', '已使用'],
    ['EXPIRE', '已过期'],
    ['GIFTING', '转赠中'],
    ['GIFT_SUCC', '已转赠'],
    ['GIFT_TIMEOUT', '转赠超时'],
    ['DELETE', '已删除'],
    ['UNAVAILABLE', '已失效'],
    ['UNKNOWN', '状态未知'],
  ]
  const actionTexts = (c: Root) => c.querySelectorAll('.card-action').map(text)
  const rowClasses = (c: Root) => c.querySelectorAll('.card-item').map((n) => n.dom.className)

  it.each(STATUS_WORDS)(
    '%s: shown in words (%s), dimmed, no hover, not selectable, not a button to screen readers, a tap does nothing',
    async (status, words) => {
      const [usable, other] = deck(2)
      const c = render({ cards: [usable, { ...other, status }], selectable: true })
      expect(actionTexts(c)).toEqual(['查看', words])
      expect(rowClasses(c)[1]).toMatch(new RegExp(`card-item--${status}\\b`))
      expect(byTag(c, 'van-cell').map((cell) => cell.data.clickable)).toEqual([true, false])
      expect(byTag(c, 'van-checkbox').map((box) => box.data.disabled)).toEqual([false, true])
      const tree = nodesOf(templateTree(ENTRY, c.instance.data))
      expect(tree.filter((n) => n.attr?.ariaRole === 'button').map((n) => n.attr?.ariaLabel)).toEqual(['券0 查看'])
      await tapRow(c, 1)
      await tapCheck(c, 1)
      await tapBatch(c)
      expect(h.calls()).toHaveLength(0)
      expect(h.events).toEqual([])
      expect(h.errors).not.toHaveBeenCalled()
    },
  )

  it('NORMAL (or no status) opens; status-texts replaces some words and keeps the other defaults', async () => {
    const [a, b, d] = deck(3)
    const c = render({
      cards: [
        { ...a, status: 'NORMAL' },
        { ...b, status: 'CONSUMED' },
        { ...d, status: 'EXPIRE' },
      ],
      statusTexts: { CONSUMED: '已核销' },
    })
    expect(actionTexts(c)).toEqual(['查看', '已核销', '已过期'])
    await tapRow(c, 0)
    await answer()
    expect(names()).toEqual(['open', 'complete'])
  })

  it('validity: begin–end or the end date alone, after the description; a past end date reads expired before the server says so', async () => {
    const day = 86400
    const now = Math.floor(Date.now() / 1000)
    const [a, b, d] = deck(3)
    const date = (seconds: number) => {
      const x = new Date(seconds * 1000)
      return `${x.getFullYear()}.${String(x.getMonth() + 1).padStart(2, '0')}.${String(x.getDate()).padStart(2, '0')}`
    }
    const c = render({
      cards: [
        { ...a, beginTime: now - day, endTime: now + 30 * day },
        { ...b, description: '', endTime: now + 30 * day },
        { ...d, endTime: now - day }, // NORMAL at the server, but over
      ],
      validUntilText: '有效期至',
    })
    const labels = byTag(c, 'van-cell').map((cell) => text(cell.querySelector('.van-cell__label')))
    expect(labels).toEqual([
      `说明0 · ${date(now - day)} - ${date(now + 30 * day)}`,
      `有效期至 ${date(now + 30 * day)}`,
      `说明2 · 有效期至 ${date(now - day)}`,
    ])
    expect(actionTexts(c)).toEqual(['查看', '查看', '已过期'])
    await tapRow(c, 2)
    expect(h.calls()).toHaveLength(0)
  })

  const ENCRYPTED = 'q3Zr0Kf5+pVb1m/3Yx4eGsT2nQ8wH7cLdA9uJ6iR0oMzE1yB5aNvXtUgPhWkCjDl'
  it.each<[string, Record<string, unknown>, string, string]>([
    ['no cardId', { cardId: undefined }, 'cardId', 'must be a string'],
    ['a cardId with a newline', { cardId: `${ID.voucher}\n` }, 'cardId', 'leading or trailing whitespace'],
    ['a cardId cut in half of an emoji', { cardId: `${ID.voucher}\ud83c` }, 'cardId', 'lone UTF-16 surrogate'],
    ['the encrypted code from wx.addCard', { code: ENCRYPTED }, 'code', 'decrypt it on your server'],
    ['a numeric code', { code: 123456789012 }, 'code', 'must be a string, got number'],
    ['a code with a space', { code: '1234 5678' }, 'code', 'contains whitespace'],
    ['a code with a lone surrogate', { code: '\udf811234' }, 'code', 'lone UTF-16 surrogate'],
    ['an unknown status', { status: 'USED' }, 'status', 'user_card_status'],
    ['a status named like an Object member', { status: 'constructor' }, 'status', 'user_card_status'],
    ['a non-numeric time', { endTime: '2026-12-31' }, 'endTime', 'Unix seconds'],
    ['an end time in milliseconds', { endTime: 1893427200000 }, 'endTime', 'use seconds'],
    ['a NaN time', { beginTime: NaN }, 'beginTime', 'Unix seconds'],
    ['a fractional time', { beginTime: 1700000000.5 }, 'beginTime', 'Unix seconds'],
  ])(
    'a row a tap would refuse (%s): shown as UNKNOWN with no validity, never opened, reported once naming it and the fix',
    async (_, change, field, fix) => {
      const [a, b] = deck(2)
      const c = render({ cards: [a, { ...b, ...change }], selectable: true })
      expect(actionTexts(c)).toEqual(['查看', '状态未知'])
      expect(byTag(c, 'van-cell').map((cell) => text(cell.querySelector('.van-cell__label')))).toEqual([
        '说明0',
        '说明1',
      ])
      expect(h.errors).toHaveBeenCalledTimes(1)
      const message = String(h.errors.mock.calls[0][0])
      expect(message).toContain(`cards[1].${field} `)
      expect(message).toContain(fix)
      await tapRow(c, 1)
      await tapCheck(c, 1)
      c.setData({ cards: [a, { ...b, ...change }] }) // the same list again: nothing new to say
      await h.flush()
      expect([h.calls(), h.events, h.toasts]).toEqual([[], [], []])
      expect(h.errors).toHaveBeenCalledTimes(1)
    },
  )

  it('times as digit strings are seconds too; a 10-digit end date opens', async () => {
    const [a] = deck(1)
    const c = render({ cards: [{ ...a, endTime: String(Math.floor(Date.now() / 1000) + 86400) }] })
    expect(actionTexts(c)).toEqual(['查看'])
    expect(h.errors).not.toHaveBeenCalled()
  })

  it('updateCard: one path-keyed setData for a row (its size independent of the list); a selected row that stops being usable is unchecked', async () => {
    const sizes: number[] = []
    for (const n of [10, 300, 10_000]) {
      h.events.length = 0
      const c = render({ cards: bigList(n), selectable: true })
      await tapCheck(c, 3)
      const payloads: string[] = []
      const setData = c.instance.setData.bind(c.instance)
      c.instance.setData = (data: Record<string, unknown>) => {
        payloads.push(JSON.stringify(data))
        setData(data)
      }
      c.instance.updateCard(3, { status: 'CONSUMED' })
      expect(payloads).toEqual(['{"cards[3].status":"CONSUMED"}', '{"selected[3]":false,"selectedCount":0}'])
      expect(actionTexts(c)[3]).toBe('已使用')
      expect(selections()).toEqual([[3], []])
      sizes.push(payloads.join('').length)
    }
    expect(new Set(sizes).size).toBe(1)
  })
})

describe('list state stays consistent', () => {
  it.each<[string, unknown]>([
    ['past the end', 500],
    ['the length itself', 2],
    ['negative', -1],
    ['not an integer', 1.5],
    ['not a number', '1'],
  ])(
    'updateCard with an index %s: refused with CardError invalid naming it, no setData, the list unchanged',
    (_, index) => {
      const c = render({ cards: deck(2) })
      const setData = jest.spyOn(c.instance, 'setData')
      let thrown: unknown
      try {
        c.instance.updateCard(index as number, { status: 'CONSUMED' })
      } catch (error) {
        thrown = error
      }
      expect(thrown).toMatchObject({ name: 'CardError', code: 'invalid', field: 'index' })
      expect(String((thrown as Error).message)).toContain('is not a row of cards (0 to 1)')
      expect(setData).not.toHaveBeenCalled()
      expect([(c.instance.data as { cards: unknown[] }).cards.length, byTag(c, 'van-cell').length]).toEqual([2, 2])
    },
  )

  it('updateCard with fields that are not an object: refused, no setData', () => {
    const c = render({ cards: deck(2) })
    const setData = jest.spyOn(c.instance, 'setData')
    expect(() => c.instance.updateCard(0, null as never)).toThrow('updateCard: fields must be an object')
    expect(setData).not.toHaveBeenCalled()
  })

  it('updateCard that spoils a row (an encrypted code): the row reads unknown, reported once, unselected', async () => {
    const c = render({ cards: deck(2), selectable: true })
    await tapCheck(c, 1)
    c.instance.updateCard(1, { code: 'q3Zr0Kf5+pVb1m/3Yx4eGsT2nQ8w' })
    expect(text(c.querySelectorAll('.card-action')[1])).toBe('状态未知')
    expect(selections()).toEqual([[1], []])
    expect(h.errors).toHaveBeenCalledTimes(1)
    expect(String(h.errors.mock.calls[0][0])).toContain('cards[1].code is 28 characters')
  })

  it('a selected row whose validity ends: unselected at once with select, shown expired, the batch button disabled', async () => {
    h.useFakeTimers()
    const now = Math.floor(Date.now() / 1000)
    const [a, b, d] = deck(3)
    const c = render({
      cards: [
        { ...a, endTime: now + 3600 },
        { ...b, endTime: now + 60 },
        { ...d, endTime: now + 120 },
      ],
      selectable: true,
    })
    await tapCheck(c, 1)
    await tapCheck(c, 2)
    expect(batchDisabled(c)).toBe(false)
    await jest.advanceTimersByTimeAsync(60_000)
    expect(selections()).toEqual([[1], [1, 2], [2]])
    expect(c.querySelectorAll('.card-action').map(text)).toEqual(['查看', '已过期', '查看'])
    await jest.advanceTimersByTimeAsync(60_000)
    expect(selections().at(-1)).toEqual([])
    expect(checked(c)).toEqual([false, false, false])
    expect(batchDisabled(c)).toBe(true)
    expect(c.querySelectorAll('.card-action').map(text)).toEqual(['查看', '已过期', '已过期'])
    // row 0 ends later: its own timer, and a detached list keeps none
    c.detach()
    await jest.advanceTimersByTimeAsync(3_600_000)
    expect(selections()).toHaveLength(4)
    expect(h.calls()).toEqual([])
  })

  it('back on the page after the validity ended (a timer may not run in the background): unselected on page show', async () => {
    const now = Math.floor(Date.now() / 1000)
    const [a, b] = deck(2)
    h.useFakeTimers()
    const c = render({ cards: [a, { ...b, endTime: now + 3600 }], selectable: true })
    await tapCheck(c, 1)
    jest.setSystemTime((now + 7200) * 1000) // the clock moved on; no timer ran
    c.triggerPageLifeTime('show')
    expect(selections()).toEqual([[1], []])
    expect(c.querySelectorAll('.card-action').map(text)).toEqual(['查看', '已过期'])
  })
})

describe('10,000 cards: rendered a page at a time as the user scrolls', () => {
  const many = (n: number) => bigList(n)

  it('renders page-size rows (50 by default), then the next page each time the end of the rows nears the screen', async () => {
    const ends: { top: number }[] = []
    // jsdom lays nothing out: the end of the rows says where it is, as a phone would
    const rect = jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
      this: HTMLElement,
    ) {
      const top =
        this.classList.contains('main--card-more') || this.classList.contains('card-more') ? ends[0]!.top : -1e6
      return { top, bottom: top + 1, left: 0, right: 300, width: 300, height: 1, x: 0, y: top, toJSON: () => ({}) }
    })
    // and the screen its size (jsdom's is 0 × 0)
    const screen = [
      jest.spyOn(document.documentElement, 'clientWidth', 'get').mockReturnValue(375),
      jest.spyOn(document.documentElement, 'clientHeight', 'get').mockReturnValue(667),
    ]
    try {
      ends.push({ top: 5000 }) // far below the screen
      const c = render({ cards: many(10_000) })
      await h.flush()
      expect(byTag(c, 'van-cell')).toHaveLength(50)
      ends[0]!.top = 100 // the user scrolled to the end of the rendered rows
      c.instance.showMore() // what the observer does; and a page may call it from onReachBottom
      expect(byTag(c, 'van-cell')).toHaveLength(100)
      // the observer: an end of rows on screen adds a page, and watches again
      await h.until(() => byTag(c, 'van-cell').length >= 150)
      ends[0]!.top = 5000
      const count = byTag(c, 'van-cell').length
      expect(count).toBeGreaterThanOrEqual(150)
      expect(text(byTag(c, 'van-cell')[count - 1])).toContain(`券${count - 1}`)
    } finally {
      rect.mockRestore()
      for (const size of screen) size.mockRestore()
    }
  })

  it('page-size sets the page; the last page ends the list (no more end of rows to watch)', () => {
    const c = render({ cards: many(130), pageSize: 100 })
    expect(byTag(c, 'van-cell')).toHaveLength(100)
    expect(c.querySelectorAll('.card-more')).toHaveLength(1)
    c.instance.showMore()
    c.instance.showMore()
    expect(byTag(c, 'van-cell')).toHaveLength(130)
    expect(c.querySelectorAll('.card-more')).toHaveLength(0)
  })

  it('a row beyond the rendered ones: updateCard still one path-keyed setData, and selection state is kept', () => {
    const c = render({ cards: many(10_000), selectable: true })
    const payloads: string[] = []
    const setData = c.instance.setData.bind(c.instance)
    c.instance.setData = (data: Record<string, unknown>) => {
      payloads.push(JSON.stringify(data))
      setData(data)
    }
    c.instance.updateCard(9_999, { status: 'CONSUMED' })
    c.instance.showMore()
    expect(payloads).toEqual(['{"cards[9999].status":"CONSUMED"}', '{"pages":2}'])
  })
})

describe('selection events', () => {
  it('select carries the selected rows on every change; clearSelection() empties it; a new list and a batch open too', async () => {
    const c = render({ cards: deck(4), selectable: true })
    await tapCheck(c, 2)
    await tapCheck(c, 0)
    await tapCheck(c, 2)
    expect(selections()).toEqual([[2], [0, 2], [0]])
    expect(h.events.at(-1)?.[1].cardList).toEqual([rows[0]])
    c.instance.clearSelection()
    expect(selections().at(-1)).toEqual([])
    expect(checked(c)).toEqual([false, false, false, false])
    c.instance.clearSelection() // nothing selected: no event
    expect(selections()).toHaveLength(4)
    await tapCheck(c, 1)
    c.setData({ cards: [...rows] })
    await h.flush()
    expect(selections().slice(-2)).toEqual([[1], []])
    await tapCheck(c, 3)
    await tapBatch(c)
    await answer()
    expect(selections().slice(-2)).toEqual([[3], []])
  })

  it('each checkbox is a checkbox to screen readers, labelled with select-text and the title, with its state', async () => {
    const [a, b] = deck(2)
    const c = render({ cards: [a, { ...b, status: 'CONSUMED' }], selectable: true, selectText: '选中' })
    await tapCheck(c, 0)
    const boxes = nodesOf(templateTree(ENTRY, c.instance.data)).filter((n) => n.attr?.ariaRole === 'checkbox')
    expect(boxes.map((n) => [n.attr?.ariaLabel, n.attr?.ariaChecked, n.attr?.ariaDisabled])).toEqual([
      ['选中 券0', true, false],
      ['选中 券1', false, true],
    ])
  })
})

describe('empty state picture', () => {
  it('by default our own drawing, and vant asked for no image (no request to a CDN)', () => {
    const c = render({ cards: [] })
    const empty = byTag(c, 'van-empty')[0]
    expect(empty.data.image).toBe('')
    expect(empty.querySelectorAll('.van-empty__image__img')).toHaveLength(0)
    expect(c.querySelectorAll('.card-empty-drawing')).toHaveLength(1)
  })

  it('empty-image: the app’s own picture', () => {
    const c = render({ cards: [], emptyImage: '/images/empty.png' })
    expect(c.querySelectorAll('.card-empty-drawing')).toHaveLength(0)
    expect(c.querySelectorAll('.card-empty-image')).toHaveLength(1)
    // simulate drops a built-in's src; the official compiler's tree keeps it
    const images = nodesOf(templateTree(ENTRY, c.instance.data)).filter((n) => n.tag === 'wx-image')
    expect(images.map((n) => n.attr?.src)).toEqual(['/images/empty.png'])
  })
})

it("card-row.wxs knows exactly WeChat's user_card_status values (utils/protocol.ts) and UNKNOWN", () => {
  const shownAs = (status: string) => state({ cardId: 'p', code: 'c', status: status as never }, 0)
  // a status the template does not know reads UNKNOWN; every one WeChat has reads as itself (NORMAL opens)
  expect(WECHAT_USER_CARD_STATUSES.map(shownAs)).toEqual(
    WECHAT_USER_CARD_STATUSES.map((status) => (status === 'NORMAL' ? 'open' : status)),
  )
  expect(['UNKNOWN', 'USED', 'normal'].map(shownAs)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN'])
})

it('card-row.wxs judges every row as utils/rules.ts does: no row shows usable that openCards would refuse', () => {
  const rows: unknown[] = [
    null,
    'pA',
    [],
    {},
    { cardId: 'pA' },
    { cardId: 'pA', code: '' },
    { cardId: 'pA', code: null },
  ]
  // every UTF-16 code unit, inside a cardId and inside a code
  for (let unit = 0; unit < 0x10000; unit++) {
    const char = String.fromCharCode(unit)
    rows.push({ cardId: `p${char}A`, code: 'c1' }, { cardId: 'pA', code: `c${char}1` }, { cardId: `${char}` })
  }
  rows.push({ cardId: 'pA\ud83c\udf81', code: '\ud83c\udf81' }, { cardId: 'pA', code: '\udf81\ud83c' })
  for (const code of [1, 123456789012, true, {}, 'A'.repeat(20), 'A'.repeat(21), 'q3Zr0Kf5+pVb1m/3Yx4e=='])
    rows.push({ cardId: 'pA', code })
  for (const status of [...WECHAT_USER_CARD_STATUSES, 'UNKNOWN', 'USED', 'normal', 'constructor', 'toString', 0, ''])
    rows.push({ cardId: 'pA', code: 'c1', status })
  const times = [0, 1, 1700000000, '1700000000', 9999999999, 10000000000, '10000000000', 1893427200000, -1, 1.5]
  for (const time of [...times, NaN, Infinity, 1e21, '', ' 1', '12a', '-1', true, {}, [], null, undefined]) {
    rows.push({ cardId: 'pA', code: 'c1', beginTime: time }, { cardId: 'pA', code: 'c1', endTime: time })
  }
  const disagreements = rows.filter((row) => (problem(row) || undefined) !== rowProblem(row)?.field)
  expect(disagreements).toEqual([])
})
