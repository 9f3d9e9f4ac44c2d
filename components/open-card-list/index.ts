import {
  guardLifetimes,
  guardProperties,
  openCards,
  reportError,
  settle,
  type CancelDetail,
  type CompleteDetail,
  type FailDetail,
  type OpenCardInput,
  type OpenCardResult,
  type UnsupportedDetail,
} from '../../utils/index'

/** One row. `code` is the decrypted code; leave it out while your server is still decrypting. */
export interface CardItem {
  cardId: string
  code?: string
  title?: string
  description?: string
  logo?: string
  extra?: string
}

// Object.assign, not spread: spread costs a helper in the ES2015 output.
const properties = Object.assign(
  {
    cards: { type: Array, value: [] as CardItem[] },
    selectable: Boolean,
    actionText: { type: String, value: '查看' },
    pendingText: { type: String, value: '待解码' },
    openSelectedText: { type: String, value: '打开所选' },
    emptyText: { type: String, value: '暂无卡券' },
  },
  guardProperties,
)

interface Data {
  /** Checked rows by index (sparse): a path-keyed setData touches one entry, whatever the list length. */
  selected: boolean[]
  count: number
  fallback: boolean
}

/** Properties of `<open-card-list>` (camelCase; kebab-case in WXML). */
export type OpenCardListProps = WechatMiniprogram.Component.PropertyOptionToData<typeof properties>

/** `event.detail` of each event of `<open-card-list>`. */
export interface OpenCardListEvents {
  open: OpenCardResult
  cancel: CancelDetail
  fail: FailDetail
  unsupported: UnsupportedDetail
  complete: CompleteDetail
}

type Ev = { currentTarget: { dataset: { i?: number } } }
type Methods = {
  onTap(e: Ev): void
  onCheck(e: Ev): void
}

Component<Data, typeof properties, Methods, [], { gone: boolean; busy: boolean }>({
  options: { multipleSlots: true },
  externalClasses: ['custom-class'],
  properties,
  data: { selected: [], count: 0, fallback: false },
  observers: {
    // Rows render straight from `cards` (no mirrored array, no extra setData on first render). A checked index
    // may name another card after an update, so a new list clears the selection.
    cards() {
      if (this.data.count) this.setData({ selected: [], count: 0 })
    },
  },
  lifetimes: guardLifetimes('openCard'),
  methods: {
    // No per-row loading state: WeChat's card view covers the list at once, so a spinner would cost two
    // setData per tap and never be seen. Re-entrancy is an instance flag instead.
    // A row (data-i) opens its card; the batch button (no data-i) opens the selection.
    onTap(e) {
      if (this.busy) return
      const { i } = e.currentTarget.dataset
      const { selected, cards } = this.data
      const ids = i === undefined ? [...selected.keys()].filter((k) => selected[k]) : [i]
      this.busy = true
      const done = (f: () => void) => {
        this.busy = false
        if (!this.gone) f()
      }
      // Numbered by their index in `cards`, not in the selection. A card without its code rejects `invalid`
      // before any wx call and arrives below as fail.
      openCards(
        ids.map((k) => cards[k] as OpenCardInput),
        ids,
      ).then(
        (r) =>
          done(() => {
            if (i === undefined) this.setData({ selected: [], count: 0 })
            settle(this, 'open', r as OpenCardListEvents['open'])
          }),
        (e) => done(() => reportError(this, e)),
      )
    },
    // One path-keyed setData: its size does not depend on the length of the list.
    onCheck(e) {
      const i = e.currentTarget.dataset.i as number
      const { selected, cards, count } = this.data
      const on = !selected[i]
      if (cards[i].code) this.setData({ [`selected[${i}]`]: on, count: count + (on ? 1 : -1) })
    },
  },
})
