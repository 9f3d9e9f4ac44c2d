// `GET /pay-coupons`: the session user's 商家券 with their states, through your APIv3 SDK
// (GET /v3/marketing/busifavor/users/{openid}/coupons). Built on the plumbing every endpoint shares.
import type { IncomingMessage } from 'http'
import type { PayCoupon, PayCouponsResponseBody } from '../../utils/send-coupon-rules'
import {
  checkHandlerOptions,
  count,
  createCore,
  HandlerError,
  jsonAnswer,
  nodeHandler,
  queryParam,
  checkCardId,
  type CardHandler,
  type HandlerOptions,
} from '../endpoints/core'
import { listBusifavorCoupons, type PayApiClient } from './busifavor'

export interface PayCouponsHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context> {
  /** Your APIv3 SDK (a wechatpay-axios-plugin instance, or a request function). */
  client: PayApiClient
  /** The mini-program's AppID (bound to your merchant id): the session's openid is under it. */
  appid: string
  /** The role your merchant id has for these batches: `creator` (default), `belong` or `sender`. */
  merchantRole?: 'creator' | 'belong' | 'sender' | undefined
  /** Your merchant id, sent as creator_merchant / belong_merchant / sender_merchant. */
  merchantId: string
  /** Only these batches (`?stockId=` naming another is answered 404). Default: every batch of the merchant. */
  stockIds?: readonly string[] | undefined
  /** Most coupons listed (one APIv3 page). Default 50. */
  limit?: number | undefined
  /** Per APIv3 request, in ms. Default 10 000. */
  timeoutMs?: number | undefined
}

/**
 * `GET` pay-coupons endpoint (optional query `stockId`): `200 { coupons: [{ stockId, couponCode, state, stockName?,
 * expireTime? }] }`, the session user's 商家券. Errors: 405, 401 `no_session`, 400 (a malformed `stockId`), 404
 * `unknown_card` (a batch not in `stockIds`), 502 `wechat_error` (WeChat Pay failed; the cause goes to onError).
 * Throws a `TypeError` naming the option.
 */
export function createPayCouponsHandler<Context = IncomingMessage>(
  o: PayCouponsHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createPayCouponsHandler'
  const kit = checkHandlerOptions(fn, o)
  if (!o.client || (typeof o.client !== 'function' && typeof o.client !== 'object'))
    throw new TypeError(`${fn}: client must be your APIv3 SDK instance or a request function`)
  if (typeof o.appid !== 'string' || !o.appid) throw new TypeError(`${fn}: appid is required`)
  if (typeof o.merchantId !== 'string' || !/^\d{8,15}$/.test(o.merchantId))
    throw new TypeError(`${fn}: merchantId must be your merchant id (8 to 15 digits)`)
  const role = o.merchantRole ?? 'creator'
  if (!['creator', 'belong', 'sender'].includes(role))
    throw new TypeError(`${fn}: merchantRole must be 'creator', 'belong' or 'sender'`)
  if (o.stockIds !== undefined && (!Array.isArray(o.stockIds) || !o.stockIds.every((s) => typeof s === 'string')))
    throw new TypeError(`${fn}: stockIds must be an array of stock ids`)
  const limit = count(fn, 'limit', o.limit, 50)
  const { client, appid, merchantId, stockIds, timeoutMs } = o
  const name = 'pay-coupons handler'

  const core = createCore(kit, {
    name,
    method: 'GET',
    async run({ openid, request }) {
      const asked = queryParam(request.url, 'stockId')
      const stockId = asked === undefined || asked === '' ? undefined : checkCardId(asked, 'stockId')
      if (stockId !== undefined && stockIds && !stockIds.includes(stockId))
        throw new HandlerError(404, 'unknown_card', `stockId "${stockId}" is not a batch of this server`)
      let coupons: PayCoupon[]
      try {
        const page = await listBusifavorCoupons({
          client,
          timeoutMs,
          openid,
          appid,
          stockId,
          limit,
          ...(role === 'creator' ? { creatorMerchant: merchantId } : {}),
          ...(role === 'belong' ? { belongMerchant: merchantId } : {}),
          ...(role === 'sender' ? { senderMerchant: merchantId } : {}),
        })
        coupons = page.coupons
          .filter((c) => !stockIds || stockIds.includes(c.stockId))
          .map(({ stockId, couponCode, state, stockName, expireTime }) => ({
            stockId,
            couponCode,
            state,
            ...(stockName !== undefined ? { stockName } : {}),
            ...(expireTime !== undefined ? { expireTime } : {}),
          }))
      } catch (e) {
        kit.report(`${name}: listing the user's 商家券 failed`, e)
        throw new HandlerError(
          502,
          'wechat_error',
          "could not read the user's coupons from WeChat Pay; try again later",
        )
      }
      const answer: PayCouponsResponseBody = { coupons }
      return jsonAnswer(200, answer)
    },
  })
  return nodeHandler(kit, core)
}
