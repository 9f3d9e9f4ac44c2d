import { createCardExt, signCardExt } from '../../server/sign'
import { createCardPlatform } from '../../testing'
import { add, cardsOf, edit, ext, ID, makePlatform, TICKET, USER } from './fixtures'

const errMsgOf = async (p: Promise<{ via: string; res: { errMsg: string } }>) => {
  const s = await p
  return `${s.via}: ${s.res.errMsg}`
}

describe('wx.addCard: a good call', () => {
  it('answers addCard:ok asynchronously, complete gets the same object, and the user holds the card', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.plain)
    const s = await add(p, [{ cardId: ID.plain, cardExt }])
    expect(s.via).toBe('success')
    expect(s.async).toBe(true)
    expect(s.complete).toBe(s.res)
    const [c] = cardsOf(s)
    expect(s.res.errMsg).toBe('addCard:ok')
    expect(c).toEqual({ cardId: ID.plain, cardExt, code: expect.any(String), isSuccess: true })
    const [held] = p.state.held
    expect(held.cardId).toBe(ID.plain)
    expect(held.code).toMatch(/^\d{12}$/)
    // The client gets an opaque string, not the code.
    expect(c.code).toBe(held.encryptCode)
    expect(c.code).not.toContain(held.code)
    expect(c.code).toMatch(/^[A-Za-z0-9+/]{62}[A-Za-z0-9+/=]{2}$/) // standard base64, as WeChat's
    expect(p.state.taken[ID.plain]).toBe(1)
    expect(p.state.stock[ID.plain]).toBe(Infinity)
    expect(p.state.calls.addCard).toBe(1)
  })

  it('adds several cards in one call, each with its own code', async () => {
    const p = makePlatform()
    const s = await add(p, [
      { cardId: ID.plain, cardExt: ext(ID.plain) },
      { cardId: ID.custom, cardExt: ext(ID.custom, { code: 'CUSTOM001' }) },
      { cardId: ID.bound, cardExt: ext(ID.bound, { openid: USER }) },
    ])
    expect(cardsOf(s).map((c) => [c.cardId, c.isSuccess])).toEqual([
      [ID.plain, true],
      [ID.custom, true],
      [ID.bound, true],
    ])
    expect(p.state.held.map((h) => h.cardId)).toEqual([ID.plain, ID.custom, ID.bound])
    // A custom-code card is issued with the code from cardExt.
    expect(p.state.held[1].code).toBe('CUSTOM001')
    expect(new Set(cardsOf(s).map((c) => c.code)).size).toBe(3)
  })

  it('accepts the unsigned fixed_begintimestamp and outer_str and keeps outer_str with the card', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.plain, { outerStr: 'banner', fixedBeginTimestamp: 1700000000 })
    expect(await errMsgOf(add(p, [{ cardId: ID.plain, cardExt }]))).toBe('success: addCard:ok')
    expect(p.state.held[0].outerStr).toBe('banner')
  })

  it('accepts a timestamp sent as a digit string and a cardExt without nonce_str', async () => {
    const p = makePlatform()
    const timestamp = 1700000000
    const signature = signCardExt({ apiTicket: TICKET, cardId: ID.plain, timestamp })
    const s = await add(p, [{ cardId: ID.plain, cardExt: JSON.stringify({ timestamp: String(timestamp), signature }) }])
    expect(s.res.errMsg).toBe('addCard:ok')
  })

  it('returns a Promise when called without callbacks (base library promise style)', async () => {
    const p = makePlatform()
    const res = await p.wx.addCard({ cardList: [{ cardId: ID.plain, cardExt: ext(ID.plain) }] })
    expect(res && res.errMsg).toBe('addCard:ok')
    await expect(
      p.wx.addCard({ cardList: [{ cardId: ID.plain, cardExt: ext(ID.plain, { apiTicket: 'x' }) }] }),
    ).rejects.toEqual({ errMsg: 'addCard:fail 签名错误' })
  })
})

