// Bad inputs, drawn as classes (issue 16 items 1–4, and the options of every server factory): each must end in a
// typed error before any wx call or network request. Valid look-alikes (Object.prototype names as card ids and
// card item keys) must pass unchanged. Run by inputs.test.ts.
import {
  createApiTicketProvider,
  createCardExt,
  createRedisStore,
  createStableAccessTokenProvider,
  decryptCardCode,
  type AccessTokenSource,
  type ApiTicketProviderOptions,
  type CardExtOptions,
  type DecryptCardCodeOptions,
  type IoRedisClientLike,
  type RedisClientLike,
  type RedisStoreOptions,
  type StableAccessTokenProviderOptions,
} from '../../server'
import { addCards, openCards, type AddCardInput, type OpenCardInput } from '../../utils'
import type { BadInput, Control, ExpectedError } from './catalogue'

/** What the cases run against (inputs.test.ts builds it): the simulator, and sources that count their use. */
export interface InputWorld {
  /** The card-platform simulator's WeChat API on 127.0.0.1: every server option points here. */
  baseUrl: string
  /** An access_token source that counts its calls. */
  getAccessToken: AccessTokenSource
  /** A Redis client that counts the commands it is sent. */
  redis: IoRedisClientLike
  /** The cardList of the last wx call, as the simulator received it. */
  lastSent(): unknown
}

/** The simulator's api_ticket: cards signed with it are valid. */
export const TICKET = 'reliability-api-ticket'
export const CARD = 'pPlain'
export const OTHER_CARD = 'pOther'
/** Object.prototype's own property names: constructor, __proto__, toString, hasOwnProperty, … (12). */
export const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype)

/** Right in shape for the client's rules (never sent: every case fails before the call). */
const SHAPED = { timestamp: 1700000000, signature: '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28' }
const CODE = '110201201245'
const OPENID = 'oUser-current-0001'
const ENCRYPT_CODE = 'Xk9+pZ2mQ7/LvE0aTq3YwA=='

/** A cardExt freshly signed with the simulator's ticket. */
const signed = (cardId = CARD) => createCardExt({ apiTicket: TICKET, cardId })
/** A cardExt string with one more key, written as JSON text so that `__proto__` is an own key like any other. */
const withKey = (cardExt: string, key: string, value: unknown = 'x') =>
  `${cardExt.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`

// What a message says about each kind of problem (issue 16 item 3).
const SAYS = {
  empty: /: is empty$/,
  required: /: is required$/,
  wrongType: /, got (boolean|null|array|object|number|string|undefined)$/,
  wrongLength: /, got \d+ characters$/,
  tooLong: /: is too long: \d+ (characters|digits)/,
  notAllowed: /may contain only (letters and digits|hex digits)|digits only/,
  unknownKey: /: is not a cardExt key/,
  milliseconds: /: looks like milliseconds/,
  secret: /: is a server secret/,
  notJson: /: is not valid JSON/,
  whitespace:
    /(leading or trailing whitespace|contains whitespace or a control character) \(WeChat matches it exactly\)/,
}

const invalid = (index: number | undefined, field: string | undefined, says?: RegExp): ExpectedError => ({
  error: 'invalid',
  index,
  field,
  says,
})
const typeError = (fn: string, option: string, says?: RegExp): ExpectedError => ({
  error: 'TypeError',
  fn,
  option,
  says,
})

type Case = BadInput<InputWorld>

/** A list for wx.addCard (built when the case runs: a signed cardExt works once). */
const adding = (className: string, name: string, expected: ExpectedError, list: () => unknown): Case => ({
  className,
  name,
  expected,
  attempt: () => addCards(list() as AddCardInput[]),
})
const opening = (className: string, name: string, expected: ExpectedError, list: () => unknown): Case => ({
  className,
  name,
  expected,
  attempt: () => openCards(list() as OpenCardInput[]),
})

