import { addCards, CardError, openCards } from '../../utils'
import { installWx, okAdd } from '../helpers/wx'

const SIG = '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'
const cards = [
  { cardId: 'A', cardExt: { timestamp: 1, signature: SIG } },
  { cardId: 'B', cardExt: JSON.stringify({ timestamp: 2, signature: SIG, nonce_str: 'n2' }) },
]
const err = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('resolved')
    },
    (e: CardError) => e,
  )

describe('addCards', () => {
  it('calls wx.addCard once with string cardExt and splits the result on isSuccess', async () => {
    const wx = installWx({
      addCard: ({ cardList, success }) =>
        success!({
          errMsg: 'addCard:ok',
          cardList: (cardList as { cardId: string; cardExt: string }[]).map((c, i) => ({
            ...c,
            code: `enc${i}`,
            isSuccess: i === 0,
          })),
        }),
    })
    const r = await addCards(cards)
    expect(wx.addCard).toHaveBeenCalledTimes(1)
    const sent = wx.addCard.mock.calls[0][0].cardList
    expect(sent).toEqual([
      { cardId: 'A', cardExt: JSON.stringify(cards[0].cardExt) },
      { cardId: 'B', cardExt: cards[1].cardExt },
    ])
    expect(r.cardList.map((c) => c.cardId)).toEqual(['A', 'B'])
    expect(r.succeeded.map((c) => [c.cardId, c.code])).toEqual([['A', 'enc0']])
    expect(r.failed.map((c) => c.cardId)).toEqual(['B'])
  })

  it('resolves all-ok with nothing failed', async () => {
    installWx({ addCard: okAdd })
    const r = await addCards(cards)
    expect([r.succeeded.length, r.failed.length]).toEqual([2, 0])
  })

  it.each([
    ['addCard:fail cancel', 'cancel', undefined],
    ['addCard:fail:cancel', 'cancel', undefined],
    ['addCard:fail 签名错误', 'fail', '签名错误'],
    ['addCard:fail:参数错误', 'fail', '参数错误'],
    ['addCard:fail 已领完', 'fail', '已领完'],
    ['addCard:fail no permission', 'fail', 'no permission'],
    ['something odd', 'fail', 'something odd'],
  ])('maps %p to %p', async (errMsg, code, detail) => {
    installWx({ addCard: ({ fail }) => fail!({ errMsg }) })
    const e = await err(addCards(cards))
    expect(e).toBeInstanceOf(CardError)
    expect([e.code, e.errMsg, e.detail]).toEqual([code, errMsg, detail])
  })

  it('turns a synchronous throw from wx.addCard into fail', async () => {
    installWx({
      addCard: () => {
        throw new Error('native crash')
      },
    })
    const e = await err(addCards(cards))
    expect([e.code, e.detail, e.errMsg]).toEqual(['fail', 'native crash', 'addCard:fail native crash'])
  })

  it('settles once when the platform calls back twice', async () => {
    installWx({
      addCard: (o) => {
        okAdd(o)
        o.fail!({ errMsg: 'addCard:fail late' })
        okAdd(o)
      },
    })
    const seen: string[] = []
    await addCards(cards).then(
      () => seen.push('ok'),
      () => seen.push('fail'),
    )
    await new Promise((r) => setTimeout(r, 5))
    expect(seen).toEqual(['ok'])
  })

  it('a fail then a success still settles as the first (fail)', async () => {
    installWx({
      addCard: (o) => {
        o.fail!({ errMsg: 'addCard:fail first' })
        okAdd(o)
      },
    })
    const e = await err(addCards(cards))
    expect(e.detail).toBe('first')
  })

  it.each([
    ['1.0.9', true],
    ['3.12.0', false],
  ])('on %p with addCard %p missing rejects unsupported before any call', async (v, present) => {
    const wx = installWx({ SDKVersion: v, addCard: present ? okAdd : null })
    const e = await err(addCards(cards))
    expect(e.code).toBe('unsupported')
    expect(e.message).toContain('1.1.0')
    if (present) expect(wx.addCard).not.toHaveBeenCalled()
  })
})

describe('openCards', () => {
  const list = [
    { cardId: 'A', code: '110201201245' },
    { cardId: 'B', code: '998' },
  ]
  it('calls wx.openCard with exactly the given cards and resolves them', async () => {
    const wx = installWx({ openCard: ({ success }) => success!({ errMsg: 'openCard:ok' }) })
    const r = await openCards(list)
    expect(wx.openCard).toHaveBeenCalledTimes(1)
    expect(wx.openCard.mock.calls[0][0].cardList).toEqual(list)
    expect(r).toEqual({ cardList: list })
  })
  it.each([
    ['openCard:fail cancel', 'cancel'],
    ['openCard:fail invalid code', 'fail'],
  ])('maps %p to %p', async (errMsg, code) => {
    installWx({ openCard: ({ fail }) => fail!({ errMsg }) })
    expect((await err(openCards(list))).code).toBe(code)
  })
  it('sync throw → fail; double callback → one settle', async () => {
    installWx({
      openCard: () => {
        throw new Error('x')
      },
    })
    expect((await err(openCards(list))).code).toBe('fail')
    installWx({
      openCard: ({ success, fail }) => {
        success!({ errMsg: 'openCard:ok' })
        fail!({ errMsg: 'openCard:fail y' })
      },
    })
    await expect(openCards(list)).resolves.toEqual({ cardList: list })
  })
  it("numbers a subset by the caller's indexes (the selected rows of a list) and makes no call", async () => {
    const wx = installWx()
    const e = await err(openCards([list[0], { cardId: 'C' } as never], [2, 5]))
    expect([e.code, e.index, e.field, e.message]).toEqual([
      'invalid',
      5,
      'code',
      'cardList[5].code: must be the decrypted code',
    ])
    expect(wx.openCard).not.toHaveBeenCalled()
  })
  it('unsupported on 1.0.9', async () => {
    const wx = installWx({ SDKVersion: '1.0.9' })
    expect((await err(openCards(list))).code).toBe('unsupported')
    expect(wx.openCard).not.toHaveBeenCalled()
  })
})
