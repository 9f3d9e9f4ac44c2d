// What the runner files share: cases grouped by class for describe(), a macrotask to let Node report a rejection
// nobody handled before the count is read, and a sum.

/** The cases of each class, in catalogue order. */
export function byClass<Case extends { className: string; name: string }>(cases: readonly Case[]) {
  const groups = new Map<string, [string, Case][]>()
  for (const c of cases) {
    const group = groups.get(c.className) ?? []
    group.push([c.name, c])
    groups.set(c.className, group)
  }
  return [...groups]
}

/** Resolves after the macrotasks queued so far (and so after Node's unhandled-rejection check). */
export const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** The total of some counts (wx calls or requests by kind). */
export const sum = (counts: number[]): number => counts.reduce((total, count) => total + count, 0)
