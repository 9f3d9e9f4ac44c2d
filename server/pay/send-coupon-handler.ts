// `POST /send-coupon`: the send-coupon plugin's parameters for the session user, signed with the merchant's APIv2
// key, the protocol `<send-coupon-button params-url>` speaks. Built on the plumbing every endpoint shares
// (server/endpoints/core.ts): the same session hook, bounds, deadlines and error shape.
import { randomBytes } from 'crypto'
import type { IncomingMessage } from 'http'
import { isPlainObject } from '../../utils/rules'
import {
  MAX_COUPONS_PER_SEND,
  type SendCouponParam,
  type SendCouponParamsResponseBody,
} from '../../utils/send-coupon-rules'
import type { CredentialStore } from '../cache'
import { checkCatalogue, lookUpCard, type CardCatalogue } from '../endpoints/catalogue'
import { createRecordBook } from '../endpoints/records'
import {
  checkCardId,
  checkHandlerOptions,
  count,
  createCore,
  HandlerError,
  itemsOf,
  jsonAnswer,
  nodeHandler,
  quote,
  type CardHandler,
  type HandlerOptions,
} from '../endpoints/core'
import { checkApiV2Key, SendCouponSignError, signSendCouponParams } from './sign'

/** How one batch is issued. */
export interface SendCouponStock {
  /**
   * `busifavor` (商家券, the default) or `favor` (代金券, a 支付券). WeChat Pay issues one kind per call: a request
   * mixing them is answered 400.
   */
  kind?: 'busifavor' | 'favor' | undefined
  /** 制券商户号: the merchant that created a 代金券 batch (required for `favor`). */
  createCouponMerchant?: string | undefined
  /**
   * For a batch whose codes are assigned when issued (coupon_code_mode MERCHANT_API): the code for this user, e.g.
   * from your code pool. It is remembered with the out_request_no, so a retry gets the same code.
   */
  createCouponCode?:
    | ((stock: {
        stockId: string
        openid: string
        data: Record<string, unknown> | undefined
      }) => string | Promise<string>)
    | undefined
}

export interface SendCouponHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context> {
  /** 发券商户号 (`send_coupon_merchant`): the merchant that created the batches; in service-provider mode, the provider. */
  merchantId: string
  /** The APIv2 key of `merchantId` (32 characters; 账户中心 → API安全). A secret: it signs, it never travels. */
  apiV2Key: string
  /**
   * The batches this endpoint may issue, and how: `{ [stockId]: SendCouponStock }`, a Map, or a function of the
   * stock id (resolve undefined for one it must not issue). Any other stock id is answered 404 `unknown_card`.
   */
  stocks: CardCatalogue<SendCouponStock>
  /**
   * Where each user's pending out_request_no is remembered (memory by default; `createRedisStore(client)` to share
   * it between instances). A store that fails or times out costs only idempotency: a fresh number is issued.
   */
  store?: CredentialStore | undefined
  /** How long an unanswered out_request_no is handed out again, in seconds. Default 86 400 (a day). */
  rememberSeconds?: number | undefined
  /** Longest wait for one store call, in ms. Default 1 000. */
  storeTimeoutMs?: number | undefined
  /** Most coupons per request (at most 10, the plugin's limit). Default 10. */
  maxCoupons?: number | undefined
  /** Clock in ms since the epoch (the store's expiry). Default Date.now. */
  now?: (() => number) | undefined
}

/** A new out_request_no: `SC`, the time in base 36 and 16 random hex digits (letters and digits only). */
export function createOutRequestNo(now: number = Date.now()): string {
  return `SC${now.toString(36)}${randomBytes(8).toString('hex')}`
}

