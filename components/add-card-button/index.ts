import {
  CardError,
  assertSupported,
  fetchFreshCards,
  prepareAddCards,
  requestCardList,
  type AddCardInput,
  type AddCardResult,
  type CardExtFields,
  type CardSource,
} from '../../utils/index'
import {
  cardCallBehavior,
  outcomeEmitter,
  type CardCallEvents,
  type FailDetail,
  type cardCallProperties,
} from '../common/card-call'
import { cardFailReason, showFailureToast, toastProperties } from '../common/toast'

/** Why the user got no card, in their terms (the toast's key, and `reason` in `fail`). */
export type AddCardFailReason = 'sold_out' | 'network' | 'failed'

/** What the toast says, by why the user got nothing (`toast-texts`; a partial object keeps the other defaults). */
const DEFAULT_TOAST_TEXTS: Record<AddCardFailReason, string> = {
  sold_out: '已领完',
  network: '网络异常，请重试',
  failed: '领取失败，请稍后重试',
}

const properties = {
  cardList: { type: Array, value: [] as AddCardInput[] },
  cardId: { type: String, value: '' },
  cardExt: { type: null, value: '' as string | CardExtFields },
  /** Tap-time mode: your card-ext endpoint; every tap asks it for fresh cards (`POST { cardIds, data }`). */
  cardExtUrl: { type: String, value: '' },
  /** Tap-time mode: the cards to request (default: `card-id`). */
  cardIds: { type: Array, value: [] as string[] },
  /** Tap-time mode: request headers, e.g. your login token (wx.request sends no cookies). */
  requestHeader: { type: Object, value: {} as Record<string, string> },
  /** Tap-time mode: extra fields sent as `data` in the request body. */
  requestData: { type: Object, value: {} as Record<string, unknown> },
  /** Tap-time mode: ms before the request counts as failed. */
  requestTimeout: { type: Number, value: 10000 },
  text: { type: String, value: '添加到卡包' },
  ariaLabel: { type: String, value: '' },
  type: { type: String, value: 'primary' },
  size: { type: String, value: 'normal' },
  color: { type: String, value: '' },
  block: { type: Boolean, value: false },
  round: { type: Boolean, value: false },
  plain: { type: Boolean, value: false },
  disabled: { type: Boolean, value: false },
  ...toastProperties(DEFAULT_TOAST_TEXTS),
}

/** Properties of `<add-card-button>` (camelCase here, kebab-case in WXML). */
export type AddCardButtonProps = WechatMiniprogram.Component.PropertyOptionToData<
  typeof properties & typeof cardCallProperties
>

/** `event.detail` of each event of `<add-card-button>`. */
export interface AddCardButtonEvents extends CardCallEvents {
  /** WeChat answered (partial success included: check `failed`). */
  success: AddCardResult
  fail: AddCardFailDetail
}

/** Detail of `fail`: why no card was added, and `reason`, what the toast told the user. */
export interface AddCardFailDetail extends FailDetail {
  /** sold_out (WeChat: 已领完), network (your server not reached in time), failed (anything else). */
  reason: AddCardFailReason
}

/** What `selectComponent('#…')` gives a page: the methods of `<add-card-button>` meant for it. */
export interface AddCardButtonInstance {
  /**
   * Tap-time mode with your own auth or transport: `source(cardIds)` is called on every tap and resolves fresh
   * `{ cardId, cardExt }[]`. Wins over `card-ext-url`; `null` removes it.
   */
  setCardSource(source: CardSource | null): void
}

const settle = outcomeEmitter<AddCardButtonEvents>()
/** Each instance's page-provided source (a function cannot travel through properties). */
const pageSources = new WeakMap<object, CardSource>()
/** Instances whose last add failed with 签名错误: their next card-ext request says so (the server refreshes its ticket). */
const signatureFailed = new WeakSet<object>()

Component({
  options: { multipleSlots: true },
  externalClasses: ['custom-class'],
  behaviors: [cardCallBehavior('addCard')],
  properties,
  data: { loading: false },
  methods: {
    setCardSource(source: CardSource | null) {
      if (source) pageSources.set(this, source)
      else pageSources.delete(this)
    },

    /** Where a tap gets fresh cards: the page's function, else the card-ext endpoint, else none (static cards). */
    tapTimeSource(): CardSource | undefined {
      const pageSource = pageSources.get(this)
      if (pageSource) return pageSource
      const { cardExtUrl, requestData, requestHeader, requestTimeout } = this.data
      if (!cardExtUrl) return undefined
      return (cardIds) =>
        requestCardList({
          url: cardExtUrl,
          cardIds,
          data: requestData,
          header: requestHeader,
          timeoutMs: requestTimeout,
          signatureFailed: signatureFailed.has(this),
        })
    },

    /** The static cards: `card-list`, else the `card-id` + `card-ext` shorthand; nothing set yet is an empty list. */
    staticCards(): AddCardInput[] {
      const { cardList, cardId, cardExt } = this.data
      if (cardList && cardList.length) return cardList
      return cardId || cardExt ? [{ cardId, cardExt }] : []
    },

    onTap() {
      if (this.isCallInFlight()) return
      const source = this.tapTimeSource()
      const requested = this.data.cardIds.length ? this.data.cardIds : this.data.cardId ? [this.data.cardId] : []
      let run: (isLive: () => boolean) => Promise<AddCardResult>
      try {
        if (source) {
          // no request for cards this client cannot add, or for no card at all
          assertSupported('addCard')
          if (!requested.length) {
            throw new CardError('invalid', 'card-ids: set card-id or card-ids: the cards to request at tap time', {
              field: 'cardIds',
            })
          }
          // the source may answer after the tap settled (timeout) or the tag went: then no wx.addCard
          run = (isLive) =>
            fetchFreshCards(source, requested).then((cards) => {
              if (!isLive()) throw new CardError('fail', 'the tap already ended: its cards are dropped')
              return prepareAddCards(cards).run()
            })
        } else {
          // validated and version-guarded before the loading state, so bad input makes no setData
          const prepared = prepareAddCards(this.staticCards())
          run = () => prepared.run()
        }
      } catch (error) {
        this.report(error)
        return
      }
      // Loading from the tap until WeChat answers: one setData on, one off.
      this.setData({ loading: true })
      this.startCardCall(run, (result) => {
        this.setData({ loading: false })
        if (!result.ok && result.error instanceof CardError && /签名错误/.test(result.error.errMsg ?? ''))
          signatureFailed.add(this)
        else if (result.ok) signatureFailed.delete(this)
        if (!result.ok) return this.report(result.error)
        // every card refused within the success (out of stock, limit reached): the user got nothing
        const { succeeded, failed } = result.value
        if (!succeeded.length && failed.length) showFailureToast(this, 'sold_out', DEFAULT_TOAST_TEXTS)
        settle(this, 'success', result.value)
      })
    },

    /** A rejection as its event (`fail` with `reason`); a tap that came to nothing also shows the toast. */
    report(error: unknown) {
      const reason = cardFailReason(error)
      if (!reason) return this.reportCardError(error)
      this.reportCardError(error, { reason })
      showFailureToast(this, reason, DEFAULT_TOAST_TEXTS)
    },
  },
})
