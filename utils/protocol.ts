// The JSON spoken between the tags and your server's ready-made handlers (weapp-card-coupon/server). Defined here,
// once: the client sends and reads these shapes, the server handlers accept and answer them.

/**
 * `POST <card-ext-url>`: the cards the user tapped for. The body also carries the page's `request-data` fields
 * under `data`. Your server decides who the user is from its own session (a header), never from this body.
 */
export interface CardExtRequestBody {
  cardIds: string[]
  data?: Record<string, unknown> | undefined
  /**
   * The last add with cardExts from this endpoint failed with 签名错误 (WeChat replaced the card ticket): the server
   * asks WeChat for a fresh ticket before signing (at most once per 30 s). `<add-card-button>` sets it by itself.
   */
  signatureFailed?: boolean | undefined
}

/** `200` answer of the card-ext endpoint: one freshly signed cardExt per requested card, in the same order. */
export interface CardExtResponseBody {
  cardList: { cardId: string; cardExt: string }[]
}

/** `POST <card-codes-url>`: the encrypted codes wx.addCard returned, to decrypt (card/code/decrypt). */
export interface CardCodesRequestBody {
  cards: { cardId: string; encryptCode: string }[]
}

/** One result per code, in the same order: the decrypted code, or why this one failed (the others still count). */
export type CardCodeResult =
  { cardId: string; code: string } | { cardId: string; error: { code: string; message: string } }

/** `200` answer of the card-codes endpoint. */
export interface CardCodesResponseBody {
  cards: CardCodeResult[]
}

/** Every non-200 answer of the handlers: a stable machine-readable `code` and a message for developers. */
export interface ErrorResponseBody {
  code: string
  message: string
}

/**
 * WeChat's `user_card_status` values (card/code/get): NORMAL (usable), CONSUMED (used), EXPIRE, GIFTING (being given
 * away), GIFT_SUCC (given away), GIFT_TIMEOUT (the gift was not taken), DELETE (deleted by the user), UNAVAILABLE.
 */
export const WECHAT_USER_CARD_STATUSES = [
  'NORMAL',
  'CONSUMED',
  'EXPIRE',
  'GIFTING',
  'GIFT_SUCC',
  'GIFT_TIMEOUT',
  'DELETE',
  'UNAVAILABLE',
] as const

/** One of WeChat's `user_card_status` values. */
export type WeChatUserCardStatus = (typeof WECHAT_USER_CARD_STATUSES)[number]

/** A held card's state: WeChat's `user_card_status`, or UNKNOWN when the server could not look it up. */
export type UserCardStatus = WeChatUserCardStatus | 'UNKNOWN'

/** One card the user holds, with its state (the user-cards endpoint; `getUserCards` on the server). */
export interface UserCard {
  cardId: string
  /** Decrypted: what wx.openCard needs. */
  code: string
  status: UserCardStatus
  /** WeChat's can_consume; false when the status is unknown. */
  canConsume: boolean
  /** Validity, Unix seconds (undefined when unknown). */
  beginTime?: number | undefined
  endTime?: number | undefined
  /** The card's title (card/get `base_info.title`), when the server read the card's settings. */
  title?: string | undefined
  /** The card's logo URL (card/get `base_info.logo_url`): `<open-card-list>` shows it as it is. */
  logo?: string | undefined
  /** The card's color (card/get `base_info.color`), e.g. `#63b359`. */
  color?: string | undefined
}

/** `200` answer of the user-cards endpoint: the cards this user holds, in WeChat's order. */
export interface UserCardsResponseBody {
  cards: UserCard[]
}
