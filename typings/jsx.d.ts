// weapp-card-coupon/jsx: <add-card-button>, <open-card-list>, <send-coupon-button>, <pay-coupon-list> and <member-card> in Taro's React JSX, typed from the tags' own
// Props and Events (typings/components.d.ts, generated from components/). Reference it once, e.g. in
// types/global.d.ts: /// <reference types="weapp-card-coupon/jsx" />. It needs no mini-program typings.
import type { CSSProperties, ReactNode } from 'react'
import type {
  AddCardButtonEvents,
  AddCardButtonProps,
  OpenCardListEvents,
  OpenCardListProps,
  SendCouponButtonEvents,
  SendCouponButtonProps,
  PayCouponListEvents,
  PayCouponListProps,
  MemberCardEvents,
  MemberCardProps,
} from './components'

export * from './components'

/** `cardExtUrl` → `card-ext-url`: a property as an attribute. */
export type KebabCase<Name extends string> = Name extends `${infer First}${infer Rest}`
  ? `${First extends Lowercase<First> ? First : `-${Lowercase<First>}`}${KebabCase<Rest>}`
  : Name

/** What an `on<Event>` handler gets: the event, with the tag's detail for that event in `detail`. */
export interface TagEvent<Detail> {
  type: string
  detail: Detail
}

/**
 * A tag's attributes in JSX: each property kebab-cased (`card-ext-url`) and optional (the tag has a default), each
 * event as `on<Event>` (`onSuccess`, with the event's detail typed), and the attributes every element has.
 */
export type TagAttributes<Props, Events> = {
  [Name in keyof Props & string as KebabCase<Name>]?: Props[Name]
} & {
  [Name in keyof Events & string as `on${Capitalize<Name>}`]?: (event: TagEvent<Events[Name]>) => void
} & {
  id?: string
  className?: string
  style?: string | CSSProperties
  /** The tag's slots: Taro's <Slot name="fallback"> (a plain slot="…" attribute is dropped by Taro). */
  children?: ReactNode
}

export type AddCardButtonAttributes = TagAttributes<AddCardButtonProps, AddCardButtonEvents>
export type OpenCardListAttributes = TagAttributes<OpenCardListProps, OpenCardListEvents>
export type SendCouponButtonAttributes = TagAttributes<SendCouponButtonProps, SendCouponButtonEvents>
export type PayCouponListAttributes = TagAttributes<PayCouponListProps, PayCouponListEvents>
export type MemberCardAttributes = TagAttributes<MemberCardProps, MemberCardEvents>

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'add-card-button': AddCardButtonAttributes
      'open-card-list': OpenCardListAttributes
      'send-coupon-button': SendCouponButtonAttributes
      'pay-coupon-list': PayCouponListAttributes
      'member-card': MemberCardAttributes
    }
  }
}
