import { createCardPlatform } from 'weapp-card-coupon/testing'
import { createCardExt } from 'weapp-card-coupon/server'
import { addCards } from 'weapp-card-coupon/utils'

test('the first answer wins', async () => {
  const platform = createCardPlatform({
    apiTicket: 'test-ticket',
    accessToken: 'test-token',
    openid: 'oUser1',
    cards: [{ cardId: 'pCoupon' }],
  })
  const undo = platform.install(undefined, { all: true })
  try {
    platform.hold()
    const adding = addCards([
      { cardId: 'pCoupon', cardExt: createCardExt({ apiTicket: 'test-ticket', cardId: 'pCoupon' }) },
    ])
    const call = platform.heldCalls()[0]
    if (!call) throw new Error('the call should be held')
    expect(platform.state.log[0]?.status).toBe('pending')

    call.respond('fail', { errMsg: 'addCard:fail system error' })
    call.respond('success', { errMsg: 'addCard:ok', cardList: [] }) // a second callback: ignored
    await expect(adding).rejects.toMatchObject({ code: 'fail', detail: 'system error' })

    platform.hold(false)
    platform.setClient({ SDKVersion: '1.0.9' }) // too old for wx.addCard
    await expect(
      addCards([{ cardId: 'pCoupon', cardExt: createCardExt({ apiTicket: 'test-ticket', cardId: 'pCoupon' }) }]),
    ).rejects.toMatchObject({ code: 'unsupported' })
    expect(platform.state.calls.addCard).toBe(1)
  } finally {
    undo()
  }
})
