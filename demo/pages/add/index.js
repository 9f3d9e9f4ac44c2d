const demo = require('../../lib/demo')

// Inputs the tag refuses before any wx call; `fail` names the field. 40 hex digits look like a real signature.
const SIGNATURE = '22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28'
const INVALID = {
  noSignature: [{ cardId: 'pDemoCoupon', cardExt: { timestamp: 1414587457, nonce_str: 'abc' } }],
  milliseconds: [
    { cardId: 'pDemoCoupon', cardExt: { timestamp: 1414587457000, nonce_str: 'abc', signature: SIGNATURE } },
  ],
  leakedTicket: [
    {
      cardId: 'pDemoCoupon',
      cardExt: { timestamp: 1414587457, nonce_str: 'abc', signature: SIGNATURE, api_ticket: 'demo-api-ticket' },
    },
  ],
}

Component({
  behaviors: [demo.pageBehavior, demo.logBehavior],
  data: {
    invalid: INVALID,
    cancelNext: false,
    slow: false,
  },
  lifetimes: {
    attached() {
      this.setData({ slow: demo.isSlow() })
    },
    ready() {
      // the page's tags exist once it has rendered
      this.connectCardSource()
    },
  },
  methods: {
    /** The programmatic mode: a source function, here one that spoils the signature of what the server signed. */
    connectCardSource() {
      this.selectComponent('#tampered').setCardSource(demo.tamperedCardSource)
    },
    onDemoChange() {
      // the switch re-mounted the tags: the new one gets its source
      this.connectCardSource()
    },
    onSuccess(e) {
      const { succeeded, failed } = e.detail
      this.print(`${e.currentTarget.dataset.name} → success: ${succeeded.length} 张成功，${failed.length} 张失败`)
      // wx.addCard returns each code encrypted: your server decrypts them (POST /card-codes)
      if (succeeded.length) {
        demo.decryptCodes(succeeded).then(
          (results) => this.print(`/card-codes → ${results.map((r) => r.code || r.error.code).join('、')}`),
          (error) => this.print(`/card-codes → ${error.message}`),
        )
      }
    },
    onComplete() {
      if (this.data.cancelNext) this.setData({ cancelNext: false })
    },
    onCancelNext(e) {
      this.setData({ cancelNext: e.detail })
      if (e.detail) demo.nextUserAction('cancel')
    },
    onSlow(e) {
      this.setData({ slow: e.detail })
      demo.setSlow(e.detail ? 1000 : 0)
    },
    onOld(e) {
      demo.setVersion(e.detail ? demo.OLD_VERSION : demo.CURRENT_VERSION)
    },
  },
})
