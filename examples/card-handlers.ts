import {
  createApiTicketProvider,
  createCardCodesHandler,
  createCardExtHandler,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type CardExtRule,
  type CardUser,
  type HandlerRequest,
} from 'weapp-card-coupon/server'

const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', baseUrl })
const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid, baseUrl })

// Session token → user: your key of the user, and their openid under the Official Account that owns the cards.
// request.context is Node's own request (the three frameworks pass it), `unknown` here as they share these handlers.
const sessions = new Map<string, CardUser>()
if (process.env.DEV_SESSION && process.env.DEV_OPENID)
  sessions.set(process.env.DEV_SESSION, { id: 'dev-user', cardOpenid: process.env.DEV_OPENID })
const getUser = ({ headers }: HandlerRequest<unknown>) =>
  sessions.get(String(headers.authorization).replace(/^Bearer /, ''))

const cards: Record<string, CardExtRule> = {
  pDemoCoupon: {},
  pDemoCustom: { useCustomCode: true, outerStr: 'mini-program' },
  pDemoMember: { bindOpenid: true },
}
let issued = 0
const createCode = () => `C${Date.now().toString(36)}${++issued}`.toUpperCase() // yours: from your code pool

export const cardExt = createCardExtHandler<unknown>({ getUser, getTicket: tickets.getTicket, cards, createCode })
export const cardCodes = createCardCodesHandler<unknown>({
  getUser,
  getAccessToken: tokens.getAccessToken,
  cards,
  baseUrl,
})
export const userCards = createUserCardsHandler<unknown>({
  getUser,
  getAccessToken: tokens.getAccessToken,
  cards,
  baseUrl,
})
