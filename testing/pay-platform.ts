// WeChat Pay in one process, for the send-coupon plugin and the 商家券 APIv3: createPayPlatform puts together the
// coupon rules and state (pay-coupons.ts), the plugin stand-in (pay-plugin.ts) and the APIv3 endpoints
// (pay-api.ts), on one clock, with keys generated when first needed (never a committed private key).
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'crypto'
import {
  createPayCouponRules,
  type HeldPayCoupon,
  type PayCouponState,
  type PayStock,
  type SheetAction,
} from './pay-coupons'
import { listenPayApi, type PayApiBackend } from './pay-api'
import { createPluginStandIn, pluginComponentDefinition, type PluginSheet, type PluginStandIn } from './pay-plugin'
import type { Listening } from './wechat-api'
import type { SendCouponAnswer } from '../utils/send-coupon-rules'

export interface PayPlatformOptions {
  /** The merchant (发券商户号 and APIv3 caller). Default `1900000001`. */
  merchantId?: string | undefined
  /** Its APIv2 key (32 characters), which verifies the plugin's sign. */
  apiV2Key: string
  /** The mini-program bound to the merchant (the APIv3 `appid`). Default `wx0000000000mini00` (the fixture's). */
  appid?: string | undefined
  /** The current user (under `appid`). */
  openid: string
  stocks: PayStock[]
  /**
   * The merchant's API certificate serial and private key (PEM). Default: a key pair generated once per process,
   * serial `SIMULATOR0MERCHANT0SERIAL`.
   */
  merchantKey?: { serial: string; privateKey: string } | undefined
  /** Clock in ms since the epoch. Default Date.now; `advanceTime(ms)` moves it ahead. */
  now?: (() => number) | undefined
}

/** A showToast call the tags made, as recorded. */
export interface ToastRecord {
  title: string
  icon?: string | undefined
  duration?: number | undefined
}

export interface PayPlatformState {
  /** Every coupon issued, in order (state as set; `stateOf` reads EXPIRED past the batch's end). */
  coupons: HeldPayCoupon[]
  /** Every send-coupon call WeChat Pay answered, with its answer. */
  sends: { params: unknown; answer: SendCouponAnswer }[]
  /** APIv3 requests, with the status answered. */
  requests: { method: string; url: string; status: number }[]
  /** wx.showToast calls (after `install`). */
  toasts: ToastRecord[]
}

export interface PayPlatform {
  /** What an APIv3 SDK needs to call `listen()`'s URL as this merchant. */
  merchant: {
    mchid: string
    appid: string
    /** The merchant API certificate's serial. */
    serial: string
    /** The merchant's private key, PEM: give it to your SDK, never to the mini-program. */
    privateKey: string
    /** `{ [WeChat Pay public key id]: public key PEM }`: the SDK verifies the simulator's answers with it. */
    certs: Record<string, string>
  }
  /**
   * Serves the 商家券 APIv3 on 127.0.0.1, on `options.port` (default 0: a free port). Rejects a port in use
   * (EADDRINUSE) and a TypeError for a port that is not one.
   */
  listen(options?: { port?: number | undefined }): Promise<Listening>
  /** The plugin's sheets: answer them (`sheets()[0].confirm()`), or `autoAnswer('confirm')`. */
  plugin: PluginStandIn
  /**
   * What WeChat Pay answers the plugin for the current user once the user has confirmed its sheet: the
   * `sendcoupon` detail for these properties (`{ send_coupon_params, sign, send_coupon_merchant }`, as given to
   * the plugin). Issues the coupons it reports SUCCESS. The page bridge's stand-in (a page in another process)
   * calls it; in miniprogram-simulate, `plugin` answers taps.
   */
  sendCoupon(props: { send_coupon_params?: unknown; sign?: unknown; send_coupon_merchant?: unknown }): SendCouponAnswer
  /**
   * The stand-in's component definition for miniprogram-simulate (`simulate.load(platform.pluginDefinition())`),
   * to map `plugin://sendCoupon/send-coupon` to. `sendCouponStandIn()` gives one that follows `install`.
   */
  pluginDefinition(): object
  /**
   * Makes this platform the one `sendCouponStandIn()` answers for, and records wx.showToast on `target` (default
   * the global `wx`, created when absent). Returns an undo function.
   */
  install(target?: object): () => void
  /** Changes the current user (the plugin issues to them). */
  setUser(openid: string): void
  /** Changes a batch (e.g. `{ running: false }`, a smaller budget). */
  setStock(stockId: string, changes: Partial<Omit<PayStock, 'stockId'>>): void
  /** Changes a coupon's state as the user or the merchant would: DELETED, DEACTIVATED, USED, SENDED. */
  setCouponState(couponCode: string, state: PayCouponState): void
  /** The next APIv3 request is answered with this error (after its signature is checked). */
  failNextRequest(status: number, code: string, message: string): void
  advanceTime(ms: number): void
  now(): number
  state: PayPlatformState
}

