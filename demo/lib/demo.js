// The demo's card platform and "server".
//
// With the simulator on, wx.addCard / wx.openCard are the card-platform simulator's (weapp-card-coupon/testing),
// and the demo's server is the real thing: the ready-made handlers of weapp-card-coupon/server (card-ext,
// card-codes, user-cards), running here in process because a mini-program has no HTTP server. They reach the
// simulator's WeChat API through platform.fetch. A fake platform, so fake secrets. In your app the same handlers
// run on your server, and the pages reach them with wx.request at the URLs of config.js.
const config = require('../config')

let vendor = null
try {
  // built by `npm run demo`: the simulator and the server toolkit, bundled for the mini-program runtime
  vendor = require('../vendor/platform.js')
} catch (e) {
  vendor = null
}

const OPENID = 'o-demo-user'
// The login token the pages send (Authorization: Bearer …); your wx.login flow issues a real one.
const SESSION = 'demo-session'
const API_TICKET = 'demo-api-ticket'
const STALE_API_TICKET = 'demo-api-ticket-of-last-week'
// What the simulator's stable_token accepts (its defaults).
const APPID = 'wx0000000000card00'
const APP_SECRET = 'simulator-app-secret-0000000000'
const DAY_MS = 24 * 3600 * 1000

/**
 * The demo's cards. How the card platform has them (stock `quantity`, per-user `getLimit`, validity `dateInfo`;
 * 30 days from the day added when absent), how your server issues them (`useCustomCode`, `bindOpenid`) and what
 * your card table says for the list (`title`, `value`, `condition`). Pages name them by `name`: config.js maps
 * the names to your own card ids when the simulator is off.
 */
const CARDS = [
  {
    name: 'coupon',
    cardId: 'pDemoCoupon',
    title: '满100减20',
    value: '¥20',
    condition: '满100元可用',
    quantity: 100,
    getLimit: 3,
  },
  {
    name: 'voucher',
    cardId: 'pDemoVoucher',
    title: '无门槛券',
    value: '¥5',
    condition: '无门槛，领取后 7 天有效',
    dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 7 },
  },
  {
    name: 'custom',
    cardId: 'pDemoCustom',
    title: '自定义码券',
    value: '8折',
    condition: '商户自己的券码',
    useCustomCode: true,
  },
  {
    name: 'member',
    cardId: 'pDemoMember',
    title: '会员卡',
    value: 'VIP',
    condition: '每人限 1 张，一年有效',
    bindOpenid: true,
    getLimit: 1,
    dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 365 },
  },
  { name: 'soldOut', cardId: 'pDemoSoldOut', title: '限量券（已抢光）', value: '¥50', condition: '限量', quantity: 0 },
]
const CURRENT_VERSION = '3.12.0'
const OLD_VERSION = '1.0.9'

// One platform and one server for the whole session: the card bag, stock, used nonces and the clock survive
// every switch.
let platform = null
let server = null
let uninstall = null
let version = CURRENT_VERSION
let answerDelayMs = 0
let customCodes = 0
const listeners = []

function notify() {
  for (const listener of listeners.slice()) listener()
}
const onChange = (listener) => listeners.push(listener)
const offChange = (listener) => listeners.indexOf(listener) >= 0 && listeners.splice(listeners.indexOf(listener), 1)

/**
 * The demo's server: the three endpoints of server/README.md's card server, on the simulator. The providers fetch
 * the access_token and the api_ticket from the simulator's WeChat API (platform.fetch) on its clock, so moving the
 * clock by days expires them and they are fetched again, as on a real server.
 */
