// The simulated client's timing and fault controls: hold mode (answer later, raw, twice or never), the answer
// delay, a synchronous throw, and the call log.
import type { AddCardSuccessCallbackResult, CardPlatform, GeneralCallbackResult } from '../../testing'
import { ext, ID, makePlatform, nextMacrotask } from '../helpers/platform'

/** What one callback-style call received, in order: `success:<errMsg>`, `fail:<errMsg>`, `complete:<errMsg>`. */
function recordedCall(p: CardPlatform, api: 'addCard' | 'openCard', cardList: unknown): string[] {
  const seen: string[] = []
  const note = (via: string) => (result: object) =>
    seen.push(`${via}:${String((result as Partial<GeneralCallbackResult>).errMsg)}`)
  p.wx[api]({ cardList, success: note('success'), fail: note('fail'), complete: note('complete') })
  return seen
}

const plainCard = () => [{ cardId: ID.voucher, cardExt: ext(ID.voucher) }]

describe('hold()', () => {
  it('keeps calls pending, oldest first, until answer() decides them with the platform rules at that moment', async () => {
    const p = makePlatform()
    p.hold()
    const first = recordedCall(p, 'addCard', plainCard())
    const second = recordedCall(p, 'addCard', plainCard())
    await nextMacrotask()
    expect([first, second]).toEqual([[], []])
    expect(p.state.log.map((c) => c.status)).toEqual(['pending', 'pending'])
    expect([p.state.calls.addCard, p.state.held]).toEqual([2, []])
    const held = p.heldCalls()
    expect(held.map((c) => c.cardList)).toEqual(p.state.log.map((c) => c.cardList))
    // the user's decision is taken when the call is answered, not when it was made
    p.nextUserAction('cancel')
    held[1].answer()
    expect(p.heldCalls()).toEqual([held[0]])
    held[0].answer()
    expect(p.heldCalls()).toEqual([])
    await nextMacrotask()
    expect(second).toEqual(['fail:addCard:fail cancel', 'complete:addCard:fail cancel'])
    expect(first).toEqual(['success:addCard:ok', 'complete:addCard:ok'])
    expect(p.state.log.map((c) => [c.status, c.errMsg])).toEqual([
      ['ok', 'addCard:ok'],
      ['fail', 'addCard:fail cancel'],
    ])
    expect(p.state.held).toHaveLength(1)
  })

  it('never answers a call the test leaves held', async () => {
    const p = makePlatform()
    p.hold()
    const seen = recordedCall(p, 'openCard', [{ cardId: ID.voucher, code: '1' }])
    for (let i = 0; i < 5; i++) await nextMacrotask()
    expect([seen, p.state.log[0].status, p.heldCalls().length]).toEqual([[], 'pending', 1])
  })

  it('hold(false) answers new calls as usual; calls already held stay held', async () => {
    const p = makePlatform()
    p.hold()
    const held = recordedCall(p, 'addCard', plainCard())
    p.hold(false)
    const answered = recordedCall(p, 'addCard', plainCard())
    await nextMacrotask()
    expect([held, answered]).toEqual([[], ['success:addCard:ok', 'complete:addCard:ok']])
    expect(p.heldCalls()).toHaveLength(1)
  })

  it('respond() delivers exactly the given result, changes no platform state, and may be called twice', async () => {
    const p = makePlatform()
    p.hold()
    const results: unknown[] = []
    p.wx.addCard({
      cardList: plainCard(),
      success: (r) => results.push(['success', r]),
      fail: (r) => results.push(['fail', r]),
      complete: (r) => results.push(['complete', r]),
    })
    const [call] = p.heldCalls()
    const raw = { cardList: [] }
    call.respond('success', raw)
    expect([p.heldCalls(), call.status, call.errMsg]).toEqual([[], 'ok', undefined])
    call.respond('fail', { errMsg: 'addCard:fail late' })
    expect([call.status, call.errMsg]).toEqual(['fail', 'addCard:fail late'])
    await nextMacrotask()
    expect(results).toEqual([
      ['success', raw],
      ['complete', raw],
      ['fail', { errMsg: 'addCard:fail late' }],
      ['complete', { errMsg: 'addCard:fail late' }],
    ])
    expect((results[0] as unknown[])[1]).toBe(raw)
    expect([p.state.held, p.state.nonces, p.state.taken[ID.voucher]]).toEqual([[], [], 0])
  })

  it('a held promise-style call returns its Promise, settled when the call is answered', async () => {
    const p = makePlatform()
    p.hold()
    const accepted = p.wx.addCard({ cardList: plainCard() })
    const cancelled = p.wx.addCard({ cardList: plainCard() })
    expect(accepted).toBeInstanceOf(Promise)
    const [first, second] = p.heldCalls()
    first.answer()
    p.nextUserAction('cancel')
    second.answer()
    const ok = (await accepted) as AddCardSuccessCallbackResult
    expect([ok.errMsg, ok.cardList.length]).toEqual(['addCard:ok', 1])
    await expect(cancelled).rejects.toEqual({ errMsg: 'addCard:fail cancel' })
  })
})

