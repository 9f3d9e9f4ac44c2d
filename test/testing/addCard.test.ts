// How the simulated WeChat judges wx.addCard (testing/platform.ts): the signature, the parameters a card needs,
// single-use cardExts, stock and get_limit, the user's decision; and the options of createCardPlatform.
import { signCardExt } from '../../server/sign'
import { createCardPlatform, FIXTURE_CARDS } from '../../testing'
import {
  ACCOUNT,
  add,
  cardsOf,
  edit,
  ext,
  ID,
  makePlatform,
  open,
  PROTO_NAMES,
  spoiled,
  withKey,
} from '../helpers/platform'

const errMsgOf = async (p: Promise<{ via: string; res: { errMsg: string } }>) => {
  const s = await p
  return `${s.via}: ${s.res.errMsg}`
}

/** A cardExt signed by hand (createCardExt refuses these values): the signature is right, a value is not. */
function handSigned(cardId: string, f: { timestamp?: number; nonce_str?: string; code?: string; openid?: string }) {
  const fields = { timestamp: 1700000000, ...f }
  const { timestamp, nonce_str: nonceStr, code, openid } = fields
  const signature = signCardExt({ apiTicket: ACCOUNT.apiTicket, cardId, timestamp, nonceStr, code, openid })
  return JSON.stringify({ ...fields, signature })
}

describe('wx.addCard: a good call', () => {
  it('answers addCard:ok asynchronously, complete gets the same object, and the user holds the card', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.voucher)
    const s = await add(p, [{ cardId: ID.voucher, cardExt }])
    expect([s.via, s.async, s.complete, s.res.errMsg]).toEqual(['success', true, s.res, 'addCard:ok'])
    const [c] = cardsOf(s)
    expect(c).toEqual({ cardId: ID.voucher, cardExt, code: expect.any(String), isSuccess: true })
    const [held] = p.state.held
    expect(held.cardId).toBe(ID.voucher)
    expect(held.code).toMatch(/^\d{12}$/)
    // The client gets an opaque string, not the code: standard base64, as WeChat's.
    expect(c.code).toBe(held.encryptCode)
    expect(c.code).not.toContain(held.code)
    expect(c.code).toMatch(/^[A-Za-z0-9+/]{62}[A-Za-z0-9+/=]{2}$/)
    expect([p.state.taken[ID.voucher], p.state.stock[ID.voucher], p.state.calls.addCard]).toEqual([1, Infinity, 1])
  })

  it('adds several cards in one call, each with its own code; a custom-code card gets the code of its cardExt', async () => {
    const p = makePlatform()
    const s = await add(p, [
      { cardId: ID.voucher, cardExt: ext(ID.voucher) },
      { cardId: ID.custom, cardExt: ext(ID.custom, { code: 'CUSTOM001' }) },
      { cardId: ID.member, cardExt: ext(ID.member, { openid: ACCOUNT.openid }) },
    ])
    expect(cardsOf(s).map((c) => [c.cardId, c.isSuccess])).toEqual([
      [ID.voucher, true],
      [ID.custom, true],
      [ID.member, true],
    ])
    expect(p.state.held.map((h) => h.cardId)).toEqual([ID.voucher, ID.custom, ID.member])
    expect(p.state.held[1].code).toBe('CUSTOM001')
    expect(new Set(cardsOf(s).map((c) => c.code)).size).toBe(3)
  })

  it('accepts the unsigned fixed_begintimestamp and outer_str and keeps outer_str with the card', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.voucher, { outerStr: 'banner', fixedBeginTimestamp: 1700000000 })
    expect(await errMsgOf(add(p, [{ cardId: ID.voucher, cardExt }]))).toBe('success: addCard:ok')
    expect(p.state.held[0].outerStr).toBe('banner')
  })

  it('accepts a timestamp sent as a digit string and a cardExt without nonce_str', async () => {
    const timestamp = 1700000000
    const signature = signCardExt({ apiTicket: ACCOUNT.apiTicket, cardId: ID.voucher, timestamp })
    const cardExt = JSON.stringify({ timestamp: String(timestamp), signature })
    expect((await add(makePlatform(), [{ cardId: ID.voucher, cardExt }])).res.errMsg).toBe('addCard:ok')
  })

  it('returns a Promise when called without callbacks (base library promise style)', async () => {
    const p = makePlatform()
    const res = await p.wx.addCard({ cardList: [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }] })
    expect(res.errMsg).toBe('addCard:ok')
    const wrongTicket = [{ cardId: ID.voucher, cardExt: ext(ID.voucher, { apiTicket: 'x' }) }]
    await expect(p.wx.addCard({ cardList: wrongTicket })).rejects.toEqual({ errMsg: 'addCard:fail 签名错误' })
  })
})

