// Which cards an endpoint knows: the catalogue you pass (a table by card id, a Map, or a function of the card id), and
// the look-ups the endpoints make in it.
import { hasOwn } from '../../utils/rules'
import { HandlerError, quote } from './core'

/** Which cards an endpoint knows: a table by card id (a plain object or a Map), or a function answering per card. */
export type CardCatalogue<Rule> =
  | Readonly<Record<string, Rule>>
  | ReadonlyMap<string, Rule>
  | ((cardId: string) => Rule | undefined | Promise<Rule | undefined>)

export function checkCatalogue(fn: string, name: string, cards: unknown): void {
  if (typeof cards !== 'function' && (typeof cards !== 'object' || cards === null || Array.isArray(cards)))
    throw new TypeError(`${fn}: ${name} must be an object or a Map by card id, or a function of the card id`)
}

/** The catalogue's entry for `cardId` (own entries only: `constructor` is no card unless listed), or undefined. */
export async function lookUpCard<Rule>(cards: CardCatalogue<Rule>, cardId: string): Promise<Rule | undefined> {
  if (typeof cards === 'function') return (await cards(cardId)) ?? undefined
  if (cards instanceof Map) return cards.get(cardId)
  const table = cards as Readonly<Record<string, Rule>>
  return hasOwn(table, cardId) ? table[cardId] : undefined
}

/** Whether the catalogue lists each card id (own entries only; a function's undefined, null or false: no). */
export async function known(cards: CardCatalogue<unknown>, cardIds: readonly string[]): Promise<boolean[]> {
  const found = await Promise.all(cardIds.map((cardId) => lookUpCard(cards, cardId)))
  return found.map((rule) => rule !== undefined && rule !== null && rule !== false)
}

/** 404 unless the catalogue knows every card id. */
export async function requireKnown(
  cards: CardCatalogue<unknown>,
  cardIds: readonly string[],
  field: string,
): Promise<void> {
  const at = (await known(cards, cardIds)).indexOf(false)
  if (at >= 0)
    throw new HandlerError(
      404,
      'unknown_card',
      `${field.replace('#', String(at))} ${quote(cardIds[at])} is not a card of this server`,
    )
}
