import {
  CardError,
  prepareOpenCards,
  type OpenCardInput,
  type OpenCardResult,
  type UserCardStatus,
} from '../../utils/index'
import {
  cardCallBehavior,
  eventEmitter,
  outcomeEmitter,
  type CardCallEvents,
  type FailDetail,
  type cardCallProperties,
} from '../common/card-call'
import { cardFailReason, showFailureToast, toastProperties } from '../common/toast'
import { problem, shownCount, state } from './card-row.wxs'
import { rowProblem } from './row-problem'

/**
 * One row. Only a usable card (status NORMAL or absent, with its decrypted `code`, not past `endTime`) opens; a row
 * a tap would refuse (a cardId or code WeChat would not match, an encrypted code, times not in Unix seconds) shows as
 * UNKNOWN.
 */
export interface CardItem {
  cardId: string
  /** The decrypted code; leave it out while your server is still decrypting (the row is pending). */
  code?: string | undefined
  title?: string | undefined
  /** The row's label (conditions of use, …); the validity follows it when `beginTime`/`endTime` are given. */
  description?: string | undefined
  /** Image URL shown at the row's start. */
  logo?: string | undefined
  /** The row's value (an amount, a discount). */
  extra?: string | undefined
  /** WeChat's user_card_status (card/code/get), or UNKNOWN; absent means NORMAL. */
  status?: UserCardStatus | undefined
  /** Validity, Unix seconds (not ms). */
  beginTime?: number | string | undefined
  endTime?: number | string | undefined
}

/** Why the user could not open a card, in their terms (the toast's key, and `reason` in `fail`). */
export type OpenCardFailReason = 'failed'

/** What the toast says when an open came to nothing (`toast-texts`). */
const DEFAULT_TOAST_TEXTS: Record<OpenCardFailReason, string> = {
  failed: '打开失败，请稍后重试',
}

/** Rows rendered at first, and added each time the user scrolls near the end (`page-size`). */
const DEFAULT_PAGE_SIZE = 50
/** How far below the screen (px) the end of the rendered rows may be when the next page is added. */
const LOAD_AHEAD_PX = 600
/** setTimeout's longest delay (about 24.8 days); a later end time is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** The words for each state that keeps a row closed (`status-texts`; a partial object keeps the other defaults). */
const DEFAULT_STATUS_TEXTS: Record<Exclude<UserCardStatus, 'NORMAL'>, string> = {
  CONSUMED: '已使用',
  EXPIRE: '已过期',
  GIFTING: '转赠中',
  GIFT_SUCC: '已转赠',
  GIFT_TIMEOUT: '转赠超时',
  DELETE: '已删除',
  UNAVAILABLE: '已失效',
  UNKNOWN: '状态未知',
}

const properties = {
  cards: { type: Array, value: [] as CardItem[] },
  selectable: { type: Boolean, value: false },
  actionText: { type: String, value: '查看' },
  pendingText: { type: String, value: '处理中' },
  statusTexts: { type: Object, value: DEFAULT_STATUS_TEXTS as Partial<Record<UserCardStatus, string>> },
  validUntilText: { type: String, value: '有效期至' },
  /** Screen readers say it before the card's title on each checkbox. */
  selectText: { type: String, value: '选择' },
  openSelectedText: { type: String, value: '打开所选' },
  emptyText: { type: String, value: '暂无卡券' },
  /** Your own picture for the empty list (a URL or a package path); default: a drawing that ships with the tag. */
  emptyImage: { type: String, value: '' },
  /**
   * Rows rendered at first, and added each time the user scrolls near the end of them: a long list (10,000 cards)
   * renders one page at a time. A page without scrolling to watch can call `showMore()` (e.g. in onReachBottom).
   */
  pageSize: { type: Number, value: DEFAULT_PAGE_SIZE },
  ...toastProperties(DEFAULT_TOAST_TEXTS),
}

/** Properties of `<open-card-list>` (camelCase here, kebab-case in WXML). */
export type OpenCardListProps = WechatMiniprogram.Component.PropertyOptionToData<
  typeof properties & typeof cardCallProperties
