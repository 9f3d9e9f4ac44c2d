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
  behaviors: [demo.pageBehavior],
  data: {
    single: {},
    list: [],
    partial: [],
    stale: {},
    invalid: INVALID,
    cancelNext: false,
    slow: false,
    log: [],
  },
  lifetimes: {
    attached() {
      this.setData({ slow: demo.isSlow() })
      this.issueCardExts()
    },
  },
  methods: {
    /**
     * Asks "the server" for the cards of every button. A cardExt works once (WeChat remembers its timestamp +
     * nonce_str), so this runs again after every add: the page re-issues, the tag sends what it is given.
     */
    issueCardExts() {
      const report = (error) => this.print(`issue cardExt: ${error.message}`)
      Promise.all(['pDemoCoupon', 'pDemoCustom', 'pDemoMember', 'pDemoSoldOut', 'pDemoCoupon'].map(demo.issue)).then(
        ([single, custom, member, soldOut, coupon]) =>
          this.setData({ single, list: [custom, member], partial: [soldOut, coupon] }),
        report,
      )
      if (demo.isSimulated()) demo.issueWithStaleTicket('pDemoCoupon').then((stale) => this.setData({ stale }), report)
    },
    onDemoChange() {
      this.issueCardExts()
    },
    print(line) {
      // newest first; the id keys the row (the same text can repeat)
      this.setData({
        log: [{ id: this.data.log.length ? this.data.log[0].id + 1 : 1, text: line }]
          .concat(this.data.log)
          .slice(0, 20),
      })
    },
    onEvent(e) {
      this.print(`${e.currentTarget.dataset.name} → ${e.type} ${JSON.stringify(e.detail)}`)
    },
    onSuccess(e) {
      const { succeeded, failed } = e.detail
      this.print(`${e.currentTarget.dataset.name} → success: ${succeeded.length} 张成功，${failed.length} 张失败`)
    },
    onComplete() {
      if (this.data.cancelNext) this.setData({ cancelNext: false })
      this.issueCardExts()
    },
    onCancelNext(e) {
      this.setData({ cancelNext: e.detail })
      if (e.detail) demo.nextUserAction('cancel')
    },
    onSlow(e) {
      this.setData({ slow: e.detail })
      demo.setSlow(e.detail ? 1500 : 0)
    },
    onOld(e) {
      demo.setVersion(e.detail ? demo.OLD_VERSION : demo.CURRENT_VERSION)
    },
  },
})