// ---------------------------------------------------------------- 1. Object.prototype names as cardExt keys
const PROTO_KEYS = 'Object.prototype names as cardExt keys'
const protoKeys: Case[] = PROTO_NAMES.flatMap((key) => {
  const expected = invalid(0, `cardExt.${key}`, SAYS.unknownKey)
  return [
    adding(PROTO_KEYS, `${key} in the JSON string`, expected, () => [
      { cardId: CARD, cardExt: withKey(signed(), key) },
    ]),
    // JSON.parse makes even `__proto__` an own key, as a server's JSON would
    adding(PROTO_KEYS, `${key} in the object`, expected, () => [
      { cardId: CARD, cardExt: JSON.parse(withKey(signed(), key)) },
    ]),
  ]
})

// ---------------------------------------------------------------- 2. values WeChat matches exactly
const inner = (value: string, char: string) => value.slice(0, 3) + char + value.slice(3)
/** Whitespace, line breaks, invisible and control characters, where copied text carries them. */
const SPOILERS: [string, (value: string) => string][] = [
  ['a leading space', (v) => ` ${v}`],
  ['a trailing space', (v) => `${v} `],
  ['a trailing newline', (v) => `${v}\n`],
  ['a trailing CR LF', (v) => `${v}\r\n`],
  ['an inner tab', (v) => inner(v, '\t')],
  ['a leading byte order mark', (v) => `\ufeff${v}`],
  ['a trailing no-break space', (v) => `${v}\u00a0`],
  ['an inner ideographic space', (v) => inner(v, '\u3000')],
  ['an inner NUL', (v) => inner(v, '\u0000')],
  ['an inner zero-width space', (v) => inner(v, '\u200b')],
]

/** One case per spoiler (all of SPOILERS unless told) for a value: `build(spoiled)` attempts it. */
const spoiling = (
  className: string,
  what: string,
  value: string,
  expected: ExpectedError,
  build: (spoiled: string) => (world: InputWorld) => unknown,
  more: { spoilers?: typeof SPOILERS; knownBug?: string } = {},
): Case[] =>
  (more.spoilers ?? SPOILERS).map(([how, spoil]) => ({
    className,
    name: `${what} with ${how}`,
    expected,
    attempt: build(spoil(value)),
    knownBug: more.knownBug,
  }))

const EXACT = 'Exact values with whitespace or control characters (client)'
const EXACT_SERVER = 'Exact values with whitespace or control characters (server)'
const exactValues: Case[] = [
  ...spoiling(
    EXACT,
    'cardId for wx.addCard (2nd card)',
    CARD,
    invalid(1, 'cardId', SAYS.whitespace),
    (cardId) => () =>
      addCards([
        { cardId: CARD, cardExt: signed() },
        { cardId, cardExt: signed() },
      ]),
  ),
  ...spoiling(
    EXACT,
    'cardId for wx.openCard',
    CARD,
    invalid(0, 'cardId', SAYS.whitespace),
    (cardId) => () => openCards([{ cardId, code: CODE }]),
  ),
  ...spoiling(
    EXACT,
    'decrypted code for wx.openCard (2nd card)',
    CODE,
    invalid(1, 'code', SAYS.whitespace),
    (code) => () =>
      openCards([
        { cardId: CARD, code: CODE },
        { cardId: CARD, code },
      ]),
  ),
  ...spoiling(
    EXACT,
    'cardExt.openid',
    OPENID,
    invalid(0, 'cardExt.openid', SAYS.whitespace),
    (openid) => () => addCards([{ cardId: CARD, cardExt: { ...SHAPED, openid } }]),
  ),
  ...spoiling(
    EXACT_SERVER,
    'createCardExt cardId',
    CARD,
    typeError('createCardExt', 'cardId', SAYS.whitespace),
    (cardId) => () => createCardExt({ apiTicket: TICKET, cardId }),
  ),
  ...spoiling(
    EXACT_SERVER,
    'createCardExt openid',
    OPENID,
    typeError('createCardExt', 'openid', SAYS.whitespace),
    (openid) => () => createCardExt({ apiTicket: TICKET, cardId: CARD, openid }),
  ),
  ...spoiling(
    EXACT_SERVER,
    'decryptCardCode encryptCode',
    ENCRYPT_CODE,
    typeError('decryptCardCode', 'encryptCode'),
    (encryptCode) => (w) => decryptCardCode({ encryptCode, getAccessToken: w.getAccessToken, baseUrl: w.baseUrl }),
  ),
]

