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
import { createCardPlatform, type CardPlatform } from '../../testing'
import type { CardCodesResponseBody, UserCard, UserCardsResponseBody } from '../../utils'
import { byTag, loadComponent, simulate } from '../helpers/simulate'

const TOKEN = 'ACCESS_TOKEN_1'
const ADD = loadComponent('components/add-card-button/index')
const LIST = loadComponent('components/open-card-list/index')

type Comp = ReturnType<typeof simulate.render>
type Ev = [string, Record<string, unknown>]

let platform: CardPlatform
let url: string
let close: () => Promise<void>
let undo: () => void
let tickets: ReturnType<typeof createApiTicketProvider>

beforeEach(async () => {
  platform = createCardPlatform({
    apiTicket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
    accessToken: TOKEN,
    openid: 'o-user-1',
    cards: [
      { cardId: 'pCustomCode', useCustomCode: true, quantity: 10, title: '满100减20' },
      { cardId: 'pBoundUser', bindOpenid: true, quantity: 10, title: '会员卡' },
      { cardId: 'pLastOne', quantity: 1, title: '限量券' },
      { cardId: 'pWeekly', quantity: 10, title: '周券', dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 7 } },
    ],
  })
  ;({ url, close } = await platform.listen())
  // the card APIs, plus wx.request over real HTTP for the tags' tap-time requests; the client version stays
  // miniprogram-simulate's own (2.32.x)
  undo = platform.install((globalThis as unknown as { wx: object }).wx, { request: true })
  tickets = createApiTicketProvider({ getAccessToken: async () => TOKEN, baseUrl: url })
})
afterEach(async () => {
  undo()
  await close()
})

function render(id: string, props: Record<string, unknown>): { c: Comp; events: Ev[] } {
  const events: Ev[] = []
  const c = simulate.render(id, props)
  for (const n of ['success', 'open', 'cancel', 'fail', 'unsupported', 'complete']) {
    c.addEventListener(n, (e: { detail: Record<string, unknown> }) => events.push([n, e.detail]))
  }
  c.attach(document.createElement('parent-wrapper'))
  return { c, events }
}

async function until(events: Ev[], name = 'complete') {
  for (let i = 0; i < 200 && !events.some((e) => e[0] === name); i++) await new Promise((r) => setTimeout(r, 5))
  expect(events.map((e) => e[0])).toContain(name)
}

const tapAdd = (c: Comp) => byTag(c, 'van-button')[0].querySelector('.van-button').dispatchEvent('tap')

/** What a signing server would answer for each requested card. */
async function issue(
  cardId: string,
  o: { code?: string; openid?: string; apiTicket?: string; nonceStr?: string; timestamp?: number } = {},
) {
  return { cardId, cardExt: createCardExt({ apiTicket: o.apiTicket ?? (await tickets.getTicket()), cardId, ...o }) }
}

async function addAndDecrypt() {
  const cards = [await issue('pCustomCode', { code: 'SHOP2026A' }), await issue('pBoundUser', { openid: 'o-user-1' })]
  const { c, events } = render(ADD, { cardList: cards })
  tapAdd(c)
  await until(events)
  expect(events.map((e) => e[0])).toEqual(['success', 'complete'])
  const { succeeded, failed } = events[0][1] as {
    succeeded: WechatMiniprogram.AddCardResponseInfo[]
    failed: unknown[]
  }
  expect(failed).toEqual([])
  expect(succeeded.map((s) => s.cardId)).toEqual(['pCustomCode', 'pBoundUser'])
  // the mini-program only ever sees encrypted codes; the server turns them back
  expect(succeeded[0].code).not.toBe('SHOP2026A')
  const codes = await Promise.all(
    succeeded.map((s) => decryptCardCode({ accessToken: TOKEN, encryptCode: s.code, baseUrl: url })),
  )
  return succeeded.map((s, i) => ({ cardId: s.cardId, code: codes[i], title: s.cardId }))
}

