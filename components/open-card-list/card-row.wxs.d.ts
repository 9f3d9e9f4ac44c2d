// Types of card-row.wxs, for the component's logic (which bundles the same file the template uses).
import type { CardItem } from './index'

/** The field of `card` that is wrong ('' when none). */
export function problem(card: unknown): '' | 'cardId' | 'status' | 'beginTime' | 'endTime'
/** 'open', 'pending', or the status that keeps the row closed. `nowMs`: the current time in ms. */
export function state(card: CardItem, nowMs: number): string
