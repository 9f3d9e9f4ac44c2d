/**
 * @jest-environment jsdom
 */
import http from 'http'
import type { AddressInfo } from 'net'
import { createCardExtHandler } from 'weapp-card-coupon/server'
import {
  FIXTURE_ACCOUNT,
  createCardPlatform,
  fixturePlatformOptions,
  installRequest,
  renderPage,
  waitFor,
} from 'weapp-card-coupon/testing'

test('a tap on my page adds the coupon, and the page lists it', async () => {
  // the simulated WeChat, with its fixture account and cards (pDemoCoupon …)
  const platform = createCardPlatform(fixturePlatformOptions())
  // my card-ext endpoint, signing with the simulator's api_ticket
  const cardExt = createCardExtHandler({
    getUser: () => ({ id: 'me', cardOpenid: FIXTURE_ACCOUNT.openid }),
    getTicket: async () => FIXTURE_ACCOUNT.apiTicket,
    cards: { pDemoCoupon: {} },
  })
  const server = http.createServer((req, res) => void cardExt(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const undoRequest = installRequest() // wx.request over Node's http: jsdom has no fetch
  const undo = platform.install(undefined, { all: true }) // wx.addCard and the client's version: the simulator's
  try {
    const page = renderPage('pages/my-cards/index', { root: __dirname })
    page.setData({ cardExtUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/card-ext` })

    // the user taps the button (vant's, inside <add-card-button>)
    page.querySelector('#add')?.querySelector('.card-add')?.querySelector('.van-button')?.dispatchEvent('tap')
    const list = page.querySelector('#list')
    await waitFor(() => (list?.data.cards as unknown[]).length === 1, 'the card in the list')

    expect(list?.data.cards).toEqual([{ cardId: 'pDemoCoupon', title: '满100减20' }])
    expect(platform.state.held).toMatchObject([{ cardId: 'pDemoCoupon' }])
  } finally {
    undo()
    undoRequest()
    await new Promise((resolve) => server.close(resolve))
  }
})