describe('setAnswerDelay()', () => {
  afterEach(() => jest.useRealTimers())

  it('delays the callbacks, not the decision: the state changes when the call is made', () => {
    jest.useFakeTimers()
    const p = makePlatform()
    p.setAnswerDelay(1500)
    const seen = recordedCall(p, 'addCard', plainCard())
    expect([p.state.held.length, p.state.log[0].status]).toEqual([1, 'ok'])
    jest.advanceTimersByTime(1499)
    expect(seen).toEqual([])
    jest.advanceTimersByTime(1)
    expect(seen).toEqual(['success:addCard:ok', 'complete:addCard:ok'])
  })

  it('delays a held call from the moment it is answered, and a promise-style call too', async () => {
    jest.useFakeTimers()
    const p = makePlatform()
    p.setAnswerDelay(200)
    p.hold()
    const seen = recordedCall(p, 'addCard', plainCard())
    jest.advanceTimersByTime(1000)
    p.heldCalls()[0].answer()
    jest.advanceTimersByTime(199)
    expect(seen).toEqual([])
    jest.advanceTimersByTime(1)
    expect(seen).toHaveLength(2)
    p.hold(false)
    let settled = false
    const promise = (p.wx.addCard({ cardList: plainCard() }) as Promise<object>).then(() => (settled = true))
    await jest.advanceTimersByTimeAsync(199)
    expect(settled).toBe(false)
    await jest.advanceTimersByTimeAsync(1)
    await promise
    expect(settled).toBe(true)
  })

  it.each([-1, NaN, Infinity, '5'])('refuses %p', (ms) => {
    expect(() => makePlatform().setAnswerDelay(ms as never)).toThrow(TypeError)
  })
})

describe('throwOnNextCall()', () => {
  it('makes the next call of that API throw synchronously, once; the platform never sees it', async () => {
    const p = makePlatform()
    const error = new Error('native crash')
    p.throwOnNextCall('addCard', error)
    const seen = recordedCall(p, 'openCard', [{ cardId: ID.voucher, code: '1' }])
    expect(() => p.wx.addCard({ cardList: plainCard() })).toThrow(error)
    expect([p.state.calls.addCard, p.state.log.map((c) => c.api)]).toEqual([0, ['openCard']])
    const next = recordedCall(p, 'addCard', plainCard())
    await nextMacrotask()
    expect(seen[0]).toMatch(/^fail:openCard:fail invalid code/)
    expect(next).toEqual(['success:addCard:ok', 'complete:addCard:ok'])
  })

  it('throws even while calls are held', () => {
    const p = makePlatform()
    p.hold()
    p.throwOnNextCall('openCard', new Error('x'))
    expect(() => p.wx.openCard({ cardList: [] })).toThrow('x')
    expect(p.heldCalls()).toEqual([])
  })
})

describe('state.log', () => {
  it('records every call with what was passed, as given, and how it was answered', async () => {
    const p = makePlatform()
    const list = plainCard()
    recordedCall(p, 'addCard', list)
    recordedCall(p, 'addCard', 'not a list')
    recordedCall(p, 'openCard', undefined)
    await nextMacrotask()
    expect(p.state.log).toEqual([
      { api: 'addCard', cardList: list, status: 'ok', errMsg: 'addCard:ok' },
      {
        api: 'addCard',
        cardList: 'not a list',
        status: 'fail',
        errMsg: 'addCard:fail parameter error: parameter.cardList should be Array instead of String;',
      },
      {
        api: 'openCard',
        cardList: undefined,
        status: 'fail',
        errMsg: 'openCard:fail parameter error: parameter.cardList should be Array instead of Undefined;',
      },
    ])
    expect(p.state.log[0].cardList).toBe(list)
    expect(p.state.calls).toEqual({ addCard: 2, openCard: 1 })
  })
})
