import {
  addCards,
  assertSupported,
  guardLifetimes,
  guardProperties,
  normalizeCardList,
  reportError,
  settle,
  type AddCardInput,
  type AddCardResult,
  type CancelDetail,
  type CardExtFields,
  type CompleteDetail,
  type FailDetail,
  type UnsupportedDetail,
} from '../../utils/index'

// Object.assign, not spread: spread costs a helper in the ES2015 output.
const properties = Object.assign(
  {
    cardList: { type: Array, value: [] as AddCardInput[] },
    cardId: String,
    cardExt: { type: null, value: '' as string | CardExtFields },
    text: { type: String, value: '添加到卡包' },
    ariaLabel: String,
    type: { type: String, value: 'primary' },
    size: { type: String, value: 'normal' },
    color: String,
    block: Boolean,
    round: Boolean,
    plain: Boolean,
    disabled: Boolean,
  },
  guardProperties,
)

interface Data {
  loading: boolean
  fallback: boolean
}

/** Properties of `<add-card-button>` (camelCase; kebab-case in WXML). */
export type AddCardButtonProps = WechatMiniprogram.Component.PropertyOptionToData<typeof properties>

/** `event.detail` of each event of `<add-card-button>`. */
export interface AddCardButtonEvents {
  success: AddCardResult
  cancel: CancelDetail
  fail: FailDetail
  unsupported: UnsupportedDetail
  complete: CompleteDetail
}

Component<Data, typeof properties, { onTap(): void }, [], { gone: boolean }>({
  options: { multipleSlots: true },
  externalClasses: ['custom-class'],
  properties,
  data: { loading: false, fallback: false },
  lifetimes: guardLifetimes('addCard'),
  methods: {
    onTap() {
      if (this.data.loading) return
      const { cardList, cardId, cardExt } = this.data
      let cards
      try {
        // nothing set yet (cards still loading) reads as an empty card-list, not as a card without cardId
        cards = normalizeCardList(
          cardList && cardList.length ? cardList : cardId || cardExt ? [{ cardId, cardExt }] : [],
        )
        assertSupported('addCard')
      } catch (e) {
        reportError(this, e)
        return
      }
      this.setData({ loading: true })
      const done = (f: () => void) => {
        if (this.gone) return
        this.setData({ loading: false })
        f()
      }
      addCards(cards).then(
        (r) => done(() => settle(this, 'success', r as AddCardButtonEvents['success'])),
        (e) => done(() => reportError(this, e)),
      )
    },
  },
})
