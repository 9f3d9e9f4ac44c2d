// The return leg's clients (utils/card-server.ts: requestCardCodes, requestUserCards, requestMemberInfo) through the simulated client's
// wx.request over real HTTP, against the ready-made handlers on 127.0.0.1 talking to the simulator.
import { createServer, type Server } from 'http'
import type { AddressInfo } from 'net'
import {
  createCardCodesHandler,
  createCardExtHandler,
  createCardInfoSource,
  createMemberInfoHandler,
  createStableAccessTokenProvider,
  createUserCardsHandler,
  type CardHandler,
  type HandlerRequest,
} from '../../server'
import { FIXTURE_CARDS, type CardPlatform, type Listening } from '../../testing'
import { CardError, requestCardCodes, requestMemberInfo, requestUserCards } from '../../utils'
import { ACCOUNT, freshCards, ID, makePlatform } from '../helpers/platform'

let platform: CardPlatform
let wechat: Listening
let app: Server
let base = ''
let undo: () => void
const header = { Authorization: 'Bearer s-user' }
const getUser = ({ headers }: HandlerRequest) =>
  headers.authorization === header.Authorization ? { id: 'u1', cardOpenid: ACCOUNT.openid } : undefined

beforeEach(async () => {
  platform = makePlatform()
  wechat = await platform.listen()
  const baseUrl = wechat.url
  const { getAccessToken } = createStableAccessTokenProvider({ appid: ACCOUNT.appid, secret: ACCOUNT.secret, baseUrl })
  const { getCardInfo } = createCardInfoSource({ getAccessToken, appid: ACCOUNT.appid, baseUrl })
  const routes: Record<string, CardHandler> = {
    '/card-codes': createCardCodesHandler({ getUser, getAccessToken, baseUrl }),
    '/user-cards': createUserCardsHandler({ getUser, getAccessToken, baseUrl, getCardInfo }),
    '/member-info': createMemberInfoHandler({ getUser, getAccessToken, baseUrl, cards: { [ID.member]: {} } }),
  }
  app = createServer((req, res) => void routes[(req.url ?? '').split('?')[0]]?.(req, res))
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
  undo = platform.install(undefined, { request: true }) // the global wx, with wx.request over HTTP
})
afterEach(async () => {
  undo()
  app.closeAllConnections()
  await new Promise((resolve) => app.close(resolve))
  await wechat.close()
})

async function addVoucher(): Promise<string> {
  const issue = createCardExtHandler({ getUser, getTicket: async () => ACCOUNT.apiTicket, cards: { [ID.voucher]: {} } })
  const r = await issue.handle({
    method: 'POST',
    headers: { authorization: header.Authorization },
    body: { cardIds: [ID.voucher] },
  })
  const added = await platform.wx.addCard(JSON.parse(r.body) as { cardList: { cardId: string; cardExt: string }[] })
  return added.cardList[0]?.code ?? ''
}

it('requestCardCodes decrypts what wx.addCard returned; requestUserCards lists it with title and logo', async () => {
  const encryptCode = await addVoucher()
  const [result] = await requestCardCodes({
    url: `${base}/card-codes`,
    header,
    cards: [{ cardId: ID.voucher, encryptCode }],
  })
  const { code } = platform.state.held[0]
  expect(result).toEqual({ cardId: ID.voucher, code })
  const voucher = FIXTURE_CARDS.find((card) => card.cardId === ID.voucher)
  const cards = await requestUserCards({ url: `${base}/user-cards`, header, cardId: ID.voucher })
  expect(cards).toEqual([
    expect.objectContaining({
      cardId: ID.voucher,
      code,
      status: 'NORMAL',
      title: voucher?.title,
      logo: voucher?.logoUrl,
    }),
  ])
})

it('a failed request is a CardError("source") naming the server\'s answer; bad input is "invalid" before any request', async () => {
  await expect(
    requestUserCards({ url: `${base}/user-cards`, header: { Authorization: 'Bearer nobody' } }),
  ).rejects.toMatchObject({
    code: 'source',
    message: `user-cards source: ${base}/user-cards answered HTTP 401: no session: log in first`,
  })
  const bad = requestCardCodes({ url: `${base}/card-codes`, header, cards: [] })
  await expect(bad).rejects.toBeInstanceOf(CardError)
  await expect(bad).rejects.toMatchObject({
    code: 'invalid',
    field: 'cards',
    message: 'cards must be a non-empty array',
  })
  await expect(requestUserCards({ url: '' })).rejects.toMatchObject({ code: 'invalid', field: 'url' })
  expect(platform.state.requests.decrypt).toBe(0)
})

describe('requestMemberInfo', () => {
  it("the session user's codes of a member card with their member data, activated or not", async () => {
    const added = await platform.wx.addCard({ cardList: freshCards(ID.member) })
    const held = platform.state.held.find((h) => h.encryptCode === added.cardList[0]?.code)
    const members = await requestMemberInfo({ url: `${base}/member-info`, cardId: ID.member, header })
    expect(members).toEqual([
      {
        cardId: ID.member,
        code: held?.code,
        activated: false,
        membershipNumber: '',
        bonus: 0,
        balance: 0,
        status: 'NORMAL',
      },
    ])
  })

  it("rejects CardError('source') naming the status or the shape; CardError('invalid') before any request", async () => {
    await expect(requestMemberInfo({ url: `${base}/member-info`, cardId: ID.member })).rejects.toMatchObject({
      code: 'source',
      message: expect.stringMatching(/HTTP 401/),
    })
    await expect(requestMemberInfo({ url: `${base}/user-cards`, cardId: ID.member, header })).rejects.toMatchObject({
      code: 'source',
      message: expect.stringMatching(/\{ members/),
    })
    const before = platform.state.requests.getcardlist
    const bad = requestMemberInfo({ url: `${base}/member-info`, cardId: '', header })
    await expect(bad).rejects.toBeInstanceOf(CardError)
    await expect(bad).rejects.toMatchObject({ code: 'invalid', field: 'cardId' })
    expect(platform.state.requests.getcardlist).toBe(before)
  })
})
