// The JSON the member-card endpoints speak (server/endpoints/member-*.ts), shared by the server and the mini-program.

/** `POST` activation-params request: the member card to activate. */
export interface ActivationParamsRequestBody {
  cardId: string
}

/** The activation mini-program's parameters, URL-decoded, named as WeChat names them: pass as `extraData`. */
export interface ActivationExtraDataBody {
  encrypt_card_id: string
  outer_str: string
  biz: string
}

/** `200` activation-params answer. */
export interface ActivationParamsResponseBody {
  /** Always `wxeb490c6f9b154ef9`, WeChat's activation mini-program. */
  appId: string
  extraData: ActivationExtraDataBody
}

/** `POST` activate request: what the activation mini-program handed back (referrerInfo.extraData), renamed. */
export interface ActivateRequestBody {
  activateTicket: string
  cardId: string
  code: string
}

/** A member card's data, as the endpoints give it to its holder. Balance in 分 (cents). */
export interface MemberCardData {
  cardId: string
  code: string
  activated: boolean
  membershipNumber: string
  bonus: number
  balance: number
  /** WeChat's user_card_status. */
  status: string
}

/**
 * `200` activate answer: `activated` with the member data; `expired`: the activate_ticket is too old (72012), the
 * user must activate again; `refused`: your `onActivate` hook refused (its `message` is shown to the user).
 */
export type ActivateResponseBody =
  | { outcome: 'activated'; member: MemberCardData }
  | { outcome: 'expired'; message: string }
  | { outcome: 'refused'; message: string }

/** `200` member-info answer: the session user's member cards of the asked card id. */
export interface MemberInfoResponseBody {
  members: MemberCardData[]
}

/** `POST` consume request (staff): the scanned code, its card when known, and an id the client keeps for retries. */
export interface ConsumeRequestBody {
  code: string
  cardId?: string | undefined
  /** 8 to 64 letters, digits, `-` or `_`, new for each 核销 and the same when retrying it. */
  requestId: string
}

/** Why a code is not usable (the state WeChat reports). */
export type CodeNotUsableReasonBody = 'deleted' | 'expired' | 'gifting' | 'unavailable' | 'not_started' | 'not_usable'

/**
 * `200` consume answer. `consumed` with `alreadyConsumedByThisRequest: true` is a retry of a 核销 that went through
 * (the first answer was lost): not a failure. `in_progress`: the same requestId is being handled; retry shortly.
 */
export type ConsumeResponseBody =
  | { outcome: 'consumed'; cardId: string; alreadyConsumedByThisRequest: boolean }
  | { outcome: 'already_consumed' }
  | { outcome: 'not_usable'; reason: CodeNotUsableReasonBody }
  | { outcome: 'unknown_code' }
  | { outcome: 'in_progress' }

/** `POST` unavailable request (staff). */
export interface UnavailableRequestBody {
  code: string
  cardId?: string | undefined
  /** Shown in WeChat's records; at most 64 characters. */
  reason?: string | undefined
}

/** `200` unavailable answer. */
export type UnavailableResponseBody =
  | { outcome: 'made_unavailable' }
  | { outcome: 'already_consumed' }
  | { outcome: 'not_usable'; reason: CodeNotUsableReasonBody }
  | { outcome: 'unknown_code' }
