// addCards / openCards / prepare*: one validation and one version guard, then exactly one wx call, settled once.
// Every wx here is the public simulator installed as the global wx; odd answers come from its hold mode.
import type { CardPlatform, ClientSettings, HeldCall } from '../../testing'
import {
  addCards,
  CardError,
  openCards,
  prepareAddCards,
  prepareOpenCards,
  type AddCardInput,
  type CardApi,
  type CardExtFields,
  type OpenCardInput,
} from '../../utils'
import {
  ACCOUNT,
  ext,
  freshCards,
  ID,
  installPlatform,
  nextMacrotask,
  rejectionOf,
  thrownBy,
} from '../helpers/platform'

/** Two cards with fresh cardExts (a cardExt works once): one as the object, one as the server's string. */
const twoCards = (): AddCardInput[] => [
  { cardId: ID.coupon, cardExt: JSON.parse(ext(ID.coupon)) as CardExtFields },
  { cardId: ID.member, cardExt: ext(ID.member, { openid: ACCOUNT.openid }) },
]

/** Cards for openCards that pass the client's checks (the platform is not asked in hold-mode tests). */
const openList: OpenCardInput[] = [
  { cardId: 'pA', code: '110201201245' },
  { cardId: 'pB', code: '998' },
]

/** Starts one call of `api` through the utils (fresh input each time). */
const start = (api: CardApi): Promise<unknown> => (api === 'addCard' ? addCards(twoCards()) : openCards(openList))

/** WeChat's success answer to a held call: every card added (addCard) or opened. */
function okAnswer(call: HeldCall): object {
  if (call.api === 'openCard') return { errMsg: 'openCard:ok' }
  const sent = call.cardList as { cardId: string; cardExt: string }[]
  return { errMsg: 'addCard:ok', cardList: sent.map((c, i) => ({ ...c, code: `enc${i}`, isSuccess: true })) }
}

describe('addCards', () => {
  it('calls wx.addCard once with string cardExts and splits the answer on isSuccess', async () => {
    const p = installPlatform()
    await addCards([{ cardId: ID.lastOne, cardExt: ext(ID.lastOne) }]) // the last one in stock
    const cards: AddCardInput[] = [
      { cardId: ID.coupon, cardExt: JSON.parse(ext(ID.coupon)) as CardExtFields },
      { cardId: ID.lastOne, cardExt: ext(ID.lastOne) },
    ]
    const r = await addCards(cards)
    expect(p.state.calls.addCard).toBe(2)
    expect(p.state.log[1]).toMatchObject({
      api: 'addCard',
      status: 'ok',
      errMsg: 'addCard:ok',
      cardList: [
        { cardId: ID.coupon, cardExt: JSON.stringify(cards[0].cardExt) },
        { cardId: ID.lastOne, cardExt: cards[1].cardExt },
      ],
    })
    expect(r.cardList.map((c) => c.cardId)).toEqual([ID.coupon, ID.lastOne])
    expect(r.succeeded.map((c) => [c.cardId, c.code])).toEqual([[ID.coupon, p.state.held[1].encryptCode]])
    expect(r.failed.map((c) => [c.cardId, c.code, c.isSuccess])).toEqual([[ID.lastOne, '', false]])
  })

  it('adds the same card three times in one call when each has its own cardExt', async () => {
    const p = installPlatform()
    const r = await addCards(freshCards(ID.coupon, ID.coupon, ID.coupon))
    expect([r.succeeded.length, p.state.calls.addCard]).toEqual([3, 1])
  })

  it('resolves all-ok with nothing failed', async () => {
    const p = installPlatform()
    const r = await addCards(twoCards())
    expect([r.succeeded.length, r.failed.length]).toEqual([2, 0])
    expect(r.succeeded.map((c) => c.code)).toEqual(p.state.held.map((h) => h.encryptCode))
  })

  it.each<[string, unknown, string]>([
    ['no cardList', { errMsg: 'addCard:ok' }, 'the answer has no cardList'],
    [
      'a cardList that is not an array',
      { errMsg: 'addCard:ok', cardList: '[]' },
      'its cardList is string, not an array',
    ],
    ['a card that is null', { errMsg: 'addCard:ok', cardList: [null] }, 'its cardList[0] is null, not a card object'],
    [
      'a card that is a string',
      { errMsg: 'addCard:ok', cardList: ['pA'] },
      'its cardList[0] is string, not a card object',
    ],
    ['no answer object at all', undefined, 'the answer is undefined, not an object'],
  ])('an ok answer with %s: fail saying what is missing, never an empty success', async (_, answer, problem) => {
    const p = installPlatform()
    p.hold()
    const cards = twoCards()
    const pending = addCards(cards)
    p.heldCalls()[0].respond('success', answer as object)
    const e = await rejectionOf(pending)
    expect([e.code, e.detail, e.message]).toEqual([
      'fail',
      'malformed answer',
      `wx.addCard answered ok, but ${problem}: the cards may have been added`,
    ])
    // WeChat said ok, so it has seen the cardExts: sending them again is refused before any call
    const again = await rejectionOf(addCards(cards))
    expect([again.code, again.field]).toEqual(['invalid', 'cardExt'])
  })

  it("rejects with the platform's own answer (a cardExt signed with another ticket)", async () => {
    const p = installPlatform()
    const e = await rejectionOf(addCards([{ cardId: ID.coupon, cardExt: ext(ID.coupon, { apiTicket: 'stale' }) }]))
    expect([e.code, e.errMsg, e.detail]).toEqual(['fail', 'addCard:fail 签名错误', '签名错误'])
    expect(p.state.log.map((c) => c.status)).toEqual(['fail'])
  })
})

