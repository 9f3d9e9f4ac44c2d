import { createCardPlatform } from 'weapp-card-coupon/testing'
import { createApiTicketProvider, createCardExt, decryptCardCode } from 'weapp-card-coupon/server'
import { addCards, openCards } from 'weapp-card-coupon/utils'

test('my signing server', async () => {
  const platform = createCardPlatform({
    apiTicket: 'test-ticket',
    accessToken: 'test-token',
    openid: 'oUser1',
    cards: [{ cardId: 'pCoupon', quantity: 10 }],
  })
  const api = await platform.listen()
  const undo = platform.install(undefined, { all: true })
  try {
    // Your server code, with its base URL pointed at the simulator:
    const tickets = createApiTicketProvider({ getAccessToken: async () => 'test-token', baseUrl: api.url })
    const cardExt = createCardExt({ apiTicket: await tickets.getTicket(), cardId: 'pCoupon' })

    // Your mini-program code:
    const [added] = (await addCards([{ cardId: 'pCoupon', cardExt }])).succeeded
    if (!added) throw new Error('the card should have been added')
    const code = await decryptCardCode({ accessToken: 'test-token', encryptCode: added.code, baseUrl: api.url })
    await openCards([{ cardId: 'pCoupon', code }])

    expect(platform.state.held).toMatchObject([{ cardId: 'pCoupon', code, encryptCode: added.code }])
    expect(platform.state.requests.getticket).toBe(1)
  } finally {
    undo()
    await api.close()
  }
})
