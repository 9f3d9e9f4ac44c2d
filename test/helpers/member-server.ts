// The member-card endpoints (server/endpoints/member-*.ts) on 127.0.0.1 against a simulator listening over HTTP, with
// two sessions (the fixture user, a staff member): what the member-card utils, <member-card> and the staff page meet.
import {
  createActivateHandler,
  createActivationParamsHandler,
  createCodeUnavailableHandler,
  createConsumeHandler,
  createMemberInfoHandler,
  createStableAccessTokenProvider,
  type CardHandler,
  type CardUser,
  type HandlerRequest,
} from '../../server'
import type { CardPlatform, Listening } from '../../testing'
import { serveRoutes } from '../server/http-server'
import { ACCOUNT, ID } from './platform'

/** The staff member's openid under the Official Account (they hold no card of the fixture). */
export const STAFF_OPENID = 'oStaffMember'
/** Request headers of the fixture user's session and of the staff member's. */
export const USER_HEADER = { Authorization: 'Bearer s-user' }
export const STAFF_HEADER = { Authorization: 'Bearer s-staff' }

export interface MemberServer {
  /** e.g. `http://127.0.0.1:5000`: the endpoints are `/member-activation-params`, `/member-activate`, … */
  base: string
  paramsUrl: string
  activateUrl: string
  infoUrl: string
  consumeUrl: string
  unavailableUrl: string
  /** Errors the handlers reported. */
  errors: Error[]
  close(): Promise<void>
}

/** The member-card endpoints for `platform` (the fixture member card), on a free port. */
export async function startMemberServer(
  platform: CardPlatform,
  o: { activateLimit?: { max: number; windowMs: number } } = {},
): Promise<MemberServer> {
  const wechat: Listening = await platform.listen()
  const errors: Error[] = []
  // Each session: the user's key in this server (their mini-program openid) and their Official Account openid.
  const sessions: Record<string, CardUser> = {
    'Bearer s-user': { id: 'oMiniSimulatorUser', cardOpenid: ACCOUNT.openid },
    'Bearer s-staff': { id: 'staff-1', cardOpenid: STAFF_OPENID },
  }
  const getUser = ({ headers }: HandlerRequest): CardUser | undefined => {
    const auth = headers.authorization
    return typeof auth === 'string' && Object.prototype.hasOwnProperty.call(sessions, auth) ? sessions[auth] : undefined
  }
  const tokens = createStableAccessTokenProvider({
    appid: ACCOUNT.appid,
    secret: ACCOUNT.secret,
    baseUrl: wechat.url,
    now: platform.now,
  })
  const common = {
    getUser,
    getAccessToken: tokens.getAccessToken,
    baseUrl: wechat.url,
    onError: (e: Error) => errors.push(e),
  }
  const cards = { [ID.member]: {} }
  const staff = {
    ...common,
    authorize: (user: CardUser) => user.id === 'staff-1',
    onRecord: () => undefined,
  }
  const routes: Record<string, CardHandler> = {
    '/member-activation-params': createActivationParamsHandler({ ...common, cards }),
    '/member-activate': createActivateHandler({
      ...common,
      cards,
      activateLimit: o.activateLimit,
      onActivate: ({ code }) => ({ membershipNumber: `M${code.slice(-6)}`, initBonus: 100, initBalance: 500 }),
    }),
    '/member-info': createMemberInfoHandler({ ...common, cards }),
    '/consume': createConsumeHandler(staff),
    '/code-unavailable': createCodeUnavailableHandler(staff),
  }
  const app = await serveRoutes(routes)
  const { base } = app
  return {
    base,
    paramsUrl: `${base}/member-activation-params`,
    activateUrl: `${base}/member-activate`,
    infoUrl: `${base}/member-info`,
    consumeUrl: `${base}/consume`,
    unavailableUrl: `${base}/code-unavailable`,
    errors,
    close: async () => {
      await app.close()
      await wechat.close()
    },
  }
}
