// Issue 16 items 1–4, each tested as a class of input through the three places that read the one rule table
// (utils/rules.ts): the client (validateCardExt, normalizeCardList, normalizeOpenList, addCards / openCards), the
// server's createCardExt and the card-platform simulator. The client refuses with CardError('invalid') naming the
// card and the field, and addCards / openCards make no wx call; createCardExt throws a TypeError naming the option;
// the simulator answers as testing/README documents. Every addCards / openCards promise is awaited here, so an
// unhandled rejection would fail the test (jest reports it).
import { createCardExt, signCardExt, verifyCardExt, type CardExtOptions } from '../../server/sign'
import { createCardPlatform } from '../../testing'
import {
  addCards,
  CardError,
  normalizeCardList,
  normalizeOpenList,
  openCards,
  validateCardExt,
  type CardExtFields,
} from '../../utils'
import {
  add,
  cardsOf,
  ext,
  ID,
  installPlatform,
  makePlatform,
  open,
  rejectionOf,
  spoiled,
  thrownBy,
  TICKET,
  USER,
  type SpoiledAt,
} from '../testing/fixtures'

const SIG = '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'
const T = 1700000000
const UNKNOWN_KEY =
  'is not a cardExt key (WeChat reads timestamp, signature, nonce_str, code, openid, outer_str, fixed_begintimestamp)'

interface Refusal {
  index?: number
  field?: string
  message: string
}

/** A CardError('invalid') with exactly this index, field and message. */
function expectInvalid(error: CardError, want: Refusal): void {
  expect(error).toBeInstanceOf(CardError)
  expect([error.code, error.index, error.field, error.message]).toEqual([
    'invalid',
    want.index,
    want.field,
    want.message,
  ])
}

/** The client's check and call for each card API: they must refuse the same input with the same error. */
const CLIENT = {
  addCard: { normalize: normalizeCardList, run: addCards },
  openCard: { normalize: normalizeOpenList, run: openCards },
} as unknown as Record<
  'addCard' | 'openCard',
  { normalize(list: unknown): unknown; run(list: unknown): Promise<unknown> }
>

/** normalize and the call refuse `list` alike, and the call reaches no wx function. */
async function expectRefused(api: 'addCard' | 'openCard', list: unknown, want: Refusal): Promise<void> {
  expectInvalid(
    thrownBy(() => CLIENT[api].normalize(list)),
    want,
  )
  const p = installPlatform()
  expectInvalid(await rejectionOf(CLIENT[api].run(list)), want)
  expect(p.state.log).toEqual([])
}
const expectAddRefused = (list: unknown, want: Refusal) => expectRefused('addCard', list, want)
const expectOpenRefused = (list: unknown, want: Refusal) => expectRefused('openCard', list, want)

/** validateCardExt refuses the JSON string and the object it parses to alike. */
function expectCardExtRefused(json: string, want: Refusal): void {
  for (const cardExt of [json, JSON.parse(json) as unknown]) {
    expectInvalid(
      thrownBy(() => validateCardExt(cardExt)),
      want,
    )
  }
}

/** createCardExt throws a TypeError with exactly this message. */
function expectCreateRefused(options: Partial<CardExtOptions>, message: string): void {
  const create = () => createCardExt({ apiTicket: TICKET, cardId: ID.plain, ...options })
  expect(create).toThrow(TypeError)
  expect(create).toThrow(new TypeError(message))
}

/** A cardExt signed by hand (createCardExt refuses the values these tests need): right signature, odd value. */
function handSigned(cardId: string, fields: { code?: string; openid?: string } = {}): string {
  const signature = signCardExt({ apiTicket: TICKET, cardId, timestamp: T, nonceStr: 'n1', ...fields })
  return JSON.stringify({ timestamp: T, nonce_str: 'n1', ...fields, signature })
}

/** A cardExt string with one more key, written as JSON text so that `__proto__` is an own key like any other. */
const withKey = (cardExt: string, key: string, value: unknown = 'x'): string =>
  `${cardExt.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`

/** A copy of `item` with one more own enumerable key (`__proto__` included). */
const withItemKey = <Item extends object>(item: Item, key: string): Item =>
  Object.defineProperty({ ...item }, key, { value: 'x', enumerable: true, configurable: true, writable: true })

