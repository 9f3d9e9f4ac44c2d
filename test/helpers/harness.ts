// Shared per-test setup for component tests: a scripted client (wx), the component events seen, and
// console.error silenced but recorded (tests assert what it named).
import { setClient } from './platform'
import { UPGRADE_TEXT } from '../../utils'
import { simulate } from './simulate'

type Root = ReturnType<typeof simulate.render>
export type Ev = [string, Record<string, unknown>]
const EVENTS = ['success', 'open', 'fail', 'cancel', 'unsupported', 'complete']

export function useHarness() {
  const h = {
    client: undefined as unknown as ReturnType<typeof setClient>,
    events: [] as Ev[],
    errors: undefined as unknown as jest.SpyInstance,
    names: () => h.events.map((e) => e[0]),
    /** Replaces this test's client: what it reports, which card APIs exist. */
    useClient(o: Parameters<typeof setClient>[0]) {
      h.client.restore()
      h.client = setClient(o)
    },
    /** A tap on an unsupported client: no call, `unsupported` with the version, `complete`, WeChat's modal once. */
    expectUnsupported(SDKVersion: string) {
      expect(h.client.pending.calls).toHaveLength(0)
      expect(h.events).toEqual([
        ['unsupported', { SDKVersion, required: '1.1.0' }],
        ['complete', { outcome: 'unsupported' }],
      ])
      expect(h.client.showModal).toHaveBeenCalledTimes(1)
      expect(h.client.showModal.mock.calls[0][0].content).toBe(UPGRADE_TEXT)
    },
    /** Records every outcome event of `c` in `h.events`. */
    listen(c: Root): Root {
      for (const name of EVENTS)
        c.addEventListener(name, (e: { detail: Record<string, unknown> }) => h.events.push([name, e.detail]))
      return c
    },
    /** Detaches `c` while its wx call is pending, then answers: the tag makes no setData and emits nothing. */
    async expectSilentAfterDetach(c: Root, answer: () => void = () => h.client.pending.ok()) {
      const setData = jest.spyOn(c.instance, 'setData')
      c.detach()
      answer()
      await new Promise((r) => setTimeout(r, 0))
      expect(setData).not.toHaveBeenCalled()
      expect(h.events).toEqual([])
    },
    /** Renders component `id` with `props`, listened to and attached. */
    render(id: string, props: Record<string, unknown>): Root {
      const c = h.listen(simulate.render(id, props))
      c.attach(document.createElement('parent-wrapper'))
      return c
    },
  }
  beforeEach(() => {
    h.client = setClient()
    h.events = []
    h.errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    h.client.restore()
    h.errors.mockRestore()
  })
  return h
}
