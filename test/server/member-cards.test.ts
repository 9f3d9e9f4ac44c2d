// Member cards and the counter on a real HTTP server on 127.0.0.1, the server toolkit talking to the simulator over
// HTTP: activation end to end (params, the activation mini-program, the form, the merchant's hook, the activation),
// member data, 核销 with typed outcomes and idempotent retries, invalidation, staff-only access, no secret or whole
// code in any answer or log line. The functions of server/member-card.ts are also checked in process (platform.fetch).
import { createHash } from 'crypto'
import {
  ACTIVATION_APP_ID,
  consumeCode,
  createActivateHandler,
  createActivationParamsHandler,
  createCodeUnavailableHandler,
  createConsumeHandler,
  createMemberInfoHandler,
  createMemoryStore,
  createStableAccessTokenProvider,
  getActivationExtraData,
  makeCodeUnavailable,
  setActivationForm,
  type ActivationRequest,
  type CardHandler,
  type CardUser,
  type CredentialStore,
  type HandlerRequest,
  type StaffActionRecord,
} from '../../server'
import type { CardPlatform, EnterOptions, Listening } from '../../testing'
import { ACCOUNT, add, cardsOf, freshCards, ID, makePlatform } from '../helpers/platform'
import { httpRequest, serveRoutes, type ClientAnswer } from './http-server'

const { appid: APPID, secret: SECRET, accessToken: FIRST_TOKEN, apiTicket: TICKET, openid: USER } = ACCOUNT
const STAFF = 'oStaffMember'
// Each session: the user's key in this server and their openid under the Official Account that owns the cards.
// s-nocard knows no Official Account openid.
const SESSIONS: Record<string, CardUser> = {
  'Bearer s-user': { id: 'user-1', cardOpenid: USER },
  'Bearer s-staff': { id: 'staff-1', cardOpenid: STAFF },
  'Bearer s-nocard': { id: 'user-2' },
  // the same card-account openid under another key of this server (a second login of the user)
  'Bearer s-user-again': { id: 'user-1-again', cardOpenid: USER },
}
const USER_SESSION = { authorization: 'Bearer s-user' }
const NO_CARD_OPENID_SESSION = { authorization: 'Bearer s-nocard' }
const STAFF_SESSION = { authorization: 'Bearer s-staff' }
const MEMBER_CARDS = { [ID.member]: {} }
/** Per-user bounds small enough to reach in a test (each test starts with fresh counters). */
const LIMITS = {
  params: { max: 5, windowMs: 600_000 },
  activate: { max: 6, windowMs: 600_000 },
  memberInfo: { max: 5, windowMs: 600_000 },
}

let platform: CardPlatform
let wechat: Listening
let app: Awaited<ReturnType<typeof serveRoutes>>
let base: string
const seen: string[] = []
const errors: Error[] = []
let records: StaffActionRecord[] = []
let activations: ActivationRequest[] = []
let store: CredentialStore
/** The activate handler's store: a memory store whose writes fail while `failActivateWrites` says so. */
let activateStore: CredentialStore
let failActivateWrites: (record: string) => boolean
let decide: (a: ActivationRequest) => { membershipNumber: string; initBonus?: number } | { refuse: string }

const sessionOf = ({ headers }: HandlerRequest): CardUser | undefined => {
  const auth = headers.authorization
  return typeof auth === 'string' && Object.prototype.hasOwnProperty.call(SESSIONS, auth) ? SESSIONS[auth] : undefined
}

beforeAll(() => jest.spyOn(console, 'error'))
afterAll(() => {
  expect(console.error).not.toHaveBeenCalled()
  const everything = seen.join('\n') + errors.map((e) => e.message).join('\n') + JSON.stringify(records)
  for (const secret of [SECRET, FIRST_TOKEN, TICKET]) expect(everything).not.toContain(secret)
  expect(seen.length).toBeGreaterThan(20)
})

