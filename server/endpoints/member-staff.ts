// The counter (staff only): `POST /consume` (核销: check, then consume, idempotent per request id) and
// `POST /code-unavailable` (make a code unavailable for good). Both take an `authorize` hook; neither lets the card's
// holder act on their own card unless told to.
import type { IncomingMessage } from 'http'
import type { ConsumeResponseBody, UnavailableResponseBody } from '../../utils/member-protocol'
import type { CredentialStore } from '../cache'
import { consumeCode, getCodeState, makeCodeUnavailable, type CodeState, type ConsumeOutcome } from '../member-card'
import { batchAccessToken, WeChatApiError, type AccessTokenSource, type TransportOptions } from '../wechat'
import { checkCatalogue, known, type CardCatalogue } from './catalogue'
import {
  checkCardId,
  checkHandlerOptions,
  checkWeChatReader,
  createCore,
  HandlerError,
  jsonAnswer,
  nodeHandler,
  objectBody,
  type CardHandler,
  type CardUser,
  type HandlerOptions,
  type HandlerRequest,
} from './core'
import { createRecordBook } from './records'

/** One code staff acted on, for your log: never the whole code (only its last 4 characters), never a credential. */
export interface StaffActionRecord {
  action: 'consume' | 'unavailable'
  /** The staff member: `user.id` as `getUser` resolved them (your key of the user, not a WeChat openid). */
  staff: string
  cardId: string | undefined
  /** The code's last 4 characters, after `…`. */
  codeTail: string
  /** The outcome, e.g. `consumed`, `already_consumed`, `made_unavailable`. */
  outcome: string
  /** The consume request's id (consume only). */
  requestId?: string | undefined
  /** True when a retry found the code consumed by this same request. */
  repeated?: boolean | undefined
}

export interface StaffHandlerOptions<Context = IncomingMessage> extends HandlerOptions<Context>, TransportOptions {
  /** `createStableAccessTokenProvider(...).getAccessToken`: the AppID that owns the cards. */
  getAccessToken: AccessTokenSource
  /**
   * Whether the session user (as `getUser` resolved them) may act at the counter: resolve true for your staff only,
   * e.g. `staff.has(user.id)`. Called after the session and before the body is looked at; false is answered 403
   * `forbidden`. Required: there is no default.
   */
  authorize(user: CardUser, request: HandlerRequest<Context>): boolean | Promise<boolean>
  /**
   * Let a staff member consume a card they hold themselves. Default false (403 `forbidden`): the holder is known by
   * the staff member's `cardOpenid` (a staff session without one is not checked as a holder).
   */
  allowHolder?: boolean | undefined
  /** The cards this counter handles; a code of another card answers `unknown_code`. Default: every card. */
  cards?: CardCatalogue<unknown> | undefined
  /**
   * Told each action's outcome, for your log (no secret, never the whole code). Default: one `console.info` line.
   * A throw is ignored.
   */
  onRecord?: ((record: StaffActionRecord) => void) | undefined
}

export interface ConsumeHandlerOptions<Context = IncomingMessage> extends StaffHandlerOptions<Context> {
  /**
   * Where request ids are remembered for a day, so that a retry after a lost answer reports `consumed` with
   * `alreadyConsumedByThisRequest: true` (share it between instances: `createRedisStore`). Default: this process's
   * memory.
   */
  store?: CredentialStore | undefined
}

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/
/** How long a request id is remembered, in ms. */
export const CONSUME_REQUEST_TTL_MS = 24 * 3600 * 1000
const LOCK_MS = 30_000
const KEY_PREFIX = 'weapp-card-coupon:consume:'

/** What the store keeps per request id: `pending` from just before card/code/consume, then `done` with the outcome. */
interface ConsumeRecord {
  code: string
  cardId: string | undefined
  state: 'pending' | 'done'
  outcome?: ConsumeResponseBody | undefined
}

/** Whether the session user holds the code (by their card-account openid; unknown without one). */
const isHolder = (user: CardUser, state: CodeState): boolean =>
  user.cardOpenid !== undefined && state.openid === user.cardOpenid

const tail = (code: string) => `…${code.slice(-4)}`

function checkStaffOptions<Context>(fn: string, o: StaffHandlerOptions<Context>) {
  const kit = checkHandlerOptions(fn, o)
  const transport = checkWeChatReader(fn, o)
  if (typeof o.authorize !== 'function')
    throw new TypeError(`${fn}: authorize must be a function (only your staff may act at the counter)`)
  if (o.cards !== undefined) checkCatalogue(fn, 'cards', o.cards)
  if (o.onRecord !== undefined && typeof o.onRecord !== 'function')
    throw new TypeError(`${fn}: onRecord must be a function`)
  const record = (r: StaffActionRecord) => {
    try {
      if (o.onRecord) o.onRecord(r)
      else
        console.info(
          `weapp-card-coupon: ${r.action} ${r.cardId ?? '(card unknown)'} code ${r.codeTail} by ${r.staff}: ${r.outcome}` +
            (r.requestId ? ` (request ${r.requestId}${r.repeated ? ', repeated' : ''})` : ''),
        )
    } catch {
      // A failing log must not change the answer.
    }
  }
  return { kit, transport, record }
}

