import { prepareOpenCards, type OpenCardInput, type OpenCardResult, type UserCardStatus } from '../../utils/index'
import {
  cardCallBehavior,
  eventEmitter,
  outcomeEmitter,
  type CardCallEvents,
  type cardCallProperties,
} from '../common/card-call'
import { problem, state } from './card-row.wxs'

/** One row. Only a usable card (status NORMAL or absent, with its decrypted `code`, not past `endTime`) opens. */
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
  /** Validity, Unix seconds. */
  beginTime?: number | undefined
  endTime?: number | undefined
}

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

/** `event.detail` of each event of `<open-card-list>`. */
export interface OpenCardListEvents extends CardCallEvents {
  /** WeChat opened the cards. */
  open: OpenCardResult
  /** The selection changed (a checkbox, clearSelection(), a new list, a batch open). */
  select: SelectDetail
}

/** What `selectComponent('#…')` gives a page: the methods of `<open-card-list>` meant for it. */
export interface OpenCardListInstance {
  /** Unchecks every row (emits `select` when something was selected). */
  clearSelection(): void
  /**
   * Changes one row (e.g. its `status` after the user used the card) with one path-keyed setData, whatever the
   * length of the list; a selected row that no longer opens is unchecked.
   */
  updateCard(index: number, fields: Partial<CardItem>): void
}

const settle = outcomeEmitter<OpenCardListEvents>()
const emit = eventEmitter<OpenCardListEvents>()

/** A tap on a row or a checkbox: the row's index in `cards`. */
interface RowEvent {
  currentTarget: { dataset: { index: number } }
}

/** Shown in the devtools console once per list: the page passed a row that can never open. */
function reportBadRows(cards: readonly CardItem[]) {
  cards.forEach((card, index) => {
    const field = problem(card)
    if (field)
      console.error(`[weapp-card-coupon] open-card-list: cards[${index}].${field} is not valid; the row cannot open`)
  })
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
  },
  observers: {
    // Rows render straight from `cards` (no mirrored array, no extra setData on first render). A checked index
    // may name another card in a new list, so a new list clears the selection.
    cards(cards: CardItem[]) {
      reportBadRows(cards)
      if (this.data.selectedCount) this.changeSelection({ selected: [], selectedCount: 0 })
    },
  },
  methods: {
    /** True when a tap may open row `index` now (card-row.wxs decides, as it does for the template). */
    isOpenable(index: number): boolean {
      const card = this.data.cards[index]
      return !!card && state(card, Date.now()) === 'open'
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
        this.reportCardError(error)
        return
      }
      // No loading state: WeChat's card view covers the list at once, so a spinner would cost two setData per
      // tap and never be seen.
      this.startCardCall(call.run, (result) => {
        if (!result.ok) return this.reportCardError(result.error)
        if (whenOpened) whenOpened()
        settle(this, 'open', result.value)
      })
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
      const change: Record<string, unknown> = {}
      for (const [field, value] of Object.entries(fields)) change[`cards[${index}].${field}`] = value
      this.setData(change)
      if (this.data.selected[index] && !this.isOpenable(index)) {
        this.changeSelection({ [`selected[${index}]`]: false, selectedCount: this.data.selectedCount - 1 })
      }
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
