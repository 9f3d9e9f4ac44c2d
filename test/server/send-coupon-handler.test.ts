// The send-coupon endpoint over real HTTP on 127.0.0.1: what it answers, that the plugin would accept its sign,
// the pending out_request_no per user and batch, and its refusals.
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import { createMemoryStore, type CredentialStore } from '../../server/cache'
import { createSendCouponHandler, type SendCouponHandlerOptions } from '../../server/pay/send-coupon-handler'
import { verifySendCouponSign } from '../../server/pay/sign'
import type { SendCouponParamsResponseBody } from '../../utils/send-coupon-rules'

const KEY = 'k'.repeat(12) + 'SECRETPART' + 'k'.repeat(10)
const MERCHANT = '1900000001'
const STOCKS = {
  '1212': {},
  '3434': {},
  '5656': {
    createCouponCode: ({ openid }: { openid: string }) => `C${openid.length}${Math.random().toString(36).slice(2, 8)}`,
  },
  '7878': { kind: 'favor' as const, createCouponMerchant: '1900000002' },
}

let server: Server
let url = ''
let reports: string[] = []
let options: Partial<SendCouponHandlerOptions> = {}

beforeEach(async () => {
  reports = []
  options = {}
})
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

async function start(extra: Partial<SendCouponHandlerOptions> = {}) {
  const handler = createSendCouponHandler({
    merchantId: MERCHANT,
    apiV2Key: KEY,
    stocks: STOCKS,
    getOpenid: (request) => {
      const token = request.headers.authorization
      return typeof token === 'string' ? token.replace(/^Bearer /, '') : undefined
    },
    onError: (e) => reports.push(e.message),
    ...options,
    ...extra,
  })
  server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send-coupon`
}

async function post(body: unknown, user = 'oUserA') {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { authorization: `Bearer ${user}` } : {}) },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  expect(text).not.toContain('SECRETPART')
  return {
    status: res.status,
    body: JSON.parse(text) as SendCouponParamsResponseBody & { code?: string; message?: string },
  }
}

describe('answers what the plugin takes', () => {
  it('signed with the APIv2 key, one out_request_no per batch, the merchant as send_coupon_merchant', async () => {
    await start()
    const { status, body } = await post({ stockIds: ['1212', '3434'] })
    expect(status).toBe(200)
    expect(body.send_coupon_merchant).toBe(MERCHANT)
    expect(body.send_coupon_params.map((p) => p.stock_id)).toEqual(['1212', '3434'])
    expect(new Set(body.send_coupon_params.map((p) => p.out_request_no)).size).toBe(2)
    for (const p of body.send_coupon_params) expect(p.out_request_no).toMatch(/^[A-Za-z0-9]{6,128}$/)
    expect(verifySendCouponSign(body, KEY)).toBe(true)
  })

  it('a 代金券 batch carries its create_coupon_merchant, signed', async () => {
    await start()
    const { body } = await post({ stockIds: ['7878'] })
    expect(body.send_coupon_params[0]).toEqual({
      stock_id: '7878',
      out_request_no: expect.any(String),
      create_coupon_merchant: '1900000002',
    })
    expect(verifySendCouponSign(body, KEY)).toBe(true)
  })

  it('a batch with codes assigned at issue carries the code from createCouponCode, and keeps it on a retry', async () => {
    await start()
    const first = await post({ stockIds: ['5656'] })
    const again = await post({ stockIds: ['5656'] })
    expect(first.body.send_coupon_params[0]?.coupon_code).toMatch(/^C6/)
    expect(again.body.send_coupon_params).toEqual(first.body.send_coupon_params)
  })
})

describe('one pending out_request_no per user and batch', () => {
  it('a retry gets the same numbers; another user gets others', async () => {
    await start()
    const a1 = await post({ stockIds: ['1212'] })
    const a2 = await post({ stockIds: ['1212'] })
    const b = await post({ stockIds: ['1212'] }, 'oUserB')
    expect(a2.body.send_coupon_params).toEqual(a1.body.send_coupon_params)
    expect(b.body.send_coupon_params[0]?.out_request_no).not.toBe(a1.body.send_coupon_params[0]?.out_request_no)
  })

  it('a number reported spent is replaced; the others are kept', async () => {
    await start()
    const first = await post({ stockIds: ['1212', '3434'] })
    const [p1, p2] = first.body.send_coupon_params
    const next = await post({ stockIds: ['1212', '3434'], spent: [p1?.out_request_no] })
    expect(next.body.send_coupon_params[0]?.out_request_no).not.toBe(p1?.out_request_no)
    expect(next.body.send_coupon_params[1]?.out_request_no).toBe(p2?.out_request_no)
  })

  it('a number is handed out again only for rememberSeconds', async () => {
    let clock = 1_700_000_000_000
    await start({ now: () => clock, rememberSeconds: 60 })
    const first = await post({ stockIds: ['1212'] })
    clock += 61_000
    const later = await post({ stockIds: ['1212'] })
    expect(later.body.send_coupon_params[0]?.out_request_no).not.toBe(first.body.send_coupon_params[0]?.out_request_no)
  })

  it('a store that fails costs only idempotency: the answer still comes, the fault is reported', async () => {
    const broken: CredentialStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => new Promise(() => undefined),
    }
    await start({ store: broken, storeTimeoutMs: 20 })
    const { status, body } = await post({ stockIds: ['1212'] })
    expect(status).toBe(200)
    expect(verifySendCouponSign(body, KEY)).toBe(true)
    expect(reports.some((r) => /could not read the pending out_request_no/.test(r))).toBe(true)
    expect(reports.some((r) => /did not answer within 20 ms/.test(r))).toBe(true)
  })

  it('shares the pending numbers through a shared store', async () => {
    const store = createMemoryStore()
    await start({ store })
    const first = await post({ stockIds: ['1212'] })
    const other = createSendCouponHandler({
      merchantId: MERCHANT,
      apiV2Key: KEY,
      stocks: STOCKS,
      store,
      getOpenid: () => 'oUserA',
    })
    const answer = await other.handle({ method: 'POST', headers: {}, body: JSON.stringify({ stockIds: ['1212'] }) })
    expect(JSON.parse(answer.body).send_coupon_params).toEqual(first.body.send_coupon_params)
  })
})

describe('refusals, with the error shape of every endpoint', () => {
  it.each<[string, unknown, number, string, RegExp]>([
    ['no session', { stockIds: ['1212'] }, 401, 'no_session', /log in/],
    [
      'more than 10 batches',
      { stockIds: Array.from({ length: 11 }, (_, i) => `${i}`) },
      400,
      'invalid_request',
      /at most 10/,
    ],
    ['a batch asked twice', { stockIds: ['1212', '1212'] }, 400, 'invalid_request', /stockIds\[1\].*twice/],
    ['商家券 and 代金券 mixed', { stockIds: ['1212', '7878'] }, 400, 'invalid_request', /one kind per call/],
    ['an unknown batch', { stockIds: ['1212', '9999'] }, 404, 'unknown_card', /stockIds\[1\] "9999"/],
    ['a stock id with a space', { stockIds: [' 1212'] }, 400, 'invalid_request', /stockIds\[0\]/],
    ['spent that is not a list of strings', { stockIds: ['1212'], spent: [1] }, 400, 'invalid_request', /spent/],
  ])('%s', async (title, body, status, code, message) => {
    await start()
    const answer = await post(body, title === 'no session' ? '' : 'oUserA')
    expect(answer.status).toBe(status)
    expect(answer.body.code).toBe(code)
    expect(answer.body.message).toMatch(message)
  })

  it('a value WeChat Pay would refuse is a 500 naming the field in the report, never the key', async () => {
    await start({ stocks: { '1212': { createCouponCode: () => 'has space' } } })
    const answer = await post({ stockIds: ['1212'] })
    expect(answer.status).toBe(500)
    expect(reports.join('\n')).toMatch(/could not sign \(send_coupon_params\[0\]\.coupon_code\)/)
    expect(reports.join('\n')).not.toContain('SECRETPART')
  })

  it.each<[string, Partial<SendCouponHandlerOptions>, RegExp]>([
    ['a key that is not 32 characters', { apiV2Key: 'short' }, /apiV2Key/],
    // 32 characters, one of them a space: signing would refuse it on every request
    [
      'a key with whitespace',
      { apiV2Key: `${'k'.repeat(15)} ${'k'.repeat(16)}` },
      /apiV2Key must be .* with whitespace/,
    ],
    ['a merchant id that is not digits', { merchantId: 'mch' }, /merchantId/],
    ['a 代金券 without its creator', { stocks: { '1': { kind: 'favor' } } }, /createCouponMerchant/],
    ['maxCoupons over the plugin limit', { maxCoupons: 11 }, /at most 10/],
  ])('bad options: %s', (_, bad, message) => {
    const make = () =>
      createSendCouponHandler({ merchantId: MERCHANT, apiV2Key: KEY, stocks: STOCKS, getOpenid: () => 'o', ...bad })
    expect(make).toThrow(TypeError)
    expect(make).toThrow(message)
  })
})
