// install() and the client settings (testing/wx.ts): the simulated functions on the global wx or a given host,
// undone exactly; an old or stripped client.
import type { SimWx } from '../../testing'
import { addCards, getSDKVersion } from '../../utils'
import { freshCards, ID, makePlatform, setGlobalWx } from '../helpers/platform'

/** The global wx as it is now. */
const globalWx = () => Reflect.get(globalThis, 'wx') as (Record<string, unknown> & Partial<SimWx>) | undefined
afterEach(() => setGlobalWx(undefined))

/** A real client's system info: more fields than the simulator knows, and its own version. */
const realSystemInfo = () => ({ SDKVersion: '2.10.4', platform: 'ios', brand: 'iPhone', language: 'zh_CN' })
const realAppBaseInfo = () => ({ SDKVersion: '2.10.4', host: { env: 'WeChat' }, theme: 'dark' })

describe('install()', () => {
  it('creates the global wx with addCard and openCard only, and undo removes it again', () => {
    const p = makePlatform()
    expect('wx' in globalThis).toBe(false)
    const undo = p.install()
    expect(Object.keys(globalWx() || {}).sort()).toEqual(['addCard', 'openCard'])
    expect(globalWx()?.addCard).toBe(p.wx.addCard)
    undo()
    expect('wx' in globalThis).toBe(false)
  })

  it('patches an existing global wx and restores what was there, leaving other keys alone', () => {
    const mine = () => 'mine'
    const showModal = () => 'modal'
    setGlobalWx({ addCard: mine, showModal, request: 'keep' })
    const before = globalWx()
    const p = makePlatform()
    const undo = p.install()
    expect(globalWx()).toBe(before)
    expect(globalWx()?.addCard).toBe(p.wx.addCard)
    expect(globalWx()?.openCard).toBe(p.wx.openCard)
    expect(globalWx()?.showModal).toBe(showModal)
    undo()
    expect(globalWx()).toEqual({ addCard: mine, showModal, request: 'keep' })
    expect('openCard' in (globalWx() ?? {})).toBe(false)
  })

  it('installs all five functions with { all: true } on a bare wx, and undoes all of it', () => {
    const p = makePlatform()
    const undo = p.install(undefined, { all: true })
    expect(Object.keys(globalWx() || {}).sort()).toEqual([
      'addCard',
      'getAppBaseInfo',
      'getSystemInfoSync',
      'openCard',
      'showModal',
    ])
    for (const api of ['addCard', 'openCard', 'getSystemInfoSync', 'getAppBaseInfo', 'showModal'] as const) {
      expect(globalWx()?.[api]).toBe(p.wx[api])
    }
    undo()
    expect('wx' in globalThis).toBe(false)
  })

  it("keeps a real client's system info with { all: true }: only SDKVersion is the simulator's", () => {
    setGlobalWx({ getSystemInfoSync: realSystemInfo, getAppBaseInfo: realAppBaseInfo })
    const p = makePlatform({ SDKVersion: '2.33.0' })
    const undo = p.install(undefined, { all: true })
    const host = globalWx()
    expect(host?.getSystemInfoSync?.()).toEqual({ ...realSystemInfo(), SDKVersion: '2.33.0' })
    expect(host?.getAppBaseInfo?.()).toEqual({ ...realAppBaseInfo(), SDKVersion: '2.33.0' })
    p.setClient({ SDKVersion: '1.0.9' })
    expect(host?.getSystemInfoSync?.()).toEqual({ ...realSystemInfo(), SDKVersion: '1.0.9' })
    undo()
    expect(globalWx()).toEqual({ getSystemInfoSync: realSystemInfo, getAppBaseInfo: realAppBaseInfo })
    expect(globalWx()?.getSystemInfoSync).toBe(realSystemInfo)
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

  it.each([7, 'wx', null, true])('refuses a target that is not an object: %p', (target) => {
    expect(() => makePlatform().install(target as never)).toThrow(new TypeError('install: target must be an object'))
  })

  it("the installed functions are the live simulator; without { all: true } the utils read the host's version", async () => {
    setGlobalWx({ getSystemInfoSync: () => ({ SDKVersion: '2.30.0' }) })
    const p = makePlatform()
    const undo = p.install()
    expect(getSDKVersion()).toBe('2.30.0')
    expect((await addCards(freshCards(ID.voucher))).succeeded).toHaveLength(1)
    expect(p.state.held).toHaveLength(1)
    undo()
  })
})

describe('missing APIs (an old or stripped client)', () => {
  it('leaves the missing APIs off an installed target, which keeps its own functions for the rest', () => {
    const own = () => 'own'
    const target: Record<string, unknown> = { getSystemInfoSync: realSystemInfo, showModal: own }
    const p = makePlatform({ missingApis: ['addCard', 'showModal'] })
    const undo = p.install(target, { all: true })
    expect(Object.keys(target).sort()).toEqual(['getAppBaseInfo', 'getSystemInfoSync', 'openCard'])
    // the platform's own wx always has every function
    expect(typeof p.wx.addCard).toBe('function')
    undo()
    expect(target).toEqual({ getSystemInfoSync: realSystemInfo, showModal: own })
  })

  it('setClient() changes every installed target at once, and nothing after its undo', () => {
    const first: Record<string, unknown> = {}
    const second: Record<string, unknown> = {}
    const p = makePlatform()
    const undoFirst = p.install(first, { all: true })
    p.install(second)
    p.setClient({ missingApis: ['openCard', 'getAppBaseInfo'] })
    expect(Object.keys(first).sort()).toEqual(['addCard', 'getSystemInfoSync', 'showModal'])
    expect(Object.keys(second)).toEqual(['addCard'])
    undoFirst()
    p.setClient({ missingApis: [] })
    expect(first).toEqual({})
    expect(Object.keys(second).sort()).toEqual(['addCard', 'openCard'])
  })

  it('setClient() with only a version keeps the missing APIs, and with only missingApis keeps the version', () => {
    const target: Record<string, unknown> = {}
    const p = makePlatform({ missingApis: ['addCard'], SDKVersion: '2.0.0' })
    p.install(target, { all: true })
    p.setClient({ SDKVersion: '2.1.0' })
    expect('addCard' in target).toBe(false)
    p.setClient({ missingApis: ['openCard'] })
    expect((target as Partial<SimWx>).getAppBaseInfo?.()).toEqual({ SDKVersion: '2.1.0' })
    expect(['addCard' in target, 'openCard' in target]).toEqual([true, false])
  })
})
