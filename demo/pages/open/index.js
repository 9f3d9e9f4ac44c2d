const demo = require('../../lib/demo')

Component({
  data: {
    cards: [],
    pending: [{ cardId: 'pDemoCoupon', title: '满100减20', description: '服务器正在解码 code' }],
    log: [],
  },
  methods: {
    // pages built with Component() take page lifecycles in methods
    onShow() {
      // with the simulator off, list the cards from config.js (codes decrypted by your server)
      this.setData({ cards: demo.isSimulated() ? demo.held() : demo.cardsForRealApi() })
    },
    onEvent(e) {
      const id = this.data.log.length ? this.data.log[0].id + 1 : 1
      this.setData({ log: [{ id, text: `${e.type} ${JSON.stringify(e.detail)}` }].concat(this.data.log).slice(0, 20) })
    },
  },
})
