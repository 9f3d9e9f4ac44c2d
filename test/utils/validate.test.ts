// The client's card checks (utils/validate.ts, reading the one rule table utils/rules.ts): what WeChat accepts
// passes unchanged; each mistake is CardError('invalid') naming the card and the field, with a message that says
// what is wrong with the input, thrown by normalize* and by addCards / openCards before any wx call.
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
  ext,
  freshCards,
  ID,
  installPlatform,
  PROTO_NAMES,
  rejectionOf,
  spoiled,
  thrownBy,
  withItemKey,
  withKey,
} from '../helpers/platform'

const SIG = '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'
const T = 1700000000
/** Right in shape for the client (signed with nothing: fine where WeChat is never asked). */
const shaped = (more: Record<string, unknown> = {}) => ({ timestamp: T, signature: SIG, ...more })
const UNKNOWN_KEY =
  'is not a cardExt key (WeChat reads timestamp, signature, nonce_str, code, openid, outer_str, fixed_begintimestamp)'
const LETTERS_AND_DIGITS = 'may contain only letters and digits (A-Z, a-z, 0-9)'
const SECONDS = 'must be integer seconds (a number or a string of digits), got'
const MILLISECONDS = 'looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)'

interface Refusal {
  index?: number | undefined
  field?: string | undefined
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

/** normalize* and the call refuse `list` alike, and the call reaches no wx function. */
async function expectRefused(api: 'addCard' | 'openCard', list: unknown, want: Refusal): Promise<void> {
  const [normalize, call] =
    api === 'addCard' ? [normalizeCardList, addCards] : ([normalizeOpenList, openCards] as const)
  expectInvalid(
    thrownBy(() => normalize(list as never)),
    want,
  )
  const p = installPlatform()
  expectInvalid(await rejectionOf(call(list as never)), want)
  expect(p.state.log).toEqual([])
}

describe('accepted as WeChat accepts it', () => {
  it.each([
    ['minimal', shaped()],
    ['a digit-string timestamp', shaped({ timestamp: '1414587457' })],
    [
      'every key',
      shaped({
        nonce_str: 'Wm3WZYTPz0wzccnW',
        code: 'random123',
        openid: 'oXyz-_1',
        outer_str: 'from=share',
        fixed_begintimestamp: 1414587457,
      }),
    ],
    ['a 32-character nonce_str', shaped({ nonce_str: 'a'.repeat(32) })],
    ['a 20-character code', shaped({ code: '1'.repeat(20) })],
    ['empty optional strings (they add nothing to the signature)', shaped({ code: '', openid: '' })],
    ['an upper-case signature', shaped({ signature: SIG.toUpperCase() })],
  ])('validateCardExt: %s, as the object and as its JSON string', (_, cardExt) => {
    expect(validateCardExt(cardExt)).toEqual(cardExt)
    expect(validateCardExt(JSON.stringify(cardExt))).toEqual(cardExt)
  })

  it.each([
    ['a real card id', 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc'],
    ['dashes and underscores', 'p-Card_1'],
    ['digits only', '20260101'],
    ...PROTO_NAMES.map((name) => [`${name}, an Object.prototype member's name`, name]),
  ])('a card id of %s, with the codes WeChat issues', (_, cardId) => {
    const cardExt = ext(cardId, { openid: 'oXyz-_1' })
    expect(normalizeCardList([{ cardId, cardExt }])).toEqual([{ cardId, cardExt }])
    expect(normalizeOpenList([{ cardId, code: 'SHOP-2026-0001' }])).toEqual([{ cardId, code: 'SHOP-2026-0001' }])
  })

  it.each(PROTO_NAMES)('a card item key named %s is ignored: only cardId and cardExt / code are kept', (name) => {
    const item = { cardId: ID.coupon, cardExt: ext(ID.coupon) }
    expect(normalizeCardList([withItemKey(item, name)])).toEqual([item])
    const openItem = { cardId: ID.coupon, code: '110201201245' }
    expect(normalizeOpenList([withItemKey(openItem, name)])).toEqual([openItem])
  })

  it('serializes an object cardExt to the JSON string WeChat needs, and keeps a string byte for byte', () => {
    const padded = ' ' + JSON.stringify(shaped({ signature: SIG.replace('2', '3') }))
    const out = normalizeCardList([
      { cardId: 'a', cardExt: shaped({ code: 'x1' }) },
      { cardId: 'b', cardExt: padded },
    ])
    expect(out).toEqual([
      { cardId: 'a', cardExt: JSON.stringify(shaped({ code: 'x1' })) },
      { cardId: 'b', cardExt: padded },
    ])
  })
})

// [cardExt key, value, what the client says of it]
const VALUES: [string, unknown, string][] = [
  ['timestamp', '', 'is empty'],
  ['timestamp', true, `${SECONDS} boolean`],
  ['timestamp', null, `${SECONDS} null`],
  ['timestamp', [T], `${SECONDS} array`],
  ['timestamp', { s: T }, `${SECONDS} object`],
  ['timestamp', '2023-11-14', 'must be integer seconds (digits only), got "2023-11-14"'],
  ['timestamp', ' 1700000000', 'must be integer seconds (digits only), got " 1700000000"'],
  ['timestamp', 1700000000.5, 'must be integer seconds (digits only), got 1700000000.5'],
  ['timestamp', -1700000000, 'must be integer seconds (digits only), got -1700000000'],
  ['timestamp', '1.7e9', 'must be integer seconds (digits only), got "1.7e9"'],
  // described as themselves, not as null (what JSON.stringify would say)
  ['timestamp', NaN, 'must be integer seconds (digits only), got NaN'],
  ['timestamp', Infinity, 'must be integer seconds (digits only), got Infinity'],
  ['timestamp', 1700000000000, MILLISECONDS],
  ['timestamp', '1700000000000', MILLISECONDS],
  ['timestamp', 17000000000, 'is too long: 11 digits (Unix seconds have at most 10)'],
  ['signature', '', 'is empty'],
  ['signature', 1234, 'must be a string, got number'],
  ['signature', null, 'must be a string, got null'],
  ['signature', SIG.slice(1), 'must be 40 hex digits (a sha1), got 39 characters'],
  ['signature', SIG + '0', 'must be 40 hex digits (a sha1), got 41 characters'],
  ['signature', 'a'.repeat(32), 'must be 40 hex digits (a sha1), got 32 characters'],
  // the right length: described by its characters, not its length
  ['signature', 'z'.repeat(40), 'may contain only hex digits (0-9, a-f)'],
  ['nonce_str', 12345, 'must be a string, got number'],
  ['nonce_str', ['n'], 'must be a string, got array'],
  ['nonce_str', 'a'.repeat(33), 'is too long: 33 characters (at most 32)'],
  ['nonce_str', 'abc-def', LETTERS_AND_DIGITS],
  ['nonce_str', 'abc def', LETTERS_AND_DIGITS],
  ['nonce_str', '随机串', LETTERS_AND_DIGITS],
  ['code', 12345, 'must be a string, got number'],
  ['code', '1'.repeat(21), 'is too long: 21 characters (at most 20)'],
  ['code', 'SHOP-2026', LETTERS_AND_DIGITS],
  ['code', 'ab_12', LETTERS_AND_DIGITS],
  ['code', 'ab#12', LETTERS_AND_DIGITS],
  ['openid', 12345, 'must be a string, got number'],
  ['openid', false, 'must be a string, got boolean'],
  ['outer_str', 7, 'must be a string, got number'],
  ['outer_str', { from: 'share' }, 'must be a string, got object'],
  ['outer_str', null, 'must be a string, got null'],
  ['fixed_begintimestamp', '', 'is empty'],
  ['fixed_begintimestamp', false, `${SECONDS} boolean`],
  ['fixed_begintimestamp', 'tomorrow', 'must be integer seconds (digits only), got "tomorrow"'],
  ['fixed_begintimestamp', 1700000000000, MILLISECONDS],
  ['nonceStr', 'abc', UNKNOWN_KEY],
  ['card_id', ID.coupon, UNKNOWN_KEY],
  ['Timestamp', T, UNKNOWN_KEY],
  ['timestamp ', T, UNKNOWN_KEY],
  ['signType', 'SHA1', UNKNOWN_KEY],
  ['api_ticket', 'ticket', 'is a server secret: sign on the server and never send it to the mini-program'],
]

describe('each cardExt value WeChat refuses, named with what is wrong with it', () => {
  it.each(VALUES)('cardExt.%s = %j: %s', (key, value, problem) => {
    const cardExt = shaped({ [key]: value })
    const want = { field: `cardExt.${key}`, message: `cardExt.${key}: ${problem}` }
    // NaN and Infinity only as an object: JSON has no such number
    const forms = typeof value === 'number' && !Number.isFinite(value) ? [cardExt] : [JSON.stringify(cardExt), cardExt]
    for (const form of forms) {
      expectInvalid(
        thrownBy(() => validateCardExt(form)),
        want,
      )
    }
    const list = [
      { cardId: 'pA', cardExt: ext('pA') },
      { cardId: 'pB', cardExt: cardExt as CardExtFields },
    ]
    expectInvalid(
      thrownBy(() => normalizeCardList(list)),
      { ...want, index: 1, message: `cardList[1].${want.message}` },
    )
  })

  describe.each(PROTO_NAMES)('a cardExt key named %s (an Object.prototype member)', (name) => {
    it('is an unknown key, whatever its value, in the string and in the object', async () => {
      const want = { field: `cardExt.${name}`, message: `cardExt.${name}: ${UNKNOWN_KEY}` }
      for (const value of ['x', '', 1, null, true, {}, [], { timestamp: T }]) {
        const json = withKey(ext(ID.coupon), name, value)
        for (const form of [json, JSON.parse(json)]) {
          expectInvalid(
            thrownBy(() => validateCardExt(form)),
            want,
          )
        }
      }
      await expectRefused('addCard', [{ cardId: ID.coupon, cardExt: withKey(ext(ID.coupon), name) }], {
        index: 0,
        field: `cardExt.${name}`,
        message: `cardList[0].cardExt.${name}: ${UNKNOWN_KEY}`,
      })
    })
  })

  it('a cardExt object whose keys are inherited is refused, not sent as "{}"', () => {
    const inherited = Object.create(shaped()) as CardExtFields
    expectInvalid(
      thrownBy(() => normalizeCardList([{ cardId: ID.coupon, cardExt: inherited }])),
      { index: 0, field: 'cardExt.timestamp', message: 'cardList[0].cardExt.timestamp: is required' },
    )
  })
})

describe('values WeChat matches exactly, spoiled by whitespace or a control character', () => {
  describe.each(spoiled(ID.coupon))('a card id with a %s', (_, cardId, problem) => {
    it('is refused for addCard and openCard, naming cardId', async () => {
      const want = { index: 0, field: 'cardId', message: `cardList[0].cardId: ${problem}` }
      await expectRefused('addCard', [{ cardId, cardExt: ext(ID.coupon) }], want)
      await expectRefused('openCard', [{ cardId, code: '110201201245' }], want)
    })
  })

  it.each(spoiled('110201201245'))('a decrypted code with a %s is refused naming code', async (_, code, problem) => {
    await expectRefused('openCard', [{ cardId: ID.coupon, code }], {
      index: 0,
      field: 'code',
      message: `cardList[0].code: ${problem} (the decrypted code from card/code/decrypt)`,
    })
  })

  it.each(spoiled(ID.member))('cardExt.openid with a %s is refused naming it', async (_, openid, problem) => {
    await expectRefused('addCard', [{ cardId: ID.member, cardExt: shaped({ openid }) }], {
      index: 0,
      field: 'cardExt.openid',
      message: `cardList[0].cardExt.openid: ${problem}`,
    })
  })

  it.each(spoiled('SHOP0001'))('cardExt.code with a %s: only letters and digits', (_, code) => {
    expectInvalid(
      thrownBy(() => validateCardExt(shaped({ code }))),
      { field: 'cardExt.code', message: `cardExt.code: ${LETTERS_AND_DIGITS}` },
    )
  })
})

/** A value cut inside a surrogate pair (half of an emoji), four ways: the problem is the same for each. */
const halved = (value: string): [string, string][] => [
  ['a high surrogate at the end (an emoji cut in half)', value + '\ud83c'],
  ['a low surrogate at the start', '\udf81' + value],
  ['a lone high surrogate inside', value.slice(0, 2) + '\ud83c' + value.slice(2)],
  ['a reversed pair', value + '\udf81\ud83c'],
]
const HALF = 'contains a lone UTF-16 surrogate (half of an emoji or rare character: cut text)'

describe('lone surrogates: half a character never reaches WeChat', () => {
  it.each(halved(ID.coupon))('a card id with %s: invalid for addCard and openCard', async (_, cardId) => {
    const want = { index: 0, field: 'cardId', message: `cardList[0].cardId: ${HALF}` }
    await expectRefused('addCard', [{ cardId, cardExt: ext(ID.coupon) }], want)
    await expectRefused('openCard', [{ cardId, code: '110201201245' }], want)
  })

  it.each(halved('110201201245'))('a decrypted code with %s: invalid', async (_, code) => {
    await expectRefused('openCard', [{ cardId: ID.coupon, code }], {
      index: 0,
      field: 'code',
      message: `cardList[0].code: ${HALF} (the decrypted code from card/code/decrypt)`,
    })
  })

  it.each(halved(ID.member))('cardExt.openid with %s: invalid', async (_, openid) => {
    await expectRefused('addCard', [{ cardId: ID.member, cardExt: shaped({ openid }) }], {
      index: 0,
      field: 'cardExt.openid',
      message: `cardList[0].cardExt.openid: ${HALF}`,
    })
  })

  it.each(halved('活动🎁'))('cardExt.outer_str with %s: invalid; a whole emoji is fine', async (_, outerStr) => {
    await expectRefused('addCard', [{ cardId: ID.coupon, cardExt: shaped({ outer_str: outerStr }) }], {
      index: 0,
      field: 'cardExt.outer_str',
      message: `cardList[0].cardExt.outer_str: ${HALF}`,
    })
    expect(validateCardExt(shaped({ outer_str: '活动🎁' })).outer_str).toBe('活动🎁')
  })
})

describe('the encrypted code from wx.addCard is not a code for wx.openCard', () => {
  it.each([
    ['base64 of 48 bytes', 'q3Zr0Kf5+pVb1m/3Yx4eGsT2nQ8wH7cLdA9uJ6iR0oMzE1yB5aNvXtUgPhWkCjDl'],
    ['21 letters and digits', 'A'.repeat(21)],
  ])('%s: invalid before any call, saying to decrypt it on the server', async (_, code) => {
    await expectRefused('openCard', [{ cardId: ID.coupon, code }], {
      index: 0,
      field: 'code',
      message: `cardList[0].code: is ${code.length} characters, longer than any WeChat code (at most 20): it looks like the encrypted code from wx.addCard; decrypt it on your server (card/code/decrypt)`,
    })
  })

  it('20 characters is still a code', () => {
    expect(normalizeOpenList([{ cardId: ID.coupon, code: 'A'.repeat(20) }])).toHaveLength(1)
  })
})

describe('lists and cards of the wrong shape', () => {
  const CARD = { cardId: ID.coupon, cardExt: ext(ID.coupon) }
  const STRING = 'must be a string, got'
  const ITEM = 'must be an object { cardId, … }, got'
  const NOT_A_LIST = 'must be an array of cards, got'
  const NOT_JSON = 'is not valid JSON (pass the string your server returned, unchanged)'
  const NOT_A_CARD_EXT = 'must be the JSON string from your server or an object, got'
  const withExt = (cardExt: unknown) => [{ cardId: ID.coupon, cardExt }]
  const DECRYPTED = '(the decrypted code from card/code/decrypt)'
  /** Rows of [what, cardList, problem, index, field], padded to five columns (after a short row jest adds `done`). */
  type Row = [what: string, list: unknown, problem: string, index?: number, field?: string]
  const rows = (list: Row[]) =>
    list.map(([a, b, c, d, e]): [string, unknown, string, number | undefined, string | undefined] => [a, b, c, d, e])
  /** Where a refusal points, as its message begins: `cardList`, `cardList[1]`, `cardList[0].cardExt`. */
  const where = (index?: number, field?: string) =>
    index === undefined ? 'cardList' : field ? `cardList[${index}].${field}` : `cardList[${index}]`

  it.each(
    rows([
      ['no list', undefined, `${NOT_A_LIST} undefined`],
      ['a card id as the list', ID.coupon, `${NOT_A_LIST} string`],
      ['a null list', null, `${NOT_A_LIST} null`],
      ['a card as the list', CARD, `${NOT_A_LIST} object`],
      ['an empty list', [], 'is empty: pass at least one card'],
      ['a null card', [null], `${ITEM} null`, 0],
      ['a card id as the card', [ID.coupon], `${ITEM} string`, 0],
      ['[cardId, cardExt] as the card', [[ID.coupon, CARD.cardExt]], `${ITEM} array`, 0],
      ['a number as the 2nd card', [CARD, 42], `${ITEM} number`, 1],
      ['no cardId', [{ cardExt: CARD.cardExt }], `${STRING} undefined`, 0, 'cardId'],
      ['card_id instead', [{ card_id: ID.coupon, cardExt: CARD.cardExt }], `${STRING} undefined`, 0, 'cardId'],
      ['a numeric cardId', [{ ...CARD, cardId: 7 }], `${STRING} number`, 0, 'cardId'],
      ['an empty 3rd cardId', [CARD, ...freshCards(ID.voucher), { ...CARD, cardId: '' }], 'is empty', 2, 'cardId'],
      [
        'a blank cardId',
        [{ ...CARD, cardId: '   ' }],
        'has leading or trailing whitespace (WeChat matches it exactly)',
        0,
        'cardId',
      ],
      ['no cardExt', [{ cardId: ID.coupon }], 'is required', 0, 'cardExt'],
      ['an empty cardExt (a binding not loaded yet)', withExt(''), 'is required', 0, 'cardExt'],
      ['a null cardExt', withExt(null), 'is required', 0, 'cardExt'],
      ['a numeric cardExt', withExt(42), `${NOT_A_CARD_EXT} number`, 0, 'cardExt'],
      ['a boolean cardExt', withExt(true), `${NOT_A_CARD_EXT} boolean`, 0, 'cardExt'],
      ['an array cardExt', withExt([shaped()]), `${NOT_A_CARD_EXT} array`, 0, 'cardExt'],
      ['a cardExt that is not JSON', withExt('{oops'), NOT_JSON, 0, 'cardExt'],
      ['a truncated cardExt', withExt('{"timestamp":1'), NOT_JSON, 0, 'cardExt'],
      ['a JSON array cardExt', withExt('[]'), 'must be a JSON object, got array', 0, 'cardExt'],
      ['a JSON null cardExt', withExt('null'), 'must be a JSON object, got null', 0, 'cardExt'],
      ['a JSON string cardExt', withExt('"x"'), 'must be a JSON object, got string', 0, 'cardExt'],
      ['a cardExt without timestamp', withExt({ signature: SIG }), 'is required', 0, 'cardExt.timestamp'],
      ['a cardExt without signature', withExt({ timestamp: T }), 'is required', 0, 'cardExt.signature'],
    ]),
  )('addCards with %s', async (_, list, problem, index, field) => {
    await expectRefused('addCard', list, { index, field, message: `${where(index, field)}: ${problem}` })
  })

  it.each(
    rows([
      ['a card id as the list', ID.coupon, `${NOT_A_LIST} string`],
      ['an empty list', [], 'is empty: pass at least one card'],
      ['a null card', [null], `${ITEM} null`, 0],
      ['no cardId', [{ code: '123' }], `${STRING} undefined`, 0, 'cardId'],
      ['an empty cardId', [{ cardId: '', code: '1' }], 'is empty', 0, 'cardId'],
      ['no code (not decrypted yet)', [{ cardId: ID.coupon }], `${STRING} undefined ${DECRYPTED}`, 0, 'code'],
      ['an empty code', [{ cardId: ID.coupon, code: '' }], `is empty ${DECRYPTED}`, 0, 'code'],
      ['a numeric code', [{ cardId: 'a', code: 1102 }], `${STRING} number ${DECRYPTED}`, 0, 'code'],
      [
        'no code on the 2nd card',
        [{ cardId: 'a', code: '1' }, { cardId: 'b' }],
        `${STRING} undefined ${DECRYPTED}`,
        1,
        'code',
      ],
    ]),
  )('openCards with %s', async (_, list, problem, index, field) => {
    await expectRefused('openCard', list, { index, field, message: `${where(index, field)}: ${problem}` })
  })
})

describe('the same cardExt twice in one list', () => {
  const asObject = (cardExt: string) => JSON.parse(cardExt) as CardExtFields
  const pretty = (cardExt: string) => JSON.stringify(JSON.parse(cardExt), null, 2)
  const reversed = (cardExt: string) =>
    JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(cardExt)).reverse()))
  // [what, the list's cardExts from signed ones a, b, c, d, the repeated index, the index it repeats, card ids]
  it.each<[string, (a: string, b: string, c: string, d: string) => unknown[], number, number, string[]?]>([
    ['the identical string twice', (a) => [a, a], 1, 0],
    ['a string, then the same as an object', (a) => [a, asObject(a)], 1, 0],
    ['an object, then the same as a string', (a) => [asObject(a), a], 1, 0],
    ['both objects', (a) => [asObject(a), asObject(a)], 1, 0],
    ['first and third of three', (a, b) => [a, b, a], 2, 0],
    ['second and third of three', (a, b) => [a, b, b], 2, 1],
    ['three times: the second is named', (a) => [a, a, a], 1, 0],
    ['first and fourth of four, the fourth an object', (a, b, c) => [a, b, c, asObject(a)], 3, 0],
    ['second and fifth of five', (a, b, c, d) => [a, b, c, d, b], 4, 1],
    ['compact, then pretty-printed', (a) => [a, pretty(a)], 1, 0],
    ['pretty-printed, then the object', (a) => [pretty(a), asObject(a)], 1, 0],
    ['its keys in another order', (a) => [a, reversed(a)], 1, 0],
    ['with an unsigned outer_str added', (a) => [a, withKey(a, 'outer_str', 'campaign')], 1, 0],
    ['under two card ids (a cardExt is signed for one card)', (a) => [a, a], 1, 0, [ID.coupon, ID.voucher]],
  ])('%s: refused naming both indexes', async (_, build, index, first, cardIds = []) => {
    const signed = [1, 2, 3, 4].map(() => ext(ID.coupon)) as [string, string, string, string]
    const list = build(...signed).map((cardExt, i) => ({ cardId: cardIds[i] ?? ID.coupon, cardExt }))
    await expectRefused('addCard', list, {
      index,
      field: 'cardExt',
      message: `cardList[${index}].cardExt: is the same cardExt as cardList[${first}]: each card needs its own (a cardExt works once)`,
    })
  })
})
