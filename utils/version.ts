/** wx.addCard and wx.openCard exist from base library 1.1.0. */
export const CARD_API_MIN_VERSION = '1.1.0'

/** WeChat's own wording for a client that is too old. */
export const UPGRADE_TEXT = '当前微信版本过低，无法使用该功能，请升级到最新微信版本后重试。'

export type CardApi = 'addCard' | 'openCard'

// test() reads a missing part as 'undefined': not digits, so 0
const part = (s?: string): number => (/^\s*\d+\s*$/.test(s as string) ? +(s as string) : 0)

/**
 * Compares base library versions numerically, part by part ('2.29.1' > '2.3.0').
 * Missing parts are 0 ('1.1' equals '1.1.0'); empty, undefined or non-numeric parts count as 0. Never throws.
 */
export function compareVersion(a: string, b: string): -1 | 0 | 1 {
  // String(undefined) is 'undefined': a non-numeric part, so 0 like any other malformed part.
  const [x, y] = [a, b].map((v) => String(v).split('.'))
  for (let i = 0; i < x.length || i < y.length; i++) {
    const d = part(x[i]) - part(y[i])
    if (d) return d > 0 ? 1 : -1
  }
  return 0
}

/** The running base library version, or '' when the client will not say. Never throws. */
export function getSDKVersion(): string {
  // getAppBaseInfo is 2.20.1+, getSystemInfoSync 1.1.0+; either may throw or answer without SDKVersion.
  for (const api of ['getAppBaseInfo', 'getSystemInfoSync'] as const) {
    try {
      // a missing API or an undefined answer throws here and falls through to the next source
      const v = wx[api]().SDKVersion
      if (v && typeof v === 'string') return v
    } catch (e) {
      // try the next source
    }
  }
  return ''
}

/** True when the client can run `wx[api]`. wx.canIUse is not used: it only appeared in 1.1.1. */
export function isCardApiSupported(api: CardApi): boolean {
  // getSDKVersion never throws, and without a version wx is not read
  return compareVersion(getSDKVersion(), CARD_API_MIN_VERSION) >= 0 && typeof wx[api] === 'function'
}

/** Shows WeChat's official "please upgrade" modal. */
export function showUpgradeModal(content: string = UPGRADE_TEXT): void {
  try {
    wx.showModal({ title: '提示', content, showCancel: false })
  } catch (e) {
    // a client without showModal has nothing better to offer
  }
}