describe('wx.addCard: signature (卡券签名)', () => {
  it.each<[string, () => unknown]>([
    ['signed with another ticket', () => ext(ID.voucher, { apiTicket: 'some-other-ticket' })],
    ['an object instead of the JSON string (iOS)', () => JSON.parse(ext(ID.voucher))],
    ['not JSON', () => '{timestamp: 1}'],
    ['JSON that is not an object', () => '[1]'],
    ['api_ticket sent inside cardExt', () => edit(ext(ID.voucher), { api_ticket: ACCOUNT.apiTicket })],
    ['an unknown key', () => edit(ext(ID.voucher), { nonceStr: 'abc' })],
    ...PROTO_NAMES.map((name): [string, () => unknown] => [
      `a key named ${name} (WeChat signs no such key)`,
      () => withKey(ext(ID.voucher), name),
    ]),
    ['a signed key dropped after signing', () => edit(ext(ID.custom, { code: 'C1' }), { code: undefined })],
    ['a signed value changed', () => edit(ext(ID.voucher, { timestamp: 1700000000 }), { timestamp: 1700000001 })],
    ['a signed key added after signing', () => edit(ext(ID.voucher), { openid: ACCOUNT.openid })],
    ['no signature', () => edit(ext(ID.voucher), { signature: undefined })],
    ['no timestamp', () => edit(ext(ID.voucher), { timestamp: undefined })],
    ['a number code, which signing would skip', () => edit(ext(ID.custom), { code: 123456 })],
    ['signed for another card_id', () => ext(ID.custom)],
  ])('%s → addCard:fail 签名错误', async (_why, make) => {
    const p = makePlatform()
    expect(await errMsgOf(add(p, [{ cardId: ID.voucher, cardExt: make() }]))).toBe('fail: addCard:fail 签名错误')
    expect(p.state.held).toEqual([])
  })

  it('reports 签名错误 when a card has both a bad signature and a parameter problem', async () => {
    const cardExt = ext(ID.custom, { apiTicket: 'wrong' }) // wrong ticket and no code
    expect(await errMsgOf(add(makePlatform(), [{ cardId: ID.custom, cardExt }]))).toBe('fail: addCard:fail 签名错误')
  })
})

