// Scripted answers for wx.addCard/openCard inside miniprogram-simulate: calls are held until the test answers.
type Opts = {
  cardList: { cardId: string; cardExt?: string; code?: string }[]
  success?: (r: object) => void
  fail?: (r: object) => void
  complete?: (r: object) => void
}

export interface Pending {
  calls: Opts[]
  /** Answers the oldest unanswered call as WeChat would. */
  ok(mapper?: (c: Opts['cardList'][number], i: number) => object): void
  fail(errMsg: string): void
}

const simWx = () => (globalThis as unknown as { wx: Record<string, unknown> }).wx

/** Sets what the client reports and which card APIs exist; returns a restore function. */
export function setClient(o: { SDKVersion?: string; addCard?: boolean; openCard?: boolean } = {}): {
  pending: Pending
  showModal: jest.Mock
  restore(): void
} {
  const w = simWx()
  const saved = { ...w }
  const calls: Opts[] = []
  let answered = 0
  const hold = jest.fn((opts: Opts) => {
    calls.push(opts)
  })
  const showModal = jest.fn()
  Object.assign(w, {
    getSystemInfoSync: () => ({ SDKVersion: o.SDKVersion ?? '3.12.0' }),
    showModal,
    addCard: o.addCard === false ? undefined : hold,
    openCard: o.openCard === false ? undefined : hold,
  })
  delete w.getAppBaseInfo
  const next = () => {
    const c = calls[answered++]
    if (!c) throw new Error('no pending wx call to answer')
    return c
  }
  const pending: Pending = {
    calls,
    ok(mapper = (c, i) => ({ ...c, code: `enc${i}`, isSuccess: true })) {
      const c = next()
      const res = {
        errMsg: c.cardList[0] && 'cardExt' in c.cardList[0] ? 'addCard:ok' : 'openCard:ok',
        cardList: c.cardList.map(mapper),
      }
      c.success?.(res)
      c.complete?.(res)
    },
    fail(errMsg) {
      const c = next()
      c.fail?.({ errMsg })
      c.complete?.({ errMsg })
    },
  }
  return {
    pending,
    showModal,
    restore() {
      for (const k of Object.keys(w)) delete w[k]
      Object.assign(w, saved)
    },
  }
}

/** Lets queued promise callbacks and simulate's async event dispatch run. */
export const flush = () => new Promise((r) => setTimeout(r, 0))
