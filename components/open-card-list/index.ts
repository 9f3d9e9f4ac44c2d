import { prepareOpenCards, type OpenCardInput, type OpenCardResult } from '../../utils/index'
import { cardCallBehavior, outcomeEmitter, type CardCallEvents, type cardCallProperties } from '../common/card-call'

/** One row. `code` is the decrypted code; leave it out while your server is still decrypting. */
export interface CardItem {
  cardId: string
  code?: string | undefined
  title?: string | undefined
  description?: string | undefined
  logo?: string | undefined
  extra?: string | undefined
}

const properties = {
  cards: { type: Array, value: [] as CardItem[] },
  selectable: { type: Boolean, value: false },
  actionText: { type: String, value: '查看' },
  pendingText: { type: String, value: '待解码' },
  openSelectedText: { type: String, value: '打开所选' },
  emptyText: { type: String, value: '暂无卡券' },
}

/** Properties of `<open-card-list>` (camelCase here, kebab-case in WXML). */
export type OpenCardListProps = WechatMiniprogram.Component.PropertyOptionToData<
  typeof properties & typeof cardCallProperties
>

/** `event.detail` of each event of `<open-card-list>`. */
export interface OpenCardListEvents extends CardCallEvents {
  /** WeChat opened the cards. */
  open: OpenCardResult
}

const settle = outcomeEmitter<OpenCardListEvents>()

/** A tap on a row or a checkbox: the row's index in `cards`. */
interface RowEvent {
  currentTarget: { dataset: { index: number } }
}

Component({
  options: { multipleSlots: true },
  externalClasses: ['custom-class'],
  behaviors: [cardCallBehavior('openCard')],
  properties,
  data: {
    /** Checked rows by index (sparse): a path-keyed setData touches one entry, whatever the length of the list. */
    selected: [] as boolean[],
    selectedCount: 0,
  },
  observers: {
    // Rows render straight from `cards` (no mirrored array, no extra setData on first render). A checked index
    // may name another card after an update, so a new list clears the selection.
    cards() {
      if (this.data.selectedCount) this.setData({ selected: [], selectedCount: 0 })
    },
  },
  methods: {
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

    /** A row: opens its card. A pending row (no decrypted code yet) does nothing. */
    onRowTap(event: RowEvent) {
      const index = event.currentTarget.dataset.index
      const card = this.data.cards[index]
      if (card && card.code) this.openRows([index])
    },

    /** The batch button: opens the selected cards, then clears the selection. */
    onOpenSelected() {
      const { selected } = this.data
      const indexes = selected.map((isSelected, index) => (isSelected ? index : -1)).filter((index) => index >= 0)
      if (indexes.length) this.openRows(indexes, () => this.setData({ selected: [], selectedCount: 0 }))
    },

    /** A checkbox: one path-keyed setData, its size independent of the length of the list. */
    onCheck(event: RowEvent) {
      const index = event.currentTarget.dataset.index
      const { selected, cards, selectedCount } = this.data
      const card = cards[index]
      if (!card || !card.code) return
      const isSelected = !selected[index]
      this.setData({ [`selected[${index}]`]: isSelected, selectedCount: selectedCount + (isSelected ? 1 : -1) })
    },
  },
})