/** What is remembered per user and batch: the pending out_request_no (and the coupon code issued with it). */
interface Pending {
  out_request_no: string
  coupon_code?: string | undefined
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (storeTimeoutMs)`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

function checkStock(fn: string, stockId: string, stock: unknown): void {
  if (!isPlainObject(stock)) throw new TypeError(`${fn}: stocks[${stockId}] must be an object`)
  if (stock.kind !== undefined && stock.kind !== 'busifavor' && stock.kind !== 'favor')
    throw new TypeError(`${fn}: stocks[${stockId}].kind must be 'busifavor' or 'favor'`)
  if (stock.kind === 'favor' && (typeof stock.createCouponMerchant !== 'string' || !stock.createCouponMerchant))
    throw new TypeError(`${fn}: stocks[${stockId}].createCouponMerchant is required for a 代金券 (kind 'favor')`)
  if (stock.createCouponCode !== undefined && typeof stock.createCouponCode !== 'function')
    throw new TypeError(`${fn}: stocks[${stockId}].createCouponCode must be a function`)
}

/**
 * `POST` send-coupon endpoint, the protocol `<send-coupon-button params-url>` speaks: `{ stockIds: string[],
 * spent?: string[], data? }` → `200 { send_coupon_params, sign, send_coupon_merchant }`, exactly what the plugin
 * takes, signed with `apiV2Key`. Each user gets one pending out_request_no per batch, handed out again until the
 * client reports it `spent` (the plugin answered it), so a retry or a second page cannot issue twice. Errors: 405,
 * 413, 401 `no_session`, 400 `invalid_json` / `invalid_request` (more than `maxCoupons`, a repeated batch, 商家券 and
 * 代金券 mixed), 404 `unknown_card`, 500 `server_error`. The key never appears in an answer or a report. Throws a
 * `TypeError` naming the option for bad options.
 */
export function createSendCouponHandler<Context = IncomingMessage>(
  o: SendCouponHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createSendCouponHandler'
  const kit = checkHandlerOptions(fn, o)
  if (typeof o.merchantId !== 'string' || !/^\d{8,15}$/.test(o.merchantId))
    throw new TypeError(`${fn}: merchantId must be the issuing merchant's id (8 to 15 digits)`)
  // the key signing will take, checked now: a key it would refuse is a TypeError here, not a 500 on every request
  try {
    checkApiV2Key(o.apiV2Key)
  } catch (e) {
    if (e instanceof SendCouponSignError)
      throw new TypeError(`${fn}: apiV2Key ${e.message.slice(e.field.length + 1)}`, { cause: e })
    throw e
  }
  kit.secret(o.apiV2Key as string)
  checkCatalogue(fn, 'stocks', o.stocks)
  if (typeof o.stocks !== 'function') {
    const entries = o.stocks instanceof Map ? [...o.stocks] : Object.entries(o.stocks)
    for (const [stockId, stock] of entries) checkStock(fn, stockId, stock)
  }
  const maxCoupons = count(fn, 'maxCoupons', o.maxCoupons, MAX_COUPONS_PER_SEND)
  if (maxCoupons > MAX_COUPONS_PER_SEND)
    throw new TypeError(`${fn}: maxCoupons must be at most ${MAX_COUPONS_PER_SEND} (the plugin's limit)`)
  const rememberMs = count(fn, 'rememberSeconds', o.rememberSeconds, 86_400) * 1000
  const storeTimeoutMs = count(fn, 'storeTimeoutMs', o.storeTimeoutMs, 1000)
  const now = o.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError(`${fn}: now must be a function`)
  const pendings = createRecordBook<Pending>(fn, o.store, {
    ttlMs: rememberMs,
    isRecord: (r) => typeof r.out_request_no === 'string',
    now,
  })
  const { merchantId, apiV2Key, stocks } = o
  const name = 'send-coupon handler'
  const keyOf = (openid: string, stockId: string) => `send-coupon:${merchantId}:${openid}:${stockId}`

