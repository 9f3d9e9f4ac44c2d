const demo = require('../../lib/demo')

// Pages use the Component constructor (WeChat supports it), so the same page also runs in the browser playground.
Component({
  behaviors: [demo.pageBehavior],
  methods: {
    onSimulator(e) {
      demo.useSimulator(e.detail)
    },
  },
})
