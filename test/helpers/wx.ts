/** A scripted `wx` for utils tests: each test decides what the platform answers. */
type Cb = { success?: (r: unknown) => void; fail?: (r: unknown) => void; complete?: (r: unknown) => void }
export type Answer = (opts: Cb & { cardList: unknown[] }) => void

export interface FakeWx {
  SDKVersion?: string
  addCard?: jest.Mock
  openCard?: jest.Mock
  showModal: jest.Mock
  getSystemInfoSync?: () => { SDKVersion?: string }
  getAppBaseInfo?: () => { SDKVersion?: string }
}

export function installWx(o: { SDKVersion?: string; addCard?: Answer | null; openCard?: Answer | null } = {}): FakeWx {
  const fake: FakeWx = {
    showModal: jest.fn(),
    getSystemInfoSync: () => ({ SDKVersion: o.SDKVersion ?? '3.12.0' }),
  }
  if (o.addCard !== null) fake.addCard = jest.fn(o.addCard ?? (() => undefined))
  if (o.openCard !== null) fake.openCard = jest.fn(o.openCard ?? (() => undefined))
  ;(globalThis as unknown as { wx: FakeWx }).wx = fake
  return fake
}

export const okAdd: Answer = ({ cardList, success }) =>
  success!({
    errMsg: 'addCard:ok',
    cardList: (cardList as { cardId: string; cardExt: string }[]).map((c, i) => ({
      ...c,
      code: `enc${i}`,
      isSuccess: true,
    })),
  })
