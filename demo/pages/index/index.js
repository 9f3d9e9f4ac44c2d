const demo = require('../../lib/demo')

// Pages use the Component constructor (WeChat supports it), so the same page also runs in the browser playground.
Component({
  data: { simulated: true },
  lifetimes: {
    attached() {
      this.sync = () => this.setData({ simulated: demo.isSimulated() })
      demo.onChange(this.sync)
      this.sync()
    },
    detached() {
      demo.offChange(this.sync)
    },
  },
  methods: {
    onSimulator(e) {
      demo.useSimulator(e.detail)
    },
  },
})
