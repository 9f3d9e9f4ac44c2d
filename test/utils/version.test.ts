import { versions } from 'miniprogram-versions'
import {
  CARD_API_MIN_VERSION,
  compareVersion,
  getSDKVersion,
  isCardApiSupported,
  showUpgradeModal,
  UPGRADE_TEXT,
} from '../../utils'
import { installWx } from '../helpers/wx'

const setWx = (w: unknown) => ((globalThis as unknown as { wx: unknown }).wx = w)
afterEach(() => setWx(undefined))

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
    const u = undefined as unknown as string
    expect(compareVersion(u, u)).toBe(0)
    expect(compareVersion(u, '1.1.0')).toBe(-1)
    expect(compareVersion(null as unknown as string, '0')).toBe(0)
  })

  it('orders every published base library version as WeChat lists them (newest first)', () => {
    const list = versions.map((v: { sdkVer: string }) => v.sdkVer)
    expect(list.length).toBeGreaterThan(20)
    for (let i = 1; i < list.length; i++) {
      expect([list[i - 1], list[i], compareVersion(list[i - 1], list[i])]).toEqual([list[i - 1], list[i], 1])
      expect(compareVersion(list[i], list[i - 1])).toBe(-1)
      expect(compareVersion(list[i], CARD_API_MIN_VERSION)).toBe(1)
    }
  })
})

describe('getSDKVersion', () => {
  it('prefers getAppBaseInfo', () => {
    setWx({ getAppBaseInfo: () => ({ SDKVersion: '3.1.0' }), getSystemInfoSync: () => ({ SDKVersion: '2.0.0' }) })
    expect(getSDKVersion()).toBe('3.1.0')
  })
  it.each([
    ['missing', undefined],
    [
      'throwing',
      () => {
        throw new Error('boom')
      },
    ],
    ['returning undefined', () => undefined],
    ['answering without SDKVersion', () => ({})],
    ['answering a non-string', () => ({ SDKVersion: 3 })],
  ])('falls back to getSystemInfoSync when getAppBaseInfo is %s', (_, getAppBaseInfo) => {
    setWx({ getAppBaseInfo, getSystemInfoSync: () => ({ SDKVersion: '1.1.0' }) })
    expect(getSDKVersion()).toBe('1.1.0')
  })
  it.each([
    ['both missing', {}],
    [
      'both throwing',
      {
        getAppBaseInfo: () => {
          throw new Error('x')
        },
        getSystemInfoSync: () => {
          throw new Error('y')
        },
      },
    ],
    ['both undefined', { getAppBaseInfo: () => undefined, getSystemInfoSync: () => undefined }],
  ])('returns "" when %s', (_, w) => {
    setWx(w)
    expect(getSDKVersion()).toBe('')
  })
  it('returns "" outside WeChat (no wx at all)', () => {
    delete (globalThis as unknown as { wx?: unknown }).wx
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
    installWx({ SDKVersion: v })
    expect(isCardApiSupported('addCard')).toBe(want)
    expect(isCardApiSupported('openCard')).toBe(want)
  })
  it.each(table)('SDKVersion %p without the API → false', (v) => {
    installWx({ SDKVersion: v, addCard: null, openCard: null })
    expect(isCardApiSupported('addCard')).toBe(false)
    expect(isCardApiSupported('openCard')).toBe(false)
  })
  it('ignores a canIUse that says yes (it does not exist before 1.1.1)', () => {
    const w = installWx({ SDKVersion: '1.0.9' }) as unknown as Record<string, unknown>
    w.canIUse = () => true
    expect(isCardApiSupported('addCard')).toBe(false)
  })
  it('checks each API on its own', () => {
    installWx({ SDKVersion: '2.0.0', openCard: null })
    expect(isCardApiSupported('addCard')).toBe(true)
    expect(isCardApiSupported('openCard')).toBe(false)
  })
  it('is false when the version is unknown', () => {
    setWx({ addCard: () => undefined })
    expect(isCardApiSupported('addCard')).toBe(false)
  })
})

describe('showUpgradeModal', () => {
  it("shows WeChat's official text by default", () => {
    const w = installWx()
    showUpgradeModal()
    expect(UPGRADE_TEXT).toBe('当前微信版本过低，无法使用该功能，请升级到最新微信版本后重试。')
    expect(w.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: UPGRADE_TEXT, showCancel: false }))
  })
  it('takes custom text and survives a client without showModal', () => {
    const w = installWx()
    showUpgradeModal('请升级')
    expect(w.showModal.mock.calls[0][0].content).toBe('请升级')
    setWx({})
    expect(() => showUpgradeModal()).not.toThrow()
  })
})
