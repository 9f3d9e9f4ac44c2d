// What the demo's pages share: the switch between the card-platform simulator and the real client, the card ids
// and titles the pages show, the requests to your card server, and the hands the simulator lends the pages.
//
// Every request goes over wx.request, as in your app: to your card server at config.js's serverUrl (locally the
// ready-made handlers of weapp-card-coupon/server, examples/server.ts) and, with the simulator on, to the simulator
// process at config.js's simulatorUrl, which answers wx.addCard / wx.openCard / wx.scanCode (lib/simulator.js).
const { requestCardCodes, requestUserCards } = require('weapp-card-coupon/utils/index')
const config = require('../config')
const simulator = require('./simulator')

const CURRENT_VERSION = '3.12.0'
const OLD_VERSION = '1.0.9'
const DAY_MS = 24 * 3600 * 1000

// One simulated client for the whole session: the version, the delay and the user's queued actions survive every
// switch (the card bag, stock and clock live in the simulator process).
const client = simulator.createSimulatedClient({ SDKVersion: CURRENT_VERSION })
let uninstall = null
/** The simulator's cards (`{ name, cardId, title, description, extra }`), once it has answered. */
let catalogue = []
const listeners = []

function notify() {
  for (const listener of listeners.slice()) listener()
}
const onChange = (listener) => listeners.push(listener)
const offChange = (listener) => listeners.indexOf(listener) >= 0 && listeners.splice(listeners.indexOf(listener), 1)

/**
 * Switches wx.addCard / wx.openCard / wx.scanCode (and the version the client reports) between the simulator and
 * the real client. The client's own showModal stays, so the upgrade modal is the real one. Resolves once the
 * simulator's cards are known.
 */
function useSimulator(on) {
  if (uninstall) uninstall()
  uninstall = on ? client.install(wx) : null
  notify()
  if (!on || catalogue.length) return Promise.resolve()
  return simulator.cards().then(
    (cards) => {
      catalogue = cards
      notify()
    },
    (error) => {
      console.error(error)
      wx.showModal({
        title: '无法连接模拟平台',
        content: '请先在项目根目录运行 npm start 或 npm run demo',
        showCancel: false,
      })
    },
  )
}

const isSimulated = () => uninstall !== null
const isOld = () => isSimulated() && client.version() === OLD_VERSION

/** Makes the simulated client report `SDKVersion` (e.g. OLD_VERSION: too old for the card APIs). */
function setVersion(SDKVersion) {
  client.setVersion(SDKVersion)
  notify()
}

/** The card ids the pages use, by name: the simulator's, or yours from config.js. */
function cardIds() {
  const ids = Object.assign({}, config.cardIds)
  if (isSimulated()) for (const card of catalogue) ids[card.name] = card.cardId
  return ids
}

/** What your card table says about a card: `{ title, description, extra }` (the card id as title when unknown). */
const cardInfo = (cardId) => catalogue.find((card) => card.cardId === cardId) || { title: cardId }

// ---------------------------------------------------------------- requests to your server

/** The login token your server knows the user by: app.js keeps it, as your login flow would. */
const requestHeader = () => ({ Authorization: `Bearer ${wx.getStorageSync('token')}` })

/** `GET` (no data) or `POST` (data) to your server; resolves the JSON of a 200, else rejects naming the error. */
function request(path, data) {
  return new Promise((resolve, reject) =>
    wx.request({
      url: config.serverUrl + path,
      method: data === undefined ? 'GET' : 'POST',
      data,
      header: requestHeader(),
      // wx.request calls success for every HTTP status
      success: ({ statusCode, data: body }) => {
        if (statusCode === 200) return resolve(body)
        const said = body && body.message ? ` ${body.code}: ${body.message}` : ''
        reject(new Error(`${path}: HTTP ${statusCode}${said}`))
      },
      fail: ({ errMsg }) => reject(new Error(`${path}: ${errMsg}`)),
    }),
  )
}

/** Sends what wx.addCard returned (encrypted codes) to POST /card-codes; resolves one result per card. */
const decryptCodes = (added) =>
  requestCardCodes({
    url: `${config.serverUrl}/card-codes`,
    header: requestHeader(),
    cards: added.map((card) => ({ cardId: card.cardId, encryptCode: card.code })),
  })

// ---------------------------------------------------------------- the counter (staff)

