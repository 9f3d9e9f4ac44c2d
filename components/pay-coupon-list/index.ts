import type { PayCoupon, PayCouponState } from '../../utils/index'
import { problem, state } from './coupon-row.wxs'

/**
 * One row: a 商家券 as the pay-coupons endpoint answers it (`requestPayCoupons` of weapp-card-coupon/utils), plus
 * what your page adds to show it. Only a SENDED coupon (usable) is chosen by a tap.
 */
export interface PayCouponItem extends PayCoupon {
  /** The row's title. Default: the batch's name (`stockName`), else its id. */
  title?: string | undefined
  /** The row's label (conditions of use, …); the validity follows it when `expireTime` is given. */
  description?: string | undefined
  /** The row's value (an amount, a discount). */
  extra?: string | undefined
  /** Image URL shown at the row's start. */
  logo?: string | undefined
}

/** A row's state: WeChat Pay's coupon_state, or UNKNOWN for a row with a wrong field (a state this version lacks). */
export type PayCouponRowState = PayCouponState | 'UNKNOWN'

/** The words for each state that is not usable (`state-texts`; a partial object keeps the other defaults). */
const DEFAULT_STATE_TEXTS: Record<Exclude<PayCouponRowState, 'SENDED'>, string> = {
  USED: '已使用',
  EXPIRED: '已过期',
  DELETED: '已删除',
  DEACTIVATED: '已失效',
  UNKNOWN: '状态未知',
}

const properties = {
  coupons: { type: Array, value: [] as PayCouponItem[] },
  /** The words at the end of a usable row. */
  actionText: { type: String, value: '去使用' },
  stateTexts: { type: Object, value: DEFAULT_STATE_TEXTS as Partial<Record<PayCouponRowState, string>> },
  validUntilText: { type: String, value: '有效期至' },
  emptyText: { type: String, value: '暂无优惠券' },
  /** Your own picture for the empty list (a URL or a package path); default: a drawing that ships with the tag. */
  emptyImage: { type: String, value: '' },
}

/** Properties of `<pay-coupon-list>` (camelCase here, kebab-case in WXML). */
export type PayCouponListProps = WechatMiniprogram.Component.PropertyOptionToData<typeof properties>

/** Detail of `choose`: the usable coupon the user tapped, and its index in `coupons`. */
export interface ChooseCouponDetail {
  coupon: PayCouponItem
  index: number
}

/** `event.detail` of each event of `<pay-coupon-list>`. */
export interface PayCouponListEvents {
  /** The user tapped a usable (SENDED) coupon: show its code, or use it for an order (your server 核销s it). */
  choose: ChooseCouponDetail
}

/** A tap on a row: the row's index in `coupons`. */
interface RowEvent {
  currentTarget: { dataset: { index: number } }
}

/** Shown in the devtools console once per list: the page passed a row that can never be chosen. */
function reportBadRows(coupons: readonly PayCouponItem[]) {
  coupons.forEach((coupon, index) => {
    const field = problem(coupon)
    if (field)
      console.error(
        `[weapp-card-coupon] pay-coupon-list: coupons[${index}].${field} is not valid; the row shows 状态未知`,
      )
  })
}

Component({
  options: { multipleSlots: true, styleIsolation: 'apply-shared' },
  externalClasses: ['custom-class'],
  properties,
  data: { defaultStateTexts: DEFAULT_STATE_TEXTS },
  observers: {
    // Rows render straight from `coupons` through coupon-row.wxs: no mirrored array, no extra setData.
    coupons(coupons: PayCouponItem[]) {
      reportBadRows(coupons)
    },
  },
  methods: {
    /** A row: a usable coupon emits `choose`; any other row does nothing (its state is on it in words). */
    onRowTap(event: RowEvent) {
      const index = event.currentTarget.dataset.index
      const coupon = this.data.coupons[index]
      if (coupon && state(coupon) === 'SENDED') {
        const detail: ChooseCouponDetail = { coupon, index }
        this.triggerEvent('choose', detail)
      }
    },
  },
})
