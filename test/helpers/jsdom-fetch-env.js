// jsdom (for miniprogram-simulate) plus Node's own fetch, so one test can render components and talk HTTP
// to the card-platform simulator. Node's fetch needs Node's AbortController, not jsdom's.
const { TestEnvironment } = require('jest-environment-jsdom')

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context)
    for (const k of ['fetch', 'Request', 'Response', 'Headers', 'AbortController', 'AbortSignal'])
      this.global[k] = globalThis[k]
  }
}

module.exports = JsdomWithFetch
