// The simulator's own endpoints, under /simulator/ (they are not WeChat's): what a page running outside this
// process (the browser playground, WeChat devtools) needs of the platform. The page's simulated wx.addCard /
// wx.openCard post their cardList here and get exactly the object the real client would hand to success or fail,
// judged by the platform's card rules against the card bag WeChat's server API (wechat-api.ts) reads; the other
// endpoints are the hands a demo or a test plays the user and the merchant with. With a WeChat Pay simulator, the
// page's stand-in for the send-coupon plugin posts the properties of a confirmed sheet here and gets the plugin's
// `sendcoupon` detail. Served beside WeChat's API by `platform.listen({ pageBridge: true, payPlatform })`, as the
// simulator process does.
import { isPlainObject } from '../utils/rules'
import type { CardPlatform } from './index'
import type { PayPlatform } from './pay-platform'
import type { HeldCardStatus } from './platform'
import type { ApiAnswer, ApiName, ApiRequest } from './wechat-api'
import type { CardApiName } from './wx'

/** Every path of the page bridge starts with it; WeChat's own paths never do. */
export const PAGE_BRIDGE_PREFIX = '/simulator/'

type Body = Record<string, unknown>
type Platform = Pick<
  CardPlatform,
  'wx' | 'nextUserAction' | 'setCardStatus' | 'advanceTime' | 'failNextRequest' | 'memberCards' | 'scanner'
>

const answer = (status: number, body: Body): ApiAnswer => ({ status, body })
const problem = (status: number, error: string) => answer(status, { error })

/** Runs one of the platform's hands: a TypeError (a card the user does not hold, a bad value) is a 400. */
function hand(run: () => void): ApiAnswer {
  try {
    run()
    return answer(200, { ok: true })
  } catch (error) {
    if (error instanceof TypeError) return problem(400, error.message)
    throw error
  }
}

/** A card call as the page's client makes it: the answer wx would give, whether success or fail. */
async function cardCall(platform: Platform, api: CardApiName, body: Body): Promise<ApiAnswer> {
  const { cardList, userAction } = body
  if (userAction !== undefined) {
    if (userAction !== 'accept' && userAction !== 'cancel') return problem(400, "userAction: 'accept' or 'cancel'")
    platform.nextUserAction(userAction)
  }
  const call = api === 'addCard' ? platform.wx.addCard({ cardList }) : platform.wx.openCard({ cardList })
  const result: object = await call.catch((failure: object) => failure)
  return answer(200, { ...result })
}

/**
 * A jump to WeChat's activation mini-program as the page's client makes it: what navigateToMiniProgram answers, and
 * the referrerInfo the app is shown with when the user is back (`visit`: what the user does there, default 'leave').
 */
function activationJump(platform: Platform, body: Body): Promise<ApiAnswer> {
  if (body.visit !== undefined) {
    try {
      platform.memberCards.nextVisit(body.visit as Parameters<Platform['memberCards']['nextVisit']>[0])
    } catch (error) {
      return Promise.resolve(problem(400, error instanceof Error ? error.message : String(error)))
    }
  }
  const { wx } = platform.memberCards.client
  return new Promise((resolve) => {
    const back = (options: { referrerInfo: object }) => {
      wx.offAppShow(back)
      resolve(answer(200, { errMsg: 'navigateToMiniProgram:ok', referrerInfo: options.referrerInfo }))
    }
    wx.onAppShow(back)
    wx.navigateToMiniProgram({
      appId: body.appId,
      extraData: body.extraData,
      fail: ({ errMsg }) => {
        wx.offAppShow(back)
        resolve(answer(200, { errMsg }))
      },
    })
  })
}

/**
 * A scan on the counter's phone as the page's client makes it: what wx.scanCode answers, success or fail (`show`: what
 * the camera sees, as `scanner.nextScan` takes it; default the user's newest usable card).
 */
async function scanCall(platform: Platform, body: Body): Promise<ApiAnswer> {
  if (body.show !== undefined) {
    try {
      platform.scanner.nextScan(body.show as Parameters<Platform['scanner']['nextScan']>[0])
    } catch (error) {
      if (error instanceof TypeError) return problem(400, error.message)
      throw error
    }
  }
  const result: object = await platform.scanner.wx
    .scanCode({ onlyFromCamera: true })
    .catch((failure: object) => failure)
  return answer(200, { ...result })
}

