import {
  CARD_API_MIN_VERSION,
  compareVersion,
  getSDKVersion,
  isCardApiSupported,
  showUpgradeModal,
  UPGRADE_TEXT,
} from '../../utils'
import { installPlatform, setGlobalWx } from '../helpers/platform'
import { versions } from 'miniprogram-versions'

// A few tests stand in a plain object for the client's own wx; none may leak into the next test.
afterEach(() => setGlobalWx(undefined))

describe('compareVersion', () => {
  const pairs: [string, string, -1 | 0 | 1][] = [
    ['1.1.0', '1.1.0', 0],
    ['1.1', '1.1.0', 0],
    ['1.1.0', '1.1', 0],
    ['1', '1.0.0', 0],
    ['1.0.0.0', '1', 0],
    ['2.29.1', '2.3.0', 1],
    ['2.3.0', '2.29.1', -1],
    ['10.0.0', '9.9.9', 1],
    ['9.9.9', '10.0.0', -1],
    ['1.1.1', '1.1.0', 1],
    ['1.0.9', '1.1.0', -1],
    ['1.1.0', '1.0.9', 1],
    ['1.0.0', '1.1.0', -1],
    ['2.20.1', '2.20.0', 1],
    ['2.20.1', '2.3.10', 1],
    ['3.12.0', '3.11.3', 1],
    ['3.8.12', '3.9.3', -1],
    ['01.1.0', '1.1.0', 0],
    ['1.01.0', '1.1', 0],
    ['1.1.00', '1.1.0', 0],
    ['002.0', '2', 0],
    ['', '', 0],
    ['', '0', 0],
    ['', '0.0.0', 0],
    ['', '1.1.0', -1],
    ['1.1.0', '', 1],
    ['abc', '0.0.0', 0],
    ['abc', '1.1.0', -1],
    ['1.abc.0', '1.0.0', 0],
    ['1.1a.0', '1.0.0', 0],
    ['1..1', '1.0.1', 0],
    ['1.-1.0', '1.0.0', 0],
    ['1.1.0-beta', '1.1.0', 0],
    ['v1.1.0', '1.1.0', -1],
    [' 1.1.0', '1.1.0', 0],
    ['1.1.0.1', '1.1.0', 1],
    ['1.10', '1.9', 1],
    ['1.9', '1.10', -1],
    ['0.0.1', '0.0.0', 1],
    ['999.999.999', '1000', -1],
  ]
  it.each(pairs)('%p vs %p → %p', (a, b, want) => {
    expect(compareVersion(a, b)).toBe(want)
    expect(compareVersion(b, a)).toBe((want === 0 ? 0 : -want) as -1 | 0 | 1)
  })

  it('never throws on undefined or null', () => {
    expect(compareVersion(undefined as never, undefined as never)).toBe(0)
    expect(compareVersion(undefined as never, '1.1.0')).toBe(-1)
    expect(compareVersion(null as never, '0')).toBe(0)
  })

  it('orders every published base library version as WeChat lists them (newest first)', () => {
    const list = versions.map((v) => v.sdkVer)
    expect(list.length).toBeGreaterThan(20)
    for (let i = 1; i < list.length; i++) {
      expect([list[i - 1], list[i], compareVersion(list[i - 1], list[i])]).toEqual([list[i - 1], list[i], 1])
      expect(compareVersion(list[i], list[i - 1])).toBe(-1)
      expect(compareVersion(list[i], CARD_API_MIN_VERSION)).toBe(1)
    }
  })
})

describe('getSDKVersion', () => {
  it.each([
    ['getAppBaseInfo and getSystemInfoSync', []],
    ['getAppBaseInfo only', ['getSystemInfoSync']],
    ['getSystemInfoSync only (base library < 2.20.1)', ['getAppBaseInfo']],
  ] as const)('reads the version from a client with %s', (_, missingApis) => {
    installPlatform({ SDKVersion: '2.16.1', missingApis })
    expect(getSDKVersion()).toBe('2.16.1')
  })
  it('follows the client when it changes', () => {
    const p = installPlatform()
    expect(getSDKVersion()).toBe('3.12.0')
    p.setClient({ SDKVersion: '1.0.9' })
    expect(getSDKVersion()).toBe('1.0.9')
  })
  it('returns "" when the client has neither API', () => {
    installPlatform({ missingApis: ['getAppBaseInfo', 'getSystemInfoSync'] })
    expect(getSDKVersion()).toBe('')
  })
  it('returns "" outside WeChat (no wx at all)', () => {
    expect('wx' in globalThis).toBe(false)
    expect(getSDKVersion()).toBe('')
  })
})

