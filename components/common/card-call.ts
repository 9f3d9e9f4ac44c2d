// What both tags share: the version-guard properties, the fallback decision, one card call at a time, the
// timeout for a call WeChat never answers, and how an outcome becomes events. Shipped as miniprogram_dist/common.
import {
  CARD_API_MIN_VERSION,
  CardError,
  UPGRADE_TEXT,
  getSDKVersion,
  isCardApiSupported,
  showUpgradeModal,
  type CardApi,
} from '../../utils/index'

/** Detail of `fail`: why the call did not happen or did not succeed (see CardErrorCode in utils). */
export interface FailDetail {
  /** `invalid` input (never reached WeChat), `fail` from WeChat, `timeout` (no answer), `source` (your server). */
  code: 'invalid' | 'fail' | 'timeout' | 'source'
  /** For you, in English: names the card and field for `invalid`. */
  message: string
  /** WeChat's errMsg, when WeChat answered. */
  errMsg?: string | undefined
  /** WeChat's reason after `fail`, or what is wrong with the input. */
  detail?: string | undefined
  /** Index of the offending card (`invalid`). */
  index?: number | undefined
  /** Offending field inside the card: `cardId`, `code`, `cardExt.timestamp` (`invalid`). */
  field?: string | undefined
}

/** Detail of `cancel`: the user closed WeChat's card page. */
export interface CancelDetail {
  code: 'cancel'
  errMsg?: string | undefined
}

/** Detail of `unsupported`: this client has no card API (or a base library below `required`). */
export interface UnsupportedDetail {
  /** What the client reports ('' when it does not say). */
  SDKVersion: string
  /** '1.1.0' for the card API; the guard's own minimum for a tag with another guard. */
  required: string
}

/**
 * What a tag needs from the client, for the Behavior's version guard: a name for messages (`wx.addCard`), the base
 * library it needs, and whether this client has it (numeric compare, plus whatever else it needs).
 */
export interface CallGuard {
  name: string
  required: string
  isSupported(): boolean
}

/** The guard of a card API: `wx.<api>`, base library 1.1.0, and the function present. */
function cardApiGuard(api: CardApi): CallGuard {
  return { name: `wx.${api}`, required: CARD_API_MIN_VERSION, isSupported: () => isCardApiSupported(api) }
}

/** The one outcome of a tap. */
export type Outcome = 'success' | 'open' | 'cancel' | 'fail' | 'unsupported'

/** Detail of `complete`, emitted after every outcome event. */
export interface CompleteDetail {
  outcome: Outcome
}

/** The events both tags emit, by name. Each tag's own map extends this one. */
export interface CardCallEvents {
  cancel: CancelDetail
  fail: FailDetail
  unsupported: UnsupportedDetail
  complete: CompleteDetail
}

interface EventHost {
  triggerEvent(name: string, detail: object): void
}

/**
 * A triggerEvent typed by the tag's event map, so the detail always matches the event name:
 * `const emit = eventEmitter<OpenCardListEvents>(); emit(this, 'select', { cardList, indexes })`.
 */
export function eventEmitter<Events>() {
  return <Name extends keyof Events & string>(host: EventHost, name: Name, detail: Events[Name]): void =>
    host.triggerEvent(name, detail as object)
}

/**
 * Emits one outcome event, then `complete`; typed like eventEmitter:
 * `const settle = outcomeEmitter<AddCardButtonEvents>(); settle(this, 'success', result)`.
 */
export function outcomeEmitter<Events extends CardCallEvents>() {
  const emit = eventEmitter<Events>()
  return <Name extends Outcome & keyof Events>(host: EventHost, name: Name, detail: Events[Name]): void => {
    emit(host, name, detail)
    emitShared(host, 'complete', { outcome: name })
  }
}

const emitShared = eventEmitter<CardCallEvents>()

const settleShared = outcomeEmitter<CardCallEvents>()

/** A call in flight: how it ends early (timeout, detach) and the timer that may end it. */
interface CallInFlight {
  finish(result: CallResult<unknown>): void
  timer?: ReturnType<typeof setTimeout> | undefined
}

/** How a card call ended, as the tag sees it. */
export type CallResult<Value> = { ok: true; value: Value } | { ok: false; error: unknown }

interface CardCallState {
  /** The call in flight, if any: the tag runs one at a time. Dropped when detached, so a late answer is ignored. */
  callInFlight: CallInFlight | undefined
}