describe('wx.addCard: parameters (code / openid must match the card)', () => {
  it.each<[string, string, () => string]>([
    ['a custom-code card without code', ID.custom, () => ext(ID.custom)],
    ['a platform-code card with a code', ID.voucher, () => ext(ID.voucher, { code: 'C1' })],
    ['a bound card without openid', ID.member, () => ext(ID.member)],
    ['a bound card with another user', ID.member, () => ext(ID.member, { openid: 'oSomeoneElse' })],
    ['an unbound card with openid', ID.voucher, () => ext(ID.voucher, { openid: ACCOUNT.openid })],
    ['nonce_str longer than 32', ID.voucher, () => handSigned(ID.voucher, { nonce_str: 'n'.repeat(33) })],
    ['nonce_str with a dash', ID.voucher, () => handSigned(ID.voucher, { nonce_str: 'abc-def' })],
    ['a timestamp that is not integer seconds', ID.voucher, () => handSigned(ID.voucher, { timestamp: 1.5 })],
    ['a millisecond timestamp', ID.voucher, () => handSigned(ID.voucher, { timestamp: 1700000000000 })],
    ['a custom code with a dash', ID.custom, () => handSigned(ID.custom, { code: 'SHOP-2026-0001' })],
    ['a custom code longer than 20', ID.custom, () => handSigned(ID.custom, { code: '1'.repeat(21) })],
    ...spoiled('SHOP0001').map(([what, code]): [string, string, () => string] => [
      `a custom code with a ${what}`,
      ID.custom,
      () => handSigned(ID.custom, { code }),
    ]),
    ...spoiled(ACCOUNT.openid).map(([what, openid]): [string, string, () => string] => [
      `the openid with a ${what}`,
      ID.member,
      () => handSigned(ID.member, { openid }),
    ]),
    ['a bad fixed_begintimestamp', ID.voucher, () => edit(ext(ID.voucher), { fixed_begintimestamp: 'soon' })],
    ['a non-string outer_str', ID.voucher, () => edit(ext(ID.voucher), { outer_str: 7 })],
  ])('%s → addCard:fail 参数错误', async (_why, cardId, make) => {
    const p = makePlatform()
    expect(await errMsgOf(add(p, [{ cardId, cardExt: make() }]))).toBe('fail: addCard:fail 参数错误')
    expect(p.state.held).toEqual([])
  })

  it('fails the whole call when one card of several is wrong: nothing is issued', async () => {
    const p = makePlatform()
    const s = await add(p, [
      { cardId: ID.voucher, cardExt: ext(ID.voucher) },
      { cardId: ID.member, cardExt: ext(ID.member, { openid: 'oSomeoneElse' }) },
    ])
    expect([s.res.errMsg, s.complete]).toEqual(['addCard:fail 参数错误', s.res])
    expect([p.state.held, p.state.nonces, p.state.taken[ID.voucher]]).toEqual([[], [], 0])
  })

  it.each<[string, unknown, string]>([
    ['no cardList', undefined, 'parameter error: parameter.cardList should be Array instead of Undefined;'],
    ['a cardList object', {}, 'parameter error: parameter.cardList should be Array instead of Object;'],
    ['an empty cardList', [], '参数错误'],
    ['a null item', [null], 'parameter error: parameter.cardList[0] should be Object instead of Null;'],
    ['no cardId', [{ cardExt: '{}' }], 'parameter error: parameter.cardList[0].cardId should be a non-empty String;'],
    ['an unknown cardId', [{ cardId: 'pNope', cardExt: '{}' }], 'invalid card_id: pNope'],
    ...PROTO_NAMES.map((name): [string, unknown, string] => [
      `${name} as the card id (a card the platform does not list)`,
      [{ cardId: name, cardExt: ext(name) }],
      `invalid card_id: ${name}`,
    ]),
    ...spoiled(ID.voucher).map(([what, cardId, problem]): [string, unknown, string] => [
      `a card id with a ${what}`,
      [{ cardId, cardExt: handSigned(cardId, {}) }],
      `invalid card_id: cardList[0].cardId ${problem}`,
    ]),
  ])('%s → addCard:fail %s', async (_why, cardList, detail) => {
    expect((await add(makePlatform(), cardList)).res.errMsg).toBe(`addCard:fail ${detail}`)
  })
})

describe('wx.addCard: nonce_str + timestamp', () => {
  it('fails a reused cardExt with 已领完 and records each pair once', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.voucher, { nonceStr: 'abc123', timestamp: 1700000000 })
    expect(await errMsgOf(add(p, [{ cardId: ID.voucher, cardExt }]))).toBe('success: addCard:ok')
    expect(await errMsgOf(add(p, [{ cardId: ID.voucher, cardExt }]))).toBe('fail: addCard:fail 已领完')
    expect(p.state.nonces).toEqual([{ cardId: ID.voucher, timestamp: '1700000000', nonceStr: 'abc123' }])
    expect(p.state.held).toHaveLength(1)
  })

  it('fails the same pair twice within one call, in any position, and issues nothing', async () => {
    const p = makePlatform()
    const [a, b] = [ext(ID.voucher), ext(ID.voucher)]
    const s = await add(
      p,
      [a, b, a].map((cardExt) => ({ cardId: ID.voucher, cardExt })),
    )
    expect(s.res.errMsg).toBe('addCard:fail 已领完')
    expect([p.state.held, p.state.nonces]).toEqual([[], []])
  })

  it('keys the pair per card: the same nonce and timestamp for two different cards is fine', async () => {
    const same = { nonceStr: 'shared', timestamp: 1700000000 }
    const s = await add(makePlatform(), [
      { cardId: ID.voucher, cardExt: ext(ID.voucher, same) },
      { cardId: ID.lastOne, cardExt: ext(ID.lastOne, same) },
    ])
    expect(s.res.errMsg).toBe('addCard:ok')
  })

  it('does not burn the pair when the call fails or the user cancels, so the same cardExt can be retried', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.voucher)
    p.nextUserAction('cancel')
    expect(await errMsgOf(add(p, [{ cardId: ID.voucher, cardExt }]))).toBe('fail: addCard:fail cancel')
    expect(p.state.nonces).toEqual([])
    expect(await errMsgOf(add(p, [{ cardId: ID.voucher, cardExt }]))).toBe('success: addCard:ok')
  })
})

