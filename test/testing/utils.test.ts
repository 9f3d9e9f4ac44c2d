// The client utils and the server toolkit driven against the simulator, as an app's own tests would.
import { createApiTicketProvider, createCardExt, decryptCardCode, WeChatApiError } from '../../server'
import { type Listening } from '../../testing'
import { addCards, CardError, openCards } from '../../utils'
import { ext, ID, installPlatform, makePlatform, rejectionOf, TOKEN, USER } from './fixtures'

let undo: (() => void) | undefined
afterEach(() => {
  if (undo) undo()
  undo = undefined
})

describe('addCards / openCards through the installed simulator', () => {
  it('adds, then opens with the decrypted code', async () => {
    const p = installPlatform()
    const r = await addCards([
      { cardId: ID.plain, cardExt: ext(ID.plain) },
      { cardId: ID.bound, cardExt: ext(ID.bound, { openid: USER }) },
    ])
    expect(r.failed).toEqual([])
    expect(r.succeeded.map((c) => c.code)).toEqual(p.state.held.map((h) => h.encryptCode))
    const list = p.state.held.map((h) => ({ cardId: h.cardId, code: h.code }))
    await expect(openCards(list)).resolves.toEqual({ cardList: list })
    expect(p.state.opened).toEqual(list)
  })

  it('serializes an object cardExt, so the iOS 签名错误 trap never reaches the platform', async () => {
    installPlatform()
    const r = await addCards([{ cardId: ID.plain, cardExt: JSON.parse(ext(ID.plain)) }])
    expect(r.succeeded).toHaveLength(1)
  })

  it('splits stock-exhausted cards into failed', async () => {
    installPlatform()
    await addCards([{ cardId: ID.few, cardExt: ext(ID.few) }])
    const r = await addCards([
      { cardId: ID.few, cardExt: ext(ID.few) },
      { cardId: ID.plain, cardExt: ext(ID.plain) },
    ])
    expect([r.succeeded.map((c) => c.cardId), r.failed.map((c) => c.cardId)]).toEqual([[ID.plain], [ID.few]])
  })

  it.each([
    ['a wrong ticket', () => ext(ID.plain, { apiTicket: 'stale-ticket' }), ID.plain, '签名错误'],
    ['a custom-code card without code', () => ext(ID.custom), ID.custom, '参数错误'],
    ['a bound card for someone else', () => ext(ID.bound, { openid: 'oOther' }), ID.bound, '参数错误'],
  ])('rejects %s with CardError fail %s', async (_why, make, cardId, detail) => {
    installPlatform()
    const e = await rejectionOf(addCards([{ cardId, cardExt: make() }]))
    expect(e).toBeInstanceOf(CardError)
    expect([e.code, e.detail, e.errMsg]).toEqual(['fail', detail, `addCard:fail ${detail}`])
  })

  it('refuses a cardExt the platform accepted before the platform sees it again', async () => {
    const p = installPlatform()
    const cards = [{ cardId: ID.plain, cardExt: ext(ID.plain) }]
    await addCards(cards)
    const e = await rejectionOf(addCards(cards))
    expect([e.code, e.index, e.field]).toEqual(['invalid', 0, 'cardExt'])
    expect(p.state.calls.addCard).toBe(1)
  })

  it('refuses the same signed values under another string (unsigned outer_str changed) as spent, before any call', async () => {
    const p = installPlatform()
    const signed = { nonceStr: 'reused', timestamp: 1700000000 }
    await addCards([{ cardId: ID.plain, cardExt: ext(ID.plain, { ...signed, outerStr: 'first' }) }])
    const e = await rejectionOf(
      addCards([{ cardId: ID.plain, cardExt: ext(ID.plain, { ...signed, outerStr: 'again' }) }]),
    )
    expect([e.code, e.index, e.field]).toEqual(['invalid', 0, 'cardExt'])
    expect(p.state.calls.addCard).toBe(1)
  })

  it("maps the platform's 已领完 (a nonce another client instance already used) to fail", async () => {
    const p = installPlatform()
    const signed = { nonceStr: 'usedElsewhere', timestamp: 1700000000 }
    await addCards([{ cardId: ID.plain, cardExt: ext(ID.plain, { ...signed, outerStr: 'first' }) }])
    // another copy of the utils (another mini-program instance) has not seen it; WeChat has
    let otherAddCards: typeof addCards = addCards
    jest.isolateModules(() => {
      otherAddCards = require('../../utils').addCards
    })
    const e = await rejectionOf(
      otherAddCards([{ cardId: ID.plain, cardExt: ext(ID.plain, { ...signed, outerStr: 'again' }) }]),
    )
    expect([e.code, e.detail, e.errMsg]).toEqual(['fail', '已领完', 'addCard:fail 已领完'])
    expect(p.state.calls.addCard).toBe(2)
  })

  it('maps a cancel to CardError cancel, for both APIs', async () => {
    const p = installPlatform()
    p.nextUserAction('cancel')
    expect((await rejectionOf(addCards([{ cardId: ID.plain, cardExt: ext(ID.plain) }]))).code).toBe('cancel')
    await addCards([{ cardId: ID.plain, cardExt: ext(ID.plain) }])
    p.nextUserAction('cancel')
    const [h] = p.state.held
    expect((await rejectionOf(openCards([{ cardId: h.cardId, code: h.code }]))).code).toBe('cancel')
  })

  it("openCards with the encrypted code fails with the platform's detail", async () => {
    installPlatform()
    const r = await addCards([{ cardId: ID.plain, cardExt: ext(ID.plain) }])
    const e = await rejectionOf(openCards([{ cardId: ID.plain, code: r.succeeded[0].code }]))
    expect(e.code).toBe('fail')
    expect(e.detail).toMatch(/encrypted/)
  })

  it('an old client is stopped by the utils version guard before the platform sees a call', async () => {
    const p = installPlatform({ SDKVersion: '1.0.9' })
    const e = await rejectionOf(addCards([{ cardId: ID.plain, cardExt: ext(ID.plain) }]))
    expect(e.code).toBe('unsupported')
    expect(p.state.calls.addCard).toBe(0)
  })

  it("install() without all keeps an existing wx's version reporting", async () => {
    const g = globalThis as unknown as { wx?: object }
    g.wx = { getSystemInfoSync: () => ({ SDKVersion: '2.30.0' }) }
    const p = makePlatform()
    const undoCards = p.install()
    undo = () => {
      undoCards()
      delete g.wx
    }
    expect((await addCards([{ cardId: ID.plain, cardExt: ext(ID.plain) }])).succeeded).toHaveLength(1)
  })
})

