// WeChat Pay's APIv3 for 商家券, as the simulator serves it on 127.0.0.1: it verifies each request's
// `WECHATPAY2-SHA256-RSA2048` Authorization with the merchant's public key and signs each answer with the
// platform's own key (Wechatpay-Timestamp / -Nonce / -Serial / -Signature), so a real APIv3 SDK's verification
// runs against it. It plays WeChat, so node:crypto is its to use; the product never signs RSA itself.
import { createSign, createVerify, randomBytes, type KeyObject } from 'crypto'
import { createServer, type IncomingMessage } from 'http'
import { CHINA_TIME_OFFSET_MS } from '../server/constants'
import { isPlainObject } from '../utils/rules'
import type { HeldPayCoupon, PayCouponRules, PayCouponState } from './pay-coupons'
import { PAY_COUPON_STATES } from './pay-coupons'
import type { Listening } from './wechat-api'

/** The APIv3 paths the simulator answers, below its base URL. */
export const PAY_API = {
  /** `GET`: a user's 商家券 (query appid, stock_id, coupon_state, creator/belong/sender_merchant, offset, limit). */
  userCoupons: '/v3/marketing/busifavor/users/{openid}/coupons',
  /** `GET`: one coupon of a user. */
  userCoupon: '/v3/marketing/busifavor/users/{openid}/coupons/{coupon_code}/appids/{appid}',
  /** `POST`: 核销 one coupon, idempotent by use_request_no. */
  useCoupon: '/v3/marketing/busifavor/coupons/use',
} as const

/** WeChat Pay accepts a request signed at most this long ago (or ahead), in seconds. */
const MAX_CLOCK_SKEW_SECONDS = 300

export interface PayApiBackend {
  rules: PayCouponRules
  merchantId: string
  appid: string
  /** The merchant's API certificate serial and public key: what every request is verified with. */
  merchantSerial: string
  merchantPublicKey: KeyObject
  /** The platform's signing key and the id the SDK knows its public key by (PUB_KEY_ID_… or a certificate serial). */
  platformPrivateKey: KeyObject
  platformKeyId: string
  now(): number
  /** Requests seen, and how each was answered (status), in order. */
  log: { method: string; url: string; status: number }[]
  /** The next request is answered with this, before anything else (a fault the test sets). */
  faults: { status: number; code: string; message: string }[]
}

interface Answer {
  status: number
  body?: object | undefined
}

const fail = (status: number, code: string, message: string): Answer => ({ status, body: { code, message } })

