// WeChat Pay's coupon rules and state, as the simulator plays them: the merchant's batches (budget, per-user and
// per-day limits, running or not), the coupons each user holds (商家券 states), what one send-coupon call issues
// (the plugin's answer, coupon by coupon), and 核销. The plugin stand-in (pay-plugin.ts) and the APIv3 endpoints
// (pay-api.ts) deliver these answers; they decide nothing themselves.
import { CHINA_TIME_OFFSET_MS, DAY_MS } from '../server/constants'
import { verifySendCouponSign } from '../server/pay/sign'
import { isPlainObject } from '../utils/rules'
import {
  MAX_COUPONS_PER_SEND,
  PAY_COUPON_STATES,
  type PayCouponState,
  type SendCouponAnswer,
  type SendCouponParam,
  type SendCouponResultItem,
} from '../utils/send-coupon-rules'

/** One batch (批次) of the merchant. */
export interface PayStock {
  stockId: string
  /** `busifavor` 商家券 (default) or `favor` 代金券. */
  kind?: 'busifavor' | 'favor' | undefined
  /** Shown to the user and in the APIv3 answers. Default `商家券 <stockId>`. */
  stockName?: string | undefined
  /** Coupons the batch can issue in all (NOTENOUGH after). Default unlimited. */
  budget?: number | undefined
  /** Coupons one user can hold from it (MAXQUOTA after). Default 1. */
  maxPerUser?: number | undefined
  /** Coupons one user can get per day, China time (DAYLIMIT after). Default unlimited. */
  maxPerUserPerDay?: number | undefined
  /** False: paused or over (NOTRUNNING). Default true. */
  running?: boolean | undefined
  /** The batch's codes are given when issued (coupon_code_mode MERCHANT_API): each call must carry coupon_code. */
  merchantCodes?: boolean | undefined
  /** 制券商户号 of a 代金券 batch: the call must name it as create_coupon_merchant. Default the merchant. */
  creatorMerchant?: string | undefined
  /** Validity end, ms since the epoch (the coupon reads EXPIRED after). Default none. */
  availableEndTime?: number | undefined
}

export type { PayCouponState }

/** One coupon a user holds. */
export interface HeldPayCoupon {
  stockId: string
  couponCode: string
  openid: string
  /** The out_request_no that issued it. */
  outRequestNo: string
  state: PayCouponState
  /** ms since the epoch. */
  receivedAt: number
  usedAt?: number | undefined
  useRequestNo?: string | undefined
}

/** What the user does on the plugin's sheet: take the coupons, or close it. */
export type SheetAction = 'confirm' | 'close'

export interface PayCouponsRecord {
  /** Every coupon issued, in order. */
  coupons: HeldPayCoupon[]
  /** Every send-coupon call the plugin made (after the user confirmed), with its answer. */
  sends: { params: unknown; answer: SendCouponAnswer }[]
}

export interface PayCouponRules {
  state: PayCouponsRecord
  stocks: Map<string, PayStock>
  /** The plugin's answer to one call, as WeChat Pay would give it; issues the coupons it reports SUCCESS. */
  send(
    openid: string,
    props: { send_coupon_params?: unknown; sign?: unknown; send_coupon_merchant?: unknown },
  ): SendCouponAnswer
  /** A coupon's state now (EXPIRED once its batch's end passed). */
  stateOf(coupon: HeldPayCoupon): PayCouponState
  /** Changes a coupon's state as the user or the merchant would (DELETED, DEACTIVATED, USED, SENDED). */
  setCouponState(couponCode: string, state: PayCouponState): void
}

/** WeChat Pay's 商家券 states (utils/send-coupon-rules.ts, the one list). */
export { PAY_COUPON_STATES }

const chinaDay = (ms: number) => Math.floor((ms + CHINA_TIME_OFFSET_MS) / DAY_MS)