describe('a signing server against listen()', () => {
  let server: Listening
  afterEach(() => server.close())

  it('gets the ticket, signs, adds through the client, decrypts and opens', async () => {
    const p = makePlatform()
    server = await p.listen()
    undo = p.install(undefined, { all: true })
    // The app's server: the real toolkit with baseUrl pointed at the simulator.
    const tickets = createApiTicketProvider({ getAccessToken: async () => TOKEN, baseUrl: server.url })
    const cardExtFor = async (cardId: string, code?: string) =>
      createCardExt({ apiTicket: await tickets.getTicket(), cardId, code })
    const decrypt = (encryptCode: string) => decryptCardCode({ accessToken: TOKEN, encryptCode, baseUrl: server.url })

    const r = await addCards([
      { cardId: ID.plain, cardExt: await cardExtFor(ID.plain) },
      { cardId: ID.custom, cardExt: await cardExtFor(ID.custom, 'SHOP0001') },
    ])
    const codes = await Promise.all(r.succeeded.map((c) => decrypt(c.code)))
    expect(codes).toEqual(p.state.held.map((h) => h.code))
    expect(codes[1]).toBe('SHOP0001')
    await openCards(r.succeeded.map((c, i) => ({ cardId: c.cardId, code: codes[i] })))
    // The ticket was fetched once and cached by the provider.
    expect(p.state.requests).toEqual({
      stable_token: 0,
      getticket: 1,
      decrypt: 2,
      getcardlist: 0,
      code_get: 0,
      other: 0,
    })
    expect(p.state.opened.map((o) => o.cardId)).toEqual([ID.plain, ID.custom])
  })

  it("surfaces the platform's errcodes as WeChatApiError", async () => {
    const p = makePlatform()
    server = await p.listen()
    const e = await decryptCardCode({ accessToken: TOKEN, encryptCode: 'never-issued', baseUrl: server.url }).catch(
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(WeChatApiError)
    expect((e as WeChatApiError).errcode).toBe(40056)
    const bad = createApiTicketProvider({ getAccessToken: async () => 'wrong', baseUrl: server.url, maxRetries: 0 })
    const e2 = await bad.getTicket().catch((x: unknown) => x)
    expect((e2 as WeChatApiError).errcode).toBe(40001)
  })
})
