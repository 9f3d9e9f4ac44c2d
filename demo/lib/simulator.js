// The demo's simulated WeChat client: wx.addCard and wx.openCard answered by the card-platform simulator, a
// process of its own (`npx weapp-card-coupon-simulator`, at config.js's simulatorUrl), over wx.request to its
// endpoints under /simulator/ (the simulator's, not WeChat's). The simulator judges each call with WeChat's rules,
// against the card bag your server reads through WeChat's API there, and answers what the real client would hand
// to success or fail. What belongs to the client stays here: the base library version it reports, how slowly it
// answers, and what the user does on the next card page.
const config = require('../config')

/** A request to the simulator's own endpoints (GET without data, POST with it); resolves the JSON of a 200. */
function ask(path, data) {
  const url = `${config.simulatorUrl}/simulator/${path}`
  return new Promise((resolve, reject) =>
    wx.request({
      url,
      method: data === undefined ? 'GET' : 'POST',
      data,
      // wx.request calls success for every HTTP status
      success: ({ statusCode, data: body }) =>
        statusCode === 200
          ? resolve(body)
          : reject(new Error(`${url}: HTTP ${statusCode} ${(body && body.error) || ''}`)),
      fail: ({ errMsg }) => reject(new Error(`${url}: ${errMsg}`)),
    }),
  )
}

const CALLBACKS = ['success', 'fail', 'complete']
/** What the demo's user fills in WeChat's activation form. */
const DEMO_FORM = { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000', USER_FORM_INFO_FLAG_NAME: '张三' } }
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A simulated client: `install(wx)` puts its addCard, openCard, getSystemInfoSync and getAppBaseInfo on `wx` (the
 * latter two answer as `wx` did, with the simulated version) and returns `uninstall()`. showModal and request stay
 * the client's own.
 */
function createSimulatedClient({ SDKVersion }) {
  let version = SDKVersion
  let answerDelayMs = 0
  const userActions = []
  /** What the user does in the activation mini-program on the next jump: `{ fill: form }` or 'leave'. */
  const activationVisits = []

  /** One card call, with the client's contract: callbacks (success or fail, then complete), else a Promise. */
  function cardCall(api, options) {
    const o = options || {}
    const answered = ask(`wx/${api}`, { cardList: o.cardList, userAction: userActions.shift() })
      // no answer from the simulator: the call fails, as the client's would
      .catch((error) => ({ errMsg: `${api}:fail ${error.message}` }))
      .then((result) => delay(answerDelayMs).then(() => result))
    const ok = (result) => result.errMsg === `${api}:ok`
    if (!CALLBACKS.some((name) => typeof o[name] === 'function'))
      return answered.then((result) => (ok(result) ? result : Promise.reject(result)))
    answered.then((result) => {
      const callback = ok(result) ? o.success : o.fail
      if (callback) callback(result)
      if (o.complete) o.complete(result)
    })
    return undefined
  }

  // WeChat's activation mini-program (开卡组件) for member cards: the jump goes to the simulator, which answers how the
  // user comes back; then the app is shown again with that referrerInfo (wx.onAppShow, wx.getEnterOptionsSync).
  let enterOptions = { scene: 1001, path: 'pages/index/index', query: {}, referrerInfo: {} }
  const appShowListeners = []
  const activation = {
    navigateToMiniProgram(o) {
      const options = o || {}
      const visit = activationVisits.shift() || { fill: DEMO_FORM }
      ask('wx/navigateToMiniProgram', { appId: options.appId, extraData: options.extraData, visit })
        .catch((error) => ({ errMsg: `navigateToMiniProgram:fail ${error.message}` }))
        .then((result) => {
          const ok = result.errMsg === 'navigateToMiniProgram:ok'
          const callback = ok ? options.success : options.fail
          if (callback) callback({ errMsg: result.errMsg })
          if (options.complete) options.complete({ errMsg: result.errMsg })
          if (!ok) return
          // the user is back: the app shows again
          enterOptions = { scene: 1038, path: enterOptions.path, query: {}, referrerInfo: result.referrerInfo }
          setTimeout(() => appShowListeners.slice().forEach((listener) => listener(Object.assign({}, enterOptions))), 0)
        })
    },
    getEnterOptionsSync: () => Object.assign({}, enterOptions),
    onAppShow: (listener) => appShowListeners.push(listener),
    offAppShow(listener) {
      const at = appShowListeners.indexOf(listener)
      if (at >= 0) appShowListeners.splice(at, 1)
    },
  }

  function install(target) {
    const names = ['addCard', 'openCard', 'getSystemInfoSync', 'getAppBaseInfo'].concat(Object.keys(activation))
    const saved = names.map((name) => [name, target[name]])
    const info = (real) => () => Object.assign({}, real ? real.call(target) : {}, { SDKVersion: version })
    target.addCard = (o) => cardCall('addCard', o)
    target.openCard = (o) => cardCall('openCard', o)
    target.getSystemInfoSync = info(target.getSystemInfoSync)
    target.getAppBaseInfo = info(target.getAppBaseInfo)
    Object.assign(target, activation)
    return () => {
      for (const [name, value] of saved) {
        if (value === undefined) delete target[name]
        else target[name] = value
      }
    }
  }

  return {
    install,
    version: () => version,
    /** What getSystemInfoSync / getAppBaseInfo report from now on (e.g. '1.0.9': too old for the card APIs). */
    setVersion: (SDKVersion) => (version = SDKVersion),
    /** What the user does on the next card page: 'accept' or 'cancel'. */
    nextUserAction: (action) => userActions.push(action),
    /** What the user does in the activation mini-program on the next jump (default: fills the demo's form). */
    nextActivationVisit: (visit) => activationVisits.push(visit),
    /** Delay before each card call's answer, in ms, so the loading state can be seen. */
    setAnswerDelay: (ms) => (answerDelayMs = ms),
    answerDelay: () => answerDelayMs,
  }
}

// ---------------------------------------------------------------- the simulator's hands (user, merchant, time)

/** The merchant's cards on the simulator: `{ name, cardId, title, description, extra, … }[]`. */
const cards = () => ask('cards').then((body) => body.cards)

/** Changes the state of held cards (`{ cardId, code }`), as WeChat does when the user uses, gives away or deletes one. */
const setCardStatus = (held, status) =>
  Promise.all(held.map(({ cardId, code }) => ask('card-status', { cardId, code, status })))

/** The next card/code/get look-up fails once: that card reads UNKNOWN (状态未知) in the next list. */
const failNextRequest = (api) => ask('fail-next-request', { api })

/** Moves the platform's clock `ms` ahead: cards past their end date read EXPIRE. */
const advanceTime = (ms) => ask('advance-time', { ms })

module.exports = { createSimulatedClient, cards, setCardStatus, failNextRequest, advanceTime }