async function authorized<Context>(
  o: StaffHandlerOptions<Context>,
  report: (message: string, cause?: unknown) => void,
  user: CardUser,
  request: HandlerRequest<Context>,
): Promise<void> {
  let allowed: boolean
  try {
    allowed = (await o.authorize({ ...user }, request)) === true
  } catch (e) {
    report('authorize failed', e)
    throw new HandlerError(500, 'server_error', 'could not check the staff member')
  }
  if (!allowed) throw new HandlerError(403, 'forbidden', 'only staff may do this')
}

/** The code and optional card id of a staff request, or a 400. */
function codeRef(body: Record<string, unknown>): { code: string; cardId: string | undefined } {
  if (typeof body.code !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(body.code))
    throw new HandlerError(400, 'invalid_request', 'code must be 1 to 64 visible ASCII characters')
  const cardId = body.cardId === undefined || body.cardId === '' ? undefined : checkCardId(body.cardId, 'cardId')
  return { code: body.code, cardId }
}

/**
 * `POST` consume endpoint (staff): `{ code, cardId?, requestId }` → `200 { outcome }`: `consumed` (`cardId`,
 * `alreadyConsumedByThisRequest`), `already_consumed`, `not_usable` (`reason`: deleted, expired, gifting,
 * unavailable, not_started), `unknown_code`, `in_progress` (the same requestId is being handled). Steps: session,
 * `authorize`, card/code/get with check_consume, the holder refused unless `allowHolder`, the request id marked
 * pending in `store`, card/code/consume, the outcome kept for a day and told to `onRecord`. A retried request id
 * after a lost answer answers `consumed` with `alreadyConsumedByThisRequest: true`; a request id reused for another
 * code is a 400. Errors: 405, 413, 401, 403 `forbidden`, 400, 502 `wechat_error`. Throws a `TypeError` naming the
 * option.
 */
export function createConsumeHandler<Context = IncomingMessage>(
  o: ConsumeHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createConsumeHandler'
  const { kit, transport, record } = checkStaffOptions(fn, o)
  const requests = createRecordBook<ConsumeRecord>(fn, o.store, {
    ttlMs: CONSUME_REQUEST_TTL_MS,
    isRecord: (r) => typeof r.code === 'string',
  })
  const { store } = requests
  const name = 'consume handler'
  const read = (requestId: string) => requests.read(KEY_PREFIX + requestId)
  const write = (requestId: string, value: ConsumeRecord) => requests.write(KEY_PREFIX + requestId, value)

  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body, request }) {
      await authorized(o, (m, e) => kit.report(`${name}: ${m}`, e), user, request)
      const staff = user.id
      const b = objectBody(body, '{ code, cardId?, requestId }')
      const { code, cardId } = codeRef(b)
      if (typeof b.requestId !== 'string' || !REQUEST_ID.test(b.requestId))
        throw new HandlerError(400, 'invalid_request', 'requestId must be 8 to 64 letters, digits, - or _')
      const requestId = b.requestId
      const answer = (outcome: ConsumeResponseBody, repeated = false) => {
        const consumedCard = outcome.outcome === 'consumed' ? outcome.cardId : cardId
        record({
          action: 'consume',
          staff,
          cardId: consumedCard,
          codeTail: tail(code),
          outcome: outcome.outcome,
          requestId,
          repeated,
        })
        return jsonAnswer(200, outcome)
      }

      let before: ConsumeRecord | undefined
      try {
        before = await read(requestId)
      } catch (e) {
        kit.report(`${name}: the store could not be read`, e)
        throw new HandlerError(502, 'wechat_error', 'could not check this request now; try again later')
      }
      if (
        before &&
        (before.code !== code || (cardId !== undefined && before.cardId !== undefined && before.cardId !== cardId))
      )
        throw new HandlerError(
          400,
          'invalid_request',
          'this requestId was used for another code: make a new one per 核销',
        )
      if (before?.state === 'done' && before.outcome) {
        const stored = before.outcome
        if (stored.outcome !== 'consumed') return answer(stored)
        return answer({ ...stored, alreadyConsumedByThisRequest: true }, true)
      }
      const lock = store.lock
        ? await store.lock(`${KEY_PREFIX}lock:${requestId}`, LOCK_MS).catch(() => undefined)
        : undefined
      if (store.lock && !lock) return answer({ outcome: 'in_progress' })
      try {
        const api = { getAccessToken: batchAccessToken(o.getAccessToken), ...transport }
        let outcome: ConsumeOutcome
        try {
          outcome = await consumeCode({
            ...api,
            code,
            cardId,
            beforeConsume: async (state: CodeState) => {
              if (o.cards && !(await known(o.cards, [state.cardId]))[0]) throw new NotThisCounter()
              if (!o.allowHolder && isHolder(user, state))
                throw new HandlerError(403, 'forbidden', 'staff may not consume a card they hold themselves')
              await write(requestId, { code, cardId: state.cardId, state: 'pending' })
            },
          })
        } catch (e) {
          if (e instanceof NotThisCounter) return answer({ outcome: 'unknown_code' })
          if (e instanceof HandlerError) throw e
          if (needsCardId(e)) throw NEEDS_CARD_ID
          kit.report(`${name}: ${cardId ?? 'a code'} (request ${requestId})`, e)
          throw new HandlerError(
            502,
            'wechat_error',
            'WeChat could not consume the code now; try again with the same requestId',
          )
        }
        let body: ConsumeResponseBody
        let repeated = false
        if (outcome.outcome === 'consumed')
          body = { outcome: 'consumed', cardId: outcome.cardId, alreadyConsumedByThisRequest: false }
        else if (outcome.outcome === 'already_consumed' && before?.state === 'pending') {
          // This request got as far as card/code/consume before: its answer was lost, the code is consumed by it.
          body = {
            outcome: 'consumed',
            cardId: outcome.cardId ?? before.cardId ?? '',
            alreadyConsumedByThisRequest: true,
          }
          repeated = true
        } else if (outcome.outcome === 'not_usable') body = { outcome: 'not_usable', reason: outcome.reason }
        else body = { outcome: outcome.outcome }
        if (body.outcome === 'consumed' || before)
          await write(requestId, {
            code,
            cardId: body.outcome === 'consumed' ? body.cardId : cardId,
            state: 'done',
            outcome: body,
          }).catch((e: unknown) => kit.report(`${name}: the outcome of request ${requestId} could not be stored`, e))
        return answer(body, repeated)
      } finally {
        await lock?.release().catch(() => undefined)
      }
    },
  })
  return nodeHandler(kit, core)
}

