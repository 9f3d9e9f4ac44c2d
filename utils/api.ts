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
  const detail = errMsg.replace(/^\w+:fail[ :]?/, '').trim()
  return detail === 'cancel'
    ? new CardError('cancel', 'cancelled', { errMsg })
    : new CardError('fail', detail || errMsg, { errMsg, detail })
}

/** Throws CardError('unsupported') when this client cannot run `wx[api]`. */
export function assertSupported(api: CardApi): void {
  if (!isCardApiSupported(api)) {
    const v = getSDKVersion()
    throw new CardError(
      'unsupported',
      `wx.${api} needs base library ${CARD_API_MIN_VERSION}+ (this client: ${v || '?'})`,
      { detail: v },
    )
  }
}

/** wx.addCard and wx.openCard, as invoke calls them. */
type CardCall<R> = (o: {
  cardList: unknown[]
  success: (r: R) => void
  fail: (res: WechatMiniprogram.GeneralCallbackResult) => void
}) => void

/**
 * Checks, guards the version and makes one call. `prepare` validates the input: it runs inside the executor,
 * so invalid input and an old client reject before any wx call. A promise settles once, so a platform that
 * calls back twice changes nothing.
 */
function invoke<R>(api: CardApi, prepare: () => unknown[]): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const cardList = prepare()
    assertSupported(api)
    const fail = (res: WechatMiniprogram.GeneralCallbackResult) => reject(toCardError(String(res && res.errMsg)))
    try {
      ;(wx[api] as CardCall<R>)({ cardList, success: resolve, fail })
    } catch (e) {
      fail({ errMsg: `${api}:fail ${(e && (e as Error).message) || e}` })
    }
  })
}

/** Validates, guards the version and calls wx.addCard. Invalid input rejects before any wx call. */
export function addCards(list: readonly AddCardInput[]): Promise<AddCardResult> {
  return invoke<WechatMiniprogram.AddCardSuccessCallbackResult>('addCard', () => normalizeCardList(list)).then(
    (res) => {
      const cardList = (res && res.cardList) || []
      return { cardList, succeeded: cardList.filter((c) => c.isSuccess), failed: cardList.filter((c) => !c.isSuccess) }
    },
  )
}

/**
 * Validates, guards the version and calls wx.openCard with decrypted codes; resolves the cards it opened.
 * `at` numbers the items in error messages when they are a subset of a longer list (as in normalizeOpenList).
 */
export function openCards(list: readonly OpenCardInput[], at?: readonly number[]): Promise<OpenCardResult> {
  let cardList: OpenCardInput[] = []
  return invoke('openCard', () => (cardList = normalizeOpenList(list, at))).then(() => ({ cardList }))
}