/** `2026-01-02T03:04:05+08:00`: RFC 3339 in China time, as WeChat Pay writes times. */
export function chinaRfc3339(ms: number): string {
  const d = new Date(ms + CHINA_TIME_OFFSET_MS)
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`
  )
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** Why a request's Authorization does not hold ('' when it does). */
function authorizationProblem(b: PayApiBackend, method: string, url: string, body: string, header: unknown): string {
  if (typeof header !== 'string' || !header.startsWith('WECHATPAY2-SHA256-RSA2048 '))
    return 'Authorization must be WECHATPAY2-SHA256-RSA2048 …'
  const fields: Record<string, string> = {}
  for (const [, key, value] of header.slice(26).matchAll(/(\w+)="([^"]*)"/g)) fields[key as string] = value as string
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no)
    return 'Authorization lacks mchid, nonce_str, signature, timestamp or serial_no'
  if (mchid !== b.merchantId) return `mchid ${mchid} is not the merchant`
  if (serial_no !== b.merchantSerial) return `serial_no ${serial_no} is not the merchant's certificate`
  if (Math.abs(Math.floor(b.now() / 1000) - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS)
    return 'timestamp is too far from now'
  const verifier = createVerify('RSA-SHA256')
  verifier.update(`${method}\n${url}\n${timestamp}\n${nonce_str}\n${body}\n`)
  return verifier.verify(b.merchantPublicKey, signature, 'base64') ? '' : 'the signature does not verify'
}

/** One coupon as the APIv3 answers describe it (the fields the simulator has). */
function couponView(b: PayApiBackend, coupon: HeldPayCoupon): object {
  const stock = b.rules.stocks.get(coupon.stockId)
  return {
    belong_merchant: b.merchantId,
    stock_name: stock?.stockName ?? `商家券 ${coupon.stockId}`,
    goods_name: '全场可用',
    stock_type: 'NORMAL',
    coupon_state: b.rules.stateOf(coupon),
    coupon_code: coupon.couponCode,
    stock_id: coupon.stockId,
    receive_time: chinaRfc3339(coupon.receivedAt),
    send_request_no: coupon.outRequestNo,
    ...(stock?.availableEndTime !== undefined ? { expire_time: chinaRfc3339(stock.availableEndTime) } : {}),
    ...(coupon.usedAt !== undefined ? { use_time: chinaRfc3339(coupon.usedAt) } : {}),
    ...(coupon.useRequestNo !== undefined ? { use_request_no: coupon.useRequestNo } : {}),
  }
}

function listCoupons(b: PayApiBackend, openid: string, query: URLSearchParams): Answer {
  if (query.get('appid') !== b.appid) return fail(400, 'PARAM_ERROR', 'appid 必填，且须与商户号有绑定关系')
  for (const merchant of ['creator_merchant', 'belong_merchant', 'sender_merchant']) {
    const value = query.get(merchant)
    if (value !== null && value !== b.merchantId)
      return { status: 200, body: { data: [], total_count: 0, offset: 0, limit: 20 } }
  }
  const state = query.get('coupon_state')
  if (state !== null && !PAY_COUPON_STATES.includes(state as PayCouponState))
    return fail(400, 'PARAM_ERROR', `coupon_state 须为 ${PAY_COUPON_STATES.join('/')}`)
  const offset = Number(query.get('offset') ?? 0)
  const limit = Number(query.get('limit') ?? 20)
  if (!Number.isInteger(offset) || offset < 0) return fail(400, 'PARAM_ERROR', 'offset 须为非负整数')
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return fail(400, 'PARAM_ERROR', 'limit 须为 1 到 50')
  const stockId = query.get('stock_id')
  const all = b.rules.state.coupons.filter(
    (c) =>
      c.openid === openid &&
      (stockId === null || c.stockId === stockId) &&
      (state === null || b.rules.stateOf(c) === state),
  )
  const data = all.slice(offset, offset + limit).map((c) => couponView(b, c))
  return { status: 200, body: { data, total_count: all.length, offset, limit } }
}

function useCoupon(b: PayApiBackend, text: string): Answer {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return fail(400, 'PARAM_ERROR', '请求体不是合法的 JSON')
  }
  if (!isPlainObject(body)) return fail(400, 'PARAM_ERROR', '请求体须为 JSON 对象')
  const { coupon_code, stock_id, appid, use_time, use_request_no, openid } = body
  if (typeof coupon_code !== 'string' || !coupon_code) return fail(400, 'PARAM_ERROR', 'coupon_code 必填')
  if (appid !== b.appid) return fail(400, 'PARAM_ERROR', 'appid 必填，且须与商户号有绑定关系')
  if (typeof use_time !== 'string' || !RFC3339.test(use_time))
    return fail(400, 'PARAM_ERROR', 'use_time 须为 RFC 3339 时间')
  if (typeof use_request_no !== 'string' || !use_request_no || use_request_no.length > 128)
    return fail(400, 'PARAM_ERROR', 'use_request_no 必填，至多 128 个字符')
  const coupon = b.rules.state.coupons.find(
    (c) => c.couponCode === coupon_code && (stock_id === undefined || c.stockId === stock_id),
  )
  if (!coupon) return fail(404, 'RESOURCE_NOT_EXISTS', '券不存在')
  const stock = b.rules.stocks.get(coupon.stockId)
  if (stock?.merchantCodes && stock_id === undefined) return fail(400, 'PARAM_ERROR', '该批次核销时 stock_id 必填')
  if (openid !== undefined && openid !== coupon.openid) return fail(400, 'INVALID_REQUEST', 'openid 与券的持有人不符')
  const answer = () => ({
    status: 200,
    body: { stock_id: coupon.stockId, openid: coupon.openid, wechatpay_use_time: chinaRfc3339(coupon.usedAt ?? 0) },
  })
  // the same use_request_no again: the same answer (idempotent)
  if (coupon.state === 'USED' && coupon.useRequestNo === use_request_no) return answer()
  if (b.rules.state.coupons.some((c) => c.useRequestNo === use_request_no))
    return fail(400, 'INVALID_REQUEST', 'use_request_no 已用于另一张券')
  const state = b.rules.stateOf(coupon)
  if (state !== 'SENDED') return fail(400, 'INVALID_REQUEST', `券不可核销：${state}`)
  coupon.state = 'USED'
  coupon.usedAt = b.now()
  coupon.useRequestNo = use_request_no
  return answer()
}

