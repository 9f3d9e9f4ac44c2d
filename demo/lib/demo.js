// The demo's "server" and platform switch. With the simulator on, cardExt is signed here with the simulator's
// ticket (a fake platform, so a fake secret). In your app, signing happens on your server: weapp-card-coupon/server.
const config = require('../config')

let sim = null
try {
  // built by `npm run demo` from weapp-card-coupon/testing + server signing, for the mini-program runtime
  sim = require('../vendor/platform.js')
} catch (e) {
  sim = null
}

const TICKET = 'demo-api-ticket'
const OPENID = 'o-demo-user'
const CARDS = [
  { cardId: 'pDemoCoupon', title: '满100减20', quantity: 100 },
  { cardId: 'pDemoCustom', title: '自定义码券', useCustomCode: true },
  { cardId: 'pDemoMember', title: '会员卡', bindOpenid: true, getLimit: 1 },
  { cardId: 'pDemoLimited', title: '限量券（仅 1 张）', quantity: 1 },
]
const PATCHED = ['addCard', 'openCard', 'getSystemInfoSync', 'getAppBaseInfo']

let platform = null
let active = false
let version = '3.12.0'
let saved = null
let slowMs = 0
let customSeq = 0
const listeners = []

function restore() {
  if (!saved) return
  for (const k of PATCHED) wx[k] = saved[k]
  saved = null
}

/**
 * Switches wx.addCard/openCard between the simulator and the real APIs; `SDKVersion` fakes an old client.
 * One platform lives for the whole session, so its card bag, stock and used nonces survive version switches.
 */
function useSimulator(on, SDKVersion) {
  restore()
  if (!on) {
    active = false
    return notify()
  }
  if (!sim) {
    wx.showModal({ title: '缺少模拟平台', content: '请先在项目根目录运行 npm run demo', showCancel: false })
    return notify()
  }
  if (!platform)
    platform = sim.createCardPlatform({ apiTicket: TICKET, accessToken: 'demo-token', openid: OPENID, cards: CARDS })
  active = true
  version = SDKVersion || '3.12.0'
  saved = {}
  for (const k of PATCHED) saved[k] = wx[k]
  wx.addCard = (o) => (slowMs ? setTimeout(() => platform.wx.addCard(o), slowMs) : platform.wx.addCard(o))
  wx.openCard = (o) => (slowMs ? setTimeout(() => platform.wx.openCard(o), slowMs) : platform.wx.openCard(o))
  // the client's real answers (vant reads more than SDKVersion), with the version the demo plays
  const real = saved
  wx.getSystemInfoSync = () =>
    Object.assign({}, real.getSystemInfoSync && real.getSystemInfoSync(), { SDKVersion: version })
  wx.getAppBaseInfo = () => Object.assign({}, real.getAppBaseInfo && real.getAppBaseInfo(), { SDKVersion: version })
  return notify()
}

function notify() {
  for (const f of listeners) f()
}

module.exports = {
  CARDS,
  useSimulator,
  isSimulated: () => active,
  /** Answers the next addCard/openCard as the user would. */
  nextUserAction: (a) => active && platform.nextUserAction(a),
  /** Delays the simulator's answers so the loading state can be seen. */
  setSlow: (ms) => (slowMs = ms),
  onChange: (f) => listeners.push(f),
  offChange: (f) => listeners.indexOf(f) >= 0 && listeners.splice(listeners.indexOf(f), 1),

  /** What your server would answer for a card: `{ cardId, cardExt }`, a fresh nonce every time. */
  issue(cardId) {
    if (active) {
      const card = CARDS.find((c) => c.cardId === cardId) || {}
      const cardExt = sim.createCardExt({
        apiTicket: TICKET,
        cardId,
        code: card.useCustomCode ? 'DEMO' + Date.now().toString(36).toUpperCase() + ++customSeq : undefined,
        openid: card.bindOpenid ? OPENID : undefined,
      })
      return Promise.resolve({ cardId, cardExt })
    }
    if (!config.cardExtUrl) return Promise.reject(new Error('config.js: cardExtUrl is not set'))
    return new Promise((resolve, reject) =>
      wx.request({ url: config.cardExtUrl, data: { cardId }, success: (r) => resolve(r.data), fail: reject }),
    )
  },

  /** The user's cards with decrypted codes (the simulator's decrypt; in your app: decryptCardCode on the server). */
  held() {
    if (!active) return []
    return platform.state.held.map((h) => {
      const c = CARDS.find((x) => x.cardId === h.cardId) || {}
      return {
        cardId: h.cardId,
        code: h.code,
        title: c.title,
        description: '有效期至 2026-12-31',
        extra: h.code.slice(-4),
      }
    })
  },
  cardsForRealApi: () => config.cards,
}