function createServer() {
  // The toolkit reaches WeChat through `fetch`: here the simulator's platform.fetch, which answers WeChat's API in
  // process whatever the host (so baseUrl stays WeChat's default).
  const fetch = platform.fetch
  const now = platform.now
  const tokens = vendor.createStableAccessTokenProvider({ appid: APPID, secret: APP_SECRET, fetch, now })
  const tickets = vendor.createApiTicketProvider({ getAccessToken: tokens.getAccessToken, appid: APPID, fetch, now })
  const getAccessToken = tokens.getAccessToken
  // Your login flow maps the token the page sends to the user's openid; never read the openid from the body.
  const getOpenid = ({ headers }) => (headers.authorization === `Bearer ${SESSION}` ? OPENID : undefined)
  // The cards this server issues, and how (a code from createCode for a custom-code card, the openid for a bound one).
  const cards = {}
  for (const card of CARDS) cards[card.cardId] = { useCustomCode: card.useCustomCode, bindOpenid: card.bindOpenid }
  const createCode = () => `DEMO${Date.now().toString(36)}${++customCodes}`.toUpperCase() // yours: from your code pool
  return {
    cardExt: vendor.createCardExtHandler({ getOpenid, getTicket: tickets.getTicket, cards, createCode }),
    // What a server whose api_ticket cache went stale signs with: WeChat answers 签名错误.
    staleCardExt: vendor.createCardExtHandler({
      getOpenid,
      getTicket: () => Promise.resolve(STALE_API_TICKET),
      cards,
      createCode,
    }),
    cardCodes: vendor.createCardCodesHandler({ getOpenid, getAccessToken, cards, fetch }),
    userCards: vendor.createUserCardsHandler({ getOpenid, getAccessToken, cards, fetch }),
  }
}

/**
 * Switches wx.addCard / wx.openCard (and the version the client reports) between the simulator and the real
 * client. The client's own showModal stays, so the upgrade modal is the real one.
 */