>

/** Detail of `select`: the selected rows, in list order. */
export interface SelectDetail {
  cardList: CardItem[]
  /** Their indexes in `cards`. */
  indexes: number[]
}

/** Detail of `fail`: why no card opened, and `reason`, what the toast told the user. */
export interface OpenCardFailDetail extends FailDetail {
  reason: OpenCardFailReason
}

/** `event.detail` of each event of `<open-card-list>`. */
export interface OpenCardListEvents extends CardCallEvents {
  /** WeChat opened the cards. */
  open: OpenCardResult
  fail: OpenCardFailDetail
  /** The selection changed (a checkbox, clearSelection(), a new list, a batch open). */
  select: SelectDetail
}

/** What `selectComponent('#…')` gives a page: the methods of `<open-card-list>` meant for it. */
export interface OpenCardListInstance {
  /** Unchecks every row (emits `select` when something was selected). */
  clearSelection(): void
  /**
   * Changes one row (e.g. its `status` after the user used the card) with one path-keyed setData, whatever the
   * length of the list; a selected row that no longer opens is unchecked (and `select` emitted). Throws
   * CardError('invalid') for an index outside `cards` or fields that are not an object, before any setData.
   */
  updateCard(index: number, fields: Partial<CardItem>): void
  /** Renders the next `page-size` rows (the list does it by itself when the user scrolls near its end). */
  showMore(): void
}

const settle = outcomeEmitter<OpenCardListEvents>()
const emit = eventEmitter<OpenCardListEvents>()

/** A tap on a row or a checkbox: the row's index in `cards`. */
interface RowEvent {
  currentTarget: { dataset: { index: number } }
}

/** An index of `cards`: an integer in [0, length). */
function isRowIndex(index: unknown, length: number): index is number {
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < length
}

/** What an instance keeps beside its data (no setData, never rendered). */
interface ListState {
  /** What the console already said, once per row and field. */
  reported: Set<string>
  /** Watches the end of the rendered rows, to add the next page. */
  listEnd?: WechatMiniprogram.IntersectionObserver | undefined
  /** Fires when the validity of the next rendered row ends, to show it expired and unselect it. */
  expiryTimer?: ReturnType<typeof setTimeout> | undefined
  /** When the rendered rows were last checked for an end of validity (ms). */
  checkedAt: number
  isAttached: boolean
}

const listStates = new WeakMap<object, ListState>()
function listState(host: object): ListState {
  let found = listStates.get(host)
  if (!found) listStates.set(host, (found = { reported: new Set(), checkedAt: 0, isAttached: false }))
  return found
}

