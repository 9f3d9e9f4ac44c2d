const demo = require('../../lib/demo')

// What happens to a card after it is added: the user uses it, gives it away or deletes it, the merchant makes it
// unavailable, its date passes. WeChat changes its user_card_status; on the simulator these buttons do.
const STATUS_ACTIONS = [
  { status: 'CONSUMED', text: '使用' },
  { status: 'EXPIRE', text: '过期' },
  { status: 'GIFTING', text: '转赠' },
  { status: 'GIFT_SUCC', text: '转赠成功' },
  { status: 'GIFT_TIMEOUT', text: '转赠超时' },
  { status: 'DELETE', text: '删除' },
  { status: 'UNAVAILABLE', text: '设为失效' },
]
const DAY_SECONDS = 24 * 3600

/** A row of <open-card-list> from a card of GET /user-cards, with the title and value from your card table. */
function toRow(card) {
  const info = demo.cardInfo(card.cardId)
  return {
    cardId: card.cardId,
    code: card.code,
    status: card.status,
    beginTime: card.beginTime,
    endTime: card.endTime,
    title: info.title,
    description: info.description,
    extra: info.extra,
  }
}

/**
 * Rows whose state the list works out by itself, with no server: a card just added whose code your server has not
 * decrypted yet (no `code`: pending), and a card from a list read while it was usable whose end date has passed
 * since (status NORMAL, `endTime` yesterday: shown as expired).
 */
function clientSideExamples() {
  const now = Math.floor(Date.now() / 1000)
  return [
    { cardId: 'pDemoVoucher', title: '无门槛券', description: '刚领取，服务器正在解码 code', extra: '¥5' },
    {
      cardId: 'pDemoCoupon',
      code: '100000000001',
      status: 'NORMAL',
      beginTime: now - 31 * DAY_SECONDS,
      endTime: now - DAY_SECONDS,
      title: '满100减20',
      description: '上次读取时可用',
      extra: '¥20',
    },
  ]
}

Component({
  behaviors: [demo.pageBehavior, demo.logBehavior],
  data: {
    cards: [],
    selected: [],
    statusActions: STATUS_ACTIONS,
    examples: clientSideExamples(),
  },
  methods: {
    // pages built with Component() take page lifecycles in methods
    onShow() {
      this.refresh()
    },
    onDemoChange() {
      this.refresh()
    },

    /** The user's cards with their states: GET /user-cards (getcardlist + card/code/get on your server). */
    refresh() {
      // only the latest answer is shown, whatever order they arrive in
      const request = (this.refreshes = (this.refreshes || 0) + 1)
      return demo.userCards().then(
        (cards) => request === this.refreshes && this.setData({ cards: cards.map(toRow) }),
        (error) => this.print(`/user-cards → ${error.message}`),
      )
    },

    /**
     * A card added here shows at once, pending: wx.addCard returns its code encrypted, and only your server can
     * decrypt it. The next list from /user-cards has it with its code and state.
     */
    onAdded(e) {
      const pending = e.detail.succeeded.map((card) => {
        const info = demo.cardInfo(card.cardId)
        return { cardId: card.cardId, title: info.title, description: info.description, extra: info.extra }
      })
      this.setData({ cards: this.data.cards.concat(pending) })
      this.refresh()
    },

    /** The list's `select` event: the selected rows, which the buttons below act on. */
    onSelect(e) {
      this.setData({ selected: e.detail.cardList.map((card) => ({ cardId: card.cardId, code: card.code })) })
    },
    clearSelection() {
      this.selectComponent('#my-cards').clearSelection()
    },

    /** The simulator plays the user or the merchant: the selected cards change state, then the list is read again. */
    onSetStatus(e) {
      this.simulate(demo.setCardStatus(this.data.selected, e.currentTarget.dataset.status))
    },
    onLookUpFails() {
      this.simulate(demo.failNextLookUp())
    },
    onAdvanceClock() {
      this.simulate(demo.advanceDays(30))
    },
    /** Once the simulator has done it, the list is read again. */
    simulate(done) {
      return done.then(
        () => this.refresh(),
        (error) => this.print(`simulator → ${error.message}`),
      )
    },
  },
})
