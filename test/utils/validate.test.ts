// The client's card checks, table-driven: what WeChat accepts passes; each mistake is a CardError('invalid') naming
// the card and the key, thrown before any wx call (the installed simulator counts the calls).
import { addCards, CardError, normalizeCardList, openCards, validateCardExt } from '../../utils'
import { installPlatform, rejectionOf, thrownBy } from '../testing/fixtures'

const SIG = '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'
const ext = (o: Record<string, unknown> = {}) => ({ timestamp: 1414587457, signature: SIG, ...o })
const card = (o: Record<string, unknown> = {}) => ({
  cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
  cardExt: JSON.stringify(ext(o)),
})

describe('validateCardExt accepts what WeChat accepts', () => {
  it.each([
    ['minimal', ext()],
    ['digit-string timestamp', ext({ timestamp: '1414587457' })],
    [
      'every key',
      ext({
        nonce_str: 'Wm3WZYTPz0wzccnW',
        code: 'random123',
        openid: 'oXyz-_1',
        outer_str: 'from=share',
        fixed_begintimestamp: 1414587457,
      }),
    ],
    ['32-char nonce', ext({ nonce_str: 'a'.repeat(32) })],
    ['20-char code', ext({ code: '1'.repeat(20) })],
    ['empty optional strings (they add nothing to the signature)', ext({ code: '', openid: '' })],
    ['upper-case hex', ext({ signature: SIG.toUpperCase() })],
  ])('%s', (_, o) => {
    expect(validateCardExt(o)).toEqual(o)
    expect(validateCardExt(JSON.stringify(o))).toEqual(o)
  })
})

