// Glue shared by the two tags: the version-guard properties and how an outcome becomes events.
import { CardError } from './error'
import {
  CARD_API_MIN_VERSION,
  getSDKVersion,
  isCardApiSupported,
  showUpgradeModal,
  UPGRADE_TEXT,
  type CardApi,
} from './version'

export type Outcome = 'success' | 'open' | 'cancel' | 'fail' | 'unsupported'

/** Detail of `fail`: `invalid` input (never reached WeChat) or a `fail` from WeChat. */
export interface FailDetail {
  code: 'invalid' | 'fail'
  message: string
  errMsg?: string
  detail?: string
  index?: number
  field?: string
}
export interface CancelDetail {
  code: 'cancel'
  errMsg?: string
}
export interface UnsupportedDetail {
  SDKVersion: string
  required: string
}
export interface CompleteDetail {
  outcome: Outcome
}

/** Properties both tags share. */
export const guardProperties = {
  showUpgradeModal: { type: Boolean, value: true },
  useFallbackSlot: Boolean,
  upgradeText: { type: String, value: UPGRADE_TEXT },
}

interface Host {
  data: { showUpgradeModal: boolean; upgradeText: string }
  triggerEvent(name: string, detail: object): void
}

interface GuardHost {
  data: { useFallbackSlot: boolean }
  setData(data: { fallback: boolean }): void
  /** Set once detached: a call that answers later makes no setData and emits nothing. */
  gone?: boolean
}

/** The lifetimes both tags share, for the card API each one calls. */
export function guardLifetimes(api: CardApi) {
  return {
    attached(this: GuardHost) {
      // Decided once, so a user on an old client never sees a tag that cannot work.
      if (this.data.useFallbackSlot && !isCardApiSupported(api)) this.setData({ fallback: true })
    },
    detached(this: GuardHost) {
      this.gone = true
    },
  }
}

/** Emits exactly one outcome event, then `complete`. */
export function settle(host: Host, outcome: Outcome, detail: object): void {
  host.triggerEvent(outcome, detail)
  host.triggerEvent('complete', { outcome } as CompleteDetail)
}

/** Turns a rejection into `unsupported`, `cancel` or `fail`. */
export function reportError(host: Host, e: unknown): void {
  const { code, message, errMsg, detail, index, field } = e instanceof CardError ? e : new CardError('fail', String(e))
  if (code === 'unsupported') {
    if (host.data.showUpgradeModal) showUpgradeModal(host.data.upgradeText)
    settle(host, code, { SDKVersion: getSDKVersion(), required: CARD_API_MIN_VERSION } as UnsupportedDetail)
  } else if (code === 'cancel') {
    settle(host, code, { code, errMsg } as CancelDetail)
  } else {
    // Shown in the devtools console so a developer sees which card and field are wrong.
    if (code === 'invalid') console.error(`[weapp-card-coupon] ${message}`)
    settle(host, 'fail', { code, message, errMsg, detail, index, field } as FailDetail)
  }
}
