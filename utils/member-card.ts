// Member cards (会员卡) in the mini-program: one-click activation through WeChat's activation mini-program, and the
// clients of your member-card endpoints (server/endpoints/member-*.ts). The round trip: your server's parameters →
// wx.navigateToMiniProgram → the user fills WeChat's form or leaves → back in your app (wx.onAppShow /
// wx.getEnterOptionsSync().referrerInfo) → your server reads the form and activates. Pure TypeScript, no UI.
import { CardError } from './error'
import type { ActivateResponseBody, ActivationParamsResponseBody, MemberCardData } from './member-protocol'
import { postJson, sourceError } from './request'
import { isPlainObject } from './rules'
import { compareVersion, getSDKVersion } from './version'

/** The AppID of WeChat's activation mini-program (开卡组件), fixed by WeChat. */
export const ACTIVATION_APP_ID = 'wxeb490c6f9b154ef9'

/** wx.navigateToMiniProgram exists from base library 1.3.0. */
export const NAVIGATE_TO_MINI_PROGRAM_MIN_VERSION = '1.3.0'

/** Where the round trip's requests go, and how. */
export interface MemberEndpoints {
  /** Your activation-params endpoint (`POST { cardId }`). */
  paramsUrl: string
  /** Your activate endpoint (`POST { activateTicket, cardId, code }`). */
  activateUrl: string
  /** e.g. `{ Authorization: 'Bearer <your login token>' }`: wx.request sends no cookies. */
  header?: Record<string, string> | undefined
  /** ms before a request counts as failed. Default 10 000. */
  timeoutMs?: number | undefined
}

/**
 * How an activation ended: `activated` (with the member data), `cancelled` (the user came back without submitting),
 * or `failed` with a reason: `expired` (the form was read too late: activate again), `refused` (your onActivate
 * refused: `message` is for the user), `unsupported` (this client cannot open the activation mini-program),
 * `busy` (your server answered 429: too many tries, or 409: this activation is being handled; try again later),
 * `source` (your server could not be reached or answered another error), `fail` (WeChat refused the jump).
 */
export type ActivationOutcome =
  | { outcome: 'activated'; member: MemberCardData }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; reason: ActivationFailureReason; message: string }

/** Why an activation failed: see ActivationOutcome. */
export type ActivationFailureReason = 'expired' | 'refused' | 'unsupported' | 'busy' | 'source' | 'fail'

/** What the activation mini-program handed back, once claimed. */
export type ActivationHandBack =
  { kind: 'submitted'; activateTicket: string; cardId: string; code: string } | { kind: 'left' }

const LABEL = 'member source'
const DEFAULT_TIMEOUT_MS = 10_000

/** True when this client can open the activation mini-program (wx.navigateToMiniProgram, base library 1.3.0+). */
export function isActivationSupported(): boolean {
  return (
    compareVersion(getSDKVersion(), NAVIGATE_TO_MINI_PROGRAM_MIN_VERSION) >= 0 &&
    typeof wx.navigateToMiniProgram === 'function'
  )
}

// ------------------------------------------------------------------ the hand-back, claimed once

/** An activation this app started and whose hand-back has not come yet (in memory: lost if the app is killed). */
let pending = false
/** activate_tickets already claimed: the enter options keep answering the same referrerInfo until the next jump. */
const claimed = new Set<string>()

/**
 * The activation mini-program's hand-back in `options` (wx.onAppShow's argument; default
 * `wx.getEnterOptionsSync()`), claimed once: a submitted form is claimed by its activate_ticket, a return without
 * one only when this app started an activation and has not heard back. Resolves undefined for anything else (another
 * referrer, an already claimed ticket, a client without getEnterOptionsSync). Never throws.
 */
