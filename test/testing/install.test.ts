import { ext, ID, makePlatform } from './fixtures'

type Holder = { wx?: Record<string, unknown> }
const g = globalThis as unknown as Holder

afterEach(() => {
  delete g.wx
})

describe('install()', () => {
  it('creates the global wx with addCard and openCard only, and undo removes it again', () => {
    const p = makePlatform()
    expect('wx' in globalThis).toBe(false)
    const undo = p.install()
    expect(Object.keys(g.wx || {}).sort()).toEqual(['addCard', 'openCard'])
    expect(g.wx && g.wx.addCard).toBe(p.wx.addCard)
    undo()
    expect('wx' in globalThis).toBe(false)
  })

  it('patches an existing global wx and restores what was there, leaving other keys alone', () => {
    const mine = () => 'mine'
    const showModal = () => 'modal'
    g.wx = { addCard: mine, showModal, request: 'keep' }
    const before = g.wx
    const p = makePlatform()
    const undo = p.install()
    expect(g.wx).toBe(before)
    expect(g.wx.addCard).toBe(p.wx.addCard)
    expect(g.wx.openCard).toBe(p.wx.openCard)
    expect(g.wx.showModal).toBe(showModal)
    undo()
    expect(g.wx).toEqual({ addCard: mine, showModal, request: 'keep' })
    expect('openCard' in g.wx).toBe(false)
  })

  it('installs everything with { all: true } and undoes all of it', () => {
    g.wx = { getSystemInfoSync: () => ({ SDKVersion: '1.0.0' }) }
    const original = g.wx.getSystemInfoSync
    const p = makePlatform()
    const undo = p.install(undefined, { all: true })
    expect(Object.keys(g.wx).sort()).toEqual([
      'addCard',
      'getAppBaseInfo',
      'getSystemInfoSync',
      'openCard',
      'showModal',
    ])
    expect(g.wx.getSystemInfoSync).toBe(p.wx.getSystemInfoSync)
    undo()
    expect(Object.keys(g.wx)).toEqual(['getSystemInfoSync'])
    expect(g.wx.getSystemInfoSync).toBe(original)
  })

  it('installs on a given object instead of the global, and undo is idempotent', () => {
    const target: Record<string, unknown> = { openCard: 1 }
    const p = makePlatform()
    const undo = p.install(target)
    expect('wx' in globalThis).toBe(false)
    expect(target.openCard).toBe(p.wx.openCard)
    undo()
    undo()
    expect(target).toEqual({ openCard: 1 })
  })

  it('refuses a target that is not an object', () => {
    expect(() => makePlatform().install(7 as unknown as object)).toThrow(TypeError)
  })

  it('the installed functions are the live simulator', async () => {
    const p = makePlatform()
    const undo = p.install()
    const call = g.wx && (g.wx.addCard as typeof p.wx.addCard)
    const res = await call!({ cardList: [{ cardId: ID.plain, cardExt: ext(ID.plain) }] })
    expect(res && res.errMsg).toBe('addCard:ok')
    expect(p.state.held).toHaveLength(1)
    undo()
  })
})