/** WeChat's 41011 for card_id: a custom code is unique only within its card, so WeChat wants the card id with it. */
const needsCardId = (e: unknown) => e instanceof WeChatApiError && e.errcode === 41011 && /card_id/.test(e.errmsg)
const NEEDS_CARD_ID = new HandlerError(
  400,
  'invalid_request',
  'WeChat needs the cardId with this code (a custom-code card): send cardId',
)

/** Thrown inside beforeConsume for a card this counter does not handle. */
class NotThisCounter extends Error {}

/**
 * `POST` code-unavailable endpoint (staff): `{ code, cardId?, reason? }` → `200 { outcome }`: `made_unavailable`,
 * `already_consumed`, `not_usable` (`reason`), `unknown_code` (card/code/unavailable; it cannot be undone). The
 * holder is refused unless `allowHolder` (card/code/get first). Errors: 405, 413, 401, 403 `forbidden`, 400, 502
 * `wechat_error`. Throws a `TypeError` naming the option.
 */
export function createCodeUnavailableHandler<Context = IncomingMessage>(
  o: StaffHandlerOptions<Context>,
): CardHandler<Context> {
  const fn = 'createCodeUnavailableHandler'
  const { kit, transport, record } = checkStaffOptions(fn, o)
  const name = 'code-unavailable handler'
  const core = createCore(kit, {
    name,
    method: 'POST',
    async run({ user, body, request }) {
      await authorized(o, (m, e) => kit.report(`${name}: ${m}`, e), user, request)
      const staff = user.id
      const b = objectBody(body, '{ code, cardId?, reason? }')
      const { code, cardId } = codeRef(b)
      if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > 64))
        throw new HandlerError(400, 'invalid_request', 'reason must be a string of at most 64 characters')
      const reason = b.reason as string | undefined
      const api = { getAccessToken: batchAccessToken(o.getAccessToken), ...transport }
      const answer = (outcome: UnavailableResponseBody, card: string | undefined) => {
        record({ action: 'unavailable', staff, cardId: card, codeTail: tail(code), outcome: outcome.outcome })
        return jsonAnswer(200, outcome)
      }
      try {
        const state = await getCodeState({ ...api, code, cardId })
        if (!state || (o.cards && !(await known(o.cards, [state.cardId]))[0]))
          return answer({ outcome: 'unknown_code' }, cardId)
        if (!o.allowHolder && isHolder(user, state))
          throw new HandlerError(403, 'forbidden', 'staff may not act on a card they hold themselves')
        return answer(await makeCodeUnavailable({ ...api, code, cardId: cardId ?? state.cardId, reason }), state.cardId)
      } catch (e) {
        if (e instanceof HandlerError) throw e
        if (needsCardId(e)) throw NEEDS_CARD_ID
        kit.report(`${name}: ${cardId ?? 'a code'}`, e)
        throw new HandlerError(502, 'wechat_error', 'WeChat could not change the code now; try again later')
      }
    },
  })
  return nodeHandler(kit, core)
}