/**
 * The page bridge over `platform`: a function that answers a request under PAGE_BRIDGE_PREFIX (undefined for any
 * other path, which WeChat's router answers). `cards` is what `GET /simulator/cards` lists: the platform's cards
 * as they were given, with any field a page shows (title, description…).
 *
 * | Request | Answer |
 * | --- | --- |
 * | `POST /simulator/wx/addCard` `{ cardList, userAction? }` | what wx.addCard answers: `{ errMsg: 'addCard:ok', cardList }` or `{ errMsg: 'addCard:fail …' }` |
 * | `POST /simulator/wx/openCard` `{ cardList, userAction? }` | what wx.openCard answers |
 * | `POST /simulator/wx/navigateToMiniProgram` `{ appId, extraData, visit? }` | `{ errMsg, referrerInfo? }`: the jump to the activation mini-program and the user's return |
 * | `POST /simulator/wx/scanCode` `{ show? }` | what wx.scanCode answers on the counter's phone: `{ errMsg: 'scanCode:ok', result, scanType, charSet, rawData }` or `{ errMsg: 'scanCode:fail cancel' }` |
 * | `GET /simulator/cards` | `{ cards }`: the merchant's cards |
 * | `POST /simulator/card-status` `{ cardId, code, status }` | `{ ok: true }`: setCardStatus |
 * | `POST /simulator/advance-time` `{ ms }` | `{ ok: true }`: advanceTime |
 * | `POST /simulator/fail-next-request` `{ api, answer? }` | `{ ok: true }`: failNextRequest |
 * | `POST /simulator/plugin/send-coupon` `{ send_coupon_params, sign, send_coupon_merchant }` | the send-coupon plugin's `sendcoupon` detail once the user confirmed its sheet (`pay.sendCoupon`); only with `pay` |
 *
 * `userAction` ('accept' or 'cancel') is what the user does on that call's card page; `show` what the counter's
 * camera sees (`{ card: { cardId, code } }`, `{ text }` or 'cancel', as `scanner.nextScan` takes it). A bad body or value is a 400
 * `{ error }`; an unknown path a 404, another method a 405.
 */
export function createPageBridge(
  platform: Platform,
  cards: readonly object[],
  pay?: Pick<PayPlatform, 'sendCoupon'>,
): (request: ApiRequest) => Promise<ApiAnswer> | undefined {
  // the platform's hands check their arguments themselves (a TypeError naming the value)
  const routes = new Map<string, { method: 'GET' | 'POST'; run(body: Body): ApiAnswer | Promise<ApiAnswer> }>([
    ['wx/addCard', { method: 'POST', run: (body) => cardCall(platform, 'addCard', body) }],
    ['wx/openCard', { method: 'POST', run: (body) => cardCall(platform, 'openCard', body) }],
    ['wx/navigateToMiniProgram', { method: 'POST', run: (body) => activationJump(platform, body) }],
    ['wx/scanCode', { method: 'POST', run: (body) => scanCall(platform, body) }],
    ['cards', { method: 'GET', run: () => answer(200, { cards: cards.map((card) => ({ ...card })) }) }],
    [
      'card-status',
      {
        method: 'POST',
        run: ({ cardId, code, status }) =>
          hand(() => platform.setCardStatus({ cardId: String(cardId), code: String(code) }, status as HeldCardStatus)),
      },
    ],
    ['advance-time', { method: 'POST', run: ({ ms }) => hand(() => platform.advanceTime(ms as number)) }],
    [
      'fail-next-request',
      {
        method: 'POST',
        run: ({ api, answer: failure }) =>
          hand(() =>
            failure === undefined
              ? platform.failNextRequest(api as ApiName)
              : platform.failNextRequest(api as ApiName, failure as { errcode: number; errmsg: string }),
          ),
      },
    ],
  ])
  if (pay)
    routes.set('plugin/send-coupon', {
      method: 'POST',
      // the plugin judges what it is given (a missing or bad field is its PARAM_ERROR answer, not a 400)
      run: ({ send_coupon_params, sign, send_coupon_merchant }) =>
        answer(200, { ...pay.sendCoupon({ send_coupon_params, sign, send_coupon_merchant }) }),
    })

  return (request) => {
    const path = request.url.split(/[?#]/)[0] ?? ''
    if (!path.startsWith(PAGE_BRIDGE_PREFIX)) return undefined
    const route = routes.get(path.slice(PAGE_BRIDGE_PREFIX.length))
    if (!route) return Promise.resolve(problem(404, `not one of the simulator's endpoints: ${path}`))
    if (request.method.toUpperCase() !== route.method)
      return Promise.resolve(problem(405, `${path} takes ${route.method}`))
    let body: unknown = {}
    if (route.method === 'POST') {
      try {
        body = JSON.parse(request.body ?? '')
      } catch {
        return Promise.resolve(problem(400, 'the body is not JSON'))
      }
      if (!isPlainObject(body)) return Promise.resolve(problem(400, 'the body is not a JSON object'))
    }
    return Promise.resolve(route.run(body as Body))
  }
}