// Clients whose version APIs misbehave (throw, answer undefined or a wrong shape, disagree with each other) are
// shapes the simulator does not produce: a plain object stands in as the global wx for these cases only.
describe('getSDKVersion on a misbehaving client', () => {
  const boom = () => {
    throw new Error('boom')
  }
  it('prefers getAppBaseInfo when both answer', () => {
    setGlobalWx({ getAppBaseInfo: () => ({ SDKVersion: '3.1.0' }), getSystemInfoSync: () => ({ SDKVersion: '2.0.0' }) })
    expect(getSDKVersion()).toBe('3.1.0')
  })
  it.each([
    ['throwing', boom],
    ['returning undefined', () => undefined],
    ['answering without SDKVersion', () => ({})],
    ['answering an empty SDKVersion', () => ({ SDKVersion: '' })],
    ['answering a non-string', () => ({ SDKVersion: 3 })],
  ])('falls back to getSystemInfoSync when getAppBaseInfo is %s', (_, getAppBaseInfo) => {
    setGlobalWx({ getAppBaseInfo, getSystemInfoSync: () => ({ SDKVersion: '1.1.0' }) })
    expect(getSDKVersion()).toBe('1.1.0')
  })
  it.each<[string, object]>([
    ['both throwing', { getAppBaseInfo: boom, getSystemInfoSync: boom }],
    ['both undefined', { getAppBaseInfo: () => undefined, getSystemInfoSync: () => undefined }],
    ['both answering null', { getAppBaseInfo: () => null, getSystemInfoSync: () => null }],
    ['not functions', { getAppBaseInfo: '3.12.0', getSystemInfoSync: { SDKVersion: '3.12.0' } }],
  ])('returns "" when %s', (_, client) => {
    setGlobalWx(client)
    expect(getSDKVersion()).toBe('')
  })
})

describe('isCardApiSupported', () => {
  const table: [string, boolean][] = [
    ['1.0.0', false],
    ['1.0.9', false],
    ['1.1.0', true],
    ['1.1.1', true],
    ['2.3.0', true],
    ['2.29.1', true],
    ['3.12.0', true],
  ]
  it.each(table)('SDKVersion %p with both APIs → %p', (v, want) => {
    installPlatform({ SDKVersion: v })
    expect(isCardApiSupported('addCard')).toBe(want)
    expect(isCardApiSupported('openCard')).toBe(want)
  })
  it.each(table)('SDKVersion %p without the API → false', (v) => {
    installPlatform({ SDKVersion: v, missingApis: ['addCard', 'openCard'] })
    expect(isCardApiSupported('addCard')).toBe(false)
    expect(isCardApiSupported('openCard')).toBe(false)
  })
  it('ignores a canIUse that says yes (it does not exist before 1.1.1)', () => {
    // a real client's wx with canIUse, the simulator installed on it
    setGlobalWx({ canIUse: () => true })
    installPlatform({ SDKVersion: '1.0.9' })
    expect(isCardApiSupported('addCard')).toBe(false)
  })
  it('checks each API on its own', () => {
    installPlatform({ SDKVersion: '2.0.0', missingApis: ['openCard'] })
    expect(isCardApiSupported('addCard')).toBe(true)
    expect(isCardApiSupported('openCard')).toBe(false)
  })
  it('is false when the version is unknown', () => {
    installPlatform({ missingApis: ['getAppBaseInfo', 'getSystemInfoSync'] })
    expect(isCardApiSupported('addCard')).toBe(false)
  })
})

describe('showUpgradeModal', () => {
  it("shows WeChat's official text by default", () => {
    const p = installPlatform()
    showUpgradeModal()
    expect(UPGRADE_TEXT).toBe('当前微信版本过低，无法使用该功能，请升级到最新微信版本后重试。')
    expect(p.state.modals).toEqual([{ title: '提示', content: UPGRADE_TEXT, showCancel: false }])
  })
  it('takes custom text and survives a client without showModal', () => {
    const p = installPlatform()
    showUpgradeModal('请升级')
    expect(p.state.modals.map((m) => m.content)).toEqual(['请升级'])
    p.setClient({ missingApis: ['showModal'] })
    expect(() => showUpgradeModal()).not.toThrow()
    expect(p.state.modals).toHaveLength(1)
  })
})