describe('a spent cardExt (WeChat accepts each once)', () => {
  const spentMessage = 'cardList[0].cardExt: was already used: WeChat accepted this cardExt before'

  it('is refused before any call once WeChat answered addCard:ok, whatever isSuccess said', async () => {
    const p = installPlatform()
    await addCards([{ cardId: ID.lastOne, cardExt: ext(ID.lastOne) }])
    const refused = [{ cardId: ID.lastOne, cardExt: ext(ID.lastOne) }] // out of stock: isSuccess false, but spent
    expect((await addCards(refused)).failed).toHaveLength(1)
    const cards = twoCards()
    await addCards(cards)
    for (const again of [cards, refused, [cards[1]]]) {
      const e = await rejectionOf(addCards(again))
      expect([e.code, e.index, e.field]).toEqual(['invalid', 0, 'cardExt'])
      expect(e.message).toContain(spentMessage)
    }
    expect(p.state.calls.addCard).toBe(3)
  })

  it('is spent by its signed values: the same values with another unsigned outer_str are refused too', async () => {
    const p = installPlatform()
    const signed = { nonceStr: 'reused', timestamp: 1700000000 }
    await addCards([{ cardId: ID.coupon, cardExt: ext(ID.coupon, { ...signed, outerStr: 'first' }) }])
    const again = [{ cardId: ID.coupon, cardExt: ext(ID.coupon, { ...signed, outerStr: 'again' }) }]
    const e = await rejectionOf(addCards(again))
    expect([e.code, e.index, e.field]).toEqual(['invalid', 0, 'cardExt'])
    expect(p.state.calls.addCard).toBe(1)
  })

  it("another copy of the utils (another mini-program instance) has not seen it: WeChat's 已领完 is a fail", async () => {
    const p = installPlatform()
    const cards = freshCards(ID.coupon)
    await addCards(cards)
    let otherAddCards: typeof addCards = addCards
    jest.isolateModules(() => {
      otherAddCards = (require('../../utils') as typeof import('../../utils')).addCards
    })
    const e = await rejectionOf(otherAddCards(cards))
    expect([e.code, e.detail, e.errMsg]).toEqual(['fail', '已领完', 'addCard:fail 已领完'])
    expect(p.state.calls.addCard).toBe(2)
  })

  it.each<[string, (p: CardPlatform) => void]>([
    ['the user cancelled', (p) => p.nextUserAction('cancel')],
    ['the call failed', (p) => p.throwOnNextCall('addCard', new Error('native crash'))],
  ])('is not spent when %s: the same cards can be retried', async (_why, spoil) => {
    const p = installPlatform()
    const cards = twoCards()
    spoil(p)
    await rejectionOf(addCards(cards))
    expect((await addCards(cards)).succeeded).toHaveLength(2)
  })

  it('is not spent by a fail answer', async () => {
    const p = installPlatform()
    const cards = twoCards()
    p.hold()
    const pending = rejectionOf(addCards(cards))
    p.heldCalls()[0].respond('fail', { errMsg: 'addCard:fail system error' })
    expect((await pending).detail).toBe('system error')
    p.hold(false)
    expect((await addCards(cards)).succeeded).toHaveLength(2)
  })
})