describe('wx.addCard: signature (卡券签名)', () => {
  const cases: [string, () => unknown][] = [
    ['signed with another ticket', () => ext(ID.plain, { apiTicket: 'some-other-ticket' })],
    ['an object instead of the JSON string (iOS)', () => JSON.parse(ext(ID.plain))],
    ['not JSON', () => '{timestamp: 1}'],
    ['JSON that is not an object', () => '[1]'],
    ['api_ticket sent inside cardExt', () => edit(ext(ID.plain), { api_ticket: TICKET })],
    ['an unknown key', () => edit(ext(ID.plain), { nonceStr: 'abc' })],
    ['a signed key dropped after signing', () => edit(ext(ID.custom, { code: 'C1' }), { code: undefined })],
    [
      'a signed value changed after signing',
      () => edit(ext(ID.plain, { timestamp: 1700000000 }), { timestamp: 1700000001 }),
    ],
    ['a signed key added after signing', () => edit(ext(ID.plain), { openid: USER })],
    ['no signature', () => edit(ext(ID.plain), { signature: undefined })],
    ['no timestamp', () => edit(ext(ID.plain), { timestamp: undefined })],
    ['a number code, which signing would skip', () => edit(ext(ID.custom), { code: 123456 })],
    ['signed for another card_id', () => ext(ID.custom)],
  ]
  it.each(cases)('%s → addCard:fail 签名错误', async (_why, make) => {
    const p = makePlatform()
    expect(await errMsgOf(add(p, [{ cardId: ID.plain, cardExt: make() }]))).toBe('fail: addCard:fail 签名错误')
    expect(p.state.held).toEqual([])
  })

  it('reports 签名错误 when a card has both a bad signature and a parameter problem', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.custom, { apiTicket: 'wrong' }) // wrong ticket and no code
    expect(await errMsgOf(add(p, [{ cardId: ID.custom, cardExt }]))).toBe('fail: addCard:fail 签名错误')
  })
})

/** createCardExt refuses bad values, so these are signed by hand: the signature is right, the value is not. */
function handSigned(f: { timestamp: number; nonce_str?: string; code?: string }, cardId: string = ID.plain): string {
  const signature = signCardExt({
    apiTicket: TICKET,
    cardId,
    timestamp: f.timestamp,
    nonceStr: f.nonce_str,
    code: f.code,
  })
  return JSON.stringify({ ...f, signature })
}

describe('wx.addCard: parameters (code / openid must match the card)', () => {
  const cases: [string, string, () => string][] = [
    ['a custom-code card without code', ID.custom, () => ext(ID.custom)],
    ['a platform-code card with a code', ID.plain, () => ext(ID.plain, { code: 'C1' })],
    ['a bound card without openid', ID.bound, () => ext(ID.bound)],
    ['a bound card with another user', ID.bound, () => ext(ID.bound, { openid: 'oSomeoneElse' })],
    ['an unbound card with openid', ID.plain, () => ext(ID.plain, { openid: USER })],
    ['nonce_str longer than 32', ID.plain, () => handSigned({ timestamp: 1700000000, nonce_str: 'n'.repeat(33) })],
    ['nonce_str with a dash', ID.plain, () => handSigned({ timestamp: 1700000000, nonce_str: 'abc-def' })],
    ['a timestamp that is not integer seconds', ID.plain, () => handSigned({ timestamp: 1.5 })],
    ['a millisecond timestamp (13 digits)', ID.plain, () => handSigned({ timestamp: 1700000000000 })],
    [
      'a custom code with a dash',
      ID.custom,
      () => handSigned({ timestamp: 1700000000, code: 'SHOP-2026-0001' }, ID.custom),
    ],
    [
      'a custom code longer than 20',
      ID.custom,
      () => handSigned({ timestamp: 1700000000, code: '1'.repeat(21) }, ID.custom),
    ],
    ['a bad fixed_begintimestamp', ID.plain, () => edit(ext(ID.plain), { fixed_begintimestamp: 'soon' })],
    ['a non-string outer_str', ID.plain, () => edit(ext(ID.plain), { outer_str: 7 })],
  ]
  it.each(cases)('%s → addCard:fail 参数错误', async (_why, cardId, make) => {
    const p = makePlatform()
    expect(await errMsgOf(add(p, [{ cardId, cardExt: make() }]))).toBe('fail: addCard:fail 参数错误')
    expect(p.state.held).toEqual([])
  })

  it('fails the whole call when one card of several is wrong: nothing is issued', async () => {
    const p = makePlatform()
    const s = await add(p, [
      { cardId: ID.plain, cardExt: ext(ID.plain) },
      { cardId: ID.bound, cardExt: ext(ID.bound, { openid: 'oSomeoneElse' }) },
    ])
    expect(s.res.errMsg).toBe('addCard:fail 参数错误')
    expect(s.complete).toBe(s.res)
    expect([p.state.held, p.state.nonces, p.state.taken[ID.plain]]).toEqual([[], [], 0])
  })

  it.each([
    [
      'no cardList',
      undefined,
      'addCard:fail parameter error: parameter.cardList should be Array instead of Undefined;',
    ],
    ['a cardList object', {}, 'addCard:fail parameter error: parameter.cardList should be Array instead of Object;'],
    ['an empty cardList', [], 'addCard:fail 参数错误'],
    ['a null item', [null], 'addCard:fail parameter error: parameter.cardList[0] should be Object instead of Null;'],
    [
      'an item without cardId',
      [{ cardExt: '{}' }],
      'addCard:fail parameter error: parameter.cardList[0].cardId should be a non-empty String;',
    ],
    ['an unknown cardId', [{ cardId: 'pNope', cardExt: '{}' }], 'addCard:fail invalid card_id: pNope'],
  ])('%s → %s', async (_why, cardList, errMsg) => {
    const p = makePlatform()
    expect((await add(p, cardList)).res.errMsg).toBe(errMsg)
  })
})

