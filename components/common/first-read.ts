// When a tag that reads from your server before any tap (send-coupon-button's signed parameters, member-card's
// member data) makes its first request: once the page's onLoad has run, because that is where a page sets
// request-header from its login. WeChat runs attached → the page's onLoad → page show → (much later, after the
// render thread) ready. So the first read starts at the first page show; a tag attached to a page already shown gets
// no show, and starts a task after its ready. Shipped as miniprogram_dist/common.

const started = new WeakSet<object>()

/** Runs `start` for `host` unless it already ran. Call it from the tag's `pageLifetimes.show`. */
export function startFirstRead(host: object, start: () => void): void {
  if (started.has(host)) return
  started.add(host)
  start()
}

/**
 * Call from the tag's `lifetimes.ready`: for a tag attached to a page that is already shown (no page show comes), runs
 * `start` a task later unless the page show has run it.
 */
export function startFirstReadAfterReady(host: object, start: () => void): void {
  setTimeout(() => startFirstRead(host, start), 0)
}

/** Whether the first read has started: from then on a changed property (another session, card) reads again. */
export const hasStartedFirstRead = (host: object): boolean => started.has(host)
