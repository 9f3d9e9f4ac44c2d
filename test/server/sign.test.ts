// The 卡券签名 (server/sign.ts): signCardExt against peer vectors and an independent reference, createCardExt
// checking every value with the client's rules (utils/rules.ts) and naming the option, verifyCardExt, nonces.
import { createHash } from 'crypto'
import { validateCardExt } from '../../utils'
import { createCardExt, createNonceStr, signCardExt, verifyCardExt } from '../../server'
import { expectTypeError, PROTO_NAMES, spoiled, withItemKey } from '../helpers/platform'

// Peer vectors from wechatpy's card signing tests.
const TICKET = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
const NONCE = 'Wm3WZYTPz0wzccnW'
const TIMESTAMP = 1414587457
const CARD_ID = 'random_card_id'

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex')
/** Independent reference: sort the UTF-8 bytes with Buffer.compare, concatenate, sha1. */
const reference = (values: (string | undefined)[]) =>
  sha1(
    values
      .filter((v): v is string => !!v)
      .map((v) => Buffer.from(v, 'utf8'))
      .sort(Buffer.compare)
      .map((b) => b.toString('utf8'))
      .join(''),
  )

describe('signCardExt', () => {
  it.each([
    ['no code, no openid', {}, '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'],
    ['code', { code: 'random_code' }, '2e9c6d12952246e071717d7baeab20c30420b5cd'],
    ['openid', { openid: 'random_openid' }, 'ded860a5dd4467312764bd86e544ad0579cbfad0'],
    ['code and openid', { code: 'random_code', openid: 'random_openid' }, '950dc1842852457ea573d4d6af34879c1ec093c8'],
  ])('matches the wechatpy vector: %s', (_, extra, want) => {
    const f = { apiTicket: TICKET, cardId: CARD_ID, timestamp: TIMESTAMP, nonceStr: NONCE, ...extra }
    expect(signCardExt(f)).toBe(want)
    expect(signCardExt({ ...f, timestamp: String(TIMESTAMP) })).toBe(want)
  })

  it('sorts in byte order: digits < upper case < lower case', () => {
    const f = {
      apiTicket: 'a_ticket',
      cardId: 'B_card',
      timestamp: 1700000000,
      nonceStr: 'bNonce',
      code: '9code',
      openid: 'A_openid',
    }
    // Hand-ordered: '1' (0x31) < '9' < 'A' (0x41) < 'B' < 'a' (0x61) < 'b'.
    const want = sha1('1700000000' + '9code' + 'A_openid' + 'B_card' + 'a_ticket' + 'bNonce')
    expect(signCardExt(f)).toBe(want)
    expect(reference([f.apiTicket, String(f.timestamp), f.cardId, f.code, f.openid, f.nonceStr])).toBe(want)
    // A locale-aware sort would put 'a_ticket' before 'B_card': the test tells the two apart.
    const locale = [f.apiTicket, String(f.timestamp), f.cardId, f.code, f.openid, f.nonceStr].sort((x, y) =>
      x.localeCompare(y),
    )
    expect(sha1(locale.join(''))).not.toBe(want)
  })

  it('sorts by UTF-8 bytes, not UTF-16 units, for non-ASCII values', () => {
    // U+FF01 is EF BC 81 in UTF-8; the emoji is F0 9F 98 80 but its UTF-16 surrogate D83D sorts before FF01.
    const f = { apiTicket: TICKET, cardId: CARD_ID, timestamp: TIMESTAMP, code: '\uFF01x', openid: '\u{1F600}y' }
    expect(signCardExt(f)).toBe(reference([TICKET, String(TIMESTAMP), CARD_ID, f.code, f.openid]))
    // '1414…' < 'random…' < 'sM4…' < U+FF01 < emoji by bytes; UTF-16 order would swap the last two.
    expect(signCardExt(f)).toBe(sha1(String(TIMESTAMP) + CARD_ID + TICKET + f.code + f.openid))
    expect(signCardExt(f)).not.toBe(sha1(String(TIMESTAMP) + CARD_ID + TICKET + f.openid + f.code))
  })

  it('leaves empty optional values out', () => {
    const base = { apiTicket: TICKET, cardId: CARD_ID, timestamp: TIMESTAMP }
    const want = reference([TICKET, String(TIMESTAMP), CARD_ID])
    expect(signCardExt(base)).toBe(want)
    expect(signCardExt({ ...base, code: '', openid: '', nonceStr: '' })).toBe(want)
  })

  it.each([
    ['apiTicket', { apiTicket: '' }],
    ['cardId', { cardId: '' }],
    ['timestamp', { timestamp: '' }],
  ])('refuses to sign without %s', (field, patch) => {
    expect(() => signCardExt({ apiTicket: TICKET, cardId: CARD_ID, timestamp: TIMESTAMP, ...patch })).toThrow(
      new TypeError(`signCardExt: ${field} is required`),
    )
  })
})

