// Types of card-row.wxs, for the component's logic (which bundles the same file the template uses).
import type { CardItem } from './index'

/** The field of `card` that is wrong ('' when none; 'card' when the row is not an object). */
export function problem(card: unknown): '' | 'card' | 'cardId' | 'code' | 'status' | 'beginTime' | 'endTime'
/** 'open', 'pending', or the status that keeps the row closed. `nowMs`: the current time in ms. */
export function state(card: CardItem, nowMs: number): string
/** How many rows are rendered: `pages` pages of `pageSize` rows (at least one row a page), at most all cards. */
export function shownCount(cards: readonly unknown[], pages: number, pageSize: number): number
