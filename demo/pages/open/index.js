const demo = require('../../lib/demo')

Component({
  behaviors: [demo.pageBehavior],
  data: {
    cards: [],
    pending: [{ cardId: 'pDemoCoupon', title: '满100减20', description: '服务器正在解码 code' }],
    log: [],
  },
  methods: {
    // pages built with Component() take page lifecycles in methods
    onShow() {
      this.setData({ cards: demo.held() })
    },
    onDemoChange() {
      this.setData({ cards: demo.held() })
    },
    onEvent(e) {
      const id = this.data.log.length ? this.data.log[0].id + 1 : 1
      const text = `${e.currentTarget.dataset.name} → ${e.type} ${JSON.stringify(e.detail)}`
      this.setData({ log: [{ id, text }].concat(this.data.log).slice(0, 20) })
    },
  },
})