// ---------------------------------------------------------------- credentials WeChat matches exactly
// A secret read from a file or an env var often ends in a newline; pasted, it may start with a space.
const CREDENTIALS = 'Credentials with whitespace (server)'
const COPIED = SPOILERS.filter(([how]) => how === 'a leading space' || how === 'a trailing newline')
/** The simulator's AppID and AppSecret: right but for the spoiler. */
const SIMULATOR_APP = { appid: 'wx0000000000card00', secret: 'simulator-app-secret-0000000000' }
/** What the stable access_token provider accepts: a credential WeChat will refuse (found by this catalogue). */
const credentials: Case[] = [
  ...spoiling(
    CREDENTIALS,
    'createCardExt apiTicket',
    TICKET,
    typeError('createCardExt', 'apiTicket'),
    (apiTicket) => () => createCardExt({ apiTicket, cardId: CARD }),
    { spoilers: COPIED },
  ),
  ...spoiling(
    CREDENTIALS,
    'createStableAccessTokenProvider secret',
    SIMULATOR_APP.secret,
    typeError('createStableAccessTokenProvider', 'secret'),
    (secret) => (w) =>
      createStableAccessTokenProvider({ ...SIMULATOR_APP, secret, baseUrl: w.baseUrl }).getAccessToken(),
    { spoilers: COPIED },
  ),
  ...spoiling(
    CREDENTIALS,
    'createStableAccessTokenProvider appid',
    SIMULATOR_APP.appid,
    typeError('createStableAccessTokenProvider', 'appid'),
    (appid) => (w) => createStableAccessTokenProvider({ ...SIMULATOR_APP, appid, baseUrl: w.baseUrl }).getAccessToken(),
    { spoilers: COPIED },
  ),
  ...spoiling(
    CREDENTIALS,
    'decryptCardCode accessToken',
    'reliability-access-token',
    typeError('decryptCardCode', 'accessToken'),
    (accessToken) => (w) => decryptCardCode({ encryptCode: ENCRYPT_CODE, accessToken, baseUrl: w.baseUrl }),
    { spoilers: COPIED },
  ),
]