  /** The pending out_request_no remembered for this user and batch, or undefined (also when the store fails). */
  async function remembered(key: string): Promise<Pending | undefined> {
    try {
      return await withTimeout(pendings.read(key), storeTimeoutMs, `the store (get ${key})`)
    } catch (e) {
      kit.report(`${name}: could not read the pending out_request_no; a new one is issued`, e)
      return undefined
    }
  }
  async function remember(key: string, pending: Pending): Promise<void> {
    try {
      await withTimeout(pendings.write(key, pending), storeTimeoutMs, `the store (set ${key})`)
    } catch (e) {
      kit.report(`${name}: could not remember the out_request_no; a retry will get a new one`, e)
    }
  }

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ openid, body }) {
      const stockIds = itemsOf(body, 'stockIds', maxCoupons).map((id, i) => checkCardId(id, `stockIds[${i}]`))
      const twice = stockIds.findIndex((id, i) => stockIds.indexOf(id) !== i)
      if (twice >= 0)
        throw new HandlerError(400, 'invalid_request', `stockIds[${twice}] ${quote(stockIds[twice])} is asked twice`)
      const { spent, data } = body as { spent?: unknown; data?: unknown }
      if (spent !== undefined && spent !== null) {
        if (!Array.isArray(spent) || spent.length > maxCoupons || !spent.every((s) => typeof s === 'string'))
          throw new HandlerError(400, 'invalid_request', `spent must be an array of at most ${maxCoupons} strings`)
      }
      if (data !== undefined && data !== null && !isPlainObject(data))
        throw new HandlerError(400, 'invalid_request', 'data must be an object when present')
      const spentSet = new Set(Array.isArray(spent) ? (spent as string[]) : [])

      const found = await Promise.all(stockIds.map((stockId) => lookUpCard(stocks, stockId)))
      const unknown = found.findIndex((stock) => !isPlainObject(stock))
      if (unknown >= 0)
        throw new HandlerError(
          404,
          'unknown_card',
          `stockIds[${unknown}] ${quote(stockIds[unknown])} is not a batch this server issues`,
        )
      const rules = found as SendCouponStock[]
      const kinds = new Set(rules.map((stock) => stock.kind ?? 'busifavor'))
      if (kinds.size > 1)
        throw new HandlerError(
          400,
          'invalid_request',
          'stockIds mixes 商家券 (busifavor) and 代金券 (favor) batches: WeChat Pay issues one kind per call',
        )

      // every batch at once: the store calls of one request take two storeTimeoutMs at most, whatever its size
      const send_coupon_params: SendCouponParam[] = await Promise.all(
        stockIds.map(async (stockId, i): Promise<SendCouponParam> => {
          const stock = rules[i] as SendCouponStock
          try {
            if (typeof stocks === 'function') checkStock(fn, stockId, stock)
            const key = keyOf(openid, stockId)
            let pending = await remembered(key)
            if (!pending || spentSet.has(pending.out_request_no)) {
              const coupon_code = stock.createCouponCode
                ? await stock.createCouponCode({
                    stockId,
                    openid,
                    data: (data as Record<string, unknown>) ?? undefined,
                  })
                : undefined
              pending = { out_request_no: createOutRequestNo(now()), coupon_code }
              await remember(key, pending)
            }
            return {
              stock_id: stockId,
              out_request_no: pending.out_request_no,
              ...(stock.kind === 'favor' ? { create_coupon_merchant: stock.createCouponMerchant } : {}),
              ...(pending.coupon_code !== undefined ? { coupon_code: pending.coupon_code } : {}),
            }
          } catch (e) {
            kit.report(`${name}: could not issue stockIds[${i}] (${stockId})`, e)
            throw new HandlerError(500, 'server_error', `could not issue stockIds[${i}] ${quote(stockId)}`)
          }
        }),
      )
      let sign: string
      try {
        sign = signSendCouponParams({ send_coupon_params, send_coupon_merchant: merchantId }, apiV2Key)
      } catch (e) {
        // a value from the catalogue or your callbacks that WeChat Pay would refuse: named, never the key
        kit.report(`${name}: could not sign${e instanceof SendCouponSignError ? ` (${e.field})` : ''}`, e)
        throw new HandlerError(500, 'server_error', 'could not sign the coupons')
      }
      const answer: SendCouponParamsResponseBody = { send_coupon_params, sign, send_coupon_merchant: merchantId }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}