describe('wx.addCard: nonce_str + timestamp', () => {
  it('fails a reused cardExt with 已领完 and records each pair once', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.plain, { nonceStr: 'abc123', timestamp: 1700000000 })
    expect(await errMsgOf(add(p, [{ cardId: ID.plain, cardExt }]))).toBe('success: addCard:ok')
    expect(await errMsgOf(add(p, [{ cardId: ID.plain, cardExt }]))).toBe('fail: addCard:fail 已领完')
    expect(p.state.nonces).toEqual([{ cardId: ID.plain, timestamp: '1700000000', nonceStr: 'abc123' }])
    expect(p.state.held).toHaveLength(1)
  })

  it('fails the same pair twice within one call', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.plain)
    expect(
      await errMsgOf(
        add(p, [
          { cardId: ID.plain, cardExt },
          { cardId: ID.plain, cardExt },
        ]),
      ),
    ).toBe('fail: addCard:fail 已领完')
    expect(p.state.nonces).toEqual([])
  })

  it('keys the pair per card: the same nonce and timestamp for two different cards is fine', async () => {
    const p = makePlatform()
    const same = { nonceStr: 'shared', timestamp: 1700000000 }
    const s = await add(p, [
      { cardId: ID.plain, cardExt: ext(ID.plain, same) },
      { cardId: ID.few, cardExt: ext(ID.few, same) },
    ])
    expect(s.res.errMsg).toBe('addCard:ok')
  })

  it('does not burn the pair when the call fails or the user cancels, so the same cardExt can be retried', async () => {
    const p = makePlatform()
    const cardExt = ext(ID.plain)
    p.nextUserAction('cancel')
    expect(await errMsgOf(add(p, [{ cardId: ID.plain, cardExt }]))).toBe('fail: addCard:fail cancel')
    expect(p.state.nonces).toEqual([])
    expect(await errMsgOf(add(p, [{ cardId: ID.plain, cardExt }]))).toBe('success: addCard:ok')
  })
})

