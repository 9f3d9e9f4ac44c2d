// weapp-card-coupon/vue: <add-card-button>, <open-card-list>, <send-coupon-button>, <pay-coupon-list> and <member-card> as Vue global components (uni-app, Vue 3), typed
// from the tags' own Props and Events (typings/components.d.ts, generated from components/). Add it to
// tsconfig.json "types" (next to @dcloudio/types) or reference it once: /// <reference types="weapp-card-coupon/vue" />.
// It needs no mini-program typings.
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

/** What an `@event` handler gets: the event, with the tag's detail for that event in `detail`. */
export interface TagEvent<Detail> {
  type: string
  detail: Detail
}

/**
 * A tag's props in a Vue template: each property optional (the tag has a default; write it `:card-ext-url` or
 * `:cardExtUrl`), each event as a listener (`@success`, with the event's detail typed).
 */
export type TagProps<Props, Events> = {
  [Name in keyof Props]?: Props[Name]
} & {
  [Name in keyof Events & string as `on${Capitalize<Name>}`]?: (event: TagEvent<Events[Name]>) => void
}

/** A mini-program component as the Vue language tools read a global component: its props. */
export type TagComponent<Props, Events> = new () => { $props: TagProps<Props, Events> }

declare module 'vue' {
  interface GlobalComponents {
    'add-card-button': TagComponent<AddCardButtonProps, AddCardButtonEvents>
    'open-card-list': TagComponent<OpenCardListProps, OpenCardListEvents>
    'send-coupon-button': TagComponent<SendCouponButtonProps, SendCouponButtonEvents>
    'pay-coupon-list': TagComponent<PayCouponListProps, PayCouponListEvents>
    'member-card': TagComponent<MemberCardProps, MemberCardEvents>
  }
}