/** The coupon rules of one merchant, on the given clock. */
export function createPayCouponRules(
  merchant: { merchantId: string; apiV2Key: string },
  stockList: readonly PayStock[],
  now: () => number,
): PayCouponRules {
  const stocks = new Map(stockList.map((s) => [s.stockId, s]))
  const state: PayCouponsRecord = { coupons: [], sends: [] }
  let codes = 0
  const nextCode = () => `${100_000_000_000 + ++codes}`

  const paramError = (msg: string): SendCouponAnswer => ({ errcode: 'PARAM_ERROR', msg, send_coupon_result: [] })

  function sendOne(openid: string, p: SendCouponParam): SendCouponResultItem {
    const item = (code: string, message: string, couponCode?: string): SendCouponResultItem => ({
      code,
      message,
      stock_id: p.stock_id,
      out_request_no: p.out_request_no,
      ...(couponCode ? { coupon_code: couponCode } : {}),
    })
    const stock = stocks.get(p.stock_id)
    if (!stock) return item('FAILED', '批次不存在')
    const mine = state.coupons.filter((c) => c.openid === openid && c.stockId === stock.stockId)
    const earlier = mine.find((c) => c.outRequestNo === p.out_request_no)
    if (earlier) return item('DUPREQUEST', '已通过该发券凭证给用户发券', earlier.couponCode)
    if (stock.running === false) return item('NOTRUNNING', '批次状态非运营中')
    if (
      (stock.kind ?? 'busifavor') === 'favor' &&
      p.create_coupon_merchant !== (stock.creatorMerchant ?? merchant.merchantId)
    )
      return item('FAILED', '制券商户号 create_coupon_merchant 与批次不符')
    if (stock.merchantCodes && !p.coupon_code) return item('FAILED', '该批次发券时须指定 coupon_code')
    if (p.coupon_code && state.coupons.some((c) => c.stockId === stock.stockId && c.couponCode === p.coupon_code))
      return item('FAILED', 'coupon_code 已被使用')
    const issued = state.coupons.filter((c) => c.stockId === stock.stockId).length
    if (stock.budget !== undefined && issued >= stock.budget) return item('NOTENOUGH', '总预算用完')
    if (mine.length >= (stock.maxPerUser ?? 1)) return item('MAXQUOTA', '用户领取张数达到上限')
    const today = chinaDay(now())
    if (
      stock.maxPerUserPerDay !== undefined &&
      mine.filter((c) => chinaDay(c.receivedAt) === today).length >= stock.maxPerUserPerDay
    )
      return item('DAYLIMIT', '用户达到单天限领')
    const couponCode = p.coupon_code || nextCode()
    state.coupons.push({
      stockId: stock.stockId,
      couponCode,
      openid,
      outRequestNo: p.out_request_no,
      state: 'SENDED',
      receivedAt: now(),
    })
    return item('SUCCESS', '发券成功', couponCode)
  }

  return {
    state,
    stocks,
    send(openid, props) {
      const list = props.send_coupon_params
      let answer: SendCouponAnswer
      if (!Array.isArray(list) || list.length === 0) answer = paramError('缺少必传参数send_coupon_params')
      else if (list.length > MAX_COUPONS_PER_SEND)
        answer = paramError(`send_coupon_params 一次最多${MAX_COUPONS_PER_SEND}张`)
      else if (typeof props.send_coupon_merchant !== 'string' || !props.send_coupon_merchant)
        answer = paramError('缺少必传参数send_coupon_merchant')
      else if (typeof props.sign !== 'string' || !props.sign) answer = paramError('缺少必传参数sign')
      else if (
        !list.every((p) => isPlainObject(p) && typeof p.stock_id === 'string' && typeof p.out_request_no === 'string')
      )
        answer = paramError('send_coupon_params 缺少 stock_id 或 out_request_no')
      else if (
        props.send_coupon_merchant !== merchant.merchantId ||
        !verifySendCouponSign(
          {
            send_coupon_params: list as SendCouponParam[],
            send_coupon_merchant: props.send_coupon_merchant,
            sign: props.sign,
          },
          merchant.apiV2Key,
        )
      )
        answer = { errcode: 'SIGN_ERROR', msg: '签名错误', send_coupon_result: [] }
      else {
        const kinds = new Set(
          (list as SendCouponParam[]).map((p) => (stocks.get(p.stock_id)?.kind ?? 'busifavor') as string),
        )
        answer =
          kinds.size > 1
            ? paramError('支付券与商家券不能同时发放')
            : {
                errcode: 'OK',
                msg: 'OK',
                send_coupon_result: (list as SendCouponParam[]).map((p) => sendOne(openid, p)),
              }
      }
      state.sends.push({ params: props.send_coupon_params, answer })
      return answer
    },
    stateOf(coupon) {
      const stock = stocks.get(coupon.stockId)
      if (coupon.state === 'SENDED' && stock?.availableEndTime !== undefined && stock.availableEndTime <= now())
        return 'EXPIRED'
      return coupon.state
    },
    setCouponState(couponCode, to) {
      const coupon = state.coupons.find((c) => c.couponCode === couponCode)
      if (!coupon) throw new TypeError(`setCouponState: no coupon ${couponCode} was issued`)
      if (!PAY_COUPON_STATES.includes(to))
        throw new TypeError(`setCouponState: state must be one of ${PAY_COUPON_STATES.join(', ')}, got ${String(to)}`)
      coupon.state = to
    },
  }
}