// [label, cardList, index, field]
const bad: [string, unknown, number | undefined, string | undefined][] = [
  ['undefined list', undefined, undefined, undefined],
  ['null list', null, undefined, undefined],
  ['empty list', [], undefined, undefined],
  ['string list', 'pFS7', undefined, undefined],
  ['object instead of list', card(), undefined, undefined],
  ['null item', [null], 0, undefined],
  ['string item', ['pFS7'], 0, undefined],
  ['array item', [[card()]], 0, undefined],
  ['missing cardId', [{ cardExt: card().cardExt }], 0, 'cardId'],
  ['empty cardId', [{ ...card(), cardId: '' }], 0, 'cardId'],
  ['blank cardId', [{ ...card(), cardId: '   ' }], 0, 'cardId'],
  ['numeric cardId', [{ ...card(), cardId: 123 }], 0, 'cardId'],
  ['missing cardExt', [{ cardId: 'a' }], 0, 'cardExt'],
  ['null cardExt', [{ cardId: 'a', cardExt: null }], 0, 'cardExt'],
  ['numeric cardExt', [{ cardId: 'a', cardExt: 42 }], 0, 'cardExt'],
  ['array cardExt', [{ cardId: 'a', cardExt: [ext()] }], 0, 'cardExt'],
  ['non-JSON cardExt', [{ cardId: 'a', cardExt: '{timestamp:1}' }], 0, 'cardExt'],
  ['empty-string cardExt', [{ cardId: 'a', cardExt: '' }], 0, 'cardExt'],
  ['JSON array cardExt', [{ cardId: 'a', cardExt: '[1]' }], 0, 'cardExt'],
  ['JSON null cardExt', [{ cardId: 'a', cardExt: 'null' }], 0, 'cardExt'],
  ['JSON number cardExt', [{ cardId: 'a', cardExt: '1' }], 0, 'cardExt'],
  ['JSON string cardExt', [{ cardId: 'a', cardExt: '"x"' }], 0, 'cardExt'],
  ['missing timestamp', [{ cardId: 'a', cardExt: { signature: SIG } }], 0, 'cardExt.timestamp'],
  ['null timestamp', [card({ timestamp: null })], 0, 'cardExt.timestamp'],
  ['float timestamp', [card({ timestamp: 1414587457.5 })], 0, 'cardExt.timestamp'],
  ['negative timestamp', [card({ timestamp: -1 })], 0, 'cardExt.timestamp'],
  ['millisecond timestamp', [card({ timestamp: 1414587457000 })], 0, 'cardExt.timestamp'],
  ['millisecond string timestamp', [card({ timestamp: '1414587457000' })], 0, 'cardExt.timestamp'],
  ['date-string timestamp', [card({ timestamp: '2014-10-29' })], 0, 'cardExt.timestamp'],
  ['empty timestamp', [card({ timestamp: '' })], 0, 'cardExt.timestamp'],
  ['boolean timestamp', [card({ timestamp: true })], 0, 'cardExt.timestamp'],
  ['missing signature', [{ cardId: 'a', cardExt: { timestamp: 1 } }], 0, 'cardExt.signature'],
  ['short signature', [card({ signature: SIG.slice(1) })], 0, 'cardExt.signature'],
  ['long signature', [card({ signature: SIG + '0' })], 0, 'cardExt.signature'],
  ['non-hex signature', [card({ signature: 'z'.repeat(40) })], 0, 'cardExt.signature'],
  ['md5-length signature', [card({ signature: 'a'.repeat(32) })], 0, 'cardExt.signature'],
  ['numeric signature', [card({ signature: 1234 })], 0, 'cardExt.signature'],
  ['33-char nonce_str', [card({ nonce_str: 'a'.repeat(33) })], 0, 'cardExt.nonce_str'],
  ['nonce_str with dash', [card({ nonce_str: 'abc-def' })], 0, 'cardExt.nonce_str'],
  ['nonce_str with space', [card({ nonce_str: 'abc def' })], 0, 'cardExt.nonce_str'],
  ['nonce_str with Chinese', [card({ nonce_str: '随机串' })], 0, 'cardExt.nonce_str'],
  ['numeric nonce_str', [card({ nonce_str: 12345 })], 0, 'cardExt.nonce_str'],
  ['21-char code', [card({ code: '1'.repeat(21) })], 0, 'cardExt.code'],
  ['code with symbol', [card({ code: 'ab#12' })], 0, 'cardExt.code'],
  ['code with underscore', [card({ code: 'ab_12' })], 0, 'cardExt.code'],
  ['numeric code', [card({ code: 12345 })], 0, 'cardExt.code'],
  ['numeric openid', [card({ openid: 12345 })], 0, 'cardExt.openid'],
  ['object outer_str', [card({ outer_str: { a: 1 } })], 0, 'cardExt.outer_str'],
  ['float fixed_begintimestamp', [card({ fixed_begintimestamp: 1.5 })], 0, 'cardExt.fixed_begintimestamp'],
  ['word fixed_begintimestamp', [card({ fixed_begintimestamp: 'tomorrow' })], 0, 'cardExt.fixed_begintimestamp'],
  [
    'api_ticket leaked',
    [card({ api_ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy' })],
    0,
    'cardExt.api_ticket',
  ],
  ['card_id inside cardExt', [card({ card_id: 'pFS7' })], 0, 'cardExt.card_id'],
  ['camelCase nonceStr', [card({ nonceStr: 'abc' })], 0, 'cardExt.nonceStr'],
  ['unknown key', [card({ foo: 'bar' })], 0, 'cardExt.foo'],
  ['bad second card', [card(), card({ nonce_str: '!' })], 1, 'cardExt.nonce_str'],
  [
    'bad third card id',
    [card({ nonce_str: 'n1' }), card({ nonce_str: 'n2', signature: SIG.replace('2', '3') }), { ...card(), cardId: '' }],
    2,
    'cardId',
  ],
  ['object cardExt, bad key', [{ cardId: 'a', cardExt: ext({ signature: 'nope' }) }], 0, 'cardExt.signature'],
]

describe.each(bad)('invalid add input: %s', (_, list, index, field) => {
  const check = (err: CardError) => {
    expect(err).toBeInstanceOf(CardError)
    expect([err.code, err.index, err.field]).toEqual(['invalid', index, field])
    expect(err.message).toContain(index === undefined ? 'cardList' : `cardList[${index}]`)
    if (field) expect(err.message).toContain(field)
  }
  it('normalizeCardList throws a CardError naming index and field', () => {
    check(thrownBy(() => normalizeCardList(list as never)))
  })
  it('addCards rejects without calling wx.addCard', async () => {
    const p = installPlatform()
    check(await rejectionOf(addCards(list as never)))
    expect([p.state.calls.addCard, p.state.log]).toEqual([0, []])
  })
})

// The reason is the product: each common mistake gets its own words, not a catch-all.
it.each([
  ['a card-ext binding not loaded yet', '', 'cardList[0].cardExt: is required'],
  ['a missing cardExt', undefined, 'cardList[0].cardExt: is required'],
  ['a truncated JSON string', '{"timestamp":1', 'cardList[0].cardExt: is not valid JSON'],
  ['a JSON array', '[1]', 'cardList[0].cardExt: must be a JSON object'],
  [
    'a millisecond timestamp',
    JSON.stringify(ext({ timestamp: 1700000000000 })),
    'cardList[0].cardExt.timestamp: looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)',
  ],
  ['an empty timestamp', JSON.stringify(ext({ timestamp: '' })), 'cardList[0].cardExt.timestamp: is empty'],
  ['the api_ticket', JSON.stringify(ext({ api_ticket: 't' })), 'cardList[0].cardExt.api_ticket: is a server secret'],
])('names the mistake for %s', (_, cardExt, message) => {
  expect(() => normalizeCardList([{ cardId: 'a', cardExt } as never])).toThrow(message)
})

const badOpen: [string, unknown, number | undefined, string | undefined][] = [
  ['undefined list', undefined, undefined, undefined],
  ['empty list', [], undefined, undefined],
  ['null item', [null], 0, undefined],
  ['missing cardId', [{ code: '123' }], 0, 'cardId'],
  ['empty cardId', [{ cardId: '', code: '123' }], 0, 'cardId'],
  ['missing code (not decrypted yet)', [{ cardId: 'a' }], 0, 'code'],
  ['empty code', [{ cardId: 'a', code: '' }], 0, 'code'],
  ['numeric code', [{ cardId: 'a', code: 123 }], 0, 'code'],
  ['bad second card', [{ cardId: 'a', code: '1' }, { cardId: 'b' }], 1, 'code'],
]
describe.each(badOpen)('invalid open input: %s', (_, list, index, field) => {
  it('openCards rejects without calling wx.openCard', async () => {
    const p = installPlatform()
    const err = await rejectionOf(openCards(list as never))
    expect(err).toBeInstanceOf(CardError)
    expect([err.code, err.index, err.field]).toEqual(['invalid', index, field])
    expect([p.state.calls.openCard, p.state.log]).toEqual([0, []])
  })
})

describe('normalizeCardList output', () => {
  it('serializes an object cardExt to the JSON string WeChat needs and keeps strings as given', () => {
    // the caller's exact string, untouched (another card: another signature)
    const s = ' ' + JSON.stringify(ext({ signature: SIG.replace('2', '3') }))
    const out = normalizeCardList([
      { cardId: 'a', cardExt: ext({ code: 'x1' }) },
      { cardId: 'b', cardExt: s },
    ])
    expect(out).toEqual([
      { cardId: 'a', cardExt: JSON.stringify(ext({ code: 'x1' })) },
      { cardId: 'b', cardExt: s },
    ])
    expect(typeof out[0].cardExt).toBe('string')
  })
})