// ---------------------------------------------------------------- 3. every cardExt rule, with a message that says what is wrong
const RULES = 'cardExt rules (the message names the kind of problem)'
/** [what, the cardExt (an object unless a string is the point), the field named, what the message says]. */
const RULE_CASES: [string, unknown, string, RegExp][] = [
  ['timestamp empty', { ...SHAPED, timestamp: '' }, 'cardExt.timestamp', SAYS.empty],
  ['timestamp a boolean', { ...SHAPED, timestamp: true }, 'cardExt.timestamp', SAYS.wrongType],
  ['timestamp null', { ...SHAPED, timestamp: null }, 'cardExt.timestamp', SAYS.wrongType],
  ['timestamp an array', { ...SHAPED, timestamp: [1700000000] }, 'cardExt.timestamp', SAYS.wrongType],
  ['timestamp a date', { ...SHAPED, timestamp: '2023-11-14' }, 'cardExt.timestamp', SAYS.notAllowed],
  ['timestamp with a fraction', { ...SHAPED, timestamp: 1700000000.5 }, 'cardExt.timestamp', SAYS.notAllowed],
  ['timestamp NaN', { ...SHAPED, timestamp: NaN }, 'cardExt.timestamp', /got NaN$/],
  ['timestamp in milliseconds', { ...SHAPED, timestamp: 1700000000000 }, 'cardExt.timestamp', SAYS.milliseconds],
  [
    'timestamp in milliseconds, a string',
    { ...SHAPED, timestamp: '1700000000000' },
    'cardExt.timestamp',
    SAYS.milliseconds,
  ],
  ['timestamp of 11 digits', { ...SHAPED, timestamp: 17000000000 }, 'cardExt.timestamp', SAYS.tooLong],
  ['timestamp missing', { signature: SHAPED.signature }, 'cardExt.timestamp', SAYS.required],
  ['signature empty', { ...SHAPED, signature: '' }, 'cardExt.signature', SAYS.empty],
  ['signature a number', { ...SHAPED, signature: 123 }, 'cardExt.signature', SAYS.wrongType],
  ['signature of 39 characters', { ...SHAPED, signature: 'a'.repeat(39) }, 'cardExt.signature', SAYS.wrongLength],
  ['signature not hex', { ...SHAPED, signature: 'z'.repeat(40) }, 'cardExt.signature', SAYS.notAllowed],
  ['signature missing', { timestamp: SHAPED.timestamp }, 'cardExt.signature', SAYS.required],
  ['nonce_str of 33 characters', { ...SHAPED, nonce_str: 'n'.repeat(33) }, 'cardExt.nonce_str', SAYS.tooLong],
  ['nonce_str with a dash', { ...SHAPED, nonce_str: 'abc-123' }, 'cardExt.nonce_str', SAYS.notAllowed],
  ['nonce_str a number', { ...SHAPED, nonce_str: 12345 }, 'cardExt.nonce_str', SAYS.wrongType],
  ['code of 21 characters', { ...SHAPED, code: 'C'.repeat(21) }, 'cardExt.code', SAYS.tooLong],
  ['code with an underscore', { ...SHAPED, code: 'SHOP_01' }, 'cardExt.code', SAYS.notAllowed],
  ['code a number', { ...SHAPED, code: 1234 }, 'cardExt.code', SAYS.wrongType],
  ['openid a number', { ...SHAPED, openid: 7 }, 'cardExt.openid', SAYS.wrongType],
  ['outer_str a number', { ...SHAPED, outer_str: 7 }, 'cardExt.outer_str', SAYS.wrongType],
  [
    'fixed_begintimestamp in milliseconds',
    { ...SHAPED, fixed_begintimestamp: 1700000000000 },
    'cardExt.fixed_begintimestamp',
    SAYS.milliseconds,
  ],
  [
    'fixed_begintimestamp a word',
    { ...SHAPED, fixed_begintimestamp: 'tomorrow' },
    'cardExt.fixed_begintimestamp',
    SAYS.notAllowed,
  ],
  ['unknown key card_id', { ...SHAPED, card_id: CARD }, 'cardExt.card_id', SAYS.unknownKey],
  ['unknown key nonceStr (camelCase)', { ...SHAPED, nonceStr: 'abc' }, 'cardExt.nonceStr', SAYS.unknownKey],
  ['unknown key Timestamp (capital T)', { ...SHAPED, Timestamp: 1 }, 'cardExt.Timestamp', SAYS.unknownKey],
  ['api_ticket leaked into the cardExt', { ...SHAPED, api_ticket: TICKET }, 'cardExt.api_ticket', SAYS.secret],
  ['the whole cardExt an empty string', '', 'cardExt', SAYS.required],
  ['the whole cardExt missing', undefined, 'cardExt', SAYS.required],
  ['the whole cardExt not JSON', '{oops', 'cardExt', SAYS.notJson],
  ['the whole cardExt truncated', '{"timestamp":1', 'cardExt', SAYS.notJson],
  ['the whole cardExt a JSON array', '[]', 'cardExt', /must be a JSON object, got array$/],
  ['the whole cardExt JSON null', 'null', 'cardExt', /must be a JSON object, got null$/],
  ['the whole cardExt a number', 42, 'cardExt', SAYS.wrongType],
  ['the whole cardExt an array', [SHAPED], 'cardExt', SAYS.wrongType],
]
const rules: Case[] = RULE_CASES.map(([name, cardExt, field, says]) =>
  adding(RULES, name, invalid(0, field, says), () => [{ cardId: CARD, cardExt }]),
)

