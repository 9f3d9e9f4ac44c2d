const demo = require('../../lib/demo')

const INVALID = { timestamp: 1414587457, nonce_str: 'abc' } // no signature

Component({
  data: {
    mounted: true,
    single: {},
    list: [],
    partial: [],
    invalidExt: INVALID,
    cancelNext: false,
    slow: false,
    old: false,
    log: [],
  },
  lifetimes: {
    attached() {
      this.refresh()
    },
  },
  methods: {
    /** A fresh cardExt for every tap: a reused nonce_str + timestamp is refused (已领完). */
    refresh() {
      return Promise.all(
        ['pDemoCoupon', 'pDemoCustom', 'pDemoMember', 'pDemoLimited', 'pDemoCoupon'].map((id) => demo.issue(id)),
      ).then(
        ([single, custom, member, limited, coupon]) =>
          this.setData({ single, list: [custom, member], partial: [limited, coupon] }),
        (e) => this.print(`issue cardExt: ${e.message}`),
      )
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
      this.refresh()
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
      demo.useSimulator(true, e.detail ? '1.0.9' : '3.12.0')
      // the tags decide fallback when attached: re-mount them
      this.setData({ old: e.detail, mounted: false })
      this.setData({ mounted: true })
    },
  },
})
