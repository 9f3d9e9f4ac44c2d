/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * The whole story with real parts: the server toolkit gets the api_ticket from the card-platform simulator over
 * HTTP and signs cardExt → <add-card-button> (real vant templates) is tapped → the simulator verifies and issues
 * encrypted codes → the "server" decrypts them over HTTP → <open-card-list> renders and opens them. And a "my
 * cards" page: the ready-made handlers over HTTP, card states changed in the simulator, only usable cards open.
 */
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import {
  createApiTicketProvider,
  createCardCodesHandler,
  createCardExt,
  createCardExtHandler,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  decryptCardCode,
  type CardHandler,
  type HandlerRequest,
} from '../../server'
import type { Node, Root } from 'miniprogram-simulate'
import type { CardPlatform, HeldCard } from '../../testing'
import type { AddCardResult, CardCodesResponseBody, UserCard, UserCardsResponseBody } from '../../utils'
import { tapOn } from '../helpers/harness'
import { ACCOUNT, ID, makePlatform } from '../helpers/platform'
import { byTag, loadComponent, simulate } from '../helpers/simulate'

const { accessToken: TOKEN, openid: USER } = ACCOUNT
const ADD = loadComponent('components/add-card-button/index')
const LIST = loadComponent('components/open-card-list/index')

/** An event and its detail (what the tag emitted: typed by the event maps the components export). */
type Ev = [name: string, detail: unknown]

let platform: CardPlatform
let url: string
let close: () => Promise<void>
let undo: () => void
let tickets: ReturnType<typeof createApiTicketProvider>

beforeEach(async () => {
  platform = makePlatform()
  ;({ url, close } = await platform.listen())
  // the card APIs, plus wx.request over real HTTP for the tags' tap-time requests; the client version stays
  // miniprogram-simulate's own (2.32.x)
  undo = platform.install(Reflect.get(globalThis, 'wx') as object, { request: true })
  tickets = createApiTicketProvider({ getAccessToken: async () => TOKEN, baseUrl: url })
})
afterEach(async () => {
  undo()
  await close()
})

function render(id: string, props: Record<string, unknown>): { c: Root; events: Ev[] } {
  const events: Ev[] = []
  const c = simulate.render(id, props)
  for (const n of ['success', 'open', 'cancel', 'fail', 'unsupported', 'complete']) {
    c.addEventListener(n, (e) => events.push([n, e.detail]))
  }
  c.attach(document.createElement('parent-wrapper'))
  return { c, events }
}

