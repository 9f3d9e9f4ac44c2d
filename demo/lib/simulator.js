// The demo's simulated WeChat client: wx.addCard, wx.openCard and wx.scanCode answered by the card-platform simulator,
// a process of its own (`npx weapp-card-coupon-simulator`, at config.js's simulatorUrl), over wx.request to its
// endpoints under /simulator/ (the simulator's, not WeChat's). The simulator judges each call with WeChat's rules,
// against the card bag your server reads through WeChat's API there, and answers what the real client would hand
// to success or fail. What belongs to the client stays here: the base library version it reports, how slowly it
// answers, what the user does on the next card page and what the counter's camera is shown next. And a stand-in for
// WeChat Pay's send-coupon plugin, whose sheet the simulator answers too.
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

/** Delivers the `answered` result as the client does: success or fail (by errMsg), then complete; else a Promise. */
function answerCall(api, o, answered) {
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

/**
 * A simulated client: `install(wx)` puts its addCard, openCard, scanCode (the counter's camera), getSystemInfoSync
 * and getAppBaseInfo on `wx` (the latter two answer as `wx` did, with the simulated version) and returns
 * `uninstall()`. showModal and request stay the client's own.
 */
function createSimulatedClient({ SDKVersion }) {
  let version = SDKVersion
  let answerDelayMs = 0
  const userActions = []
  /** What the counter's camera sees on the next scans (`{ card: { cardId, code } }`, `{ text }` or 'cancel'). */
  const scans = []
  /** What the user does in the activation mini-program on the next jump: `{ fill: form }` or 'leave'. */
  const activationVisits = []

  /** One card call, with the client's contract: callbacks (success or fail, then complete), else a Promise. */
  function cardCall(api, options) {
    const o = options || {}
    const answered = ask(`wx/${api}`, { cardList: o.cardList, userAction: userActions.shift() })
      // no answer from the simulator: the call fails, as the client's would
      .catch((error) => ({ errMsg: `${api}:fail ${error.message}` }))
      .then((result) => delay(answerDelayMs).then(() => result))
    return answerCall(api, o, answered)
  }

  /**
   * wx.scanCode on the counter's phone: the simulator answers what the camera sees (by default the customer shows
   * the user's newest usable card: a card's QR code carries its code), in WeChat's shape.
   */
  function scanCode(options) {
    const o = options || {}
    const answered = ask('wx/scanCode', scans.length ? { show: scans.shift() } : {})
      // no answer from the simulator: the scan fails, as the client's would
      .catch((error) => ({ errMsg: `scanCode:fail ${error.message}` }))
    return answerCall('scanCode', o, answered)
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
    const names = ['addCard', 'openCard', 'scanCode', 'getSystemInfoSync', 'getAppBaseInfo'].concat(
      Object.keys(activation),
    )
    const saved = names.map((name) => [name, target[name]])
    const info = (real) => () => Object.assign({}, real ? real.call(target) : {}, { SDKVersion: version })
    target.addCard = (o) => cardCall('addCard', o)
    target.openCard = (o) => cardCall('openCard', o)
    target.scanCode = scanCode
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
    /** What the counter's camera sees on the next scan: `{ card: { cardId, code } }`, `{ text }` or 'cancel'. */
    nextScan: (show) => scans.push(show),
    /** What the user does in the activation mini-program on the next jump (default: fills the demo's form). */
    nextActivationVisit: (visit) => activationVisits.push(visit),
    /** Delay before each card call's answer, in ms, so the loading state can be seen. */
    setAnswerDelay: (ms) => (answerDelayMs = ms),
    answerDelay: () => answerDelayMs,
  }
}

// ---------------------------------------------------------------- WeChat Pay's send-coupon plugin

/**
 * The component definition of the demo's stand-in for the send-coupon plugin (lib/send-coupon: its template renders
 * the child nodes, the button, and nothing of its own). It takes the plugin's properties; a tap shows the confirm
 * step the real plugin (2.0.2+) has, as a modal. 领取到卡包 posts the properties to the simulator process
 * (`POST /simulator/plugin/send-coupon`), which checks the sign with the merchant's APIv2 key and issues as WeChat
 * Pay would; its answer is the `sendcoupon` event. Then, as the plugin, a result step whose button fires
 * `userconfirm`. Closed, it says nothing, as the plugin. Without parameters it answers at once, without a sheet.
 * The simulator switch does not reach it: there is no other plugin outside WeChat.
 */
function sendCouponPlugin() {
  return {
    properties: {
      send_coupon_params: { type: Array, value: [] },
      sign: { type: String, value: '' },
      send_coupon_merchant: { type: String, value: '' },
      suggest_immediate_use: { type: Boolean, value: false },
    },
    methods: {
      onTap() {
        const { send_coupon_params: params, sign, send_coupon_merchant: merchant } = this.data
        const send = () =>
          ask('plugin/send-coupon', { send_coupon_params: params, sign, send_coupon_merchant: merchant })
            // no answer from the simulator: the plugin's own failure
            .catch((error) => ({ errcode: 'SYSTEMERROR', msg: error.message, send_coupon_result: [] }))
            .then((answer) => {
              this.triggerEvent('sendcoupon', answer)
              if (answer.errcode === 'OK') this.showResult(answer)
            })
        if (!params.length || !sign) return void send()
        wx.showModal({
          title: '微信支付券',
          content: `${params.length} 张优惠券将放入你的微信卡包`,
          confirmText: '领取到卡包',
          cancelText: '关闭',
          success: ({ confirm }) => confirm && send(),
        })
      },
      showResult(answer) {
        const received = answer.send_coupon_result.filter((r) => r.code === 'SUCCESS' || r.code === 'DUPREQUEST')
        wx.showModal({
          title: received.length ? '领取成功' : '未领到',
          content: received.length ? `${received.length} 张优惠券已放入卡包` : answer.send_coupon_result[0].message,
          confirmText: this.data.suggest_immediate_use && received.length ? '立即使用' : '我知道了',
          showCancel: false,
          success: () => this.triggerEvent('userconfirm', {}),
        })
      },
    },
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

module.exports = { createSimulatedClient, sendCouponPlugin, cards, setCardStatus, failNextRequest, advanceTime }
