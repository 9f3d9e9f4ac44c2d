import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createActivateHandler,
  createActivationParamsHandler,
  createApiTicketProvider,
  createCardCodesHandler,
  createCardExtHandler,
  createCardInfoSource,
  createCodeUnavailableHandler,
  createConsumeHandler,
  createMemberInfoHandler,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type CardExtRule,
  type CardHandler,
  type CardUser,
  type HandlerRequest,
} from 'weapp-card-coupon/server'

// Configuration from the environment. An empty appid or secret throws a TypeError naming it, at start.
const appid = process.env.WECHAT_APPID ?? ''
const baseUrl = process.env.WECHAT_API_BASE_URL // unset in production; the simulator's URL to try it out
const tokens = createStableAccessTokenProvider({ appid, secret: process.env.WECHAT_SECRET ?? '', baseUrl })
const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid, baseUrl })
// Each card's own settings (card/get): custom code, bound to a user, get_limit, title, logo, color.
const { getCardInfo } = createCardInfoSource({ getAccessToken: tokens.getAccessToken, appid, baseUrl })

// Your login flow (wx.login → your server → code2Session) keeps session token → user: your key of the user, and
// their openid under the Official Account that owns the cards (by unionid; see examples/two-openids.ts). The page
// sends its token in a header: wx.request sends no cookies. DEV_SESSION and DEV_OPENID let you try the server out;
// DEV_MINI_OPENID, that user's mini-program openid (code2Session), is then your key of the user and what WeChat Pay
// knows them by (the coupon routes below).
const sessions = new Map<string, CardUser>()
if (process.env.DEV_SESSION && process.env.DEV_OPENID)
  sessions.set(process.env.DEV_SESSION, {
    id: process.env.DEV_MINI_OPENID || 'dev-user',
    cardOpenid: process.env.DEV_OPENID,
  })
// Your staff, by your key of the user: only they may 核销 at the counter. DEV_STAFF_SESSION and DEV_STAFF_OPENID let
// you try it.
const staff = new Set<string>()
if (process.env.DEV_STAFF_SESSION && process.env.DEV_STAFF_OPENID) {
  sessions.set(process.env.DEV_STAFF_SESSION, { id: 'dev-staff', cardOpenid: process.env.DEV_STAFF_OPENID })
  staff.add('dev-staff')
}
const getUser = ({ headers }: HandlerRequest): CardUser | undefined => {
  const auth = headers.authorization
  return typeof auth === 'string' ? sessions.get(auth.replace(/^Bearer /, '')) : undefined
}

// The cards this server issues. card/get says how (a custom-code card gets a code from createCode; a bound card the
// user's openid); a rule here may add outer_str. (These are the simulator's cards: put yours here.)
const cards: Record<string, CardExtRule> = {
  pDemoCoupon: {},
  pDemoVoucher: {},
  pDemoCustom: { outerStr: 'mini-program' },
  pDemoMember: {},
  pDemoLastOne: {},
  pDemoSoldOut: {},
}
let issued = 0
const createCode = () => `C${Date.now().toString(36)}${++issued}`.toUpperCase() // yours: from your code pool

const routes = new Map<string, CardHandler>([
  ['/card-ext', createCardExtHandler({ getUser, getTicket: tickets.getTicket, getCardInfo, cards, createCode })],
  ['/card-codes', createCardCodesHandler({ getUser, getAccessToken: tokens.getAccessToken, cards, baseUrl })],
  // cacheMs 0: the demo changes card states by hand and lists at once (keep the 10 s default in production)
  [
    '/user-cards',
    createUserCardsHandler({ getUser, getAccessToken: tokens.getAccessToken, getCardInfo, cards, baseUrl, cacheMs: 0 }),
  ],
])

// Member cards (会员卡): one-click activation for their holder. onActivate decides the member data (yours: from
// your member table, e.g. by the mobile number of the form); { refuse: '…' } shows the user why not.
const member = { getUser, getAccessToken: tokens.getAccessToken, cards: { pDemoMember: {} }, baseUrl }
routes.set('/member-activation-params', createActivationParamsHandler({ ...member, outerStr: 'mini-program' }))
routes.set(
  '/member-activate',
  createActivateHandler({ ...member, onActivate: ({ code }) => ({ membershipNumber: code, initBonus: 100 }) }),
)
routes.set('/member-info', createMemberInfoHandler(member))

// The counter: 核销 and invalidation, for your staff only (never the card's holder).
const counter = {
  getUser,
  getAccessToken: tokens.getAccessToken,
  baseUrl,
  authorize: (user: CardUser) => staff.has(user.id),
}
routes.set('/consume', createConsumeHandler(counter))
routes.set('/code-unavailable', createCodeUnavailableHandler(counter))

// WeChat Pay coupons (商家券), when the environment names your merchant (WECHATPAY_MCHID and the rest, see
// server/pay/README.md): POST /send-coupon for <send-coupon-button>, GET /pay-coupons for <pay-coupon-list>. The
// same routes as examples/pay/server.mjs; loaded only then, as they read the merchant's key files.
if (process.env.WECHATPAY_MCHID) {
  const { createPayRoutes } = await import('./pay/routes.mjs')
  for (const [path, handler] of createPayRoutes(getUser)) routes.set(path, handler)
}

const server = createServer((req, res) => {
  const handler = routes.get((req.url ?? '/').split('?')[0] ?? '/')
  if (handler) void handler(req, res)
  else res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found","message":"no such path"}')
})
// HOST: unset, every address; PORT 0: a free port
server.listen(Number(process.env.PORT ?? 8080), process.env.HOST, () => {
  console.log(`card server: http://${process.env.HOST ?? 'localhost'}:${(server.address() as AddressInfo).port}`)
})