describe('1. keys named after Object.prototype members', () => {
  const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype)

  it('tries every member name, the inherited functions and __proto__ included', () => {
    expect(PROTO_NAMES).toEqual(
      expect.arrayContaining(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']),
    )
    expect(PROTO_NAMES.length).toBeGreaterThanOrEqual(12)
  })

  it("the issue's example: a constructor key is CardError('invalid') naming the key, not a raw TypeError", () => {
    const e = thrownBy(() => validateCardExt(`{"timestamp":1700000000,"signature":"${SIG}","constructor":"x"}`))
    expect(e.code === 'invalid').toBe(true)
    expectInvalid(e, { field: 'cardExt.constructor', message: `cardExt.constructor: ${UNKNOWN_KEY}` })
  })

  describe.each(PROTO_NAMES)('%s', (name) => {
    it('as a cardExt key: the client refuses it as an unknown key, in a string or an object, whatever its value', async () => {
      const want = { field: `cardExt.${name}`, message: `cardExt.${name}: ${UNKNOWN_KEY}` }
      for (const value of ['x', '', 1, null, true, {}, [], { timestamp: T }]) {
        expectCardExtRefused(withKey(ext(ID.plain), name, value), want)
      }
      const cardExt = withKey(ext(ID.plain), name)
      await expectAddRefused([{ cardId: ID.plain, cardExt }], {
        index: 0,
        field: `cardExt.${name}`,
        message: `cardList[0].cardExt.${name}: ${UNKNOWN_KEY}`,
      })
    })

    it('as a cardExt key: the simulator answers 签名错误 (WeChat signs no such key)', async () => {
      const s = await add(makePlatform(), [{ cardId: ID.plain, cardExt: withKey(ext(ID.plain), name) }])
      expect(s.res.errMsg).toBe('addCard:fail 签名错误')
    })

    it('as a createCardExt option: never read, never copied into the cardExt', () => {
      const options = withItemKey({ apiTicket: TICKET, cardId: ID.plain, timestamp: T, nonceStr: 'n1' }, name)
      const cardExt = createCardExt(options)
      expect(JSON.parse(cardExt)).toEqual({ timestamp: T, nonce_str: 'n1', signature: expect.any(String) })
      expect(Object.keys(JSON.parse(cardExt))).toEqual(['timestamp', 'nonce_str', 'signature'])
      expect(verifyCardExt(cardExt, { apiTicket: TICKET, cardId: ID.plain })).toBe(true)
    })

    it('as a card item key: ignored; wx gets exactly { cardId, cardExt } and { cardId, code }', async () => {
      const p = installPlatform()
      const item = { cardId: ID.plain, cardExt: ext(ID.plain) }
      expect(normalizeCardList([withItemKey(item, name)])).toEqual([item])
      await addCards([withItemKey(item, name)])
      const [held] = p.state.held
      const openItem = { cardId: held.cardId, code: held.code }
      expect(normalizeOpenList([withItemKey(openItem, name)])).toEqual([openItem])
      await openCards([withItemKey(openItem, name)])
      const sent = p.state.log.map((call) => (call.cardList as object[]).map((c) => Object.keys(c)))
      expect(sent).toEqual([[['cardId', 'cardExt']], [['cardId', 'code']]])
    })

    it('as a card id: an id like any other; the simulator knows only the cards it lists', async () => {
      const cardExt = ext(name)
      expect(normalizeCardList([{ cardId: name, cardExt }])).toEqual([{ cardId: name, cardExt }])
      expect(verifyCardExt(cardExt, { apiTicket: TICKET, cardId: name })).toBe(true)
      const p = makePlatform()
      expect((await add(p, [{ cardId: name, cardExt }])).res.errMsg).toBe(`addCard:fail invalid card_id: ${name}`)
      expect((await open(p, [{ cardId: name, code: '1' }])).res.errMsg).toBe(
        `openCard:fail invalid code: the user holds no card ${name} with code 1`,
      )
    })

    it('as the id of a card the platform lists: issued, its stock and count kept under that id', async () => {
      const p = createCardPlatform({
        apiTicket: TICKET,
        accessToken: 't',
        openid: USER,
        cards: [{ cardId: name, quantity: 1 }],
      })
      expect([Object.entries(p.state.stock), Object.entries(p.state.taken)]).toEqual([[[name, 1]], [[name, 0]]])
      const first = await add(p, [{ cardId: name, cardExt: ext(name) }])
      const second = await add(p, [{ cardId: name, cardExt: ext(name) }])
      expect([cardsOf(first)[0].isSuccess, cardsOf(second)[0].isSuccess]).toEqual([true, false])
      expect([Object.entries(p.state.stock), Object.entries(p.state.taken)]).toEqual([[[name, 0]], [[name, 1]]])
    })

    it('as a user action: refused with a TypeError', () => {
      expect(() => makePlatform().nextUserAction(name as 'accept')).toThrow(TypeError)
    })
  })
})