function useSimulator(on) {
  if (uninstall) uninstall()
  uninstall = null
  if (on && !vendor) {
    wx.showModal({ title: '缺少模拟平台', content: '请先在项目根目录运行 npm run demo', showCancel: false })
  } else if (on) {
    if (!platform) {
      platform = vendor.createCardPlatform({
        apiTicket: API_TICKET,
        accessToken: 'demo-access-token',
        openid: OPENID,
        appid: APPID,
        secret: APP_SECRET,
        cards: CARDS,
        SDKVersion: version,
      })
      platform.setAnswerDelay(answerDelayMs)
      server = createServer()
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

/** The card ids the pages use, by name: the simulator's, or yours from config.js. */
function cardIds() {
  const ids = {}
  for (const card of CARDS) ids[card.name] = isSimulated() ? card.cardId : (config.cardIds || {})[card.name] || ''
  return ids
}

/** What your card table says about a card: `{ title, value, condition }` (the card id as title when unknown). */
function cardInfo(cardId) {
  const ids = cardIds()
  return CARDS.find((card) => ids[card.name] === cardId) || { title: cardId }
}

// ---------------------------------------------------------------- requests to "your server"

/** The JSON of a 200 answer; any other status rejects with the handler's `code` and `message`. */
function answerOf(status, body, endpoint) {
  if (status === 200) return body
  const said = body && body.message ? ` ${body.code}: ${body.message}` : ''
  throw new Error(`${endpoint}: HTTP ${status}${said}`)
}

/** One request to a handler of the demo's server, in process, as the page's wx.request would bring it. */
function handle(handler, endpoint, method, body) {
  return handler
    .handle({
      method,
      url: endpoint,
      headers: { authorization: `Bearer ${SESSION}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    .then((answer) => answerOf(answer.status, JSON.parse(answer.body), endpoint))
}

const ENDPOINTS = {
  cardCodes: { path: '/card-codes', method: 'POST' },
  userCards: { path: '/user-cards', method: 'GET' },
}

/**
 * Asks your server's endpoint `name` (cardCodes, userCards): with the simulator, its handler in process;
 * otherwise wx.request to config.js's URL, with the login token. Resolves the JSON of a 200 answer.
 */
function ask(name, body) {
  const { path, method } = ENDPOINTS[name]
  if (isSimulated()) return handle(server[name], path, method, body)
  const url = config[`${name}Url`]
  if (!url) return Promise.reject(new Error(`config.js: ${name}Url is not set`))
  return new Promise((resolve, reject) =>
    wx.request({
      url,
      method,
      data: body,
      header: { Authorization: `Bearer ${config.token}` },
      // wx.request calls success for every HTTP status
      success: ({ statusCode, data }) => {
        try {
          resolve(answerOf(statusCode, data, url))
        } catch (error) {
          reject(error)
        }
      },
      fail: ({ errMsg }) => reject(new Error(`${url}: ${errMsg}`)),
    }),
  )
}

/**
 * `<add-card-button>`'s tap-time source on the simulator: every tap POSTs `{ cardIds }` to the card-ext handler
 * and adds the fresh cardExts it answers. (Off the simulator the buttons use `card-ext-url` instead.)
 */
const cardSource = (ids) => handle(server.cardExt, '/card-ext', 'POST', { cardIds: ids }).then((body) => body.cardList)

/** The same from a server that signs with a stale api_ticket (simulator only). */
const staleCardSource = (ids) =>
  handle(server.staleCardExt, '/card-ext', 'POST', { cardIds: ids }).then((body) => body.cardList)

/** Sends what wx.addCard returned (encrypted codes) to POST /card-codes; resolves one result per card. */
function decryptCodes(added) {
  const cards = added.map((card) => ({ cardId: card.cardId, encryptCode: card.code }))
  return ask('cardCodes', { cards }).then((body) => body.cards)
}

/** GET /user-cards: the user's cards with their states, `{ cardId, code, status, canConsume, beginTime, endTime }`. */
const userCards = () => ask('userCards').then((body) => body.cards)

// ---------------------------------------------------------------- the simulator's hands (user, merchant, time)

/** Changes the state of held cards (`{ cardId, code }`), as WeChat does when the user uses, gives away or deletes one. */
function setCardStatus(cards, status) {
  for (const card of cards) platform.setCardStatus(card, status)
}

/** The next card/code/get look-up fails once: that card reads UNKNOWN (状态未知) in the next list. */
const failNextLookUp = () => platform.failNextRequest('code_get')

/** Moves the platform's clock `days` ahead: cards past their end date read EXPIRE. */
const advanceDays = (days) => platform.advanceTime(days * DAY_MS)

/** What the pages' tags and requests need of the switches: state, card ids, and config.js's server. */
const demoData = () => ({
  simulated: isSimulated(),
  old: isOld(),
  ids: cardIds(),
  cardExtUrl: config.cardExtUrl,
  requestHeader: { Authorization: `Bearer ${config.token}` },
})

/**
 * For pages: keeps `data.simulated`, `data.old`, `data.ids` (card ids by name) and config.js's `data.cardExtUrl`
 * and `data.requestHeader` (the tags' card-ext-url mode) in step with the switches, and re-mounts the tags inside
 * `wx:if="{{ mounted }}"` after each switch (a tag decides its fallback when attached); then calls the page's
 * `onDemoChange()`, if any.
 */
const pageBehavior = Behavior({
  data: { simulated: false, old: false, mounted: true, ids: {}, cardExtUrl: '', requestHeader: {} },
  lifetimes: {
    attached() {
      this.syncDemo = () => {
        this.setData({ mounted: false })
        this.setData({ ...demoData(), mounted: true })
        if (this.onDemoChange) this.onDemoChange()
      }
      onChange(this.syncDemo)
      this.setData(demoData())
    },
    detached() {
      offChange(this.syncDemo)
    },
  },
})

/**
 * For pages with an event log: `print(line)` adds a line to `data.log` (newest first, at most 20), and `onEvent`
 * prints a tag's event (`bind:fail="onEvent"`, named by the tag's `data-name`).
 */
const logBehavior = Behavior({
  data: { log: [] },
  methods: {
    print(line) {
      // the id keys the row (the same text can repeat)
      const id = this.data.log.length ? this.data.log[0].id + 1 : 1
      this.setData({ log: [{ id, text: line }].concat(this.data.log).slice(0, 20) })
    },
    onEvent(e) {
      this.print(`${e.currentTarget.dataset.name} → ${e.type} ${JSON.stringify(e.detail)}`)
    },
  },
})

module.exports = {
  CARDS,
  OLD_VERSION,
  CURRENT_VERSION,
  pageBehavior,
  logBehavior,
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
  cardIds,
  cardInfo,
  cardSource,
  staleCardSource,
  decryptCodes,
  userCards,
  setCardStatus,
  failNextLookUp,
  advanceDays,
}
