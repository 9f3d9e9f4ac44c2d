// A stand-in for WeChat Pay's send-coupon plugin (`plugin://sendCoupon/send-coupon`), which cannot load outside
// WeChat: a component that renders its child nodes and nothing of its own, takes the plugin's properties, and on a
// tap shows the confirm step the real plugin (2.0.2+) has. The test answers that step; the platform's coupon rules
// (pay-coupons.ts) decide the answer, delivered as the plugin's `sendcoupon` event, then `userconfirm` when the user
// acknowledges the result.
import type { SendCouponAnswer } from '../utils/send-coupon-rules'
import type { PayCouponRules, SheetAction } from './pay-coupons'

/** What a component instance of the stand-in offers the platform. */
interface PluginHost {
  data: {
    send_coupon_params?: unknown
    sign?: unknown
    send_coupon_merchant?: unknown
    suggest_immediate_use?: unknown
  }
  triggerEvent(name: string, detail: object): void
}

/** The plugin's sheet after a tap: what it was given, and the user's answer (the test gives it). */
export interface PluginSheet {
  /** The plugin's properties at the tap, as given. */
  send_coupon_params: unknown
  sign: unknown
  send_coupon_merchant: unknown
  suggest_immediate_use: boolean
  /** `open` until answered; then `confirmed` or `closed`. */
  status: 'open' | 'confirmed' | 'closed'
  /** The answer delivered as `sendcoupon` (after confirm). */
  answer?: SendCouponAnswer | undefined
  /** The user takes the coupons: WeChat Pay answers, delivered as `sendcoupon`. Returns the answer. */
  confirm(): SendCouponAnswer
  /** The user closes the sheet without taking them: the plugin says nothing (see the testing README). */
  close(): void
  /**
   * Delivers exactly `detail` as `sendcoupon`, an answer the platform does not model (e.g. `{ errcode:
   * 'SYSTEMERROR' }` after a timeout inside the plugin); changes no state.
   */
  respond(detail: object): void
  /** After a confirm: the user taps the result's button (我知道了 / 立即使用): `userconfirm`. */
  acknowledge(): void
}

export interface PluginStandIn {
  /** Open sheets (tapped, not answered yet), oldest first. */
  sheets(): PluginSheet[]
  /** Every sheet so far, answered or not, in order. */
  allSheets: PluginSheet[]
  /** From now on every sheet is answered at once with `action` (undefined: the test answers; the default). */
  autoAnswer(action: SheetAction | undefined): void
  /** A tap on a stand-in instance (its `onTap`). */
  tap(host: PluginHost): void
}

/** The plugin's sheet logic for one platform, for the current user `openid()`. */
export function createPluginStandIn(rules: PayCouponRules, openid: () => string): PluginStandIn {
  const allSheets: PluginSheet[] = []
  let auto: SheetAction | undefined
  const deliver = (host: PluginHost, name: string, detail: object) =>
    setTimeout(() => host.triggerEvent(name, detail), 0)
  return {
    allSheets,
    sheets: () => allSheets.filter((s) => s.status === 'open'),
    autoAnswer(action) {
      if (action !== undefined && action !== 'confirm' && action !== 'close')
        throw new TypeError(`autoAnswer: action must be 'confirm', 'close' or undefined, got ${String(action)}`)
      auto = action
    },
    tap(host) {
      const props = host.data
      // parameters missing: the plugin answers at once, without a sheet (see the testing README)
      if (!Array.isArray(props.send_coupon_params) || props.send_coupon_params.length === 0 || !props.sign) {
        deliver(host, 'sendcoupon', rules.send(openid(), props))
        return
      }
      const sheet: PluginSheet = {
        send_coupon_params: JSON.parse(JSON.stringify(props.send_coupon_params)),
        sign: props.sign,
        send_coupon_merchant: props.send_coupon_merchant,
        suggest_immediate_use: props.suggest_immediate_use === true,
        status: 'open',
        confirm() {
          if (sheet.status !== 'open') throw new Error(`this sheet was already ${sheet.status}`)
          sheet.status = 'confirmed'
          sheet.answer = rules.send(openid(), sheet)
          deliver(host, 'sendcoupon', sheet.answer)
          return sheet.answer
        },
        close() {
          if (sheet.status !== 'open') throw new Error(`this sheet was already ${sheet.status}`)
          sheet.status = 'closed'
        },
        respond(detail) {
          if (sheet.status !== 'open') throw new Error(`this sheet was already ${sheet.status}`)
          sheet.status = 'confirmed'
          deliver(host, 'sendcoupon', detail)
        },
        acknowledge() {
          if (sheet.status !== 'confirmed') throw new Error('acknowledge() follows confirm()')
          deliver(host, 'userconfirm', {})
        },
      }
      allSheets.push(sheet)
      if (auto === 'confirm') sheet.confirm()
      else if (auto === 'close') sheet.close()
    },
  }
}

/** The stand-in's component definition (for miniprogram-simulate's `load`): its child nodes, and a tap handler. */
export function pluginComponentDefinition(standIn: () => PluginStandIn): object {
  return {
    template: '<view class="send-coupon" bindtap="onTap"><slot /></view>',
    properties: {
      send_coupon_params: { type: Array, value: [] },
      sign: { type: String, value: '' },
      send_coupon_merchant: { type: String, value: '' },
      suggest_immediate_use: { type: Boolean, value: false },
    },
    methods: {
      onTap(this: PluginHost) {
        standIn().tap(this)
      },
    },
  }
}