/** What the rule table says about an id spoiled at `at` by a whitespace (or other control) character. */
const exactProblem = (at: SpoiledAt, whitespace: boolean): string =>
  at !== 'inner' && whitespace
    ? 'has leading or trailing whitespace (WeChat matches it exactly)'
    : 'contains whitespace or a control character (WeChat matches it exactly)'
const LETTERS_AND_DIGITS = 'may contain only letters and digits (A-Z, a-z, 0-9)'

describe('2. values WeChat matches exactly', () => {
  it("the issue's example: ' pCard ' is refused naming cardId, before WeChat answers invalid card_id", async () => {
    await expectAddRefused([{ cardId: ' pCard ', cardExt: ext('pCard') }], {
      index: 0,
      field: 'cardId',
      message: 'cardList[0].cardId: has leading or trailing whitespace (WeChat matches it exactly)',
    })
  })

  it.each([
    ['a real card id', 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc'],
    ['dashes and underscores', 'p-Card_1'],
    ['digits only', '20260101'],
  ])('accepts %s everywhere', async (_, cardId) => {
    const cardExt = ext(cardId, { openid: 'oXyz-_1' })
    expect(normalizeCardList([{ cardId, cardExt }])).toEqual([{ cardId, cardExt }])
    expect(normalizeOpenList([{ cardId, code: 'SHOP-2026-0001' }])).toEqual([{ cardId, code: 'SHOP-2026-0001' }])
    expect(validateCardExt(cardExt).openid).toBe('oXyz-_1')
  })

  describe.each(spoiled(ID.plain))('cardId with a %s', (_, cardId, at, whitespace) => {
    const problem = exactProblem(at, whitespace)
    const want = { index: 0, field: 'cardId', message: `cardList[0].cardId: ${problem}` }

    it('the client refuses it for addCard and openCard, before any call', async () => {
      await expectAddRefused([{ cardId, cardExt: ext(ID.plain) }], want)
      await expectOpenRefused([{ cardId, code: '110201201245' }], want)
    })
    it('createCardExt refuses it, naming cardId', () => {
      expectCreateRefused({ cardId }, `createCardExt: cardId ${problem}`)
    })
    it('the simulator answers invalid card_id', async () => {
      const s = await add(makePlatform(), [{ cardId, cardExt: handSigned(cardId) }])
      expect(s.res.errMsg).toBe(`addCard:fail invalid card_id: cardList[0].cardId ${problem}`)
    })
  })

  describe.each(spoiled('110201201245'))('decrypted code (wx.openCard) with a %s', (_, code, at, whitespace) => {
    it('the client refuses it before any call; the simulator finds no such card', async () => {
      const problem = exactProblem(at, whitespace)
      await expectOpenRefused([{ cardId: ID.plain, code }], {
        index: 0,
        field: 'code',
        message: `cardList[0].code: ${problem} (the decrypted code from card/code/decrypt)`,
      })
      const p = makePlatform()
      await add(p, [{ cardId: ID.custom, cardExt: ext(ID.custom, { code: '110201201245' }) }])
      const s = await open(p, [{ cardId: ID.custom, code }])
      expect(s.res.errMsg).toBe(`openCard:fail invalid code: the user holds no card ${ID.custom} with code ${code}`)
    })
  })

  describe.each(spoiled('SHOP0001'))('custom code (cardExt.code) with a %s', (_, code) => {
    it('the client and createCardExt refuse it as characters other than letters and digits; the simulator: 参数错误', async () => {
      expectInvalid(
        thrownBy(() => validateCardExt({ timestamp: T, signature: SIG, code })),
        {
          field: 'cardExt.code',
          message: `cardExt.code: ${LETTERS_AND_DIGITS}`,
        },
      )
      expectCreateRefused({ cardId: ID.custom, code }, `createCardExt: code ${LETTERS_AND_DIGITS}`)
      const s = await add(makePlatform(), [{ cardId: ID.custom, cardExt: handSigned(ID.custom, { code }) }])
      expect(s.res.errMsg).toBe('addCard:fail 参数错误')
    })
  })

  describe.each(spoiled(USER))('openid (cardExt.openid) with a %s', (_, openid, at, whitespace) => {
    it('the client and createCardExt refuse it naming openid; the simulator: 参数错误', async () => {
      const problem = exactProblem(at, whitespace)
      await expectAddRefused([{ cardId: ID.bound, cardExt: handSigned(ID.bound, { openid }) }], {
        index: 0,
        field: 'cardExt.openid',
        message: `cardList[0].cardExt.openid: ${problem}`,
      })
      expectCreateRefused({ cardId: ID.bound, openid }, `createCardExt: openid ${problem}`)
      const s = await add(makePlatform(), [{ cardId: ID.bound, cardExt: handSigned(ID.bound, { openid }) }])
      expect(s.res.errMsg).toBe('addCard:fail 参数错误')
    })
  })
})

/** The kinds of problem a message must name (issue 16 item 3). */
type Kind =
  | 'empty'
  | 'wrong type'
  | 'wrong length'
  | 'too long'
  | 'not allowed characters'
  | 'unknown key'
  | 'milliseconds'
  | 'server secret'

/** What a message of each kind must say about its input. */
const SAYS: Record<Kind, RegExp> = {
  empty: /^is empty/,
  'wrong type': /got (boolean|null|array|object|number|string|undefined)$/,
  'wrong length': /got \d+ characters$/,
  'too long': /^is too long: \d+ characters \(at most \d+\)$/,
  'not allowed characters': /only letters and digits|digits only|whitespace|control character/,
  'unknown key': /^is not a cardExt key/,
  milliseconds: /^looks like milliseconds \(\d+ digits\)/,
  'server secret': /^is a server secret/,
}

// [cardExt key, value, kind, the problem the client and createCardExt report]
const MESSAGES: [string, unknown, Kind, string][] = [
  ['timestamp', '', 'empty', 'is empty'],
  ['timestamp', true, 'wrong type', 'must be integer seconds (a number or a string of digits), got boolean'],
  ['timestamp', null, 'wrong type', 'must be integer seconds (a number or a string of digits), got null'],
  ['timestamp', [T], 'wrong type', 'must be integer seconds (a number or a string of digits), got array'],
  ['timestamp', { s: T }, 'wrong type', 'must be integer seconds (a number or a string of digits), got object'],
  ['timestamp', '2023-11-14', 'not allowed characters', 'must be integer seconds (digits only), got "2023-11-14"'],
  ['timestamp', ' 1700000000', 'not allowed characters', 'must be integer seconds (digits only), got " 1700000000"'],
  ['timestamp', 1700000000.5, 'not allowed characters', 'must be integer seconds (digits only), got 1700000000.5'],
  ['timestamp', -1700000000, 'not allowed characters', 'must be integer seconds (digits only), got -1700000000'],
  ['timestamp', '1.7e9', 'not allowed characters', 'must be integer seconds (digits only), got "1.7e9"'],
  [
    'timestamp',
    1700000000000,
    'milliseconds',
    'looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)',
  ],
  [
    'timestamp',
    '1700000000000',
    'milliseconds',
    'looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)',
  ],
  ['signature', '', 'empty', 'is empty'],
  ['signature', 1234, 'wrong type', 'must be a string, got number'],
  ['signature', null, 'wrong type', 'must be a string, got null'],
  ['signature', SIG.slice(1), 'wrong length', 'must be 40 hex digits (a sha1), got 39 characters'],
  ['signature', SIG + '0', 'wrong length', 'must be 40 hex digits (a sha1), got 41 characters'],
  ['signature', 'a'.repeat(32), 'wrong length', 'must be 40 hex digits (a sha1), got 32 characters'],
  ['nonce_str', 12345, 'wrong type', 'must be a string, got number'],
  ['nonce_str', ['n'], 'wrong type', 'must be a string, got array'],
  ['nonce_str', 'a'.repeat(33), 'too long', 'is too long: 33 characters (at most 32)'],
  ['nonce_str', 'abc-def', 'not allowed characters', LETTERS_AND_DIGITS],
  ['nonce_str', 'abc def', 'not allowed characters', LETTERS_AND_DIGITS],
  ['nonce_str', '随机串', 'not allowed characters', LETTERS_AND_DIGITS],
  ['code', 12345, 'wrong type', 'must be a string, got number'],
  ['code', '1'.repeat(21), 'too long', 'is too long: 21 characters (at most 20)'],
  ['code', 'SHOP-2026', 'not allowed characters', LETTERS_AND_DIGITS],
  ['code', 'ab_12', 'not allowed characters', LETTERS_AND_DIGITS],
  ['openid', 12345, 'wrong type', 'must be a string, got number'],
  ['openid', false, 'wrong type', 'must be a string, got boolean'],
  ['openid', ' oUser', 'not allowed characters', 'has leading or trailing whitespace (WeChat matches it exactly)'],
  [
    'openid',
    'o\nUser',
    'not allowed characters',
    'contains whitespace or a control character (WeChat matches it exactly)',
  ],
  ['outer_str', 7, 'wrong type', 'must be a string, got number'],
  ['outer_str', { from: 'share' }, 'wrong type', 'must be a string, got object'],
  ['outer_str', null, 'wrong type', 'must be a string, got null'],
  ['fixed_begintimestamp', '', 'empty', 'is empty'],
  [
    'fixed_begintimestamp',
    false,
    'wrong type',
    'must be integer seconds (a number or a string of digits), got boolean',
  ],
  [
    'fixed_begintimestamp',
    'tomorrow',
    'not allowed characters',
    'must be integer seconds (digits only), got "tomorrow"',
  ],
  [
    'fixed_begintimestamp',
    1700000000000,
    'milliseconds',
    'looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)',
  ],
  ['nonceStr', 'abc', 'unknown key', UNKNOWN_KEY],
  ['card_id', ID.plain, 'unknown key', UNKNOWN_KEY],
  ['Timestamp', T, 'unknown key', UNKNOWN_KEY],
  ['timestamp ', T, 'unknown key', UNKNOWN_KEY],
  ['signType', 'SHA1', 'unknown key', UNKNOWN_KEY],
  [
    'api_ticket',
    TICKET,
    'server secret',
    'is a server secret: sign on the server and never send it to the mini-program',
  ],
]

/** The camelCase createCardExt option of a cardExt key; undefined when createCardExt takes no such option. */
const OPTION: Record<string, keyof CardExtOptions | undefined> = {
  timestamp: 'timestamp',
  nonce_str: 'nonceStr',
  code: 'code',
  openid: 'openid',
  outer_str: 'outerStr',
  fixed_begintimestamp: 'fixedBeginTimestamp',
}

describe('3. every rejection message says what is wrong with the input', () => {
  it("the issue's example: an empty timestamp reads 'is empty', not milliseconds", () => {
    const e = thrownBy(() => validateCardExt({ timestamp: '', signature: SIG }))
    expectInvalid(e, { field: 'cardExt.timestamp', message: 'cardExt.timestamp: is empty' })
    expect(e.message).not.toMatch(/ms|milli/)
  })

  it('the table covers every kind of problem and every cardExt key', () => {
    expect(new Set(MESSAGES.map(([, , kind]) => kind))).toEqual(new Set(Object.keys(SAYS)))
    expect(MESSAGES.map(([key]) => key)).toEqual(
      expect.arrayContaining([
        'timestamp',
        'signature',
        'nonce_str',
        'code',
        'openid',
        'outer_str',
        'fixed_begintimestamp',
      ]),
    )
  })

  describe.each(MESSAGES)('cardExt.%s = %j', (key, value, kind, problem) => {
    it(`the client reports: ${problem}`, () => {
      expect(problem).toMatch(SAYS[kind])
      // only a value with more than 10 digits may be called milliseconds
      expect(/milliseconds/.test(problem)).toBe(kind === 'milliseconds')
      const cardExt = { timestamp: T, signature: SIG, [key]: value }
      const want = { field: `cardExt.${key}`, message: `cardExt.${key}: ${problem}` }
      expectCardExtRefused(JSON.stringify(cardExt), want)
      expectInvalid(
        thrownBy(() =>
          normalizeCardList([
            { cardId: 'pA', cardExt: ext('pA') },
            { cardId: 'pB', cardExt: cardExt as CardExtFields },
          ]),
        ),
        { ...want, index: 1, message: `cardList[1].${want.message}` },
      )
    })

    const option = OPTION[key]
    // createCardExt leaves an empty value out (it adds nothing to the signature) and takes a null timestamp as now.
    const createdAnyway = value === '' || (option === 'timestamp' && value === null)
    if (option !== undefined && !createdAnyway) {
      it(`createCardExt reports: ${option} ${problem}`, () => {
        expectCreateRefused({ [option]: value }, `createCardExt: ${option} ${problem}`)
      })
    }
  })

  // [what, cardList, index, field, problem]
  it.each<[string, unknown, number | undefined, string | undefined, string]>([
    ['no list', undefined, undefined, undefined, 'must be an array of cards, got undefined'],
    ['a string list', ID.plain, undefined, undefined, 'must be an array of cards, got string'],
    ['a null list', null, undefined, undefined, 'must be an array of cards, got null'],
    ['an empty list', [], undefined, undefined, 'is empty: pass at least one card'],
    ['a null item', [null], 0, undefined, 'must be an object { cardId, … }, got null'],
    ['a string item', [ID.plain], 0, undefined, 'must be an object { cardId, … }, got string'],
    ['no cardId', [{ cardExt: ext(ID.plain) }], 0, 'cardId', 'must be a string, got undefined'],
    ['an empty cardId', [{ cardId: '', cardExt: ext(ID.plain) }], 0, 'cardId', 'is empty'],
    ['a numeric cardId', [{ cardId: 7, cardExt: ext(ID.plain) }], 0, 'cardId', 'must be a string, got number'],
    ['no cardExt', [{ cardId: ID.plain }], 0, 'cardExt', 'is required'],
    [
      'a numeric cardExt',
      [{ cardId: ID.plain, cardExt: 42 }],
      0,
      'cardExt',
      'must be the JSON string from your server or an object, got number',
    ],
    [
      'a boolean cardExt',
      [{ cardId: ID.plain, cardExt: true }],
      0,
      'cardExt',
      'must be the JSON string from your server or an object, got boolean',
    ],
    [
      'a truncated cardExt',
      [{ cardId: ID.plain, cardExt: '{"timestamp":1' }],
      0,
      'cardExt',
      'is not valid JSON (pass the string your server returned, unchanged)',
    ],
    [
      'a cardExt without timestamp',
      [{ cardId: ID.plain, cardExt: { signature: SIG } }],
      0,
      'cardExt.timestamp',
      'is required',
    ],
    [
      'a cardExt without signature',
      [{ cardId: ID.plain, cardExt: { timestamp: T } }],
      0,
      'cardExt.signature',
      'is required',
    ],
  ])('addCards with %s: %s', async (_, list, index, field, problem) => {
    const where = index === undefined ? 'cardList' : field ? `cardList[${index}].${field}` : `cardList[${index}]`
    await expectAddRefused(list, { index, field, message: `${where}: ${problem}` })
  })

  it.each<[string, unknown, string, string]>([
    [
      'no code',
      { cardId: ID.plain },
      'code',
      'must be a string, got undefined (the decrypted code from card/code/decrypt)',
    ],
    ['an empty code', { cardId: ID.plain, code: '' }, 'code', 'is empty (the decrypted code from card/code/decrypt)'],
    [
      'a numeric code',
      { cardId: ID.plain, code: 110201201245 },
      'code',
      'must be a string, got number (the decrypted code from card/code/decrypt)',
    ],
    ['an empty cardId', { cardId: '', code: '1' }, 'cardId', 'is empty'],
  ])('openCards with %s: %s', async (_, item, field, problem) => {
    await expectOpenRefused([item], { index: 0, field, message: `cardList[0].${field}: ${problem}` })
  })
})

describe('4. the same cardExt twice in one call', () => {
  /** Three distinct signed cardExts for the plain card. */
  const three = () => [ext(ID.plain), ext(ID.plain), ext(ID.plain)]
  const asObject = (cardExt: string) => JSON.parse(cardExt) as CardExtFields

  // [what, the list's cardExts by letter (an uppercase letter is the object form of the same cardExt), repeated
  // index, first index, the cards' ids when not all the plain card]
  it.each<[string, string, number, number, string[]?]>([
    ["the issue's example: the identical string twice", 'aa', 1, 0],
    ['string, then the same as an object', 'aA', 1, 0],
    ['object, then the same as a string', 'Aa', 1, 0],
    ['both objects', 'AA', 1, 0],
    ['first and third of three', 'aba', 2, 0],
    ['second and third of three', 'abb', 2, 1],
    ['three times: the second is named', 'aaa', 1, 0],
    ['first and fourth of four, the fourth an object', 'abcA', 3, 0],
    ['second and fifth of five', 'abcdb', 4, 1],
    ['under two card ids (a cardExt is signed for one card)', 'aa', 1, 0, [ID.plain, ID.few]],
  ])('%s (%s): refused naming both indexes', async (_, pattern, index, first, cardIds = []) => {
    const signed: Record<string, string> = {}
    const list = [...pattern].map((letter, i) => {
      const key = letter.toLowerCase()
      signed[key] = signed[key] ?? ext(ID.plain)
      return { cardId: cardIds[i] ?? ID.plain, cardExt: letter === key ? signed[key] : asObject(signed[key]) }
    })
    await expectAddRefused(list, {
      index,
      field: 'cardExt',
      message: `cardList[${index}].cardExt: is the same cardExt as cardList[${first}]: each card needs its own (a cardExt works once)`,
    })
  })

  it('the same card three times with its own cardExt each is one call, all issued', async () => {
    const p = installPlatform()
    const r = await addCards(three().map((cardExt) => ({ cardId: ID.plain, cardExt })))
    expect([r.succeeded.length, p.state.calls.addCard]).toEqual([3, 1])
  })

  it('createCardExt signs a fresh cardExt every time, even within one second', () => {
    const made = new Set<string>()
    for (let i = 0; i < 500; i++) made.add(createCardExt({ apiTicket: TICKET, cardId: ID.plain, timestamp: T }))
    expect(made.size).toBe(500)
  })

  it('the simulator answers 已领完 for a repeated cardExt (any position) and issues nothing', async () => {
    const [a, b] = three()
    const p = makePlatform()
    const s = await add(
      p,
      [a, b, a].map((cardExt) => ({ cardId: ID.plain, cardExt })),
    )
    expect(s.res.errMsg).toBe('addCard:fail 已领完')
    expect([p.state.held, p.state.nonces]).toEqual([[], []])
  })
})

// Gaps found while testing these classes (fixed): each is the behaviour the issue asks for.
describe('edges of the classes: what a message says, inherited keys, the same cardExt written twice', () => {
  it.each([
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
  ])('a %s timestamp is described as itself, not as null', (_, timestamp, shown) => {
    const e = thrownBy(() => validateCardExt({ timestamp, signature: SIG }))
    expect(e.message).toContain(`got ${shown}`)
  })

  it('a 40-character signature that is not hex is not described by its (correct) length', () => {
    const e = thrownBy(() => validateCardExt({ timestamp: T, signature: 'z'.repeat(40) }))
    expect(e.message).not.toContain('got 40 characters')
  })

  it('an array cardExt is described as an array, not as an object', () => {
    const e = thrownBy(() => normalizeCardList([{ cardId: ID.plain, cardExt: [ext(ID.plain)] as never }]))
    expect(e.message).toContain('got array')
  })

  it('an array card item is described as an array, not as an object', () => {
    const e = thrownBy(() => normalizeCardList([[ID.plain] as never]))
    expect(e.message).toContain('got array')
  })

  it("createCardExt({ timestamp: '' }) names createCardExt and says the timestamp is empty", () => {
    expectCreateRefused({ timestamp: '' as unknown as number }, 'createCardExt: timestamp is empty')
  })

  it('a cardExt object whose keys are inherited is refused, not sent as "{}"', () => {
    const inherited = Object.create({ timestamp: T, signature: SIG }) as CardExtFields
    const e = thrownBy(() => normalizeCardList([{ cardId: ID.plain, cardExt: inherited }]))
    expect([e.code, e.field]).toEqual(['invalid', 'cardExt.timestamp'])
  })

  it('the same cardExt as a pretty-printed string and as the object is refused naming both indexes', () => {
    const a = ext(ID.plain)
    const e = thrownBy(() =>
      normalizeCardList([
        { cardId: ID.plain, cardExt: JSON.stringify(JSON.parse(a), null, 2) },
        { cardId: ID.plain, cardExt: JSON.parse(a) as CardExtFields },
      ]),
    )
    expect([e.code, e.index, e.field]).toEqual(['invalid', 1, 'cardExt'])
  })
})