it('add two cards (custom code, bound openid) → decrypt → list → open one → open both in a batch', async () => {
  const held = await addAndDecrypt()
  expect(held[0].code).toBe('SHOP2026A')
  expect(held[1].code).toMatch(/^\d{12}$/)
  expect(held).toEqual(platform.state.held.map((h) => ({ cardId: h.cardId, code: h.code, title: h.cardId })))
  expect(platform.state.requests).toMatchObject({ getticket: 1, decrypt: 2 })

  const { c, events } = render(LIST, { cards: held })
  expect(c.querySelectorAll('.card-item')).toHaveLength(2)
  c.querySelectorAll('.card-item')[1].dispatchEvent('tap')
  await until(events)
  expect(events).toEqual([
    ['open', { cardList: [{ cardId: 'pBoundUser', code: held[1].code }] }],
    ['complete', { outcome: 'open' }],
  ])
  expect(platform.state.opened).toEqual([{ cardId: 'pBoundUser', code: held[1].code }])

  const batch = render(LIST, { cards: held, selectable: true })
  for (const box of byTag(batch.c, 'van-checkbox')) box.querySelector('.van-checkbox__icon-wrap').dispatchEvent('tap')
  await new Promise((r) => setTimeout(r, 0))
  tapAdd(batch.c) // the "打开所选" van-button
  await until(batch.events)
  expect(batch.events[0]).toEqual(['open', { cardList: held.map(({ cardId, code }) => ({ cardId, code })) }])
  expect(platform.state.opened.slice(1)).toEqual(held.map(({ cardId, code }) => ({ cardId, code })))
})

describe('negative runs end in the right component event', () => {
  it('wrong api_ticket → fail 签名错误', async () => {
    const { c, events } = render(ADD, {
      cardList: [await issue('pCustomCode', { code: 'X1', apiTicket: 'not-the-ticket' })],
    })
    tapAdd(c)
    await until(events)
    expect(events[0]).toEqual([
      'fail',
      expect.objectContaining({ code: 'fail', detail: '签名错误', errMsg: 'addCard:fail 签名错误' }),
    ])
    expect(platform.state.held).toEqual([])
  })

  it('a spent cardExt is refused by the tag before WeChat, also when written in another key order', async () => {
    const card = await issue('pBoundUser', { openid: 'o-user-1' })
    const first = render(ADD, { cardList: [card] })
    tapAdd(first.c)
    await until(first.events)
    expect(first.events[0][0]).toBe('success')
    // the refusal also goes to the devtools console, naming the card and the field
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const again = render(ADD, { cardList: [card] })
    tapAdd(again.c)
    await until(again.events)
    expect(again.events[0]).toEqual(['fail', expect.objectContaining({ code: 'invalid', field: 'cardExt' })])
    expect(platform.state.calls.addCard).toBe(1)
    // the same signed values written in another key order are the same cardExt: refused too
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(card.cardExt)).reverse()))
    const third = render(ADD, { cardList: [{ cardId: card.cardId, cardExt: reordered }] })
    tapAdd(third.c)
    await until(third.events)
    expect(third.events[0]).toEqual(['fail', expect.objectContaining({ code: 'invalid', field: 'cardExt' })])
    expect(platform.state.calls.addCard).toBe(1)
    expect(platform.state.held).toHaveLength(1)
    expect(consoleError.mock.calls).toEqual([
      [expect.stringMatching(/^\[weapp-card-coupon\] cardList\[0\]\.cardExt: was already used/)],
      [expect.stringMatching(/^\[weapp-card-coupon\] cardList\[0\]\.cardExt: was already used/)],
    ])
    consoleError.mockRestore()
  })

  it('the user cancels → cancel', async () => {
    platform.nextUserAction('cancel')
    const { c, events } = render(ADD, { cardList: [await issue('pBoundUser', { openid: 'o-user-1' })] })
    tapAdd(c)
    await until(events)
    expect(events).toEqual([
      ['cancel', { code: 'cancel', errMsg: 'addCard:fail cancel' }],
      ['complete', { outcome: 'cancel' }],
    ])
  })

  it('stock exhausted → success with that card in failed', async () => {
    const first = render(ADD, { cardList: [await issue('pLastOne')] })
    tapAdd(first.c)
    await until(first.events)
    const second = render(ADD, {
      cardList: [await issue('pLastOne'), await issue('pBoundUser', { openid: 'o-user-1' })],
    })
    tapAdd(second.c)
    await until(second.events)
    const d = second.events[0][1] as { succeeded: { cardId: string }[]; failed: { cardId: string }[] }
    expect(second.events[0][0]).toBe('success')
    expect(d.failed.map((x) => x.cardId)).toEqual(['pLastOne'])
    expect(d.succeeded.map((x) => x.cardId)).toEqual(['pBoundUser'])
    expect(platform.state.stock.pLastOne).toBe(0)
  })

  it('a card bound to another user → fail 参数错误', async () => {
    const { c, events } = render(ADD, { cardList: [await issue('pBoundUser', { openid: 'o-someone-else' })] })
    tapAdd(c)
    await until(events)
    expect(events[0]).toEqual(['fail', expect.objectContaining({ detail: '参数错误' })])
  })

  it('opening with the encrypted code (not decrypted) fails', async () => {
    const cards = [await issue('pBoundUser', { openid: 'o-user-1' })]
    const add = render(ADD, { cardList: cards })
    tapAdd(add.c)
    await until(add.events)
    const enc = (add.events[0][1] as { succeeded: { cardId: string; code: string }[] }).succeeded[0]
    const { c, events } = render(LIST, { cards: [{ cardId: enc.cardId, code: enc.code }] })
    c.querySelectorAll('.card-item')[0].dispatchEvent('tap')
    await until(events)
    expect(events[0]).toEqual(['fail', expect.objectContaining({ code: 'fail' })])
    expect(platform.state.opened).toEqual([])
  })
})