export function claimActivationHandBack(options?: unknown): ActivationHandBack | undefined {
  let enter: unknown = options
  if (enter === undefined) {
    try {
      enter = typeof wx.getEnterOptionsSync === 'function' ? wx.getEnterOptionsSync() : undefined
    } catch (e) {
      return undefined
    }
  }
  const referrer = isPlainObject(enter) ? enter.referrerInfo : undefined
  if (!isPlainObject(referrer) || referrer.appId !== ACTIVATION_APP_ID) return undefined
  const extra = referrer.extraData
  if (isPlainObject(extra) && typeof extra.activate_ticket === 'string' && extra.activate_ticket) {
    if (claimed.has(extra.activate_ticket)) return undefined
    claimed.add(extra.activate_ticket)
    pending = false
    return {
      kind: 'submitted',
      activateTicket: extra.activate_ticket,
      cardId: typeof extra.card_id === 'string' ? extra.card_id : '',
      code: typeof extra.code === 'string' ? extra.code : '',
    }
  }
  if (!pending) return undefined
  pending = false
  return { kind: 'left' }
}

// ------------------------------------------------------------------ your endpoints

/**
 * `POST paramsUrl { cardId }` → the activation mini-program's `{ appId, extraData }`. Rejects CardError('source')
 * naming the cause (no answer, an HTTP error, a wrong shape).
 */
export function requestActivationParams(
  o: MemberEndpoints & { cardId: string },
): Promise<ActivationParamsResponseBody> {
  return postJson({
    url: o.paramsUrl,
    body: { cardId: o.cardId },
    header: o.header,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    label: LABEL,
    read(data) {
      const extra = isPlainObject(data) ? data.extraData : undefined
      if (!isPlainObject(data) || data.appId !== ACTIVATION_APP_ID || !isPlainObject(extra))
        throw sourceError(LABEL, `${o.paramsUrl} answered no { appId, extraData }`, 'wrong shape')
      const { encrypt_card_id: id, outer_str: outer, biz } = extra
      if (typeof id !== 'string' || typeof outer !== 'string' || typeof biz !== 'string')
        throw sourceError(
          LABEL,
          `${o.paramsUrl} answered extraData without encrypt_card_id, outer_str and biz`,
          'wrong shape',
        )
      return { appId: ACTIVATION_APP_ID, extraData: { encrypt_card_id: id, outer_str: outer, biz } }
    },
  })
}

/** `POST activateUrl { activateTicket, cardId, code }` → the activate answer. Rejects CardError('source'). */
export function requestActivation(
  o: MemberEndpoints & { activateTicket: string; cardId: string; code: string },
): Promise<ActivateResponseBody> {
  return postJson({
    url: o.activateUrl,
    body: { activateTicket: o.activateTicket, cardId: o.cardId, code: o.code },
    header: o.header,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    label: LABEL,
    read(data) {
      if (isPlainObject(data) && data.outcome === 'activated' && isPlainObject(data.member))
        return data as unknown as ActivateResponseBody
      if (
        isPlainObject(data) &&
        (data.outcome === 'expired' || data.outcome === 'refused') &&
        typeof data.message === 'string'
      )
        return { outcome: data.outcome, message: data.message }
      throw sourceError(LABEL, `${o.activateUrl} answered no activation outcome`, 'wrong shape')
    },
  })
}

// ------------------------------------------------------------------ the round trip

/**
 * Opens WeChat's activation mini-program with `params` (from `requestActivationParams`): guarded like the card APIs
 * (CardError `unsupported` before any call on a client without wx.navigateToMiniProgram or below 1.3.0); resolves
 * when the jump is made, rejects CardError `cancel` (the user declined the jump) or `fail` (WeChat's detail).
 */
export function openActivation(params: ActivationParamsResponseBody): Promise<void> {
  if (!isActivationSupported()) {
    const version = getSDKVersion()
    return Promise.reject(
      new CardError(
        'unsupported',
        `wx.navigateToMiniProgram needs base library ${NAVIGATE_TO_MINI_PROGRAM_MIN_VERSION} or later (this client: ${version || 'unknown'})`,
        { detail: version },
      ),
    )
  }
  return new Promise((resolve, reject) => {
    try {
      wx.navigateToMiniProgram({
        appId: ACTIVATION_APP_ID,
        extraData: { ...params.extraData },
        success: () => {
          pending = true
          resolve()
        },
        fail: ({ errMsg }) => {
          const detail = String(errMsg || '')
            .replace(/^\w+:fail[ :]?/, '')
            .trim()
          reject(
            /cancel/.test(detail)
              ? new CardError('cancel', 'cancelled by the user', { errMsg })
              : new CardError('fail', detail || 'navigateToMiniProgram failed', { errMsg, detail }),
          )
        },
      })
    } catch (thrown) {
      const detail = thrown instanceof Error ? thrown.message : String(thrown)
      reject(new CardError('fail', `wx.navigateToMiniProgram threw: ${detail}`, { detail }))
    }
  })
}

