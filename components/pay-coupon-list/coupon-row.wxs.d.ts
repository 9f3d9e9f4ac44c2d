// Types of coupon-row.wxs, for the component's logic (which bundles the same file the template uses).
import type { PayCouponItem } from './index'

/** The field of `coupon` that is wrong ('' when none). */
export function problem(coupon: unknown): '' | 'couponCode' | 'stockId' | 'state' | 'expireTime'
/** WeChat Pay's coupon_state, or 'UNKNOWN' when a field is wrong; only 'SENDED' is usable. */
export function state(coupon: PayCouponItem): string
