const { serverUrl } = require('../../config') // your server, e.g. https://your.server
const TITLES = { pDemoCustom: '自定义码券' } // your cards' names

Page({
  data: { serverUrl, header: {}, cards: [] },
  onLoad() {
    // wx.request sends no cookies: send the token your login flow (wx.login → your server) gave this user.
    this.setData({ header: { Authorization: `Bearer ${wx.getStorageSync('token')}` } })
  },
  async onShow() {
    // { cards: [{ cardId, code, status, canConsume, beginTime?, endTime? }] }: the tag shows the states
    const { cards } = await this.request('/user-cards')
    this.setData({ cards: cards.map((card) => ({ ...card, title: TITLES[card.cardId] || '卡券' })) })
  },
  async onAdded(e) {
    // One result per card: { cardId, code } (decrypted: what wx.openCard needs) or { cardId, error }.
    const { cards } = await this.request('/card-codes', {
      cards: e.detail.succeeded.map((card) => ({ cardId: card.cardId, encryptCode: card.code })),
    })
    const added = cards.filter((card) => card.code).map((card) => ({ ...card, title: TITLES[card.cardId] || '卡券' }))
    const codes = new Set(added.map((card) => card.code))
    this.setData({ cards: [...added, ...this.data.cards.filter((card) => !codes.has(card.code))] })
  },
  onOpened(e) {
    // e.detail.cardList: the { cardId, code } WeChat opened
    wx.showToast({ title: `已打开 ${e.detail.cardList.length} 张`, icon: 'none' })
  },
  onCancel() {},
  onFail(e) {
    // e.detail.code: 'invalid' (a code or cardId WeChat would refuse: see the console), 'fail' (WeChat's reason) or 'timeout'
    if (e.detail.code === 'fail') wx.showToast({ title: e.detail.detail || '打开失败', icon: 'none' })
  },
  // GET without data, POST with it. wx.request calls success for every HTTP status, so check it.
  request(path, data) {
    return new Promise((resolve, reject) =>
      wx.request({
        url: serverUrl + path,
        method: data ? 'POST' : 'GET',
        data,
        header: this.data.header,
        success: (r) => (r.statusCode === 200 ? resolve(r.data) : reject(new Error(`${path}: HTTP ${r.statusCode}`))),
        fail: reject,
      }),
    )
  },
})