describe('wx.addCard: stock and get_limit only mark the card', () => {
  it('marks a card out of stock isSuccess:false while the others in the call succeed', async () => {
    const p = makePlatform()
    await add(p, [{ cardId: ID.lastOne, cardExt: ext(ID.lastOne) }])
    expect(p.state.stock[ID.lastOne]).toBe(0)
    const s = await add(p, [
      { cardId: ID.lastOne, cardExt: ext(ID.lastOne) },
      { cardId: ID.voucher, cardExt: ext(ID.voucher) },
    ])
    expect(s.res.errMsg).toBe('addCard:ok')
    expect(cardsOf(s).map((c) => [c.isSuccess, c.code === ''])).toEqual([
      [false, true],
      [true, false],
    ])
    expect([p.state.stock[ID.lastOne], p.state.taken[ID.lastOne]]).toEqual([0, 1])
    expect(p.state.held.map((h) => h.cardId)).toEqual([ID.lastOne, ID.voucher])
  })

  it('marks a card past its get_limit (3 coupons per user) isSuccess:false; stock is not spent', async () => {
    const p = makePlatform()
    const s = await add(p, [
      ...[1, 2, 3, 4].map(() => ({ cardId: ID.coupon, cardExt: ext(ID.coupon) })),
      { cardId: ID.voucher, cardExt: ext(ID.voucher) },
    ])
    expect(cardsOf(s).map((c) => c.isSuccess)).toEqual([true, true, true, false, true])
    expect([p.state.taken[ID.coupon], p.state.stock[ID.coupon]]).toEqual([3, 97])
  })

  it('a quantity of 0 refuses every copy', async () => {
    const s = await add(makePlatform(), [{ cardId: ID.soldOut, cardExt: ext(ID.soldOut) }])
    expect([s.res.errMsg, cardsOf(s)[0].isSuccess]).toEqual(['addCard:ok', false])
  })

  it('marks a custom code the user already holds isSuccess:false', async () => {
    const p = makePlatform()
    await add(p, [{ cardId: ID.custom, cardExt: ext(ID.custom, { code: 'DUP1' }) }])
    const s = await add(p, [{ cardId: ID.custom, cardExt: ext(ID.custom, { code: 'DUP1' }) }])
    expect(cardsOf(s)[0].isSuccess).toBe(false)
    expect(p.state.held).toHaveLength(1)
  })

  it.each(PROTO_NAMES)('keeps the stock and count of a card listed as %s under that id', async (name) => {
    // a merchant card named like an Object.prototype member: never confused with the inherited one
    const p = makePlatform({ cards: [{ cardId: name, quantity: 1 }] })
    expect([Object.entries(p.state.stock), Object.entries(p.state.taken)]).toEqual([[[name, 1]], [[name, 0]]])
    const first = await add(p, [{ cardId: name, cardExt: ext(name) }])
    const second = await add(p, [{ cardId: name, cardExt: ext(name) }])
    expect([cardsOf(first)[0].isSuccess, cardsOf(second)[0].isSuccess]).toEqual([true, false])
    expect([Object.entries(p.state.stock), Object.entries(p.state.taken)]).toEqual([[[name, 0]], [[name, 1]]])
    expect((await open(p, [{ cardId: name, code: '1' }])).res.errMsg).toBe(
      `openCard:fail invalid code: the user holds no card ${name} with code 1`,
    )
  })
})