beforeEach(async () => {
  errors.length = 0
  records = []
  activations = []
  decide = ({ code }) => ({ membershipNumber: `M${code.slice(-6)}`, initBonus: 100 })
  platform = makePlatform()
  wechat = await platform.listen()
  store = createMemoryStore()
  failActivateWrites = () => false
  const remembered = createMemoryStore()
  activateStore = {
    get: (key) => remembered.get(key),
    set: async (key, value, ttlMs) => {
      if (failActivateWrites(value.value)) throw new Error('store write failed')
      return remembered.set(key, value, ttlMs)
    },
    lock: (key, ttlMs) => remembered.lock(key, ttlMs),
  }
  const tokens = createStableAccessTokenProvider({
    appid: APPID,
    secret: SECRET,
    baseUrl: wechat.url,
    now: platform.now,
  })
  const common = {
    getUser: sessionOf,
    onError: (e: Error) => errors.push(e),
    baseUrl: wechat.url,
    getAccessToken: tokens.getAccessToken,
  }
  const staff = {
    ...common,
    authorize: (user: CardUser) => user.id === 'staff-1',
    onRecord: (r: StaffActionRecord) => records.push(r),
  }
  const routes: Record<string, CardHandler> = {
    '/member-activation-params': createActivationParamsHandler({
      ...common,
      cards: MEMBER_CARDS,
      outerStr: 'list',
      paramsLimit: LIMITS.params,
    }),
    '/member-activate': createActivateHandler({
      ...common,
      cards: MEMBER_CARDS,
      store: activateStore,
      activateLimit: LIMITS.activate,
      onActivate: (activation) => {
        activations.push(activation)
        return decide(activation)
      },
    }),
    '/member-info': createMemberInfoHandler({ ...common, cards: MEMBER_CARDS, memberInfoLimit: LIMITS.memberInfo }),
    '/consume': createConsumeHandler({ ...staff, store }),
    '/code-unavailable': createCodeUnavailableHandler(staff),
  }
  app = await serveRoutes(routes)
  base = app.base
})
afterEach(async () => {
  await app.close()
  await wechat.close()
})