// ---------------------------------------------------------------- 4. the same cardExt twice in one list
const TWICE = 'The same cardExt twice in one list'
const pretty = (cardExt: string) => JSON.stringify(JSON.parse(cardExt), null, 2)
const reordered = (cardExt: string) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(cardExt)).reverse()))
/** [what, the list's cardExts from two signed ones, the repeated index, the index it repeats, the card ids]. */
const TWICE_CASES: [string, (a: string, b: string) => unknown[], number, number, string[]?][] = [
  ['the identical string twice', (a) => [a, a], 1, 0],
  ['a string, then the same as an object', (a) => [a, JSON.parse(a)], 1, 0],
  ['an object, then the same as a string', (a) => [JSON.parse(a), a], 1, 0],
  ['first and third of three', (a, b) => [a, b, a], 2, 0],
  ['second and third of three', (a, b) => [a, b, b], 2, 1],
  ['three times: the second is named', (a) => [a, a, a], 1, 0],
  ['compact, then pretty-printed', (a) => [a, pretty(a)], 1, 0],
  ['its keys in another order', (a) => [a, reordered(a)], 1, 0],
  ['with an unsigned outer_str added', (a) => [a, withKey(a, 'outer_str', 'campaign')], 1, 0],
  ['under two card ids', (a) => [a, a], 1, 0, [CARD, OTHER_CARD]],
]
/** A cardExt WeChat accepted in `prepare`, sent again in `attempt`. */
let accepted = ''
const twice: Case[] = [
  ...TWICE_CASES.map(([name, build, index, first, cardIds = []]) =>
    adding(TWICE, name, invalid(index, 'cardExt', new RegExp(`is the same cardExt as cardList\\[${first}\\]`)), () =>
      build(signed(), signed()).map((cardExt, i) => ({ cardId: cardIds[i] ?? CARD, cardExt })),
    ),
  ),
  {
    className: TWICE,
    name: 'one WeChat already accepted, in the next list',
    expected: invalid(0, 'cardExt', /was already used/),
    async prepare() {
      accepted = signed()
      await addCards([{ cardId: CARD, cardExt: accepted }])
    },
    attempt: () => addCards([{ cardId: CARD, cardExt: accepted }]),
  },
]