describe("the user's decision", () => {
  it('a queued cancel gives addCard:fail cancel to the next call only; nothing is issued', async () => {
    const p = makePlatform()
    p.nextUserAction('cancel')
    expect(p.state.pendingActions).toEqual(['cancel'])
    const s = await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])
    expect([s.via, s.res.errMsg, s.complete]).toEqual(['fail', 'addCard:fail cancel', s.res])
    expect([p.state.held, p.state.pendingActions, p.state.taken[ID.voucher]]).toEqual([[], [], 0])
    expect((await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])).res.errMsg).toBe('addCard:ok')
  })

  it('consumes queued actions in order', async () => {
    const p = makePlatform()
    p.nextUserAction('accept')
    p.nextUserAction('cancel')
    expect((await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])).res.errMsg).toBe('addCard:ok')
    expect((await add(p, [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }])).res.errMsg).toBe('addCard:fail cancel')
  })

  it('an error page comes before the user can cancel, and still uses up the queued action', async () => {
    const p = makePlatform()
    p.nextUserAction('cancel')
    const wrongTicket = [{ cardId: ID.voucher, cardExt: ext(ID.voucher, { apiTicket: 'x' }) }]
    expect((await add(p, wrongTicket)).res.errMsg).toBe('addCard:fail 签名错误')
    expect(p.state.pendingActions).toEqual([])
  })

  it.each(['maybe', ...PROTO_NAMES])('refuses the action %s', (action) => {
    expect(() => makePlatform().nextUserAction(action as never)).toThrow(TypeError)
  })
})

describe('the rest of the simulated wx', () => {
  it('reports SDKVersion from getSystemInfoSync and getAppBaseInfo (default 3.12.0)', () => {
    expect(makePlatform().wx.getSystemInfoSync().SDKVersion).toBe('3.12.0')
    const p = makePlatform({ SDKVersion: '2.0.1' })
    expect([p.wx.getSystemInfoSync().SDKVersion, p.wx.getAppBaseInfo().SDKVersion]).toEqual(['2.0.1', '2.0.1'])
  })

  it('records showModal calls and answers 确定', async () => {
    const p = makePlatform()
    const success = jest.fn()
    const option = { title: '提示', content: 'upgrade', showCancel: false, success }
    p.wx.showModal(option)
    expect(p.state.modals).toEqual([option])
    const res = await p.wx.showModal({ title: 'again' })
    expect(res).toEqual({ errMsg: 'showModal:ok', confirm: true, cancel: false, content: '' })
    expect(success).toHaveBeenCalledWith(res)
    expect(p.state.modals.map((m) => m.title)).toEqual(['提示', 'again'])
  })
})

describe('createCardPlatform options', () => {
  const base = { apiTicket: 'a', accessToken: 'b', openid: 'c', cards: [] }
  it.each<[string, object]>([
    ['no apiTicket', { ...base, apiTicket: '' }],
    ['no cards array', { ...base, cards: undefined }],
    ['a card without id', { ...base, cards: [{ cardId: '' }] }],
    ['a duplicate card', { ...base, cards: [{ cardId: 'x' }, { cardId: 'x' }] }],
    ['a negative quantity', { ...base, cards: [{ cardId: 'x', quantity: -1 }] }],
    ['a fractional getLimit', { ...base, cards: [{ cardId: 'x', getLimit: 1.5 }] }],
  ])('throws on %s', (_why, options) => {
    expect(() => createCardPlatform(options as never)).toThrow(TypeError)
  })

  it('starts each fixture card with its stock and nothing taken', () => {
    const p = makePlatform()
    expect(p.state.stock).toEqual(
      Object.fromEntries(FIXTURE_CARDS.map((card) => [card.cardId, card.quantity ?? Infinity])),
    )
    expect(Object.values(p.state.taken)).toEqual(FIXTURE_CARDS.map(() => 0))
  })
})
