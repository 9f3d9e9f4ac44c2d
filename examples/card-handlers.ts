import {
  createApiTicketProvider,
  createCardCodesHandler,
  createCardExtHandler,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type CardExtRule,
  type HandlerRequest,
} from 'weapp-card-coupon/server'

const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', baseUrl })
const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid, baseUrl })

// Session token → openid, as in server.ts. request.context is the framework's own request (Express's req, Koa's
// ctx, Fastify's request), `unknown` here as the three share these handlers: a session middleware's lives there.
const sessions = new Map<string, string>()
if (process.env.DEV_SESSION && process.env.DEV_OPENID) sessions.set(process.env.DEV_SESSION, process.env.DEV_OPENID)
const getOpenid = ({ headers }: HandlerRequest<unknown>) =>
  sessions.get(String(headers.authorization).replace(/^Bearer /, ''))

const cards: Record<string, CardExtRule> = {
  pDemoCoupon: {},
  pDemoCustom: { useCustomCode: true, outerStr: 'mini-program' },
  pDemoMember: { bindOpenid: true },
}
let issued = 0
const createCode = () => `C${Date.now().toString(36)}${++issued}`.toUpperCase() // yours: from your code pool

export const cardExt = createCardExtHandler<unknown>({ getOpenid, getTicket: tickets.getTicket, cards, createCode })
export const cardCodes = createCardCodesHandler<unknown>({
  getOpenid,
  getAccessToken: tokens.getAccessToken,
  cards,
  baseUrl,
})
export const userCards = createUserCardsHandler<unknown>({
  getOpenid,
  getAccessToken: tokens.getAccessToken,
  cards,
  baseUrl,
})