// ---------------------------------------------------------------- wrong list shapes
const SHAPES = 'Wrong list shapes'
const listSays = (got: string) => new RegExp(`^cardList: must be an array of cards, got ${got}$`)
const itemSays = (got: string) => new RegExp(`must be an object \\{ cardId, … \\}, got ${got}$`)
const shapes: Case[] = [
  adding(
    SHAPES,
    'wx.addCard: a card id instead of a list',
    invalid(undefined, undefined, listSays('string')),
    () => CARD,
  ),
  adding(
    SHAPES,
    'wx.addCard: the { cardList } answer itself',
    invalid(undefined, undefined, listSays('object')),
    () => ({
      cardList: [{ cardId: CARD, cardExt: signed() }],
    }),
  ),
  adding(SHAPES, 'wx.addCard: null', invalid(undefined, undefined, listSays('null')), () => null),
  adding(SHAPES, 'wx.addCard: undefined', invalid(undefined, undefined, listSays('undefined')), () => undefined),
  adding(SHAPES, 'wx.addCard: a number', invalid(undefined, undefined, listSays('number')), () => 1),
  adding(SHAPES, 'wx.addCard: an empty list', invalid(undefined, undefined, /^cardList: is empty/), () => []),
  adding(SHAPES, 'wx.addCard: a null card', invalid(0, undefined, itemSays('null')), () => [null]),
  adding(SHAPES, 'wx.addCard: a card id as the card', invalid(0, undefined, itemSays('string')), () => [CARD]),
  adding(SHAPES, 'wx.addCard: [cardId, cardExt] as the card', invalid(0, undefined, itemSays('array')), () => [
    [CARD, signed()],
  ]),
  adding(SHAPES, 'wx.addCard: a number as the 2nd card', invalid(1, undefined, itemSays('number')), () => [
    { cardId: CARD, cardExt: signed() },
    42,
  ]),
  adding(SHAPES, 'wx.addCard: a card without cardId', invalid(0, 'cardId', /got undefined$/), () => [
    { cardExt: signed() },
  ]),
  adding(SHAPES, 'wx.addCard: a card with card_id instead', invalid(0, 'cardId', /got undefined$/), () => [
    { card_id: CARD, cardExt: signed() },
  ]),
  adding(SHAPES, 'wx.addCard: a card without cardExt', invalid(0, 'cardExt', SAYS.required), () => [{ cardId: CARD }]),
  opening(
    SHAPES,
    'wx.openCard: a card id instead of a list',
    invalid(undefined, undefined, listSays('string')),
    () => CARD,
  ),
  opening(SHAPES, 'wx.openCard: an empty list', invalid(undefined, undefined, /^cardList: is empty/), () => []),
  opening(SHAPES, 'wx.openCard: a null card', invalid(0, undefined, itemSays('null')), () => [null]),
  opening(SHAPES, 'wx.openCard: a card without code', invalid(0, 'code', /got undefined/), () => [{ cardId: CARD }]),
  opening(SHAPES, 'wx.openCard: a numeric code', invalid(0, 'code', /got number/), () => [
    { cardId: CARD, code: 110201201245 },
  ]),
]

// ---------------------------------------------------------------- the server factories' options
/**
 * One case per bad option of a factory: `make(world, options)` calls it with them and uses what it returns, as a
 * caller would (the TypeError must come first).
 */
function badOptions<Options>(
  fn: string,
  make: (world: InputWorld, options: Partial<Options> | undefined) => unknown,
  cases: [string, string, Partial<Record<keyof Options, unknown>> | undefined][],
): Case[] {
  return cases.map(([name, option, options]) => ({
    className: `${fn} options`,
    name,
    expected: typeError(fn, option),
    attempt: (w: InputWorld) => make(w, options as Partial<Options> | undefined),
  }))
}

const NOT_A_NUMBER = 'not a number'
const ticketOptions = badOptions<ApiTicketProviderOptions>(
  'createApiTicketProvider',
  (w, o) =>
    createApiTicketProvider(
      (o && { getAccessToken: w.getAccessToken, baseUrl: w.baseUrl, ...o }) as ApiTicketProviderOptions,
    ).getTicket(),
  [
    ['no options', 'getAccessToken', undefined],
    ['getAccessToken a token string', 'getAccessToken', { getAccessToken: 'ACCESS_TOKEN' }],
    ['appid empty', 'appid', { appid: '' }],
    ['key empty', 'key', { key: '' }],
    ['baseUrl without http(s)', 'baseUrl', { baseUrl: 'api.weixin.qq.com' }],
    ['fetch not a function', 'fetch', { fetch: 'fetch' }],
    ['timeoutMs 0', 'timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs NaN', 'timeoutMs', { timeoutMs: NaN }],
    ['maxRetries 1.5', 'maxRetries', { maxRetries: 1.5 }],
    ['maxRetries -1', 'maxRetries', { maxRetries: -1 }],
    ['retryDelayMs -1', 'retryDelayMs', { retryDelayMs: -1 }],
    ['refreshMarginSeconds -1', 'refreshMarginSeconds', { refreshMarginSeconds: -1 }],
    ['refreshMarginSeconds Infinity', 'refreshMarginSeconds', { refreshMarginSeconds: Infinity }],
    ['refreshMarginSeconds 7200 (the whole lifetime)', 'refreshMarginSeconds', { refreshMarginSeconds: 7200 }],
    ['refreshMarginSeconds a string', 'refreshMarginSeconds', { refreshMarginSeconds: '300' }],
    ['storeTimeoutMs 0', 'storeTimeoutMs', { storeTimeoutMs: 0 }],
    ['lockTtlMs -1', 'lockTtlMs', { lockTtlMs: -1 }],
    ['lockWaitMs NaN', 'lockWaitMs', { lockWaitMs: NaN }],
    ['store without set', 'store', { store: { get: async () => undefined } }],
    [
      'store.lock not a function',
      'store.lock',
      { store: { get: async () => undefined, set: async () => undefined, lock: true } },
    ],
    ['onError a string', 'onError', { onError: 'console' }],
    ['now a number', 'now', { now: Date.now() }],
  ],
)