async function send(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<ClientAnswer> {
  const answer = await httpRequest(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  seen.push(answer.text)
  return answer
}
const asUser = (path: string, body: unknown) => send('POST', path, body, USER_SESSION)
const asStaff = (path: string, body: unknown) => send('POST', path, body, STAFF_SESSION)

/** Adds one card for the fixture user; resolves its decrypted code. */
async function hold(cardId: string): Promise<string> {
  const [{ code: encryptCode }] = cardsOf(await add(platform, freshCards(cardId)))
  return platform.state.held.find((h) => h.encryptCode === encryptCode)?.code ?? ''
}

/** The user's round trip: params from the server, the jump, the options the app is shown with when back. */
async function roundTrip(): Promise<EnterOptions> {
  const params = await asUser('/member-activation-params', { cardId: ID.member })
  expect(params.status).toBe(200)
  const { appId, extraData } = params.json as { appId: string; extraData: unknown }
  const { wx } = platform.memberCards.client
  return new Promise((resolve, reject) => {
    wx.onAppShow(function back(options) {
      wx.offAppShow(back)
      resolve(options)
    })
    wx.navigateToMiniProgram({ appId, extraData, fail: ({ errMsg }) => reject(new Error(errMsg)) })
  })
}

describe('activation, end to end', () => {
  it('params → the user fills the form → the merchant decides → activated, with the member data', async () => {
    const code = await hold(ID.member)
    platform.memberCards.nextVisit({ fill: { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000' } } })
    const back = await roundTrip()
    expect(back.referrerInfo.appId).toBe(ACTIVATION_APP_ID)
    const handBack = back.referrerInfo.extraData
    const answer = await asUser('/member-activate', {
      activateTicket: handBack?.activate_ticket,
      cardId: handBack?.card_id,
      code: handBack?.code,
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({
      outcome: 'activated',
      member: {
        cardId: ID.member,
        code,
        activated: true,
        membershipNumber: `M${code.slice(-6)}`,
        bonus: 100,
        balance: 0,
        status: 'NORMAL',
      },
    })
    expect(activations).toEqual([
      {
        user: { id: 'user-1', cardOpenid: USER },
        cardId: ID.member,
        code,
        form: { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000' }, custom: {} },
      },
    ])
    const info = await send('GET', `/member-info?cardId=${ID.member}`, undefined, USER_SESSION)
    expect(info.json).toEqual({ members: [(answer.json as { member: unknown }).member] })
  })

  it('a ticket read too late answers `expired`; the hook refusing answers `refused` with its message; nothing is activated', async () => {
    const code = await hold(ID.member)
    platform.memberCards.nextVisit({ fill: {} })
    const refusedTicket = (await roundTrip()).referrerInfo.extraData?.activate_ticket
    decide = () => ({ refuse: '该手机号已注册会员' })
    const refused = { outcome: 'refused', message: '该手机号已注册会员' }
    expect((await asUser('/member-activate', { activateTicket: refusedTicket, cardId: ID.member, code })).json).toEqual(
      refused,
    )
    platform.memberCards.nextVisit({ fill: {} })
    const lateTicket = (await roundTrip()).referrerInfo.extraData?.activate_ticket
    platform.advanceTime(3_600_000)
    const late = await asUser('/member-activate', { activateTicket: lateTicket, cardId: ID.member, code })
    expect(late.json).toMatchObject({ outcome: 'expired' })
    expect(activations).toHaveLength(1)
    expect(platform.memberCards.member({ cardId: ID.member, code })).toBeUndefined()
  })

  it('a ticket is answered once: a retry gets the first outcome, onActivate and the activation ran once', async () => {
    const code = await hold(ID.member)
    platform.memberCards.nextVisit({ fill: {} })
    const ticket = (await roundTrip()).referrerInfo.extraData?.activate_ticket
    const body = { activateTicket: ticket, cardId: ID.member, code }
    const first = await asUser('/member-activate', body)
    expect(first.json).toMatchObject({ outcome: 'activated' })
    // The first answer was lost: the page sends the same hand-back again.
    expect((await asUser('/member-activate', body)).json).toEqual(first.json)
    expect(activations).toHaveLength(1)
    expect(platform.state.requests.membercard_activate).toBe(1)
    // The same ticket sent by another session: a 400, nothing run.
    const reused = await send('POST', '/member-activate', body, { authorization: 'Bearer s-user-again' })
    expect([reused.status, reused.json?.code]).toEqual([400, 'invalid_request'])
    // Decided and refused: a retry is refused the same, without asking the hook again.
    platform.memberCards.nextVisit({ fill: {} })
    const refusedTicket = (await roundTrip()).referrerInfo.extraData?.activate_ticket
    decide = () => ({ refuse: '该手机号已注册会员' })
    const refusal = { activateTicket: refusedTicket, cardId: ID.member, code }
    expect((await asUser('/member-activate', refusal)).json).toMatchObject({ outcome: 'refused' })
    decide = ({ code: c }) => ({ membershipNumber: c })
    expect((await asUser('/member-activate', refusal)).json).toMatchObject({ outcome: 'refused' })
    expect(activations).toHaveLength(2)
  })

  it('the outcome could not be stored after WeChat activated: the retry reads the card, not the hook again', async () => {
    const code = await hold(ID.member)
    platform.memberCards.nextVisit({ fill: {} })
    const ticket = (await roundTrip()).referrerInfo.extraData?.activate_ticket
    const body = { activateTicket: ticket, cardId: ID.member, code }
    failActivateWrites = (record) => record.includes('"done"')
    expect((await asUser('/member-activate', body)).json).toMatchObject({ outcome: 'activated' })
    expect(errors.map((e) => e.message).join()).toMatch(/could not be stored/)
    failActivateWrites = () => false
    const retry = await asUser('/member-activate', body)
    expect(retry.json).toMatchObject({ outcome: 'activated', member: { code, activated: true } })
    expect(activations).toHaveLength(1)
    expect(platform.state.requests.membercard_activate).toBe(1)
  })

  it('the same ticket handled elsewhere right now (its lock is held): 409 in_progress, nothing run', async () => {
    const code = await hold(ID.member)
    platform.memberCards.nextVisit({ fill: {} })
    const ticket = String((await roundTrip()).referrerInfo.extraData?.activate_ticket)
    const key = `weapp-card-coupon:activate-ticket:${createHash('sha256').update(ticket).digest('hex')}`
    const held = await activateStore.lock?.(`${key}:lock`, 60_000)
    expect(held).toBeDefined()
    const answer = await asUser('/member-activate', { activateTicket: ticket, cardId: ID.member, code })
    expect([answer.status, answer.json?.code]).toEqual([409, 'in_progress'])
    expect(activations).toEqual([])
    await held?.release()
  })

  it('a ticket WeChat never issued for this AppID: 502 at once, reported with 72011', async () => {
    const code = await hold(ID.member)
    const started = Date.now()
    const answer = await asUser('/member-activate', { activateTicket: 'not-a-ticket', cardId: ID.member, code })
    expect([answer.status, answer.json?.code]).toEqual([502, 'wechat_error'])
    // Not read as a stale access_token (40001): no token refresh, no wait for the deadline.
    expect(Date.now() - started).toBeLessThan(10_000)
    // the report names the API (36 characters, not taken for a credential) and WeChat's errcode
    expect(errors.map((e) => e.message).join()).toMatch(/card\/membercard\/activatetempinfo\/get failed: errcode 72011/)
    expect(activations).toEqual([])
  })

  it('each endpoint bounds one user: past its limit 429 rate_limited with Retry-After, before WeChat is asked', async () => {
    const code = await hold(ID.member)
    const calls = {
      params: () => asUser('/member-activation-params', { cardId: ID.member }),
      activate: () => asUser('/member-activate', { activateTicket: 'not-a-ticket', cardId: ID.member, code }),
      memberInfo: () => send('GET', `/member-info?cardId=${ID.member}`, undefined, USER_SESSION),
    }
    for (const [bound, call] of Object.entries(calls) as [keyof typeof LIMITS, () => Promise<ClientAnswer>][]) {
      for (let i = 0; i < LIMITS[bound].max; i++) expect((await call()).status).not.toBe(429)
      const before = { ...platform.state.requests }
      const over = await call()
      expect([bound, over.status, over.json?.code, over.headers['retry-after']]).toEqual([
        bound,
        429,
        'rate_limited',
        '600',
      ])
      expect(platform.state.requests).toEqual(before)
    }
    // Another user is counted apart.
    expect((await asStaff('/member-activation-params', { cardId: ID.member })).status).toBe(200)
  })

  it('only the holder activates (403 not_holder), only member cards of this server (404), a session first (401)', async () => {
    const code = await hold(ID.member)
    const other = await send(
      'POST',
      '/member-activate',
      { activateTicket: 't', cardId: ID.member, code },
      STAFF_SESSION,
    )
    expect([other.status, other.json?.code]).toEqual([403, 'not_holder'])
    expect((await asUser('/member-activate', { activateTicket: 't', cardId: ID.coupon, code })).status).toBe(404)
    expect((await send('POST', '/member-activate', {}, {})).status).toBe(401)
    expect((await asUser('/member-activate', { activateTicket: '', cardId: ID.member, code })).status).toBe(400)
    expect(activations).toEqual([])
  })

  it('a session without an Official Account openid: 403 no_card_openid, before any WeChat request', async () => {
    const code = await hold(ID.member)
    const before = { ...platform.state.requests }
    const activate = await send(
      'POST',
      '/member-activate',
      { activateTicket: 't', cardId: ID.member, code },
      NO_CARD_OPENID_SESSION,
    )
    expect([activate.status, activate.json?.code]).toEqual([403, 'no_card_openid'])
    const info = await send('GET', `/member-info?cardId=${ID.member}`, undefined, NO_CARD_OPENID_SESSION)
    expect([info.status, info.json?.code]).toEqual([403, 'no_card_openid'])
    expect(platform.state.requests).toEqual(before)
    expect(activations).toEqual([])
  })

  it('past the deadline neither onActivate nor the activation runs: 504, and the card stays as it was', async () => {
    const code = await hold(ID.member)
    platform.memberCards.nextVisit({ fill: {} })
    const { extraData } = (await roundTrip()).referrerInfo
    const tokens = createStableAccessTokenProvider({ appid: APPID, secret: SECRET, baseUrl: wechat.url })
    let release: () => void = () => undefined
    const slow = createActivateHandler({
      getUser: () => ({ id: 'user-1', cardOpenid: USER }),
      getAccessToken: tokens.getAccessToken,
      baseUrl: wechat.url,
      cards: MEMBER_CARDS,
      deadlineMs: 1_000,
      onError: (e) => errors.push(e),
      // The form read outlives the deadline: a fetch that waits until the test lets it go.
      fetch: async (url, init) => {
        if (String(url).includes('activatetempinfo')) await new Promise<void>((resolve) => (release = resolve))
        return fetch(url, init)
      },
      onActivate: (activation) => {
        activations.push(activation)
        return decide(activation)
      },
    })
    const answer = slow.handle({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ activateTicket: extraData?.activate_ticket, cardId: ID.member, code }),
    })
    expect((await answer).status).toBe(504)
    const activatedBefore = platform.state.requests.membercard_activate
    release()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(activations).toEqual([])
    expect(platform.state.requests.membercard_activate).toBe(activatedBefore)
    expect(platform.memberCards.member({ cardId: ID.member, code })).toBeUndefined()
  })

  it('params of a card not set for one-click activation: 502, reported with the errcode', async () => {
    platform.failNextRequest('activate_geturl', { errcode: 72026, errmsg: 'card not support wx_activate' })
    expect((await asUser('/member-activation-params', { cardId: ID.member })).status).toBe(502)
    expect(errors.map((e) => e.message).join()).toMatch(/72026/)
  })
})

describe('核销 at the counter', () => {
  it('consumed, then already_consumed; the code then reads CONSUMED; the log has the code tail only', async () => {
    const code = await hold(ID.coupon)
    const first = await asStaff('/consume', { code, requestId: 'req-00000001' })
    expect(first.json).toEqual({ outcome: 'consumed', cardId: ID.coupon, alreadyConsumedByThisRequest: false })
    const second = await asStaff('/consume', { code, requestId: 'req-00000002' })
    expect(second.json).toEqual({ outcome: 'already_consumed' })
    expect(platform.state.held[0].status).toBe('CONSUMED')
    expect(records.map((r) => [r.outcome, r.codeTail, r.staff])).toEqual([
      ['consumed', `…${code.slice(-4)}`, 'staff-1'],
      ['already_consumed', `…${code.slice(-4)}`, 'staff-1'],
    ])
    expect(JSON.stringify(records)).not.toContain(code)
  })

  it('a retry after a lost answer reports consumed by this request, not a failure', async () => {
    const code = await hold(ID.coupon)
    await asStaff('/consume', { code, requestId: 'req-lost-0001' })
    const retry = await asStaff('/consume', { code, requestId: 'req-lost-0001' })
    expect(retry.json).toEqual({ outcome: 'consumed', cardId: ID.coupon, alreadyConsumedByThisRequest: true })
    expect(platform.state.requests.code_consume).toBe(1)
  })

  it('a retry after WeChat consumed but its answer was lost (pending in the store) reports consumed by this request', async () => {
    const code = await hold(ID.coupon)
    // WeChat consumes, but its answer never reaches the server: simulated by consuming, then failing the answer.
    platform.failNextRequest('code_consume')
    const lost = await asStaff('/consume', { code, requestId: 'req-pend-0001' })
    expect(lost.status).toBe(502)
    platform.setCardStatus({ cardId: ID.coupon, code }, 'CONSUMED')
    const retry = await asStaff('/consume', { code, requestId: 'req-pend-0001' })
    expect(retry.json).toEqual({ outcome: 'consumed', cardId: ID.coupon, alreadyConsumedByThisRequest: true })
    // Another request id for the same code is an ordinary "already used".
    expect((await asStaff('/consume', { code, requestId: 'req-pend-0002' })).json).toEqual({
      outcome: 'already_consumed',
    })
  })

  it('the same request id handled elsewhere right now (the store lock is held) answers in_progress, nothing consumed', async () => {
    const code = await hold(ID.coupon)
    const lock = await store.lock?.('weapp-card-coupon:consume:lock:req-busy-0001', 60_000)
    expect(lock).toBeDefined()
    expect((await asStaff('/consume', { code, requestId: 'req-busy-0001' })).json).toEqual({ outcome: 'in_progress' })
    expect(platform.state.requests.code_consume).toBe(0)
    await lock?.release()
    expect((await asStaff('/consume', { code, requestId: 'req-busy-0001' })).json).toMatchObject({
      outcome: 'consumed',
    })
  })

  it.each([
    ['DELETE', 'deleted'],
    ['EXPIRE', 'expired'],
    ['GIFTING', 'gifting'],
    ['UNAVAILABLE', 'unavailable'],
  ] as const)('a %s code is not_usable with reason %s', async (status, reason) => {
    const code = await hold(ID.coupon)
    platform.setCardStatus({ cardId: ID.coupon, code }, status)
    expect((await asStaff('/consume', { code, requestId: 'req-state-001' })).json).toEqual({
      outcome: 'not_usable',
      reason,
    })
  })

  it('an unknown code; a request id reused for another code (400); a malformed request id (400)', async () => {
    expect((await asStaff('/consume', { code: '123456789012', requestId: 'req-unknown-1' })).json).toEqual({
      outcome: 'unknown_code',
    })
    const code = await hold(ID.coupon)
    await asStaff('/consume', { code, requestId: 'req-reuse-001' })
    const other = await hold(ID.coupon)
    expect((await asStaff('/consume', { code: other, requestId: 'req-reuse-001' })).status).toBe(400)
    expect((await asStaff('/consume', { code: other, requestId: 'short' })).status).toBe(400)
  })

  it('a custom code without its card id: 400 naming what is missing; with it: consumed', async () => {
    const code = await hold(ID.custom)
    const without = await asStaff('/consume', { code, requestId: 'req-custom-01' })
    expect([without.status, without.json?.message]).toEqual([400, expect.stringMatching(/needs the cardId/)])
    expect((await asStaff('/consume', { code, cardId: ID.custom, requestId: 'req-custom-02' })).json).toMatchObject({
      outcome: 'consumed',
    })
  })

  it('only staff (authorize), never the card holder by default, a session first', async () => {
    const code = await hold(ID.coupon)
    const byUser = await asUser('/consume', { code, requestId: 'req-holder-01' })
    expect(byUser.status).toBe(403)
    expect((await send('POST', '/consume', { code, requestId: 'req-nosess-01' }, {})).status).toBe(401)
    expect(platform.state.held[0].status).toBe('NORMAL')
    // A staff member who holds the card: refused unless allowHolder.
    const tokens = createStableAccessTokenProvider({ appid: APPID, secret: SECRET, baseUrl: wechat.url })
    const staffIsHolder = createConsumeHandler({
      getUser: () => ({ id: 'staff-2', cardOpenid: USER }),
      authorize: () => true,
      getAccessToken: tokens.getAccessToken,
      baseUrl: wechat.url,
      onRecord: () => undefined,
      onError: (e) => errors.push(e),
    })
    const request = { method: 'POST', headers: {}, body: JSON.stringify({ code, requestId: 'req-holder-02' }) }
    expect((await staffIsHolder.handle(request)).status).toBe(403)
    expect(platform.state.held[0].status).toBe('NORMAL')
  })

  it('authorize is required', () => {
    expect(() =>
      createConsumeHandler({
        getUser: () => ({ id: 'staff-1' }),
        getAccessToken: async () => 't',
      } as unknown as Parameters<typeof createConsumeHandler>[0]),
    ).toThrow(/authorize must be a function/)
  })
})

describe('invalidation at the counter', () => {
  it('made_unavailable, then not_usable (unavailable); a consumed code already_consumed; the user cannot', async () => {
    const code = await hold(ID.coupon)
    expect((await asUser('/code-unavailable', { code })).status).toBe(403)
    expect((await asStaff('/code-unavailable', { code, reason: '退款' })).json).toEqual({ outcome: 'made_unavailable' })
    expect((await asStaff('/code-unavailable', { code })).json).toEqual({
      outcome: 'not_usable',
      reason: 'unavailable',
    })
    const used = await hold(ID.coupon)
    await asStaff('/consume', { code: used, requestId: 'req-used-0001' })
    expect((await asStaff('/code-unavailable', { code: used })).json).toEqual({ outcome: 'already_consumed' })
    expect((await asStaff('/code-unavailable', { code: '1234', reason: 'x'.repeat(65) })).status).toBe(400)
  })
})

describe('the functions in process (platform.fetch)', () => {
  const inProcess = () => ({ getAccessToken: async () => FIRST_TOKEN, fetch: platform.fetch })

  it('getActivationExtraData URL-decodes the three parameters; setActivationForm reaches the platform', async () => {
    await setActivationForm({
      ...inProcess(),
      cardId: ID.member,
      requiredForm: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE'] },
    })
    expect(platform.memberCards.form(ID.member)).toMatchObject({
      required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE'] },
    })
    const extraData = await getActivationExtraData({ ...inProcess(), cardId: ID.member, outerStr: 'a b' })
    expect(extraData.outer_str).toBe('a b')
    expect(extraData.encrypt_card_id).not.toMatch(/%/)
  })

  it('consumeCode and makeCodeUnavailable resolve typed outcomes; bad input is a TypeError before any request', async () => {
    const code = await hold(ID.custom)
    expect(await consumeCode({ ...inProcess(), code, cardId: ID.custom })).toEqual({
      outcome: 'consumed',
      cardId: ID.custom,
      openid: USER,
    })
    expect(await consumeCode({ ...inProcess(), code, cardId: ID.custom })).toMatchObject({
      outcome: 'already_consumed',
    })
    expect(await makeCodeUnavailable({ ...inProcess(), code: '999', reason: 'x' })).toEqual({ outcome: 'unknown_code' })
    const before = platform.state.requests.code_get
    await expect(consumeCode({ ...inProcess(), code: ' 1' })).rejects.toThrow(/consumeCode: code/)
    expect(platform.state.requests.code_get).toBe(before)
  })
})