Component({
  options: { multipleSlots: true, styleIsolation: 'apply-shared' },
  externalClasses: ['custom-class'],
  behaviors: [cardCallBehavior('openCard')],
  properties,
  data: {
    /** Checked rows by index (sparse): a path-keyed setData touches one entry, whatever the length of the list. */
    selected: [] as boolean[],
    selectedCount: 0,
    defaultStatusTexts: DEFAULT_STATUS_TEXTS,
    /** How many pages of `page-size` rows are rendered (one more each time the user scrolls near their end). */
    pages: 1,
  },
  observers: {
    // Rows render straight from `cards` (no mirrored array, no extra setData on first render). A checked index
    // may name another card in a new list, so a new list clears the selection.
    cards(cards: CardItem[]) {
      this.reportBadRows(0, cards.length)
      if (this.data.selectedCount) this.changeSelection({ selected: [], selectedCount: 0 })
      this.watchExpiry()
      this.watchListEnd()
    },
  },
  lifetimes: {
    attached() {
      listState(this).isAttached = true
      this.watchListEnd()
      this.watchExpiry()
    },
    detached() {
      const list = listState(this)
      list.isAttached = false
      if (list.listEnd) list.listEnd.disconnect()
      if (list.expiryTimer !== undefined) clearTimeout(list.expiryTimer)
      list.listEnd = list.expiryTimer = undefined
    },
  },
  pageLifetimes: {
    // back on the page after a while: rows whose validity ended meanwhile read expired and are unselected
    show() {
      this.dropExpired()
    },
  },
  methods: {
    /** True when a tap may open row `index` now (card-row.wxs decides, as it does for the template). */
    isOpenable(index: number): boolean {
      const card = this.data.cards[index]
      return !!card && state(card, Date.now()) === 'open'
    },

    /** Says in the devtools console, once per row and field, why rows [from, to) can never open, and the fix. */
    reportBadRows(from: number, to: number) {
      const { reported } = listState(this)
      const cards = this.data.cards
      for (let index = from; index < to; index++) {
        // the template's check first: a clean row costs no more than that
        if (!problem(cards[index])) continue
        const found = rowProblem(cards[index])
        if (!found) continue
        const where = found.field === 'card' ? `cards[${index}]` : `cards[${index}].${found.field}`
        const message = `[weapp-card-coupon] open-card-list: ${where} ${found.problem}; the row shows as unknown and cannot open`
        if (reported.has(message)) continue
        reported.add(message)
        console.error(message)
      }
    },

    /** How many rows are rendered: `pages` pages of `page-size` (at least one row a page). */
    shownCount(): number {
      return shownCount(this.data.cards, this.data.pages, this.data.pageSize)
    },

    /** Renders the next `page-size` rows: one setData of the page count, whatever the length of the list. */
    showMore() {
      if (this.shownCount() >= this.data.cards.length) return
      this.setData({ pages: this.data.pages + 1 })
      this.watchListEnd()
      this.watchExpiry()
    },

    /**
     * Watches the end of the rendered rows while more are left: when it comes within LOAD_AHEAD_PX of the screen,
     * the next page renders. A fresh observer each time, so an end still on screen after a page is seen again.
     */
    watchListEnd() {
      const list = listState(this)
      if (list.listEnd) list.listEnd.disconnect()
      list.listEnd = undefined
      if (!list.isAttached || this.shownCount() >= this.data.cards.length) return
      if (typeof this.createIntersectionObserver !== 'function') return
      const observer = this.createIntersectionObserver({})
      observer.relativeToViewport({ bottom: LOAD_AHEAD_PX }).observe('.card-more', (result) => {
        if (list.listEnd === observer && result.intersectionRatio > 0) this.showMore()
      })
      list.listEnd = observer
    },

    /** Sets one timer for the next end time among the rendered rows that are usable now. */
    watchExpiry() {
      const list = listState(this)
      if (list.expiryTimer !== undefined) clearTimeout(list.expiryTimer)
      list.expiryTimer = undefined
      if (!list.isAttached) return
      const now = Date.now()
      list.checkedAt = now
      const cards = this.data.cards
      const shown = this.shownCount()
      let next = Infinity
      for (let index = 0; index < shown; index++) {
        if (!this.isOpenable(index)) continue
        const end = Number(cards[index]?.endTime) * 1000
        if (end > now && end < next) next = end
      }
      if (next === Infinity) return
      list.expiryTimer = setTimeout(() => this.dropExpired(), Math.min(next - now, MAX_TIMER_MS))
    },

    /**
     * Rows whose validity has ended since they rendered: re-rendered as expired (their own path, one setData) and,
     * when selected, unselected at once with `select` emitted. Then the timer for the next one.
     */
    dropExpired() {
      const list = listState(this)
      const now = Date.now()
      const { cards, selected } = this.data
      const shown = this.shownCount()
      const change: Record<string, unknown> = {}
      let unselected = 0
      for (let index = 0; index < shown; index++) {
        const card = cards[index]
        if (!card) continue
        const endMs = Number(card.endTime) * 1000
        // ended since the last check: touching its own path re-renders the row as expired
        if (endMs > list.checkedAt && endMs <= now && state(card, now) === 'EXPIRE') {
          change[`cards[${index}].endTime`] = card.endTime
        }
        if (selected[index] && !this.isOpenable(index)) {
          change[`selected[${index}]`] = false
          unselected++
        }
      }
      if (unselected) this.changeSelection({ ...change, selectedCount: this.data.selectedCount - unselected })
      else if (Object.keys(change).length) this.setData(change)
      this.watchExpiry()
    },

    /** Opens `indexes` (rows of `cards`) in one wx.openCard; `whenOpened` runs before the `open` event. */
    openRows(indexes: number[], whenOpened?: () => void) {
      if (this.isCallInFlight()) return
      let call
      try {
        // numbered by their index in `cards`, not in the selection
        call = prepareOpenCards(
          indexes.map((index) => this.data.cards[index] as OpenCardInput),
          indexes,
        )
      } catch (error) {
        this.report(error)
        return
      }
      // No loading state: WeChat's card view covers the list at once, so a spinner would cost two setData per
      // tap and never be seen.
      this.startCardCall(call.run, (result) => {
        if (!result.ok) return this.report(result.error)
        if (whenOpened) whenOpened()
        settle(this, 'open', result.value)
      })
    },

    /** A rejection as its event (`fail` with `reason`); an open that came to nothing also shows the toast. */
    report(error: unknown) {
      if (!cardFailReason(error)) return this.reportCardError(error)
      this.reportCardError(error, { reason: 'failed' })
      showFailureToast(this, 'failed', DEFAULT_TOAST_TEXTS)
    },

    /** A row: opens its card. A row that cannot open (pending, used, expired, …) does nothing. */
    onRowTap(event: RowEvent) {
      const index = event.currentTarget.dataset.index
      if (this.isOpenable(index)) this.openRows([index])
    },

    /** The batch button: opens the selected cards that are still usable, then clears the selection. */
    onOpenSelected() {
      const indexes = this.selectedIndexes().filter((index) => this.isOpenable(index))
      if (indexes.length) this.openRows(indexes, () => this.changeSelection({ selected: [], selectedCount: 0 }))
    },

    /** A checkbox: one path-keyed setData, its size independent of the length of the list. */
    onCheck(event: RowEvent) {
      const index = event.currentTarget.dataset.index
      if (!this.isOpenable(index)) return
      const isSelected = !this.data.selected[index]
      this.changeSelection({
        [`selected[${index}]`]: isSelected,
        selectedCount: this.data.selectedCount + (isSelected ? 1 : -1),
      })
    },

    clearSelection() {
      if (this.data.selectedCount) this.changeSelection({ selected: [], selectedCount: 0 })
    },

    updateCard(index: number, fields: Partial<CardItem>) {
      const length = this.data.cards.length
      if (!isRowIndex(index, length)) {
        throw new CardError(
          'invalid',
          `updateCard: index ${String(index)} is not a row of cards (0 to ${length - 1})`,
          {
            index: typeof index === 'number' ? index : undefined,
            field: 'index',
            detail: 'index out of range',
          },
        )
      }
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
        throw new CardError('invalid', `updateCard: fields must be an object of the row's fields`, {
          index,
          field: 'fields',
          detail: 'fields not an object',
        })
      }
      const change: Record<string, unknown> = {}
      for (const [field, value] of Object.entries(fields)) change[`cards[${index}].${field}`] = value
      this.setData(change)
      this.reportBadRows(index, index + 1)
      if (this.data.selected[index] && !this.isOpenable(index)) {
        this.changeSelection({ [`selected[${index}]`]: false, selectedCount: this.data.selectedCount - 1 })
      } else if ('endTime' in fields || 'status' in fields || 'code' in fields) this.watchExpiry()
    },

    /** The selected rows' indexes, in list order. */
    selectedIndexes(): number[] {
      const indexes: number[] = []
      this.data.selected.forEach((isSelected, index) => isSelected && indexes.push(index))
      return indexes
    },

    /** Applies a selection change and emits `select` with the rows now selected. */
    changeSelection(change: Record<string, unknown>) {
      this.setData(change)
      const indexes = this.selectedIndexes()
      const cardList = indexes.map((index) => this.data.cards[index] as CardItem)
      emit(this, 'select', { cardList, indexes })
    },
  },
})