/** The properties both tags have (through the Behavior). */
export const cardCallProperties = {
  showUpgradeModal: { type: Boolean, value: true },
  useFallbackSlot: { type: Boolean, value: false },
  upgradeText: { type: String, value: UPGRADE_TEXT },
  /** ms after the user is back on the page (page show) before a call WeChat never answered fails as `timeout`. */
  answerTimeout: { type: Number, value: 5000 },
}

/**
 * The Behavior both tags use, for the card API each one calls (`addCard` / `openCard`):
 * - properties `show-upgrade-modal`, `use-fallback-slot`, `upgrade-text`, `answer-timeout`;
 * - data `fallback`: decided once when attached, so a user on an old client never sees a tag that cannot work;
 * - `startCardCall(work, done)`: one call at a time; `done` runs once with the answer, unless the tag was
 *   detached first; if WeChat never answers, `done` gets CardError('timeout') once the user is back on the page
 *   (page show) and `answer-timeout` ms have passed, and a late answer is ignored. `work(isLive)` checks
 *   `isLive()` before each later step: it turns false at the first settle or detach, and the work stops there;
 * - `reportCardError(error)`: a rejection as `unsupported` (with WeChat's upgrade modal), `cancel` or `fail`.
 */
export function cardCallBehavior(api: CardApi | CallGuard) {
  const guard = typeof api === 'string' ? cardApiGuard(api) : api
  return Behavior<
    { fallback: boolean },
    typeof cardCallProperties,
    {
      isCallInFlight(): boolean
      startCardCall<Value>(
        work: (isLive: () => boolean) => Promise<Value>,
        done: (result: CallResult<Value>) => void,
      ): void
      reportCardError(error: unknown, extra?: object): void
    },
    [],
    CardCallState
  >({
    properties: cardCallProperties,
    data: { fallback: false },
    lifetimes: {
      attached() {
        if (this.data.useFallbackSlot && !guard.isSupported()) this.setData({ fallback: true })
      },
      detached() {
        // a call that answers later finds itself gone: no setData, no event
        const inFlight = this.callInFlight
        if (inFlight && inFlight.timer !== undefined) clearTimeout(inFlight.timer)
        this.callInFlight = undefined
      },
    },
    pageLifetimes: {
      // WeChat's card page covers ours; when the user is back and no answer came, give it a grace period.
      show() {
        const inFlight = this.callInFlight
        const timeoutMs = this.data.answerTimeout
        if (!inFlight || inFlight.timer !== undefined || !(timeoutMs > 0)) return
        inFlight.timer = setTimeout(() => {
          const error = new CardError(
            'timeout',
            `${guard.name} did not answer within ${timeoutMs} ms after the page showed again`,
            {
              detail: 'timeout',
            },
          )
          inFlight.finish({ ok: false, error })
        }, timeoutMs)
      },
    },
    methods: {
      isCallInFlight() {
        return this.callInFlight !== undefined
      },
      startCardCall<Value>(work: (isLive: () => boolean) => Promise<Value>, done: (result: CallResult<Value>) => void) {
        const inFlight: CallInFlight = {
          finish: (result) => {
            // the first of answer, timeout and detach wins; the others find the call gone
            if (this.callInFlight !== inFlight) return
            if (inFlight.timer !== undefined) clearTimeout(inFlight.timer)
            this.callInFlight = undefined
            done(result as CallResult<Value>)
          },
        }
        this.callInFlight = inFlight
        // Work with steps (fetch fresh cards, then wx.addCard) asks isLive() before each step: false once the call
        // settled (answer, timeout) or the tag was detached, so nothing reaches wx afterwards.
        work(() => this.callInFlight === inFlight).then(
          (value) => inFlight.finish({ ok: true, value }),
          (error: unknown) => inFlight.finish({ ok: false, error }),
        )
      },
      // `extra`: more fields for the `fail` detail (a tag's own, e.g. why in the user's terms)
      reportCardError(error: unknown, extra?: object) {
        const cardError = error instanceof CardError ? error : new CardError('fail', String(error))
        const { code, message, errMsg, detail, index, field } = cardError
        if (code === 'unsupported') {
          if (this.data.showUpgradeModal) showUpgradeModal(this.data.upgradeText)
          settleShared(this, 'unsupported', { SDKVersion: getSDKVersion(), required: guard.required })
        } else if (code === 'cancel') {
          settleShared(this, 'cancel', { code, errMsg })
        } else {
          // In the devtools console, so a developer sees which card and field are wrong.
          if (code === 'invalid' || code === 'source') console.error(`[weapp-card-coupon] ${message}`)
          settleShared(this, 'fail', { code, message, errMsg, detail, index, field, ...extra })
        }
      },
    },
  })
}