// [what WeChat answered, code, errMsg, detail, message]; `API` stands for the api's name.
const FAIL_ANSWERS: [object, CardError['code'], string | undefined, string | undefined, string][] = [
  [{ errMsg: 'API:fail cancel' }, 'cancel', 'API:fail cancel', undefined, 'cancelled by the user'],
  [{ errMsg: 'API:fail:cancel' }, 'cancel', 'API:fail:cancel', undefined, 'cancelled by the user'],
  [{ errMsg: 'API:fail 签名错误' }, 'fail', 'API:fail 签名错误', '签名错误', '签名错误'],
  [{ errMsg: 'API:fail:参数错误' }, 'fail', 'API:fail:参数错误', '参数错误', '参数错误'],
  [{ errMsg: 'API:fail 已领完' }, 'fail', 'API:fail 已领完', '已领完', '已领完'],
  [{ errMsg: 'API:fail no permission' }, 'fail', 'API:fail no permission', 'no permission', 'no permission'],
  [{ errMsg: 'something odd' }, 'fail', 'something odd', 'something odd', 'something odd'],
  [{ errMsg: 'API:fail' }, 'fail', 'API:fail', '', 'API:fail'],
  [{}, 'fail', undefined, '', 'wx.API failed without an errMsg'],
  [{ errMsg: '' }, 'fail', undefined, '', 'wx.API failed without an errMsg'],
  [{ errMsg: 42 }, 'fail', undefined, '', 'wx.API failed without an errMsg'],
]

describe.each<CardApi>(['addCard', 'openCard'])('wx.%s answers and faults', (api) => {
  const named = (text: string | undefined) => text && text.replace('API', api)

  it.each(FAIL_ANSWERS)('maps a fail answer %j to %s', async (answer, code, errMsg, detail, message) => {
    const p = installPlatform()
    p.hold()
    const pending = rejectionOf(start(api))
    const raw = JSON.parse(JSON.stringify(answer).replace('API', api)) as object
    p.heldCalls()[0].respond('fail', raw)
    const e = await pending
    expect(e).toBeInstanceOf(CardError)
    expect([e.code, e.errMsg, e.detail, e.message]).toEqual([code, named(errMsg), detail, named(message)])
  })

  it('turns a synchronous throw into fail, without a made-up errMsg; the platform never saw the call', async () => {
    const p = installPlatform()
    p.throwOnNextCall(api, new Error('native crash'))
    const e = await rejectionOf(start(api))
    expect(e).toBeInstanceOf(CardError)
    expect([e.code, e.message, e.detail, e.errMsg]).toEqual([
      'fail',
      `wx.${api} threw: native crash`,
      'native crash',
      undefined,
    ])
    expect([p.state.calls[api], p.state.log]).toEqual([0, []])
  })

  it('settles once, as the first answer, when WeChat calls back three times', async () => {
    const p = installPlatform()
    p.hold()
    const outcomes: string[] = []
    const settled = start(api).then(
      () => outcomes.push('ok'),
      () => outcomes.push('fail'),
    )
    const [call] = p.heldCalls()
    const ok = okAnswer(call)
    call.respond('success', ok)
    call.respond('fail', { errMsg: `${api}:fail late` })
    call.respond('success', ok)
    await settled
    await nextMacrotask()
    expect(outcomes).toEqual(['ok'])
  })

  it('a fail then a success still settles as the first (fail)', async () => {
    const p = installPlatform()
    p.hold()
    const pending = rejectionOf(start(api))
    const [call] = p.heldCalls()
    call.respond('fail', { errMsg: `${api}:fail first` })
    call.respond('success', okAnswer(call))
    expect((await pending).detail).toBe('first')
    await nextMacrotask()
  })

  it.each<[string, ClientSettings, string]>([
    ['base library 1.0.9', { SDKVersion: '1.0.9' }, '1.0.9'],
    ['base library 1.0.0', { SDKVersion: '1.0.0' }, '1.0.0'],
    [`a client without wx.${api}`, { missingApis: [api] }, '3.12.0'],
    ['a client that reports no version', { missingApis: ['getAppBaseInfo', 'getSystemInfoSync'] }, 'unknown'],
  ])('%s: rejects unsupported before any call', async (_why, client, version) => {
    const p = installPlatform()
    p.setClient(client)
    const e = await rejectionOf(start(api))
    expect(e.code).toBe('unsupported')
    expect(e.message).toBe(`wx.${api} needs base library 1.1.0 or later (this client: ${version})`)
    expect([p.state.calls[api], p.state.log]).toEqual([0, []])
  })

  it('runs on exactly base library 1.1.0', async () => {
    const p = installPlatform({ SDKVersion: '1.1.0' })
    p.hold()
    void start(api).catch(() => undefined)
    expect(p.state.calls[api]).toBe(1)
  })
})