describe('createCardExt', () => {
  const full = {
    apiTicket: TICKET,
    cardId: CARD_ID,
    code: 'random123',
    openid: 'oXyz-_1',
    outerStr: 'from=share',
    fixedBeginTimestamp: 1414600000,
    timestamp: TIMESTAMP,
    nonceStr: NONCE,
  }

  it('reproduces the peer vector and carries exactly the keys given', () => {
    const ext = createCardExt({ apiTicket: TICKET, cardId: CARD_ID, timestamp: TIMESTAMP, nonceStr: NONCE })
    expect(JSON.parse(ext)).toEqual({
      timestamp: TIMESTAMP,
      nonce_str: NONCE,
      signature: '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28',
    })
  })

  it.each([
    ['minimal (defaults for timestamp and nonce)', { apiTicket: TICKET, cardId: CARD_ID }],
    ['code', { apiTicket: TICKET, cardId: CARD_ID, code: 'random123' }],
    ['openid', { apiTicket: TICKET, cardId: CARD_ID, openid: 'oXyz-_1' }],
    ['every option', full],
  ])('passes the client validator and verifyCardExt: %s', (_, o) => {
    const ext = createCardExt(o)
    expect(() => validateCardExt(ext)).not.toThrow()
    expect(verifyCardExt(ext, { apiTicket: TICKET, cardId: CARD_ID })).toBe(true)
  })

  it('defaults timestamp to now in seconds and nonce_str to 32 letters and digits', () => {
    const before = Math.floor(Date.now() / 1000)
    const ext = JSON.parse(createCardExt({ apiTicket: TICKET, cardId: CARD_ID }))
    expect(ext.timestamp).toBeGreaterThanOrEqual(before)
    expect(ext.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
    expect(ext.nonce_str).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('carries fixed_begintimestamp and outer_str without signing them', () => {
    const ext = JSON.parse(createCardExt(full))
    expect(ext.fixed_begintimestamp).toBe(1414600000)
    expect(ext.outer_str).toBe('from=share')
    expect(ext.signature).toBe(reference([TICKET, String(TIMESTAMP), CARD_ID, full.code, full.openid, NONCE]))
    const changed = JSON.stringify({ ...ext, fixed_begintimestamp: 1500000000, outer_str: 'other' })
    expect(verifyCardExt(changed, { apiTicket: TICKET, cardId: CARD_ID })).toBe(true)
  })

  it('never puts the api_ticket in the output', () => {
    const ext = createCardExt(full)
    expect(ext).not.toContain(TICKET)
    expect(ext).not.toMatch(/ticket/i)
    expect(Object.keys(JSON.parse(ext)).sort()).toEqual([
      'code',
      'fixed_begintimestamp',
      'nonce_str',
      'openid',
      'outer_str',
      'signature',
      'timestamp',
    ])
  })

  it('leaves out empty code and openid, and signs without them', () => {
    const ext = JSON.parse(
      createCardExt({
        apiTicket: TICKET,
        cardId: CARD_ID,
        code: '',
        openid: '',
        timestamp: TIMESTAMP,
        nonceStr: NONCE,
      }),
    )
    expect(ext).toEqual({
      timestamp: TIMESTAMP,
      nonce_str: NONCE,
      signature: '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28',
    })
  })

  it('signs a fresh cardExt every time, even within one second', () => {
    const made = new Set<string>()
    for (let i = 0; i < 500; i++) made.add(createCardExt({ apiTicket: TICKET, cardId: CARD_ID, timestamp: TIMESTAMP }))
    expect(made.size).toBe(500)
  })

  it.each(PROTO_NAMES)('never reads an option named %s, nor copies it into the cardExt', (name) => {
    const cardExt = createCardExt(
      withItemKey({ apiTicket: TICKET, cardId: CARD_ID, timestamp: 1, nonceStr: 'n' }, name),
    )
    expect(Object.keys(JSON.parse(cardExt))).toEqual(['timestamp', 'nonce_str', 'signature'])
    expect(verifyCardExt(cardExt, { apiTicket: TICKET, cardId: CARD_ID })).toBe(true)
  })

  const LETTERS = 'may contain only letters and digits (A-Z, a-z, 0-9)'
  const MS = 'looks like milliseconds (13 digits): use seconds, Math.floor(Date.now() / 1000)'
  type Refusal = [string, Record<string, unknown> | undefined, string]
  it.each<Refusal>([
    ['no options', undefined, 'apiTicket is required'],
    ['an empty apiTicket', { apiTicket: '' }, 'apiTicket is required'],
    // WeChat would answer 签名错误; the message never shows the ticket
    [
      'an apiTicket read with its newline',
      { apiTicket: `${TICKET}\n` },
      'apiTicket has whitespace or a control character',
    ],
    [
      'an apiTicket pasted with a space',
      { apiTicket: ` ${TICKET}` },
      'apiTicket has whitespace or a control character',
    ],
    ['no cardId', { cardId: undefined }, 'cardId must be a string, got undefined'],
    ['an empty cardId', { cardId: '' }, 'cardId is empty'],
    ['a numeric cardId', { cardId: 7 }, 'cardId must be a string, got number'],
    ...spoiled(CARD_ID).map(([what, cardId, problem]): Refusal => [
      `a cardId with a ${what}`,
      { cardId },
      `cardId ${problem}`,
    ]),
    ...spoiled('oXyz-_1').map(([what, openid, problem]): Refusal => [
      `an openid with a ${what}`,
      { openid },
      `openid ${problem}`,
    ]),
    ...spoiled('SHOP0001').map(([what, code]): Refusal => [`a code with a ${what}`, { code }, `code ${LETTERS}`]),
    ['an empty timestamp', { timestamp: '' }, 'timestamp is empty'],
    [
      'a boolean timestamp',
      { timestamp: true },
      'timestamp must be integer seconds (a number or a string of digits), got boolean',
    ],
    ['a fractional timestamp', { timestamp: 1.5 }, 'timestamp must be integer seconds (digits only), got 1.5'],
    ['a timestamp that is a word', { timestamp: 'now' }, 'timestamp must be integer seconds (digits only), got "now"'],
    ['a timestamp in milliseconds', { timestamp: 1700000000000 }, `timestamp ${MS}`],
    ['a nonceStr with a space', { nonceStr: 'has space' }, `nonceStr ${LETTERS}`],
    ['a nonceStr of 33 characters', { nonceStr: 'a'.repeat(33) }, 'nonceStr is too long: 33 characters (at most 32)'],
    ['a numeric nonceStr', { nonceStr: 12345 }, 'nonceStr must be a string, got number'],
    ['a numeric code', { code: 123 }, 'code must be a string, got number'],
    ['a code with a dash (the client would refuse it)', { code: 'SHOP-2026-0001' }, `code ${LETTERS}`],
    ['a 21-character code', { code: '1'.repeat(21) }, 'code is too long: 21 characters (at most 20)'],
    ['a numeric openid', { openid: 7 }, 'openid must be a string, got number'],
    ['a numeric outerStr', { outerStr: 7 }, 'outerStr must be a string, got number'],
    ['a fixedBeginTimestamp in milliseconds', { fixedBeginTimestamp: 1700000000000 }, `fixedBeginTimestamp ${MS}`],
    [
      'a fixedBeginTimestamp word',
      { fixedBeginTimestamp: 'soon' },
      'fixedBeginTimestamp must be integer seconds (digits only), got "soon"',
    ],
  ])('throws a TypeError naming the option for %s', async (_, patch, message) => {
    const options = patch && { apiTicket: TICKET, cardId: CARD_ID, ...patch }
    await expectTypeError(() => createCardExt(options as never), `createCardExt: ${message}`)
  })
})

describe('verifyCardExt rejects tampering', () => {
  const key = { apiTicket: TICKET, cardId: CARD_ID }
  const signed = JSON.parse(
    createCardExt({
      ...key,
      code: 'random123',
      openid: 'oXyz-_1',
      timestamp: TIMESTAMP,
      nonceStr: NONCE,
      outerStr: 'x',
    }),
  ) as Record<string, unknown>
  const flipHex = (s: string) => (s[0] === '0' ? '1' : '0') + s.slice(1)

  it('accepts the untouched cardExt, also with an upper-case signature', () => {
    expect(verifyCardExt(JSON.stringify(signed), key)).toBe(true)
    expect(verifyCardExt(JSON.stringify({ ...signed, signature: String(signed.signature).toUpperCase() }), key)).toBe(
      true,
    )
  })

  it.each<[string, Record<string, unknown>]>([
    ['timestamp', { timestamp: TIMESTAMP + 1 }],
    ['timestamp as a different string', { timestamp: `${TIMESTAMP}0` }],
    ['nonce_str', { nonce_str: NONCE.replace('W', 'w') }],
    ['code', { code: 'random124' }],
    ['openid', { openid: 'oXyz-_2' }],
    ['signature', { signature: flipHex(String(signed.signature)) }],
    ['code removed', { code: undefined }],
    ['openid removed', { openid: undefined }],
    ['nonce_str removed', { nonce_str: undefined }],
    ['code as a number (would be unsigned)', { code: 123 }],
    ['timestamp as an object', { timestamp: {} }],
    ['signature missing', { signature: undefined }],
  ])('fails when %s is changed', (_, patch) => {
    expect(verifyCardExt(JSON.stringify({ ...signed, ...patch }), key)).toBe(false)
  })

  it('fails for the wrong cardId or the wrong ticket', () => {
    const ext = JSON.stringify(signed)
    expect(verifyCardExt(ext, { ...key, cardId: 'other_card_id' })).toBe(false)
    expect(verifyCardExt(ext, { ...key, apiTicket: TICKET.slice(0, -1) + 'h' })).toBe(false)
  })

  it.each(['not json', 'null', '[]', '"str"', '{}', '{"timestamp":1}'])('returns false for %s', (s) => {
    expect(verifyCardExt(s, key)).toBe(false)
  })

  it('throws instead of verifying without the secret or the cardId', () => {
    // Signed over timestamp + cardId only: must not verify against an empty ticket.
    const forged = JSON.stringify({ timestamp: TIMESTAMP, signature: reference([String(TIMESTAMP), CARD_ID]) })
    expect(() => verifyCardExt(forged, { apiTicket: '', cardId: CARD_ID })).toThrow(TypeError)
    expect(() => verifyCardExt(forged, { apiTicket: TICKET, cardId: '' })).toThrow(TypeError)
  })
})

describe('createNonceStr', () => {
  it('draws 32 letters and digits, unique over 10,000 draws, using the whole alphabet', () => {
    const seen = new Set<string>()
    const chars = new Set<string>()
    for (let i = 0; i < 10000; i++) {
      const s = createNonceStr()
      expect(s).toMatch(/^[A-Za-z0-9]{32}$/)
      seen.add(s)
      for (const c of s) chars.add(c)
    }
    expect(seen.size).toBe(10000)
    expect(chars.size).toBe(62)
  })

  it.each([1, 16, 32])('honours length %i', (n) => {
    expect(createNonceStr(n)).toMatch(new RegExp(`^[A-Za-z0-9]{${n}}$`))
  })

  it.each([0, 33, 1.5, -1, NaN])('throws a RangeError for length %p', (n) => {
    expect(() => createNonceStr(n)).toThrow(RangeError)
  })
})
