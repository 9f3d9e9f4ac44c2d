// Shared set-up for the simulator tests: one platform config and callback-style call helpers.
import { createCardExt, type CardExtOptions } from '../../server/sign'
import { createCardPlatform, type CallOptions, type CardPlatform, type CardPlatformOptions } from '../../testing'

export const TICKET = 'sim-api-ticket-0001'
export const TOKEN = 'sim-access-token-0001'
export const USER = 'oUser-current-0001'

export const ID = {
  plain: 'pPlain',
  custom: 'pCustomCode',
  bound: 'pBound',
  few: 'pFew',
  limited: 'pLimited',
} as const

export function makePlatform(extra: Partial<CardPlatformOptions> = {}): CardPlatform {
  return createCardPlatform({
    apiTicket: TICKET,
    accessToken: TOKEN,
    openid: USER,
    cards: [
      { cardId: ID.plain, title: '满100减10' },
      { cardId: ID.custom, useCustomCode: true },
      { cardId: ID.bound, bindOpenid: true },
      { cardId: ID.few, quantity: 1 },
      { cardId: ID.limited, getLimit: 1 },
    ],
    ...extra,
  })
}

/** A cardExt signed by the real server helper with the platform's ticket unless told otherwise. */
export const ext = (cardId: string, more: Partial<CardExtOptions> = {}): string =>
  createCardExt({ apiTicket: TICKET, cardId, ...more })

/** Replaces keys of a signed cardExt without re-signing (undefined deletes the key). */
export function edit(cardExt: string, changes: Record<string, unknown>): string {
  const o: Record<string, unknown> = { ...JSON.parse(cardExt) }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete o[k]
    else o[k] = v
  }
  return JSON.stringify(o)
}

export interface Settled<S> {
  via: 'success' | 'fail'
  res: S | WechatMiniprogram.GeneralCallbackResult
  /** What complete received. */
  complete: unknown
  /** True when no callback ran before wx.* returned. */
  async: boolean
}

/** Calls a callback-style simulator API and resolves after complete. */
function settle<S>(api: (o: CallOptions<S>) => unknown, cardList: unknown): Promise<Settled<S>> {
  return new Promise((resolve) => {
    let returned = false
    let first: Omit<Settled<S>, 'complete'> | undefined
    api({
      cardList,
      success: (res) => {
        first = { via: 'success', res, async: returned }
      },
      fail: (res) => {
        first = { via: 'fail', res, async: returned }
      },
      complete: (res) => {
        if (!first) throw new Error('complete before success/fail')
        resolve({ ...first, complete: res })
      },
    })
    returned = true
  })
}

export const add = (p: CardPlatform, cardList: unknown) => settle(p.wx.addCard, cardList)
export const open = (p: CardPlatform, cardList: unknown) => settle(p.wx.openCard, cardList)

/** The cardList of a successful addCard. */
export function cardsOf(
  s: Settled<WechatMiniprogram.AddCardSuccessCallbackResult>,
): WechatMiniprogram.AddCardResponseInfo[] {
  if (s.via !== 'success' || !('cardList' in s.res)) throw new Error(`expected success, got ${s.res.errMsg}`)
  return s.res.cardList
}