/** `POST` to your server as the staff member (config.js's staffToken). */
function staffRequest(path, data) {
  return new Promise((resolve, reject) =>
    wx.request({
      url: config.serverUrl + path,
      method: 'POST',
      data,
      header: { Authorization: `Bearer ${config.staffToken}` },
      success: ({ statusCode, data: body }) => {
        if (statusCode === 200) return resolve(body)
        const said = body && body.message ? ` ${body.code}: ${body.message}` : ''
        // the status and the server's stable error code, for the page to tell the staff member what went wrong
        const code = body && body.code
        reject(Object.assign(new Error(`${path}: HTTP ${statusCode}${said}`), { statusCode, code }))
      },
      fail: ({ errMsg }) => reject(new Error(`${path}: ${errMsg}`)),
    }),
  )
}

/** A new id for one 核销: sent again when retrying it, so a lost answer is not counted as a failure. */
const newRequestId = () => `demo-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`

/**
 * POST /consume as the staff member: `{ outcome, … }` (consumed, already_consumed, not_usable, unknown_code…).
 * `cardId` may be '' except for a custom-code card (WeChat wants it with the code). Rejects with an Error carrying
 * `statusCode` and the server's error `code` for an answer other than 200 (400 invalid_request naming cardId: a
 * custom code sent without it).
 */
const consume = (code, cardId, requestId) => staffRequest('/consume', { code, cardId, requestId })

/**
 * What the scanner reads, `{ code, cardId }`: wx.scanCode (camera only; with the simulator on, the simulated one,
 * where the customer shows the user's newest usable card), its `result` as the code: a card's QR code carries the
 * code alone, so the card id is unknown (''). Rejects with wx.scanCode's errMsg (`scanCode:fail cancel`: the staff
 * member closed the scanner).
 */
function scanCode() {
  return new Promise((resolve, reject) =>
    wx.scanCode({
      onlyFromCamera: true,
      success: ({ result }) => resolve({ code: result, cardId: '' }),
      fail: ({ errMsg }) => reject(new Error(errMsg)),
    }),
  )
}

/** GET /user-cards: the user's cards with their states, `{ cardId, code, status, canConsume, beginTime, endTime, title, logo }`. */
const userCards = () => requestUserCards({ url: `${config.serverUrl}/user-cards`, header: requestHeader() })

/**
 * A card source for setCardSource that asks POST /card-ext as card-ext-url does, then changes the signature of what
 * the server signed: WeChat answers 签名错误, as for a cardExt changed after signing or signed with a stale ticket.
 */
const tamperedCardSource = (cardIds) =>
  request('/card-ext', { cardIds }).then(({ cardList }) =>
    cardList.map(({ cardId, cardExt }) => ({
      cardId,
      cardExt: JSON.stringify(Object.assign(JSON.parse(cardExt), { signature: '0'.repeat(40) })),
    })),
  )

// ---------------------------------------------------------------- the simulator's hands (user, merchant, time)

/** Changes the state of held cards, as WeChat does when the user uses, gives away or deletes one. */
const setCardStatus = (cards, status) => simulator.setCardStatus(cards, status)

/** The next card/code/get look-up fails once: that card reads UNKNOWN (状态未知) in the next list. */
const failNextLookUp = () => simulator.failNextRequest('code_get')

/** Moves the platform's clock `days` ahead: cards past their end date read EXPIRE. */
const advanceDays = (days) => simulator.advanceTime(days * DAY_MS)

// ---------------------------------------------------------------- page behaviors

/** What the pages' tags and requests need of the switches: state, card ids, and your server. */
const demoData = () => ({
  simulated: isSimulated(),
  old: isOld(),
  ids: cardIds(),
  cardExtUrl: `${config.serverUrl}/card-ext`,
  requestHeader: requestHeader(),
})

/**
 * For pages: keeps `data.simulated`, `data.old`, `data.ids` (card ids by name), `data.cardExtUrl` and
 * `data.requestHeader` (the tags' card-ext-url mode) in step with the switches, and re-mounts the tags inside
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
  OLD_VERSION,
  CURRENT_VERSION,
  pageBehavior,
  logBehavior,
  useSimulator,
  isSimulated,
  version: client.version,
  setVersion,
  /** Queues what the counter's camera sees next (simulator): `{ card: { cardId, code } }`, `{ text }` or 'cancel'. */
  nextScan: (show) => isSimulated() && client.nextScan(show),
  /** Queues what the user does on the next card page of the simulator ('accept' or 'cancel'). */
  nextUserAction: (action) => isSimulated() && client.nextUserAction(action),
  /** Delays the simulator's answers so the loading state can be seen. */
  setSlow: (ms) => client.setAnswerDelay(ms),
  isSlow: () => client.answerDelay() > 0,
  onChange,
  offChange,
  cardIds,
  cardInfo,
  decryptCodes,
  userCards,
  tamperedCardSource,
  consume,
  newRequestId,
  scanCode,
  setCardStatus,
  failNextLookUp,
  advanceDays,
}