describe('prepareAddCards / prepareOpenCards', () => {
  it('validate and guard once, hand back what will be sent, and call wx only on run()', async () => {
    const p = installPlatform()
    const cards = twoCards()
    const call = prepareAddCards(cards)
    expect(call.cardList).toEqual([
      { cardId: ID.coupon, cardExt: JSON.stringify(cards[0].cardExt) },
      { cardId: ID.member, cardExt: cards[1].cardExt },
    ])
    expect(p.state.calls.addCard).toBe(0)
    const r = await call.run()
    expect(r.succeeded).toHaveLength(2)
    expect(p.state.log.map((c) => c.cardList)).toEqual([call.cardList])
    const list = p.state.held.map((h) => ({ cardId: h.cardId, code: h.code }))
    const open = prepareOpenCards(list)
    expect([open.cardList, p.state.calls.openCard]).toEqual([list, 0])
    await expect(open.run()).resolves.toEqual({ cardList: list })
    expect(p.state.opened).toEqual(list)
  })

  it('throw CardError synchronously for invalid input or an old client, before any call', () => {
    const p = installPlatform()
    expect(thrownBy(() => prepareAddCards([])).code).toBe('invalid')
    expect(thrownBy(() => prepareOpenCards([openList[0], { cardId: 'pC', code: '' }], [3, 8])).index).toBe(8)
    p.setClient({ SDKVersion: '1.0.9' })
    expect(thrownBy(() => prepareAddCards(twoCards())).code).toBe('unsupported')
    expect(thrownBy(() => prepareOpenCards(openList)).code).toBe('unsupported')
    expect(p.state.log).toEqual([])
  })
})

describe('openCards', () => {
  it('calls wx.openCard once with exactly the given cards and resolves them', async () => {
    const p = installPlatform()
    await addCards(twoCards())
    const list = p.state.held.map((h) => ({ cardId: h.cardId, code: h.code }))
    await expect(openCards(list)).resolves.toEqual({ cardList: list })
    expect(p.state.calls.openCard).toBe(1)
    expect(p.state.log[1]).toMatchObject({ api: 'openCard', cardList: list, status: 'ok', errMsg: 'openCard:ok' })
    expect(p.state.opened).toEqual(list)
  })

  it("numbers a subset by the caller's indexes (the selected rows of a list) and makes no call", async () => {
    const p = installPlatform()
    const e = await rejectionOf(openCards([openList[0], { cardId: 'pC' } as OpenCardInput], [2, 5]))
    expect([e.code, e.index, e.field, e.message]).toEqual([
      'invalid',
      5,
      'code',
      'cardList[5].code: must be a string, got undefined (the decrypted code from card/code/decrypt)',
    ])
    expect(p.state.calls.openCard).toBe(0)
  })
})
