import {
  CardError,
  SEND_COUPON_PLUGIN_MIN_VERSION,
  fetchSendCouponParams,
  getSDKVersion,
  isSendCouponSupported,
  readSendCouponAnswer,
  requestSendCouponParams,
  type SendCouponFailReason,
  type SendCouponParamsSource,
  type SendCouponPluginParams,
  type SendCouponResult,
  type SentCoupon,
} from '../../utils/index'
import {
  cardCallBehavior,
  eventEmitter,
  outcomeEmitter,
  type CardCallEvents,
  type FailDetail,
  type cardCallProperties,
} from '../common/card-call'
import { hasStartedFirstRead, startFirstRead, startFirstReadAfterReady } from '../common/first-read'
import { showFailureToast, toastProperties } from '../common/toast'

/** What the toast says, by why the user got nothing (`toast-texts`; a partial object keeps the other defaults). */
const DEFAULT_TOAST_TEXTS: Record<SendCouponFailReason, string> = {
  sold_out: '已领完',
  limit: '已达领取上限',
  not_running: '活动未开始或已结束',
  retry: '领取失败，请重试',
  network: '网络异常，请重试',
  failed: '领取失败，请稍后重试',
}

const properties = {
  /** The batches (批次号) to issue in one tap: at most 10, one kind (商家券 or 代金券). */
  stockIds: { type: Array, value: [] as string[] },
  /** One batch: the shorthand of `stock-ids`. */
  stockId: { type: String, value: '' },
  /** Your send-coupon endpoint: signed parameters come from it (`POST { stockIds, spent, data }`). */
  paramsUrl: { type: String, value: '' },
  /** Request headers, e.g. your login token (wx.request sends no cookies). */
  requestHeader: { type: Object, value: {} as Record<string, string> },
  /** Extra fields sent as `data` in the request body. */
  requestData: { type: Object, value: {} as Record<string, unknown> },
  /** ms before the request counts as failed. */
  requestTimeout: { type: Number, value: 10000 },
  /** The plugin's result button says 立即使用 instead of 我知道了 (listen to `confirm`). */
  suggestImmediateUse: { type: Boolean, value: false },
  text: { type: String, value: '领取优惠券' },
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

/** Properties of `<send-coupon-button>` (camelCase here, kebab-case in WXML). */
export type SendCouponButtonProps = WechatMiniprogram.Component.PropertyOptionToData<
  typeof properties & typeof cardCallProperties
>

/** Detail of `fail`: why no coupon reached the user. */
export interface SendCouponFailDetail extends FailDetail {
  /** Why, in the user's terms (what the toast said): sold_out, limit, not_running, retry, network, failed. */
  reason: SendCouponFailReason
  /** The coupons the plugin answered for, each with its code (empty when the call itself failed). */
  coupons: SentCoupon[]
}

/** `event.detail` of each event of `<send-coupon-button>`. */
export interface SendCouponButtonEvents extends CardCallEvents {
  /** At least one coupon reached the user (SUCCESS, or DUPREQUEST: already received); `failed` lists the others. */
  success: SendCouponResult
  fail: SendCouponFailDetail
  /** The user tapped the plugin's result button (我知道了 / 立即使用): e.g. take them to where the coupon is used. */
  confirm: Record<string, never>
}

/** What `selectComponent('#…')` gives a page: the methods of `<send-coupon-button>` meant for it. */
export interface SendCouponButtonInstance {
  /**
   * Your own auth or transport: `source(stockIds, spent)` resolves the plugin's signed parameters. Wins over
   * `params-url`; `null` removes it. Fresh parameters are fetched at once.
   */
  setParamsSource(source: SendCouponParamsSource | null): void
  /** Fetches fresh parameters now (e.g. after the page changed the user's session). */
  refresh(): void
}

const settle = outcomeEmitter<SendCouponButtonEvents>()
const emit = eventEmitter<SendCouponButtonEvents>()

/** Per instance, what cannot live in data: the page's source, the last fetch, the answer awaited. */
interface Private {
  source?: SendCouponParamsSource | undefined
  /** Bumped by every fetch: an older fetch that answers late is ignored. */
  fetchSeq: number
  /** Why the last fetch failed (reported at the next tap), if it did. */
  lastFetchError?: unknown
  /** The parameters of the call in flight, and how its answer arrives. */
  inFlight?: { params: SendCouponPluginParams; answer(detail: unknown): void } | undefined
  attached: boolean
}
const state = new WeakMap<object, Private>()

/** Whether the plugin's answer names one of these parameters' out_request_no. */
function answersFor(detail: unknown, params: SendCouponPluginParams): boolean {
  const results = (detail as { send_coupon_result?: unknown } | null)?.send_coupon_result
  if (!Array.isArray(results)) return false
  const mine = params.send_coupon_params.map((c) => c.out_request_no)
  return results.some((r: { out_request_no?: unknown } | null) => mine.includes(r?.out_request_no as string))
}
const privateOf = (host: object): Private => {
  let p = state.get(host)
  if (!p) state.set(host, (p = { fetchSeq: 0, attached: false }))
  return p
}

Component({
  options: { multipleSlots: true },
  externalClasses: ['custom-class'],
  behaviors: [
    cardCallBehavior({
      name: 'the send-coupon plugin',
      required: SEND_COUPON_PLUGIN_MIN_VERSION,
      isSupported: isSendCouponSupported,
    }),
  ],
  properties,
  data: {
    /** Fresh parameters the plugin has now; null while none (none yet, spent, or the fetch failed). */
    params: null as SendCouponPluginParams | null,
    loading: false,
    supported: true,
  },
  observers: {
    'stockIds, stockId, paramsUrl, requestHeader, requestData'() {
      // a new batch, endpoint or session: the parameters in hand are for something else
      if (privateOf(this).attached && hasStartedFirstRead(this)) this.refresh([])
    },
  },
  lifetimes: {
    attached() {
      const supported = isSendCouponSupported()
      if (!supported) this.setData({ supported })
      privateOf(this).attached = true
    },
    ready() {
      startFirstReadAfterReady(this, () => this.firstFetch())
    },
    detached() {
      const p = privateOf(this)
      p.attached = false
      p.fetchSeq++
      p.inFlight = undefined
    },
  },
  pageLifetimes: {
    show() {
      if (!hasStartedFirstRead(this)) return startFirstRead(this, () => this.firstFetch())
      // back on the page without parameters (the last fetch failed): try again
      const p = privateOf(this)
      if (p.attached && !this.data.params && !this.data.loading && p.lastFetchError !== undefined) this.refresh([])
    },
  },
  methods: {
    /** The first fetch, after the page's onLoad (components/common/first-read.ts): not once detached. */
    firstFetch() {
      if (privateOf(this).attached && this.data.supported && !this.data.fallback) this.refresh([])
    },

    setParamsSource(source: SendCouponParamsSource | null) {
      privateOf(this).source = source || undefined
      this.refresh([])
    },

    requestedStockIds(): string[] {
      const { stockIds, stockId } = this.data
      return stockIds && stockIds.length ? stockIds : stockId ? [stockId] : []
    },

    /** Fetches fresh parameters; `spent`: the out_request_no values the plugin already answered. */
    refresh(spent: string[] = []) {
      const p = privateOf(this)
      const seq = ++p.fetchSeq
      const stockIds = this.requestedStockIds()
      const { paramsUrl, requestData, requestHeader, requestTimeout } = this.data
      const source = p.source
      if (!stockIds.length || (!source && !paramsUrl)) {
        p.lastFetchError = undefined
        if (this.data.params || this.data.loading) this.setData({ params: null, loading: false })
        return
      }
      this.setData({ params: null, loading: true })
      const fetching = source
        ? fetchSendCouponParams(source, stockIds, spent)
        : requestSendCouponParams({
            url: paramsUrl,
            stockIds,
            spent,
            data: requestData,
            header: requestHeader,
            timeoutMs: requestTimeout,
          })
      fetching.then(
        (params) => {
          if (p.fetchSeq !== seq) return
          p.lastFetchError = undefined
          this.setData({ params, loading: false })
        },
        (error: unknown) => {
          if (p.fetchSeq !== seq) return
          p.lastFetchError = error
          // In the devtools console at once; the user hears of it at their tap.
          console.error(`[weapp-card-coupon] send-coupon-button: ${error instanceof Error ? error.message : error}`)
          this.setData({ loading: false })
        },
      )
    },

    /** A tap the plugin gets (the parameters are fresh): the answer comes as its `sendcoupon` event. */
    onTap() {
      const params = this.data.params
      if (!params || this.data.disabled || this.isCallInFlight()) return
      this.startPluginCall(params)
    },

    startPluginCall(params: SendCouponPluginParams) {
      const p = privateOf(this)
      this.startCardCall<unknown>(
        () =>
          new Promise((resolve) => {
            p.inFlight = { params, answer: resolve }
          }),
        (result) => {
          p.inFlight = undefined
          // Numbers WeChat Pay decided on (errcode OK) never go out again. After an error or no answer at all, the
          // same numbers come back freshly signed: a call that went through after all answers DUPREQUEST, not twice.
          const decided = result.ok && (result.value as { errcode?: unknown } | null)?.errcode === 'OK'
          this.refresh(decided ? params.send_coupon_params.map((c) => c.out_request_no) : [])
          if (!result.ok) return this.fail(result.error, 'network', [])
          const outcome = readSendCouponAnswer(result.value, params.send_coupon_params)
          if (outcome.ok) settle(this, 'success', outcome.result)
          else this.fail(outcome.error, outcome.reason, outcome.coupons)
        },
      )
    },

    /** The plugin's answer (`bind:sendcoupon`). */
    onSendCoupon(event: { detail: unknown }) {
      const p = privateOf(this)
      // a detached tag hears nothing: no setData, no event
      if (!p.attached) return
      const params = this.data.params
      // An answer to a tap this tag did not see: taken only when it names the parameters in hand (a late answer
      // to parameters already answered, e.g. a second tap's, is not the outcome of a new call).
      if (!p.inFlight && params && answersFor(event.detail, params)) this.startPluginCall(params)
      if (p.inFlight) p.inFlight.answer(event.detail)
    },

    /** The user tapped the plugin's result button (`bind:userconfirm`). */
    onUserConfirm() {
      if (privateOf(this).attached) emit(this, 'confirm', {})
    },

    /** A tap while no fresh parameters are in hand: nothing while they load; else say why and try again. */
    onWaitingTap() {
      if (this.data.disabled || this.data.loading) return
      const p = privateOf(this)
      if (!this.requestedStockIds().length || (!p.source && !this.data.paramsUrl)) {
        const error = new CardError(
          'invalid',
          'params-url: set stock-id (or stock-ids) and params-url, or call setParamsSource(source)',
          { field: this.requestedStockIds().length ? 'paramsUrl' : 'stockIds' },
        )
        return this.fail(error, 'failed', [])
      }
      const error = p.lastFetchError
      this.refresh([])
      if (error !== undefined) this.fail(error, 'network', [])
    },

    /** A tap on a client that cannot run the plugin (no fallback slot): WeChat's upgrade modal, `unsupported`. */
    onUnsupportedTap() {
      if (this.data.disabled) return
      const version = getSDKVersion()
      this.reportCardError(
        new CardError(
          'unsupported',
          `the send-coupon plugin needs base library ${SEND_COUPON_PLUGIN_MIN_VERSION} or later (this client: ${version || 'unknown'})`,
          { detail: version },
        ),
      )
    },

    /** `fail` with why in the user's terms, and the toast that says it. */
    fail(error: unknown, reason: SendCouponFailReason, coupons: SentCoupon[]) {
      this.reportCardError(error, { reason, coupons })
      showFailureToast(this, reason, DEFAULT_TOAST_TEXTS)
    },
  },
})