/** Waits until `name` arrived (HTTP is involved: 10 s bound a stuck test, not a timing assertion). */
async function until(events: Ev[], name = 'complete') {
  const deadline = Date.now() + 10_000
  while (!events.some((e) => e[0] === name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  expect(events.map((e) => e[0])).toContain(name)
}

/** Taps the tag's (first) van-button: <add-card-button>, or the list's "打开所选". */
const tapButton = (c: Node) => tapOn(byTag(c, 'van-button')[0], '.van-button')
/** Taps row `i` of a list. */
const tapRow = (c: Node, i: number) => c.querySelectorAll('.card-item')[i]?.dispatchEvent('tap')
/** Checks every checkbox of a selectable list. */
const checkAll = (c: Node) => byTag(c, 'van-checkbox').forEach((box) => tapOn(box, '.van-checkbox__icon-wrap'))

it('the server signs with the ticket it fetched → add (custom code, bound openid) → decrypt → open one → open both', async () => {
  const ticket = await tickets.getTicket()
  const cards = [
    { cardId: ID.custom, cardExt: createCardExt({ apiTicket: ticket, cardId: ID.custom, code: 'SHOP2026A' }) },
    { cardId: ID.member, cardExt: createCardExt({ apiTicket: ticket, cardId: ID.member, openid: USER }) },
  ]
  const add = render(ADD, { cardList: cards })
  tapButton(add.c)
  await until(add.events)
  const { succeeded, failed } = add.events[0]?.[1] as AddCardResult
  expect([add.events.map((e) => e[0]), failed]).toEqual([['success', 'complete'], []])
  // the mini-program only ever sees encrypted codes; the server turns them back
  expect(succeeded[0]?.code).not.toBe('SHOP2026A')
  const codes = await Promise.all(
    succeeded.map((s) => decryptCardCode({ accessToken: TOKEN, encryptCode: s.code, baseUrl: url })),
  )
  expect(codes[0]).toBe('SHOP2026A')
  const held = platform.state.held.map(({ cardId, code }) => ({ cardId, code }))
  expect(codes).toEqual(held.map((h) => h.code))
  expect(platform.state.requests).toMatchObject({ getticket: 1, decrypt: 2 })

  const list = render(LIST, { cards: held.map((h) => ({ ...h, title: h.cardId })) })
  tapRow(list.c, 1)
  await until(list.events)
  expect(list.events).toEqual([
    ['open', { cardList: [held[1]] }],
    ['complete', { outcome: 'open' }],
  ])

  const batch = render(LIST, { cards: held.map((h) => ({ ...h, title: h.cardId })), selectable: true })
  checkAll(batch.c)
  await new Promise((r) => setTimeout(r, 0))
  tapButton(batch.c) // "打开所选"
  await until(batch.events)
  expect(batch.events[0]).toEqual(['open', { cardList: held }])
  expect(platform.state.opened).toEqual([held[1], ...held])
})

describe('a "my cards" page: the ready-made handlers over HTTP, states from the simulator', () => {
  const SESSION = { Authorization: 'Bearer session-of-user-1' }
  let app: Server
  let appUrl: string

  beforeEach(async () => {
    // The app's server: a stable access_token and the api_ticket from the simulator's HTTP API, on its clock.
    const transport = { baseUrl: url, now: platform.now }
    const tokens = createStableAccessTokenProvider({ appid: ACCOUNT.appid, secret: ACCOUNT.secret, ...transport })
    const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, ...transport })
    const getOpenid = ({ headers }: HandlerRequest) =>
      headers.authorization === SESSION.Authorization ? USER : undefined
    const cards = { [ID.voucher]: {}, [ID.custom]: { useCustomCode: true }, [ID.member]: { bindOpenid: true } }
    let codes = 0
    const routes: Record<string, CardHandler> = {
      '/card-ext': createCardExtHandler({
        getOpenid,
        getTicket: tickets.getTicket,
        cards,
        createCode: () => `SHOP${++codes}`,
      }),
      '/card-codes': createCardCodesHandler({ getOpenid, getAccessToken: tokens.getAccessToken, cards, baseUrl: url }),
      '/user-cards': createUserCardsHandler({ getOpenid, getAccessToken: tokens.getAccessToken, cards, baseUrl: url }),
    }
    app = createServer((req, res) => void routes[(req.url ?? '').split('?')[0]](req, res))
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
  })
  afterEach(
    () =>
      new Promise<void>((resolve) => {
        app.closeAllConnections()
        app.close(() => resolve())
      }),
  )

  /** A page's request to the app's server, as a page makes it: wx.request (real HTTP here) with the login token. */
  function call<T>(path: string, data?: WechatMiniprogram.IAnyObject): Promise<T> {
    return new Promise((resolve, reject) =>
      wx.request({
        url: appUrl + path,
        method: data === undefined ? 'GET' : 'POST',
        header: SESSION,
        ...(data === undefined ? {} : { data }),
        success: ({ statusCode, data: answer }) => {
          expect(statusCode).toBe(200)
          resolve(answer as T)
        },
        fail: reject,
      }),
    )
  }

  it('add through card-ext-url → decrypt → consume, gift, expire → list with states → only usable cards open', async () => {
    // 1. <add-card-button> in tap-time mode asks the card-ext handler for fresh cardExts, then WeChat adds them.
    const cardIds = [ID.voucher, ID.voucher, ID.custom, ID.member, ID.custom]
    const add = render(ADD, { cardExtUrl: `${appUrl}/card-ext`, cardIds, requestHeader: SESSION })
    tapButton(add.c)
    await until(add.events)
    expect(add.events.map((e) => e[0])).toEqual(['success', 'complete'])
    const { succeeded } = add.events[0]?.[1] as AddCardResult
    expect(succeeded.map((s) => s.cardId)).toEqual(cardIds)

    // 2. The page posts the encrypted codes to the card-codes handler: one result per code.
    const decrypted = await call<CardCodesResponseBody>('/card-codes', {
      cards: succeeded.map((s) => ({ cardId: s.cardId, encryptCode: s.code })),
    })
    const held = platform.state.held
    expect(decrypted.cards).toEqual(held.map((h) => ({ cardId: h.cardId, code: h.code })))
    expect(held.filter((h) => h.cardId === ID.custom).map((h) => h.code)).toEqual(['SHOP1', 'SHOP2'])

    // 3. Life happens: one voucher is used, one card is being given away, and a week and a day pass.
    const [used, , given, member, custom] = held as [HeldCard, HeldCard, HeldCard, HeldCard, HeldCard]
    platform.setCardStatus(used, 'CONSUMED')
    platform.setCardStatus(given, 'GIFTING')
    platform.advanceTime(8 * 86_400_000)

    // 4. The "my cards" page asks the user-cards handler (getcardlist + code/get) and feeds <open-card-list>.
    const { cards } = await call<UserCardsResponseBody>('/user-cards')
    expect(cards.map((c) => [c.cardId, c.status, c.canConsume])).toEqual([
      [ID.voucher, 'CONSUMED', false],
      [ID.voucher, 'EXPIRE', false], // its 7 days are over
      [ID.custom, 'GIFTING', false],
      [ID.member, 'NORMAL', true],
      [ID.custom, 'NORMAL', true],
    ])
    const rows = cards.map((c: UserCard) => ({ ...c, title: c.cardId }))
    const list = render(LIST, { cards: rows, selectable: true })
    expect(list.c.querySelectorAll('.card-action').map((n) => (n.dom.textContent ?? '').trim())).toEqual([
      '已使用',
      '已过期',
      '转赠中',
      '查看',
      '查看',
    ])

    // 5. Taps on the cards that cannot be used do nothing; the usable ones open, one by one and as a batch.
    for (const i of [0, 1, 2]) tapRow(list.c, i)
    await new Promise((r) => setTimeout(r, 0)) // a tap's event and a wx call would have started by now
    expect(list.events).toEqual([])
    expect(platform.state.calls.openCard).toBe(0)
    tapRow(list.c, 3)
    await until(list.events)
    expect(list.events[0]).toEqual(['open', { cardList: [{ cardId: ID.member, code: member.code }] }])

    list.events.length = 0
    checkAll(list.c)
    await new Promise((r) => setTimeout(r, 0))
    tapButton(list.c)
    await until(list.events)
    const usable = [member, custom].map(({ cardId, code }) => ({ cardId, code }))
    expect(list.events[0]).toEqual(['open', { cardList: usable }])
    expect(platform.state.opened).toEqual([usable[0], ...usable])
    // every WeChat call went through the app's server: one ticket, the token renewed once after the week passed
    expect(platform.state.requests).toMatchObject({
      getticket: 1,
      decrypt: 5,
      getcardlist: 1,
      code_get: 10, // 5 holder checks of /card-codes, 5 states of /user-cards
      stable_token: 2,
    })
  })
})
