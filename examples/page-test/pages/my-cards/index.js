/* global Page */
Page({
  data: { cardExtUrl: 'https://your.server/card-ext', cards: [] },
  onAdded(event) {
    // the codes are encrypted: your server decrypts them (POST /card-codes) before the list can open them
    this.setData({ cards: event.detail.succeeded.map((card) => ({ cardId: card.cardId, title: '满100减20' })) })
  },
})
