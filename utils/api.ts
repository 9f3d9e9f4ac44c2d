import { CardError } from './error'
import { normalizeCardList, normalizeOpenList, type AddCardInput, type OpenCardInput } from './validate'
import { CARD_API_MIN_VERSION, getSDKVersion, isCardApiSupported, type CardApi } from './version'

export interface AddCardResult {
  /** Everything WeChat returned, in order. */
  cardList: WechatMiniprogram.AddCardResponseInfo[]
  /** Cards added (`isSuccess`); their `code` is encrypted: decrypt it on your server. */
  succeeded: WechatMiniprogram.AddCardResponseInfo[]
  /** Cards WeChat refused within an otherwise successful call. */
  failed: WechatMiniprogram.AddCardResponseInfo[]
}

export interface OpenCardResult {
  cardList: OpenCardInput[]
}

/** Maps `addCard:fail cancel` / `openCard:fail:<why>` to a CardError. */
export function toCardError(errMsg: string): CardError {
  const m = /^\w+:fail[ :]?\s*([\s\S]*)$/.exec(errMsg)
  const detail = (m ? m[1] : errMsg).trim()
  return detail === 'cancel'
    ? new CardError('cancel', 'cancelled', { errMsg })
    : new CardError('fail', detail || errMsg, { errMsg, detail })
}

/** Throws CardError('unsupported') when this client cannot run `wx[api]`. */
export function assertSupported(api: CardApi): void {
  if (!isCardApiSupported(api)) {
    const v = getSDKVersion()
    throw new CardError('unsupported', `wx.${api} needs base library ${CARD_API_MIN_VERSION}+ (this client: ${v || '?'})`, { detail: v })
  }
}

/** Version guard and one call. A promise settles once, so a platform that calls back twice changes nothing. */
function invoke<R>(api: CardApi, cardList: unknown[]): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    assertSupported(api)
    const fail = (res: WechatMiniprogram.GeneralCallbackResult) => reject(toCardError(String(res && res.errMsg)))
    try {
      const call = wx[api] as (o: { cardList: unknown[]; success: (r: R) => void; fail: typeof fail }) => void
      call({ cardList, success: resolve, fail })
    } catch (e) {
      fail({ errMsg: `${api}:fail ${(e && (e as Error).message) || e}` })
    }
  })
}

/** Validates, guards the version and calls wx.addCard. Invalid input rejects before any wx call. */
export function addCards(list: readonly AddCardInput[]): Promise<AddCardResult> {
  return new Promise<WechatMiniprogram.AddCardRequestInfo[]>((resolve) => resolve(normalizeCardList(list)))
    .then((cards) => invoke<WechatMiniprogram.AddCardSuccessCallbackResult>('addCard', cards))
    .then((res) => {
      const cardList = (res && res.cardList) || []
      return { cardList, succeeded: cardList.filter((c) => c.isSuccess), failed: cardList.filter((c) => !c.isSuccess) }
    })
}

/** Validates, guards the version and calls wx.openCard with decrypted codes. */
export function openCards(list: readonly OpenCardInput[]): Promise<OpenCardResult> {
  return new Promise<OpenCardInput[]>((resolve) => resolve(normalizeOpenList(list)))
    .then((cards) => invoke<WechatMiniprogram.GeneralCallbackResult>('openCard', cards).then(() => ({ cardList: cards })))
}
