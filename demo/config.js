// Used when the simulator switch is off: your server's endpoint that answers
// GET {cardExtUrl}?cardId=… with { cardId, cardExt } (see weapp-card-coupon/server's README),
// and the cards your Official Account owns.
module.exports = {
  cardExtUrl: '',
  cards: [],
}
