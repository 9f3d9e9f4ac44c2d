// How the simulated WeChat judges wx.openCard (testing/platform.ts): only cards the user holds, by decrypted code.
import { ACCOUNT, add, cardsOf, ext, ID, makePlatform, open, spoiled } from '../helpers/platform'

async function platformHolding() {
  const p = makePlatform()
  const s = await add(p, [
    { cardId: ID.voucher, cardExt: ext(ID.voucher) },
    { cardId: ID.member, cardExt: ext(ID.member, { openid: ACCOUNT.openid }) },
  ])
  return { p, encrypted: cardsOf(s).map((c) => c.code), held: p.state.held }
}

describe('wx.openCard', () => {
  it('opens cards the user holds, by decrypted code; complete gets the same object', async () => {
    const { p, held } = await platformHolding()
    const list = held.map((h) => ({ cardId: h.cardId, code: h.code }))
    const s = await open(p, list)
    expect([s.via, s.res, s.async]).toEqual(['success', { errMsg: 'openCard:ok' }, true])
    expect(s.complete).toBe(s.res)
    expect(p.state.opened).toEqual(list)
    expect(p.state.calls.openCard).toBe(1)
  })

  it('refuses the encrypted code from addCard and says to decrypt it', async () => {
    const { p, encrypted } = await platformHolding()
    const s = await open(p, [{ cardId: ID.voucher, code: encrypted[0] }])
    expect(s.via).toBe('fail')
    expect(s.res.errMsg).toMatch(/^openCard:fail invalid code: .*encrypted.*card\/code\/decrypt/)
    expect(p.state.opened).toEqual([])
  })

  it.each([
    ['a code the user does not hold', () => ({ cardId: ID.voucher, code: '000000000000' })],
    ['a held code under another cardId', (code: string) => ({ cardId: ID.custom, code })],
    ['an unknown cardId', (code: string) => ({ cardId: 'pNope', code })],
  ])('fails for %s', async (_why, item) => {
    const { p, held } = await platformHolding()
    const s = await open(p, [item(held[0].code)])
    expect(s.res.errMsg).toMatch(/^openCard:fail invalid code: the user holds no card /)
  })

  it.each(spoiled('110201201245'))('finds no card for the held code with a %s', async (_, code) => {
    const p = makePlatform()
    await add(p, [{ cardId: ID.custom, cardExt: ext(ID.custom, { code: '110201201245' }) }])
    const s = await open(p, [{ cardId: ID.custom, code }])
    expect(s.res.errMsg).toBe(`openCard:fail invalid code: the user holds no card ${ID.custom} with code ${code}`)
  })

  it('fails the whole call when one card is not held', async () => {
    const { p, held } = await platformHolding()
    const s = await open(p, [
      { cardId: held[0].cardId, code: held[0].code },
      { cardId: ID.voucher, code: 'nope' },
    ])
    expect(s.via).toBe('fail')
    expect(p.state.opened).toEqual([])
  })

  it('a queued cancel gives openCard:fail cancel', async () => {
    const { p, held } = await platformHolding()
    p.nextUserAction('cancel')
    const s = await open(p, [{ cardId: held[0].cardId, code: held[0].code }])
    expect([s.via, s.res.errMsg]).toEqual(['fail', 'openCard:fail cancel'])
    expect([p.state.opened, p.state.pendingActions]).toEqual([[], []])
  })

  it.each([
    [
      'no cardList',
      undefined,
      'openCard:fail parameter error: parameter.cardList should be Array instead of Undefined;',
    ],
    ['an empty cardList', [], 'openCard:fail 参数错误'],
    [
      'an item without code',
      [{ cardId: ID.voucher }],
      'openCard:fail parameter error: parameter.cardList[0] should be { cardId: String, code: String };',
    ],
  ])('%s → %s', async (_why, cardList, errMsg) => {
    const { p } = await platformHolding()
    expect((await open(p, cardList)).res.errMsg).toBe(errMsg)
  })

  it('returns a Promise without callbacks', async () => {
    const { p, held } = await platformHolding()
    await expect(p.wx.openCard({ cardList: [{ cardId: held[0].cardId, code: held[0].code }] })).resolves.toEqual({
      errMsg: 'openCard:ok',
    })
    await expect(p.wx.openCard({ cardList: [{ cardId: ID.voucher, code: 'x' }] })).rejects.toEqual({
      errMsg: expect.stringMatching(/^openCard:fail /),
    })
  })
})
