// The demo's "server" and platform switch. With the simulator on, wx.addCard / wx.openCard are the card-platform
// simulator's (weapp-card-coupon/testing) and cardExt is signed here with its ticket (a fake platform, so a fake
// secret). In your app, signing happens on your server: weapp-card-coupon/server.
const config = require('../config')

let simulator = null
try {
  // built by `npm run demo` from weapp-card-coupon/testing + server signing, for the mini-program runtime
  simulator = require('../vendor/platform.js')
} catch (e) {
  simulator = null
}

const TICKET = 'demo-api-ticket'
const STALE_TICKET = 'demo-api-ticket-of-last-week'
const OPENID = 'o-demo-user'
const CARDS = [
  { cardId: 'pDemoCoupon', title: '满100减20', quantity: 100 },
  { cardId: 'pDemoCustom', title: '自定义码券', useCustomCode: true },
  { cardId: 'pDemoMember', title: '会员卡', bindOpenid: true, getLimit: 1 },
  { cardId: 'pDemoSoldOut', title: '限量券（已抢光）', quantity: 0 },
]
const CURRENT_VERSION = '3.12.0'
const OLD_VERSION = '1.0.9'

// One platform for the whole session: its card bag, stock and used nonces survive every switch.
let platform = null
let uninstall = null
let version = CURRENT_VERSION
let answerDelayMs = 0
let customCodeSeq = 0
const listeners = []

function notify() {
  for (const listener of listeners.slice()) listener()
}
const onChange = (listener) => listeners.push(listener)
const offChange = (listener) => listeners.indexOf(listener) >= 0 && listeners.splice(listeners.indexOf(listener), 1)

/**
 * Switches wx.addCard / wx.openCard (and the version the client reports) between the simulator and the real
 * client. The client's own showModal stays, so the upgrade modal is the real one.
 */
function useSimulator(on) {
  if (uninstall) uninstall()
  uninstall = null
  if (on && !simulator) {
    wx.showModal({ title: '缺少模拟平台', content: '请先在项目根目录运行 npm run demo', showCancel: false })
  } else if (on) {
    if (!platform) {
      platform = simulator.createCardPlatform({
        apiTicket: TICKET,
        accessToken: 'demo-token',
        openid: OPENID,
        cards: CARDS,
        SDKVersion: version,
      })
      platform.setAnswerDelay(answerDelayMs)
    }
    uninstall = platform.install(wx, { all: true, keep: ['showModal'] })
  }
  notify()
}

const isSimulated = () => uninstall !== null
const isOld = () => isSimulated() && version === OLD_VERSION

/** Makes the simulated client report `SDKVersion` (e.g. OLD_VERSION: too old for the card APIs). */
function setVersion(SDKVersion) {
  version = SDKVersion
  if (platform) platform.setClient({ SDKVersion })
  notify()
}

/** Signs a cardExt for `cardId` as your server would: a fresh nonce every time, custom code and openid as needed. */
function signCardExt(cardId, apiTicket) {
  const card = CARDS.find((c) => c.cardId === cardId) || {}
  return simulator.createCardExt({
    apiTicket,
    cardId,
    code: card.useCustomCode ? 'DEMO' + Date.now().toString(36).toUpperCase() + ++customCodeSeq : undefined,
    openid: card.bindOpenid ? OPENID : undefined,
  })
}

/** What your server would answer for a card: `{ cardId, cardExt }`, a fresh nonce every time. */
function issue(cardId) {
  if (isSimulated()) return Promise.resolve({ cardId, cardExt: signCardExt(cardId, TICKET) })
  if (!config.cardExtUrl) return Promise.reject(new Error('config.js: cardExtUrl is not set'))
  return new Promise((resolve, reject) =>
    wx.request({ url: config.cardExtUrl, data: { cardId }, success: (r) => resolve(r.data), fail: reject }),
  )
}

/** A cardExt signed with an api_ticket WeChat no longer accepts (what a server with a stale ticket cache sends). */
function issueWithStaleTicket(cardId) {
  if (!isSimulated()) return Promise.reject(new Error('a stale signature is only shown with the simulator'))
  return Promise.resolve({ cardId, cardExt: signCardExt(cardId, STALE_TICKET) })
}

/** The user's cards with decrypted codes: the simulator's card bag, or config.js's cards for the real client. */
function held() {
  if (!isSimulated()) return config.cards
  return platform.state.held.map((h) => {
    const card = CARDS.find((c) => c.cardId === h.cardId) || {}
    return {
      cardId: h.cardId,
      code: h.code,
      title: card.title,
      description: '有效期至 2026-12-31',
      extra: h.code.slice(-4),
    }
  })
}

/**
 * For pages: keeps `data.simulated` and `data.old` in step with the switches and re-mounts the tags inside
 * `wx:if="{{ mounted }}"` after each switch (a tag decides its fallback when attached); then calls the page's
 * `onDemoChange()`, if any.
 */
const pageBehavior = Behavior({
  data: { simulated: false, old: false, mounted: true },
  lifetimes: {
    attached() {
      this.syncDemo = () => {
        this.setData({ mounted: false })
        this.setData({ simulated: isSimulated(), old: isOld(), mounted: true })
        if (this.onDemoChange) this.onDemoChange()
      }
      onChange(this.syncDemo)
      this.setData({ simulated: isSimulated(), old: isOld() })
    },
    detached() {
      offChange(this.syncDemo)
    },
  },
})

module.exports = {
  CARDS,
  OLD_VERSION,
  CURRENT_VERSION,
  pageBehavior,
  useSimulator,
  isSimulated,
  version: () => version,
  setVersion,
  /** Answers the next addCard/openCard as the user would. */
  nextUserAction: (action) => isSimulated() && platform.nextUserAction(action),
  /** Delays the simulator's answers so the loading state can be seen. */
  setSlow(ms) {
    answerDelayMs = ms
    if (platform) platform.setAnswerDelay(ms)
  },
  isSlow: () => answerDelayMs > 0,
  onChange,
  offChange,
  issue,
  issueWithStaleTicket,
  held,
}
