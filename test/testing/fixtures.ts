// Shared set-up for the simulator tests and the client utils tests: one platform config, the platform installed
// as the global wx, and callback-style call helpers.
import { request } from 'http'
import { createCardExt, type CardExtOptions } from '../../server/sign'
import { createCardPlatform, type CallOptions, type CardPlatform, type CardPlatformOptions } from '../../testing'
import type { CardError } from '../../utils'

export const TICKET = 'sim-api-ticket-0001'
export const TOKEN = 'sim-access-token-0001'
export const USER = 'oUser-current-0001'

export const ID = {
  plain: 'pPlain',
  custom: 'pCustomCode',
  bound: 'pBound',
  few: 'pFew',
  limited: 'pLimited',
} as const

export function makePlatform(extra: Partial<CardPlatformOptions> = {}): CardPlatform {
  return createCardPlatform({
    apiTicket: TICKET,
    accessToken: TOKEN,
    openid: USER,
    cards: [
      { cardId: ID.plain, title: '满100减10' },
      { cardId: ID.custom, useCustomCode: true },
      { cardId: ID.bound, bindOpenid: true },
      { cardId: ID.few, quantity: 1 },
      { cardId: ID.limited, getLimit: 1 },
    ],
    ...extra,
  })
}

const installed: (() => void)[] = []
// Every test file importing this module uninstalls after each test what installPlatform() put on the global wx.
afterEach(() => {
  while (installed.length) (installed.pop() as () => void)()
})

/**
 * A platform installed as the global `wx` with all its functions (what the utils read: the card APIs, the version,
 * showModal); the global is restored after the test.
 */
export function installPlatform(extra: Partial<CardPlatformOptions> = {}): CardPlatform {
  const platform = makePlatform(extra)
  installed.push(platform.install(undefined, { all: true }))
  return platform
}

/** Resolves after the macrotasks queued so far (the simulator answers on a later macrotask). */
export const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** The CardError a promise rejects with; fails the test when it resolves. */
export const rejectionOf = (promise: Promise<unknown>): Promise<CardError> =>
  promise.then(
    () => {
      throw new Error('expected a rejection, got a resolved promise')
    },
    (error: CardError) => error,
  )

/** The CardError a function throws; fails the test when it returns. */
export function thrownBy(run: () => unknown): CardError {
  try {
    run()
  } catch (error) {
    return error as CardError
  }
  throw new Error('expected a throw, got a return')
}

/** A cardExt signed by the real server helper with the platform's ticket unless told otherwise. */
export const ext = (cardId: string, more: Partial<CardExtOptions> = {}): string =>
  createCardExt({ apiTicket: TICKET, cardId, ...more })

/** Replaces keys of a signed cardExt without re-signing (undefined deletes the key). */
export function edit(cardExt: string, changes: Record<string, unknown>): string {
  const o: Record<string, unknown> = { ...JSON.parse(cardExt) }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete o[k]
    else o[k] = v
  }
  return JSON.stringify(o)
}

export interface Settled<S> {
  via: 'success' | 'fail'
  res: S | WechatMiniprogram.GeneralCallbackResult
  /** What complete received. */
  complete: unknown
  /** True when no callback ran before wx.* returned. */
  async: boolean
}

/** Calls a callback-style simulator API and resolves after complete. */
function settle<S>(api: (o: CallOptions<S>) => unknown, cardList: unknown): Promise<Settled<S>> {
  return new Promise((resolve) => {
    let returned = false
    let first: Omit<Settled<S>, 'complete'> | undefined
    api({
      cardList,
      success: (res) => {
        first = { via: 'success', res, async: returned }
      },
      fail: (res) => {
        first = { via: 'fail', res, async: returned }
      },
      complete: (res) => {
        if (!first) throw new Error('complete before success/fail')
        resolve({ ...first, complete: res })
      },
    })
    returned = true
  })
}

export const add = (p: CardPlatform, cardList: unknown) => settle(p.wx.addCard, cardList)
export const open = (p: CardPlatform, cardList: unknown) => settle(p.wx.openCard, cardList)

/** The cardList of a successful addCard. */
export function cardsOf(
  s: Settled<WechatMiniprogram.AddCardSuccessCallbackResult>,
): WechatMiniprogram.AddCardResponseInfo[] {
  if (s.via !== 'success' || !('cardList' in s.res)) throw new Error(`expected success, got ${s.res.errMsg}`)
  return s.res.cardList
}

/**
 * Whitespace and control characters that turn an id WeChat matches byte for byte (card_id, code, openid,
 * encrypt_code) into another one: [name, character, whether it is whitespace (String#trim removes it)].
 */
export const SPOILERS: readonly [string, string, boolean][] = [
  ['space', ' ', true],
  ['tab', '\t', true],
  ['newline', '\n', true],
  ['carriage return', '\r', true],
  ['vertical tab', '\v', true],
  ['form feed', '\f', true],
  ['no-break space', '\u00a0', true],
  ['line separator U+2028', '\u2028', true],
  ['paragraph separator U+2029', '\u2029', true],
  ['ideographic space U+3000', '\u3000', true],
  ['byte order mark U+FEFF', '\ufeff', true],
  ['NUL', '\u0000', false],
  ['unit separator U+001F', '\u001f', false],
  ['DEL', '\u007f', false],
  ['next line U+0085 (C1)', '\u0085', false],
]

export type SpoiledAt = 'leading' | 'inner' | 'trailing'

/** `value` spoiled by every SPOILERS character at the start, inside and at the end: [label, spoiled value, where, is whitespace]. */
export function spoiled(value: string): [string, string, SpoiledAt, boolean][] {
  const middle = Math.floor(value.length / 2)
  return SPOILERS.flatMap(([name, char, whitespace]) => [
    [`leading ${name}`, char + value, 'leading', whitespace],
    [`inner ${name}`, value.slice(0, middle) + char + value.slice(middle), 'inner', whitespace],
    [`trailing ${name}`, value + char, 'trailing', whitespace],
  ])
}

export interface ApiAnswer {
  status: number
  body: Record<string, unknown>
}

/** One request to the simulator's HTTP API with a plain node:http client (no global fetch needed). */
export function callApi(base: string, method: string, path: string, body?: string): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      base + path,
      { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode || 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