function route(b: PayApiBackend, method: string, url: string, body: string): Answer {
  const { pathname, searchParams } = new URL(url, 'http://127.0.0.1')
  const parts = pathname.split('/').map((p) => decodeURIComponent(p))
  // /v3/marketing/busifavor/users/{openid}/coupons[/{coupon_code}/appids/{appid}]
  if (
    method === 'GET' &&
    parts[4] === 'users' &&
    parts[6] === 'coupons' &&
    pathname.startsWith('/v3/marketing/busifavor/')
  ) {
    const openid = parts[5] ?? ''
    if (parts.length === 7) return listCoupons(b, openid, searchParams)
    if (parts.length === 10 && parts[8] === 'appids') {
      if (parts[9] !== b.appid) return fail(400, 'PARAM_ERROR', 'appid 须与商户号有绑定关系')
      const coupon = b.rules.state.coupons.find((c) => c.openid === openid && c.couponCode === parts[7])
      return coupon ? { status: 200, body: couponView(b, coupon) } : fail(404, 'RESOURCE_NOT_EXISTS', '券不存在')
    }
  }
  if (method === 'POST' && pathname === PAY_API.useCoupon) return useCoupon(b, body)
  return fail(404, 'NOT_FOUND', `${method} ${pathname} is not an API the simulator serves`)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The answer's body and headers, signed with the platform key as WeChat Pay signs its answers. */
function signedAnswer(b: PayApiBackend, answer: Answer): { headers: Record<string, string>; text: string } {
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body)
  const timestamp = String(Math.floor(b.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signer = createSign('RSA-SHA256')
  signer.update(`${timestamp}\n${nonce}\n${text}\n`)
  return {
    text,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'request-id': randomBytes(12).toString('hex'),
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': b.platformKeyId,
      'wechatpay-signature': signer.sign(b.platformPrivateKey, 'base64'),
    },
  }
}

/** Serves the APIv3 on 127.0.0.1, on `port` (0: a free port). */
export function listenPayApi(b: PayApiBackend, port = 0): Promise<Listening> {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return Promise.reject(new TypeError(`listen: port must be an integer from 0 to 65535, got ${String(port)}`))
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    readBody(req)
      .then((body) => {
        const problem = authorizationProblem(b, method, url, body, req.headers.authorization)
        const fault = problem ? undefined : b.faults.shift()
        const answer = problem
          ? fail(401, 'SIGN_ERROR', `签名错误：${problem}`)
          : fault
            ? fail(fault.status, fault.code, fault.message)
            : route(b, method, url, body)
        b.log.push({ method, url, status: answer.status })
        const { headers, text } = signedAnswer(b, answer)
        res.writeHead(answer.status, headers)
        res.end(text)
      })
      .catch(() => {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统错误' }))
      })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      const addr = server.address()
      const port = addr && typeof addr === 'object' ? addr.port : 0
      let closing: Promise<void> | undefined
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })),
      })
    })
  })
}
