import { prepareAddCards, type AddCardInput, type AddCardResult, type CardExtFields } from '../../utils/index'
import { cardCallBehavior, outcomeEmitter, type CardCallEvents, type cardCallProperties } from '../common/card-call'

const properties = {
  cardList: { type: Array, value: [] as AddCardInput[] },
  cardId: { type: String, value: '' },
  cardExt: { type: null, value: '' as string | CardExtFields },
  text: { type: String, value: '添加到卡包' },
  ariaLabel: { type: String, value: '' },
  type: { type: String, value: 'primary' },
  size: { type: String, value: 'normal' },
  color: { type: String, value: '' },
  block: { type: Boolean, value: false },
  round: { type: Boolean, value: false },
  plain: { type: Boolean, value: false },
  disabled: { type: Boolean, value: false },
}

/** Properties of `<add-card-button>` (camelCase here, kebab-case in WXML). */
export type AddCardButtonProps = WechatMiniprogram.Component.PropertyOptionToData<
  typeof properties & typeof cardCallProperties
>

/** `event.detail` of each event of `<add-card-button>`. */
export interface AddCardButtonEvents extends CardCallEvents {
  /** WeChat answered (partial success included: check `failed`). */
  success: AddCardResult
}

const settle = outcomeEmitter<AddCardButtonEvents>()

Component({
  options: { multipleSlots: true },
  externalClasses: ['custom-class'],
  behaviors: [cardCallBehavior('addCard')],
  properties,
  data: { loading: false },
  methods: {
    /** The cards to add: `card-list`, else the `card-id` + `card-ext` shorthand; nothing set yet is an empty list. */
    cardsToAdd(): AddCardInput[] {
      const { cardList, cardId, cardExt } = this.data
      if (cardList && cardList.length) return cardList
      return cardId || cardExt ? [{ cardId, cardExt }] : []
    },

    onTap() {
      if (this.isCallInFlight()) return
      let call
      try {
        // validated and version-guarded before the loading state, so bad input makes no setData
        call = prepareAddCards(this.cardsToAdd())
      } catch (error) {
        this.reportCardError(error)
        return
      }
      this.setData({ loading: true })
      this.startCardCall(call.run, (result) => {
        this.setData({ loading: false })
        if (result.ok) settle(this, 'success', result.value)
        else this.reportCardError(result.error)
      })
    },
  },
})