const tokenOptions = badOptions<StableAccessTokenProviderOptions>(
  'createStableAccessTokenProvider',
  (w, o) =>
    createStableAccessTokenProvider(
      (o && { ...SIMULATOR_APP, baseUrl: w.baseUrl, ...o }) as StableAccessTokenProviderOptions,
    ).getAccessToken(),
  [
    ['no options', 'options', undefined],
    ['appid missing', 'appid', { appid: undefined }],
    ['appid a number', 'appid', { appid: 1234 }],
    ['secret empty', 'secret', { secret: '' }],
    ['key empty', 'key', { key: '' }],
    ['baseUrl ftp://', 'baseUrl', { baseUrl: 'ftp://api.weixin.qq.com' }],
    ['timeoutMs -1', 'timeoutMs', { timeoutMs: -1 }],
    ['maxRetries a string', 'maxRetries', { maxRetries: '2' }],
    ['refreshMarginSeconds 7200 (the whole lifetime)', 'refreshMarginSeconds', { refreshMarginSeconds: 7200 }],
    ['refreshMarginSeconds NaN', 'refreshMarginSeconds', { refreshMarginSeconds: NaN }],
    ['storeTimeoutMs Infinity', 'storeTimeoutMs', { storeTimeoutMs: Infinity }],
    ['onError a number', 'onError', { onError: 1 }],
  ],
)

const decryptOptions = badOptions<DecryptCardCodeOptions>(
  'decryptCardCode',
  (w, o) =>
    decryptCardCode(
      (o && {
        encryptCode: ENCRYPT_CODE,
        getAccessToken: w.getAccessToken,
        baseUrl: w.baseUrl,
        ...o,
      }) as DecryptCardCodeOptions,
    ),
  [
    ['no options', 'options', undefined],
    ['no access_token at all', 'accessToken', { getAccessToken: undefined }],
    ['both accessToken and getAccessToken', 'accessToken', { accessToken: 'ACCESS_TOKEN' }],
    ['accessToken empty', 'accessToken', { getAccessToken: undefined, accessToken: '' }],
    ['getAccessToken a string', 'getAccessToken', { getAccessToken: 'ACCESS_TOKEN' }],
    ['encryptCode missing', 'encryptCode', { encryptCode: undefined }],
    ['encryptCode empty', 'encryptCode', { encryptCode: '' }],
    ['encryptCode a number', 'encryptCode', { encryptCode: 12345 }],
    ['encryptCode still URL-encoded', 'encryptCode', { encryptCode: 'Xk9%2BpZ2mQ7%2FLvE0aTq3YwA%3D%3D' }],
    ["encryptCode whose '+' became a space in a URL query", 'encryptCode', { encryptCode: 'Xk9 pZ2mQ7/LvE0aTq3YwA==' }],
    ['timeoutMs 0', 'timeoutMs', { timeoutMs: 0 }],
    ['baseUrl without http(s)', 'baseUrl', { baseUrl: '//api.weixin.qq.com' }],
  ],
)

