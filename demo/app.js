const demo = require('./lib/demo')

App({
  onLaunch() {
    // The demo starts on the card-platform simulator, so it works without a certified account.
    demo.useSimulator(true)
  },
})
