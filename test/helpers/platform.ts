// The set-up every test of the simulator, the utils and the server shares: the fixture account and cards
// (testing/fixtures.ts, the one catalogue), the platform made from them or installed as the global wx, signed
// cardExts, callback-style calls, and the values a stray character spoils.
import { request } from 'http'
import { createCardExt, type CardExtOptions } from '../../server/sign'
import {
  createCardPlatform,
  fixturePlatformOptions,
  FIXTURE_ACCOUNT,
  FIXTURE_CARD_IDS,
  FIXTURE_CARDS,
  type AddCardResponseInfo,
  type AddCardSuccessCallbackResult,
  type CallOptions,
  type CardPlatform,
  type CardPlatformOptions,
  type GeneralCallbackResult,
} from '../../testing'
import type { CardError } from '../../utils'

/** The fixture account: appid, secret, accessToken, apiTicket, openid. */
export const ACCOUNT = FIXTURE_ACCOUNT
/** The fixture cards' ids by name: `ID.coupon`, `ID.custom` (custom code), `ID.member` (bound to the user)… */
export const ID = FIXTURE_CARD_IDS

/** A platform of the fixture account and cards, with `overrides` on top. */
export const makePlatform = (overrides: Partial<CardPlatformOptions> = {}): CardPlatform =>
  createCardPlatform(fixturePlatformOptions(overrides))

const installed: (() => void)[] = []
// Every test file importing this module uninstalls after each test what installPlatform() put on the global wx.
afterEach(() => {
  for (let undo = installed.pop(); undo; undo = installed.pop()) undo()
})

/** A platform installed as the global `wx` with all its functions (what the utils read); restored after the test. */
export function installPlatform(overrides: Partial<CardPlatformOptions> = {}): CardPlatform {
  const platform = makePlatform(overrides)
  installed.push(platform.install(undefined, { all: true }))
  return platform
}

/** Puts `client` on the global `wx` (a stand-in the simulator does not model), or removes the global. */
export function setGlobalWx(client: object | undefined): void {
  if (client) Reflect.set(globalThis, 'wx', client)
  else Reflect.deleteProperty(globalThis, 'wx')
}

/** A cardExt signed with the fixture api_ticket (unless told otherwise), exactly as `more` says. */
export const ext = (cardId: string, more: Partial<CardExtOptions> = {}): string =>
  createCardExt({ apiTicket: ACCOUNT.apiTicket, cardId, ...more })

let customCodes = 0
/**
 * `{ cardId, cardExt }` items WeChat accepts, freshly signed (a cardExt works once): a custom-code card gets a new
 * code, a card bound to a user the fixture user's openid.
 */
export const freshCards = (...cardIds: string[]) =>
  cardIds.map((cardId) => {
    const card = FIXTURE_CARDS.find((c) => c.cardId === cardId)
    return {
      cardId,
      cardExt: ext(cardId, {
        code: card?.useCustomCode ? `CODE${++customCodes}` : undefined,
        openid: card?.bindOpenid ? ACCOUNT.openid : undefined,
      }),
    }
  })

/** Replaces keys of a signed cardExt without re-signing (undefined deletes the key). */
export function edit(cardExt: string, changes: Record<string, unknown>): string {
  const fields: Record<string, unknown> = { ...JSON.parse(cardExt) }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete fields[key]
    else fields[key] = value
  }
  return JSON.stringify(fields)
}

/** A cardExt string with one more key, written as JSON text so that `__proto__` is an own key like any other. */
export const withKey = (cardExt: string, key: string, value: unknown = 'x'): string =>
  `${cardExt.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`

/** A copy of `item` with one more own enumerable key (`__proto__` included). */
export const withItemKey = <Item extends object>(item: Item, key: string): Item =>
  Object.defineProperty({ ...item }, key, { value: 'x', enumerable: true, configurable: true, writable: true })

/** Object.prototype's own property names: constructor, __proto__, toString, hasOwnProperty… */
export const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype)

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

/** The error a function throws; fails the test when it returns. */
export function thrownBy(run: () => unknown): CardError {
  try {
    run()
  } catch (error) {
    return error as CardError
  }
  throw new Error('expected a throw, got a return')
}

/** `run` throws, or returns a promise that rejects with, a TypeError: with exactly `message`, or matching it. */
export async function expectTypeError(run: () => unknown, message: string | RegExp): Promise<void> {
  let error: unknown
  try {
    await run()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(TypeError)
  if (typeof message === 'string') expect((error as TypeError).message).toBe(message)
  else expect((error as TypeError).message).toMatch(message)
}

export interface Settled<Success> {
  via: 'success' | 'fail'
  res: Success | GeneralCallbackResult
  /** What complete received. */
  complete: unknown
  /** True when no callback ran before wx.* returned. */
  async: boolean
}

/** Calls a callback-style simulator API and resolves after complete. */
function settle<Success>(api: (options: CallOptions<Success>) => unknown, cardList: unknown) {
  return new Promise<Settled<Success>>((resolve) => {
    let returned = false
    let first: Omit<Settled<Success>, 'complete'> | undefined
    api({
      cardList,
      success: (res) => (first = { via: 'success', res, async: returned }),
      fail: (res) => (first = { via: 'fail', res, async: returned }),
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
export function cardsOf(s: Settled<AddCardSuccessCallbackResult>): AddCardResponseInfo[] {
  if (!('cardList' in s.res)) throw new Error(`expected success, got ${s.res.errMsg}`)
  return s.res.cardList
}

/**
 * Characters that turn an id WeChat matches byte for byte (card_id, code, openid, encrypt_code) into another one:
 * [name, character, whether String#trim removes it].
 */
const SPOILERS: readonly [string, string, boolean][] = [
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
  ['zero-width space U+200B', '\u200b', false],
  ['NUL', '\u0000', false],
  ['unit separator U+001F', '\u001f', false],
  ['DEL', '\u007f', false],
  ['next line U+0085 (C1)', '\u0085', false],
]

/**
 * `value` spoiled by each of those characters at its start, inside and at its end: [label, spoiled value, what
 * the rule table says of it].
 */
export function spoiled(value: string): [string, string, string][] {
  const middle = Math.floor(value.length / 2)
  const inside = 'contains whitespace or a control character (WeChat matches it exactly)'
  return SPOILERS.flatMap(([name, char, trimmed]) => {
    const atAnEnd = trimmed ? 'has leading or trailing whitespace (WeChat matches it exactly)' : inside
    return [
      [`leading ${name}`, char + value, atAnEnd],
      [`inner ${name}`, value.slice(0, middle) + char + value.slice(middle), inside],
      [`trailing ${name}`, value + char, atAnEnd],
    ]
  })
}

export interface ApiAnswer {
  status: number
  body: Record<string, unknown>
}

/** One request to the simulator's HTTP API with a plain node:http client. */
export function callApi(base: string, method: string, path: string, body?: string): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' }
    const req = request(base + path, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}
