// The end-user toast a tag shows when the user's tap came to nothing: a short Chinese message in the user's words,
// keyed by why. On by default (`show-toast`), its words a property (`toast-texts`, a partial object keeps the tag's
// other defaults). A tag spreads `toastProperties(itsTexts)` into its properties and calls `showFailureToast`.
// Shipped as miniprogram_dist/common.

import { CardError } from '../../utils/index'

/**
 * Why a card tag's tap came to nothing, in the user's terms: `null` for a cancel (the user's own choice) and for
 * an old client (WeChat's upgrade modal already says it); `network` when your server could not be reached or did not
 * answer in time; `sold_out` when WeChat said 已领完; else `failed`.
 */
export function cardFailReason(error: unknown): 'sold_out' | 'network' | 'failed' | null {
  if (!(error instanceof CardError)) return 'failed'
  if (error.code === 'cancel' || error.code === 'unsupported') return null
  const detail = error.detail || ''
  // wx.request's own failure (errMsg `request:fail …`) or no answer in time
  if (error.code === 'source' && (detail === 'timeout' || detail.startsWith('request:fail'))) return 'network'
  if (error.code === 'fail' && detail.includes('已领完')) return 'sold_out'
  return 'failed'
}

/** The properties a tag with the toast has (camelCase here, kebab-case in WXML). */
export function toastProperties<Reason extends string>(defaultTexts: Readonly<Record<Reason, string>>) {
  return {
    /** Show a toast (wx.showToast, no icon) when the user's tap came to nothing; cancel shows none. */
    showToast: { type: Boolean, value: true },
    /** The toast's words by reason; a partial object keeps the tag's other defaults. */
    toastTexts: { type: Object, value: defaultTexts as Partial<Record<Reason, string>> },
  }
}

interface ToastHost<Reason extends string> {
  data: { showToast: boolean; toastTexts: Partial<Record<Reason, string>> | null }
}

/**
 * Shows the toast for `reason` when the tag's `show-toast` is on: the page's words (`toast-texts`), else the tag's
 * default. A client without wx.showToast, or one that throws, shows nothing (the event still tells the page).
 */
export function showFailureToast<Reason extends string>(
  host: ToastHost<Reason>,
  reason: Reason,
  defaultTexts: Readonly<Record<Reason, string>>,
): void {
  if (!host.data.showToast) return
  const texts = host.data.toastTexts
  const title = (texts && texts[reason]) || defaultTexts[reason]
  if (!title) return
  try {
    wx.showToast({ title, icon: 'none', duration: 2000 })
  } catch (e) {
    // nothing better to offer
  }
}