describe('a "my cards" page: the ready-made handlers over HTTP, states from the simulator', () => {
  const SESSION = { Authorization: 'Bearer session-of-user-1' }
  let app: Server
  let appUrl: string

  beforeEach(async () => {
    // The app's server: a stable access_token and the api_ticket from the simulator's HTTP API, on its clock.
    const transport = { baseUrl: url, now: platform.now }
    const tokens = createStableAccessTokenProvider({
      appid: 'wx0000000000card00',
      secret: 'simulator-app-secret-0000000000',
      ...transport,
    })
    const tickets = createApiTicketProvider({ getAccessToken: tokens.getAccessToken, ...transport })
    const getOpenid = ({ headers }: HandlerRequest) =>
      headers.authorization === SESSION.Authorization ? 'o-user-1' : undefined
    const cards = { pWeekly: {}, pCustomCode: { useCustomCode: true }, pBoundUser: { bindOpenid: true } }
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
    const cardIds = ['pWeekly', 'pWeekly', 'pCustomCode', 'pBoundUser', 'pCustomCode']
    const add = render(ADD, { cardExtUrl: `${appUrl}/card-ext`, cardIds, requestHeader: SESSION })
    tapAdd(add.c)
    await until(add.events)
    expect(add.events.map((e) => e[0])).toEqual(['success', 'complete'])
    const { succeeded } = add.events[0][1] as { succeeded: WechatMiniprogram.AddCardResponseInfo[] }
    expect(succeeded.map((s) => s.cardId)).toEqual(cardIds)

    // 2. The page posts the encrypted codes to the card-codes handler: one result per code.
    const decrypted = await call<CardCodesResponseBody>('/card-codes', {
      cards: succeeded.map((s) => ({ cardId: s.cardId, encryptCode: s.code })),
    })
    const held = platform.state.held
    expect(decrypted.cards).toEqual(held.map((h) => ({ cardId: h.cardId, code: h.code })))
    expect(held.filter((h) => h.cardId === 'pCustomCode').map((h) => h.code)).toEqual(['SHOP1', 'SHOP2'])

    // 3. Life happens: one coupon is used, one card is being given away, and a week and a day pass.
    platform.setCardStatus(held[0], 'CONSUMED')
    platform.setCardStatus(held[2], 'GIFTING')
    platform.advanceTime(8 * 86_400_000)

    // 4. The "my cards" page asks the user-cards handler (getcardlist + code/get) and feeds <open-card-list>.
    const { cards } = await call<UserCardsResponseBody>('/user-cards')
    expect(cards.map((c) => [c.cardId, c.status, c.canConsume])).toEqual([
      ['pWeekly', 'CONSUMED', false],
      ['pWeekly', 'EXPIRE', false], // its 7 days are over
      ['pCustomCode', 'GIFTING', false],
      ['pBoundUser', 'NORMAL', true],
      ['pCustomCode', 'NORMAL', true],
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
    for (const i of [0, 1, 2]) list.c.querySelectorAll('.card-item')[i].dispatchEvent('tap')
    await new Promise((r) => setTimeout(r, 0)) // a tap's event and a wx call would have started by now
    expect(list.events).toEqual([])
    expect(platform.state.calls.openCard).toBe(0)
    list.c.querySelectorAll('.card-item')[3].dispatchEvent('tap')
    await until(list.events)
    expect(list.events[0]).toEqual(['open', { cardList: [{ cardId: 'pBoundUser', code: held[3].code }] }])

    list.events.length = 0
    for (const box of byTag(list.c, 'van-checkbox')) box.querySelector('.van-checkbox__icon-wrap').dispatchEvent('tap')
    await new Promise((r) => setTimeout(r, 0))
    byTag(list.c, 'van-button')[0].querySelector('.van-button').dispatchEvent('tap')
    await until(list.events)
    const usable = [held[3], held[4]].map(({ cardId, code }) => ({ cardId, code }))
    expect(list.events[0]).toEqual(['open', { cardList: usable }])
    expect(platform.state.opened).toEqual([usable[0], ...usable])
    // every WeChat call went through the app's server: one ticket, the token renewed once after the week passed
    expect(platform.state.requests).toMatchObject({
      getticket: 1,
      decrypt: 5,
      getcardlist: 1,
      code_get: 5,
      stable_token: 2,
    })
  })
})
