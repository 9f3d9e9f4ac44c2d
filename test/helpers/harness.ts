// Shared per-test setup for component tests: a scripted client (wx), the component events seen, and
// console.error silenced but recorded (tests assert what it named).
import { setClient } from './platform'
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
    /** Records every outcome event of `c` in `h.events`. */
    listen(c: Root): Root {
      for (const name of EVENTS) c.addEventListener(name, (e: { detail: Record<string, unknown> }) => h.events.push([name, e.detail]))
      return c
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
