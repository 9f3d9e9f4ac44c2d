import {
  guardProperties, isCardApiSupported, normalizeOpenList, openCards, reportError, settle,
  type CancelDetail, type CardError, type CompleteDetail, type FailDetail, type OpenCardInput, type OpenCardResult, type UnsupportedDetail,
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

/** Per-row view state, mirrored from `cards`. */
interface Row {
  key: string
  pending: boolean
  selected: boolean
}

// Object.assign, not spread: spread costs a helper in the ES2015 output.
const properties = Object.assign({
  cards: { type: Array, value: [] as CardItem[] },
  selectable: Boolean,
  actionText: { type: String, value: '查看' },
  pendingText: { type: String, value: '待解码' },
  openSelectedText: { type: String, value: '打开所选' },
  emptyText: { type: String, value: '暂无卡券' },
}, guardProperties)

interface Data {
  rows: Row[]
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
  data: { rows: [], count: 0, fallback: false },
  observers: {
    // The one full setData per `cards` change; selection survives for cards still present.
    cards(cards: CardItem[]) {
      const kept = this.data.rows.filter((r) => r.selected).map((r) => r.key)
      // A pending card's key holds its index (it has no code); it cannot be selected, so it never matches.
      const rows = (cards || []).map((c, i): Row => {
        const key = `${c.cardId}:${c.code || '#' + i}`
        return { key, pending: !c.code, selected: kept.indexOf(key) >= 0 }
      })
      this.setData({ rows, count: rows.filter((r) => r.selected).length })
    },
  },
  lifetimes: {
    attached() {
      // Decided once, so a user on an old client never sees a list that cannot open.
      if (this.data.useFallbackSlot && !isCardApiSupported('openCard')) this.setData({ fallback: true })
    },
    detached() {
      this.gone = true
    },
  },
  methods: {
    // No per-row loading state: WeChat's card view covers the list at once, so a spinner would cost two
    // setData per tap and never be seen. Re-entrancy is an instance flag instead.
    // A row (data-i) opens its card; the batch button (no data-i) opens the selection.
    onTap(e) {
      if (this.busy) return
      const { i } = e.currentTarget.dataset
      const { rows, cards } = this.data
      const ids = i === undefined ? rows.map((r, k) => (r.selected ? k : -1)).filter((k) => k >= 0) : [i]
      let cardList
      try {
        cardList = normalizeOpenList(ids.map((k) => cards[k] as OpenCardInput))
      } catch (thrown) {
        // utils numbers the cards it was given; name the card by its index in `cards` instead.
        const err = thrown as CardError
        err.message = err.message.replace(`[${err.index}]`, `[${(err.index = ids[err.index as number])}]`)
        reportError(this, err)
        return
      }
      this.busy = true
      const done = (f: () => void) => {
        this.busy = false
        if (!this.gone) f()
      }
      openCards(cardList).then(
        (r) => done(() => {
          if (i === undefined) {
            // One setData clears the selection: its size grows with the selection, not with the list.
            const patch: Record<string, boolean | number> = { count: 0 }
            this.data.rows.forEach((row, k) => row.selected && (patch[`rows[${k}].selected`] = false))
            this.setData(patch)
          }
          settle(this, 'open', r as OpenCardListEvents['open'])
        }),
        (e) => done(() => reportError(this, e)),
      )
    },
    // One path-keyed setData: its size does not depend on the length of the list.
    onCheck(e) {
      const i = e.currentTarget.dataset.i as number
      const { pending, selected } = this.data.rows[i]
      if (!pending) this.setData({ [`rows[${i}].selected`]: !selected, count: this.data.count + (selected ? -1 : 1) })
    },
  },
})