/** Sends a submitted hand-back to your activate endpoint; every answer becomes an ActivationOutcome. */
export async function completeActivation(o: MemberEndpoints, handBack: ActivationHandBack): Promise<ActivationOutcome> {
  if (handBack.kind === 'left') return { outcome: 'cancelled' }
  try {
    const answer = await requestActivation({ ...o, ...handBack })
    if (answer.outcome === 'activated') return answer
    return { outcome: 'failed', reason: answer.outcome, message: answer.message }
  } catch (error) {
    return failedWith(error)
  }
}

/** The HTTP statuses of the endpoints that mean "not now": 429 rate_limited, 409 in_progress. */
const BUSY_DETAILS = new Set(['HTTP 429', 'HTTP 409'])

const failedWith = (error: unknown): ActivationOutcome => {
  const e = error instanceof CardError ? error : new CardError('fail', String(error))
  const reason: ActivationFailureReason =
    e.code === 'source' && typeof e.detail === 'string' && BUSY_DETAILS.has(e.detail)
      ? 'busy'
      : e.code === 'unsupported' || e.code === 'source'
        ? e.code
        : 'fail'
  return { outcome: 'failed', reason, message: e.message }
}

/**
 * The whole activation of `cardId`: your parameters, the jump, the user's return (wx.onAppShow with the activation
 * mini-program as referrer), then your activate endpoint. Resolves an ActivationOutcome, never rejects. When the app
 * was killed meanwhile this promise is gone: call `completeActivationOnShow` in the page's onShow (the
 * `<member-card>` component does it for you).
 */
export function activateMemberCard(o: MemberEndpoints & { cardId: string }): Promise<ActivationOutcome> {
  if (!isActivationSupported()) {
    return Promise.resolve(
      failedWith(
        new CardError(
          'unsupported',
          `wx.navigateToMiniProgram needs base library ${NAVIGATE_TO_MINI_PROGRAM_MIN_VERSION} or later`,
        ),
      ),
    )
  }
  return new Promise<ActivationHandBack>((resolve, reject) => {
    let listening = false
    const onShow = (options: unknown) => {
      const handBack = claimActivationHandBack(options)
      if (!handBack) return
      stop()
      resolve(handBack)
    }
    const stop = () => {
      if (!listening) return
      listening = false
      try {
        wx.offAppShow(onShow)
      } catch (e) {
        // a client without offAppShow keeps the listener; claimed hand-backs are not reported twice
      }
    }
    requestActivationParams(o)
      .then((params) => {
        if (typeof wx.onAppShow === 'function') {
          wx.onAppShow(onShow)
          listening = true
        }
        return openActivation(params)
      })
      .catch((error: unknown) => {
        stop()
        reject(error)
      })
  }).then(
    (handBack) => completeActivation(o, handBack),
    (error: unknown) =>
      error instanceof CardError && error.code === 'cancel' ? { outcome: 'cancelled' as const } : failedWith(error),
  )
}

/**
 * For a page's onShow (one line: `onShow() { completeActivationOnShow(endpoints).then(...) }`): when the app is shown
 * back from the activation mini-program with a hand-back nobody claimed yet (e.g. the app was restarted meanwhile),
 * completes the activation; resolves undefined otherwise.
 */
export function completeActivationOnShow(o: MemberEndpoints): Promise<ActivationOutcome | undefined> {
  const handBack = claimActivationHandBack()
  return handBack ? completeActivation(o, handBack) : Promise.resolve(undefined)
}
