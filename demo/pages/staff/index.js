const demo = require('../../lib/demo')

// What the counter shows for each outcome of POST /consume.
const RESULTS = {
  consumed: '核销成功',
  already_consumed: '该券已使用',
  not_usable: '该券当前不可用',
  unknown_code: '无效的券码',
  in_progress: '正在处理，请稍候再试',
}
const REASONS = {
  deleted: '顾客已删除该券',
  expired: '已过期',
  gifting: '正在转赠',
  unavailable: '已失效',
  not_started: '未到使用时间',
  not_usable: '不可使用',
}

/** What the counter shows when the scan brings no code: the staff member closed the scanner, or the scan failed. */
const scanFailure = (errMsg) => (/:fail cancel$/.test(errMsg) ? '扫码已取消' : `扫码失败：${errMsg}`)

/**
 * A refused 核销 in words. A card's QR code carries the code alone: a custom-code card scanned has no card id, and
 * the server answers 400 naming the missing cardId (WeChat needs it with a custom code).
 */
function refusal(error, cardId) {
  if (error.statusCode === 400 && !cardId && /cardId/.test(error.message))
    return {
      result: '无法核销：缺少卡券 ID',
      detail: '这是自定义券码的券，微信核销时还需要它的卡券 ID，扫码只能读到券码',
    }
  return { result: '无法核销', detail: error.message }
}

Component({
  behaviors: [demo.pageBehavior],
  data: { code: '', cardId: '', busy: false, result: '', detail: '', outcome: '' },
  methods: {
    onCodeInput(e) {
      // a new code is a new 核销: a new request id
      this.setData({ code: e.detail, cardId: '' })
      this.requestId = demo.newRequestId()
    },
    onScan() {
      demo.scanCode().then(
        ({ code, cardId }) => {
          this.setData({ code, cardId })
          this.requestId = demo.newRequestId()
          return this.consume()
        },
        (error) => this.setData({ result: '没有扫到券码', detail: scanFailure(error.message), outcome: 'none' }),
      )
    },
    onConsume() {
      if (!this.requestId) this.requestId = demo.newRequestId()
      return this.consume()
    },
    consume() {
      const code = this.data.code.trim()
      if (!code || this.data.busy) return Promise.resolve()
      this.setData({ busy: true })
      return demo.consume(code, this.data.cardId, this.requestId).then(
        (answer) => {
          const again = answer.alreadyConsumedByThisRequest ? '（重试确认：本次请求已核销）' : ''
          const detail = answer.outcome === 'not_usable' ? REASONS[answer.reason] : again
          this.setData({ busy: false, result: RESULTS[answer.outcome], detail: detail || '', outcome: answer.outcome })
        },
        // the same request id on retry: a 核销 whose answer was lost reports consumed, not a failure
        (error) => {
          // 4xx: the request itself is wrong (e.g. a custom code without its card id); else retry as it is
          const said =
            error.statusCode >= 400 && error.statusCode < 500
              ? refusal(error, this.data.cardId)
              : { result: '网络错误，请重试', detail: error.message }
          this.setData(Object.assign({ busy: false, outcome: 'error' }, said))
        },
      )
    },
  },
})