describe('wx.addCard: stock and get_limit only mark the card', () => {
  it('marks a card out of stock isSuccess:false while the others in the call succeed', async () => {
    const p = makePlatform()
    expect(p.state.stock[ID.few]).toBe(1)
    await add(p, [{ cardId: ID.few, cardExt: ext(ID.few) }])
    expect(p.state.stock[ID.few]).toBe(0)
    const s = await add(p, [
      { cardId: ID.few, cardExt: ext(ID.few) },
      { cardId: ID.plain, cardExt: ext(ID.plain) },
    ])
    expect(s.res.errMsg).toBe('addCard:ok')
    const [few, plain] = cardsOf(s)
    expect([few.isSuccess, few.code]).toEqual([false, ''])
    expect(plain.isSuccess).toBe(true)
    expect([p.state.stock[ID.few], p.state.taken[ID.few]]).toEqual([0, 1])
    expect(p.state.held.map((h) => h.cardId)).toEqual([ID.few, ID.plain])
  })

  it('marks a card past its getLimit isSuccess:false; stock is not spent', async () => {
    const p = createCardPlatform({
      apiTicket: TICKET,
      accessToken: 't',
      openid: USER,
      cards: [{ cardId: 'L', getLimit: 1, quantity: 5 }, { cardId: 'P' }],
    })
    const mk = (cardId: string) => createCardExt({ apiTicket: TICKET, cardId })
    const s = await add(p, [
      { cardId: 'L', cardExt: mk('L') },
      { cardId: 'L', cardExt: mk('L') },
      { cardId: 'P', cardExt: mk('P') },
    ])
    expect(cardsOf(s).map((c) => c.isSuccess)).toEqual([true, false, true])
    expect([p.state.taken.L, p.state.stock.L]).toEqual([1, 4])
  })

  it('a quantity of 0 refuses every copy', async () => {
    const p = createCardPlatform({
      apiTicket: TICKET,
      accessToken: 't',
      openid: USER,
      cards: [{ cardId: 'Z', quantity: 0 }],
    })
    const s = await add(p, [{ cardId: 'Z', cardExt: createCardExt({ apiTicket: TICKET, cardId: 'Z' }) }])
    expect(s.res.errMsg).toBe('addCard:ok')
    expect(cardsOf(s)[0].isSuccess).toBe(false)
  })

  it('marks a custom code the user already holds isSuccess:false', async () => {
    const p = makePlatform()
    await add(p, [{ cardId: ID.custom, cardExt: ext(ID.custom, { code: 'DUP1' }) }])
    const s = await add(p, [{ cardId: ID.custom, cardExt: ext(ID.custom, { code: 'DUP1' }) }])
    expect(cardsOf(s)[0].isSuccess).toBe(false)
    expect(p.state.held).toHaveLength(1)
  })
})

describe("the user's decision", () => {
  it('a queued cancel gives addCard:fail cancel to the next call only; nothing is issued', async () => {
    const p = makePlatform()
    p.nextUserAction('cancel')
    expect(p.state.pendingActions).toEqual(['cancel'])
    const s = await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])
    expect([s.via, s.res.errMsg, s.complete]).toEqual(['fail', 'addCard:fail cancel', s.res])
    expect([p.state.held, p.state.pendingActions, p.state.taken[ID.plain]]).toEqual([[], [], 0])
    expect((await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])).res.errMsg).toBe('addCard:ok')
  })

  it('consumes queued actions in order', async () => {
    const p = makePlatform()
    p.nextUserAction('accept')
    p.nextUserAction('cancel')
    expect((await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])).res.errMsg).toBe('addCard:ok')
    expect((await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain) }])).res.errMsg).toBe('addCard:fail cancel')
  })

  it('an error page comes before the user can cancel, and still uses up the queued action', async () => {
    const p = makePlatform()
    p.nextUserAction('cancel')
    expect((await add(p, [{ cardId: ID.plain, cardExt: ext(ID.plain, { apiTicket: 'x' }) }])).res.errMsg).toBe(
      'addCard:fail 签名错误',
    )
    expect(p.state.pendingActions).toEqual([])
  })

  it('rejects an unknown action', () => {
    const p = makePlatform()
    expect(() => p.nextUserAction('maybe' as 'accept')).toThrow(TypeError)
  })
})

describe('the rest of the simulator wx', () => {
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
  it.each([
    ['no apiTicket', { ...base, apiTicket: '' }],
    ['no cards array', { ...base, cards: undefined as unknown as [] }],
    ['a card without id', { ...base, cards: [{ cardId: '' }] }],
    ['a duplicate card', { ...base, cards: [{ cardId: 'x' }, { cardId: 'x' }] }],
    ['a negative quantity', { ...base, cards: [{ cardId: 'x', quantity: -1 }] }],
    ['a fractional getLimit', { ...base, cards: [{ cardId: 'x', getLimit: 1.5 }] }],
  ])('throws on %s', (_why, o) => {
    expect(() => createCardPlatform(o)).toThrow(TypeError)
  })

  it('starts each card with its stock and nothing taken', () => {
    const p = makePlatform()
    expect(p.state.stock).toEqual({
      [ID.plain]: Infinity,
      [ID.custom]: Infinity,
      [ID.bound]: Infinity,
      [ID.few]: 1,
      [ID.limited]: Infinity,
    })
    expect(Object.values(p.state.taken)).toEqual([0, 0, 0, 0, 0])
  })
})