const cardExtOptions = badOptions<CardExtOptions>(
  'createCardExt',
  (_, o) => createCardExt((o && { apiTicket: TICKET, cardId: CARD, ...o }) as CardExtOptions),
  [
    ['no options', 'apiTicket', undefined],
    ['apiTicket empty', 'apiTicket', { apiTicket: '' }],
    ['cardId missing', 'cardId', { cardId: undefined }],
    ['timestamp empty', 'timestamp', { timestamp: '' }],
    ['timestamp in milliseconds', 'timestamp', { timestamp: 1700000000000 }],
    ['timestamp not a number', 'timestamp', { timestamp: NOT_A_NUMBER }],
    ['nonceStr of 33 characters', 'nonceStr', { nonceStr: 'n'.repeat(33) }],
    ['nonceStr with a dash', 'nonceStr', { nonceStr: 'abc-123' }],
    ['code of 21 characters', 'code', { code: 'C'.repeat(21) }],
    ['code with an underscore', 'code', { code: 'SHOP_01' }],
    ['openid a number', 'openid', { openid: 7 }],
    ['outerStr a number', 'outerStr', { outerStr: 7 }],
    ['fixedBeginTimestamp in milliseconds', 'fixedBeginTimestamp', { fixedBeginTimestamp: 1700000000000 }],
  ],
)

const redisOptions = badOptions<{ client: unknown; prefix: unknown }>(
  'createRedisStore',
  // without a client of its own, a case gets the counting one
  (w, o = {}) =>
    createRedisStore(('client' in o ? o.client : w.redis) as RedisClientLike, o as RedisStoreOptions).get('key'),
  [
    ['no client', 'client', { client: undefined }],
    ['a null client', 'client', { client: null }],
    ['a client with neither call nor sendCommand', 'client', { client: { get: () => undefined } }],
    ['call not a function', 'client', { client: { call: 'GET' } }],
    ['prefix empty', 'prefix', { prefix: '' }],
    ['prefix a number', 'prefix', { prefix: 5 }],
  ],
)

/** Every bad input, by class. */
export const BAD_INPUTS: Case[] = [
  ...protoKeys,
  ...exactValues,
  ...credentials,
  ...rules,
  ...twice,
  ...shapes,
  ...ticketOptions,
  ...tokenOptions,
  ...decryptOptions,
  ...cardExtOptions,
  ...redisOptions,
]

// ---------------------------------------------------------------- valid look-alikes
const LOOK_ALIKES = 'Object.prototype names as card ids and card item keys (valid)'
/** The keys of each card wx received, and how many cards WeChat added. */
async function addAndSee(world: InputWorld, list: AddCardInput[]): Promise<unknown> {
  const result = await addCards(list)
  return { added: result.succeeded.length, sent: (world.lastSent() as object[]).map((card) => Object.keys(card)) }
}
/** A copy of `card` with one more own enumerable key (`__proto__` included). */
const withItemKey = (card: AddCardInput, key: string): AddCardInput =>
  Object.defineProperty({ ...card }, key, { value: 'x', enumerable: true, configurable: true, writable: true })
const ADDED_AS_IS = { added: 1, sent: [['cardId', 'cardExt']] }

export const CONTROLS: Control<InputWorld>[] = PROTO_NAMES.flatMap((name) => [
  {
    className: LOOK_ALIKES,
    name: `${name} as the card id`,
    expected: ADDED_AS_IS,
    attempt: (w: InputWorld) => addAndSee(w, [{ cardId: name, cardExt: signed(name) }]),
  },
  {
    className: LOOK_ALIKES,
    name: `${name} as a key of the card item (ignored)`,
    expected: ADDED_AS_IS,
    attempt: (w: InputWorld) => addAndSee(w, [withItemKey({ cardId: CARD, cardExt: signed() }, name)]),
  },
])