let generatedMerchantKey: { serial: string; privateKey: string } | undefined
let generatedPlatformKey: KeyObject | undefined

function rsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
}

/** The platform whose stand-in `sendCouponStandIn()` drives (the last one installed). */
let current: { plugin: PluginStandIn } | undefined

/**
 * The send-coupon plugin stand-in's component definition, answering for the platform installed last: load it once
 * per test file (`simulate.load(sendCouponStandIn())`) and map `plugin://sendCoupon/send-coupon` to it.
 */
export function sendCouponStandIn(): object {
  return pluginComponentDefinition(() => {
    if (!current) throw new Error('send-coupon stand-in: install() a pay platform first')
    return current.plugin
  })
}

/** The WeChat Pay public key id the simulator signs its answers with. */
export const SIMULATOR_PUBLIC_KEY_ID = 'PUB_KEY_ID_0000000000000000000000000000000'

/** A WeChat Pay simulator: see PayPlatform. Throws a TypeError naming the option for bad options. */
export function createPayPlatform(options: PayPlatformOptions): PayPlatform {
  const o = options
  if (!o || typeof o.apiV2Key !== 'string' || o.apiV2Key.length !== 32)
    throw new TypeError('createPayPlatform: apiV2Key must be 32 characters')
  if (typeof o.openid !== 'string' || !o.openid) throw new TypeError('createPayPlatform: openid is required')
  if (!Array.isArray(o.stocks)) throw new TypeError('createPayPlatform: stocks must be an array')
  const merchantId = o.merchantId ?? '1900000001'
  const appid = o.appid ?? 'wx0000000000mini00'
  const baseClock = o.now ?? Date.now
  let offset = 0
  const now = () => baseClock() + offset
  let openid = o.openid

  const merchantKey =
    o.merchantKey ??
    (generatedMerchantKey ??= {
      serial: 'SIMULATOR0MERCHANT0SERIAL',
      privateKey: rsaKey().export({ type: 'pkcs8', format: 'pem' }) as string,
    })
  const platformKey = (generatedPlatformKey ??= rsaKey())
  const platformPublicPem = createPublicKey(platformKey).export({ type: 'spki', format: 'pem' }) as string

  const rules = createPayCouponRules(
    { merchantId, apiV2Key: o.apiV2Key },
    o.stocks.map((s) => ({ ...s })),
    now,
  )
  const plugin = createPluginStandIn(rules, () => openid)
  const toasts: ToastRecord[] = []
  const backend: PayApiBackend = {
    rules,
    merchantId,
    appid,
    merchantSerial: merchantKey.serial,
    merchantPublicKey: createPublicKey(merchantKey.privateKey),
    platformPrivateKey: platformKey,
    platformKeyId: SIMULATOR_PUBLIC_KEY_ID,
    now,
    log: [],
    faults: [],
  }
  const platform: PayPlatform = {
    merchant: {
      mchid: merchantId,
      appid,
      serial: merchantKey.serial,
      privateKey: merchantKey.privateKey,
      certs: { [SIMULATOR_PUBLIC_KEY_ID]: platformPublicPem },
    },
    listen: (listenOptions = {}) => listenPayApi(backend, listenOptions.port ?? 0),
    plugin,
    sendCoupon: (props) => rules.send(openid, props),
    pluginDefinition: () => pluginComponentDefinition(() => plugin),
    install(target) {
      const global = globalThis as unknown as Record<string, unknown>
      const createdWx = target === undefined && (typeof global.wx !== 'object' || global.wx === null)
      if (createdWx) global.wx = {}
      const host = (target ?? global.wx) as Record<string, unknown>
      const before = Object.getOwnPropertyDescriptor(host, 'showToast')
      host.showToast = (toast: ToastRecord) => {
        toasts.push({ title: toast.title, icon: toast.icon, duration: toast.duration })
      }
      const previous = current
      current = platform
      return () => {
        if (before) Object.defineProperty(host, 'showToast', before)
        else delete host.showToast
        if (createdWx) delete global.wx
        if (current === platform) current = previous
      }
    },
    setUser(user) {
      if (typeof user !== 'string' || !user) throw new TypeError('setUser: openid must be a non-empty string')
      openid = user
    },
    setStock(stockId, changes) {
      const stock = rules.stocks.get(stockId)
      if (!stock) throw new TypeError(`setStock: no batch ${stockId}`)
      Object.assign(stock, changes)
    },
    setCouponState: rules.setCouponState,
    failNextRequest(status, code, message) {
      backend.faults.push({ status, code, message })
    },
    advanceTime(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw new TypeError(`advanceTime: ms must be a finite number >= 0, got ${String(ms)}`)
      offset += ms
    },
    now,
    state: { coupons: rules.state.coupons, sends: rules.state.sends, requests: backend.log, toasts },
  }
  return platform
}

export type { HeldPayCoupon, PayCouponState, PayStock, PluginSheet, SheetAction }
