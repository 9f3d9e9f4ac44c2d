import { randomUUID } from 'node:crypto'
import {
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type CardUser,
  type HandlerRequest,
} from 'weapp-card-coupon/server'

// Two AppIDs: the mini-program's (wx.login → code2Session) and the Official Account's, which owns the cards.
const baseUrl = process.env.WECHAT_API_BASE_URL ?? 'https://api.weixin.qq.com'
const miniProgram = { appid: process.env.MINIPROGRAM_APPID ?? '', secret: process.env.MINIPROGRAM_SECRET ?? '' }
const tokens = createStableAccessTokenProvider({
  appid: process.env.WECHAT_APPID ?? '',
  secret: process.env.WECHAT_SECRET ?? '',
  baseUrl,
})

// Your table: unionid → the user's openid under the Official Account. Fill it as the account gets to know the user:
// its card events (user_get_card carries FromUserName, the openid, and UnionId) or cgi-bin/user/info for followers.
const officialOpenids = new Map<string, string>()
if (process.env.DEV_UNIONID && process.env.DEV_OPENID)
  officialOpenids.set(process.env.DEV_UNIONID, process.env.DEV_OPENID)

// Your /login: the page sends wx.login's code; code2Session answers the mini-program openid and the unionid.
const sessions = new Map<string, CardUser>()
async function login(jsCode: string): Promise<string> {
  const query = new URLSearchParams({ ...miniProgram, js_code: jsCode, grant_type: 'authorization_code' })
  const answer = (await (await fetch(`${baseUrl}/sns/jscode2session?${query}`)).json()) as {
    openid?: string
    unionid?: string
    errcode?: number
  }
  if (!answer.openid) throw new Error(`code2Session failed: errcode ${answer.errcode}`)
  const user: CardUser = { id: answer.openid, cardOpenid: answer.unionid && officialOpenids.get(answer.unionid) }
  const token = randomUUID()
  sessions.set(token, user)
  return token // the page keeps it and sends it as Authorization: Bearer <token>
}

// The one identity hook every endpoint takes.
const getUser = ({ headers }: HandlerRequest): CardUser | undefined =>
  sessions.get(String(headers.authorization).replace(/^Bearer /, ''))

const userCards = createUserCardsHandler({ getUser, getAccessToken: tokens.getAccessToken, baseUrl })
const token = await login(process.env.JS_CODE ?? '')
console.log(getUser({ method: 'GET', headers: { authorization: `Bearer ${token}` } }))
const answer = await userCards.handle({ method: 'GET', headers: { authorization: `Bearer ${token}` } })
console.log(answer.status, answer.body)
