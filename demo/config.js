// Where the demo's pages find your card server and the card-platform simulator. `npm start` (and `npm run demo`,
// for WeChat devtools) runs both on 127.0.0.1 at these URLs: examples/server.ts, the ready-made handlers of
// weapp-card-coupon/server, on the simulator process (npx weapp-card-coupon-simulator). For your own server, put its
// URL here and add its host to the mini-program's request 合法域名.
module.exports = {
  // your card server: POST /card-ext, POST /card-codes, GET /user-cards, the member-card and counter endpoints,
  // POST /send-coupon and GET /pay-coupons (WeChat Pay coupons)
  serverUrl: 'http://127.0.0.1:8040',
  // the simulator: its /simulator/ endpoints answer the pages' wx.addCard / wx.openCard (simulator switch on) and
  // the send-coupon plugin's stand-in (lib/send-coupon)
  simulatorUrl: 'http://127.0.0.1:8041',
  // the session token your server's getOpenid accepts (the local server's DEV_SESSION); app.js keeps it as your
  // login flow would, and the pages send it as `Authorization: Bearer <token>`
  token: 'demo-session',
  // a staff member's session token (the local server's DEV_STAFF_SESSION): the staff page sends it to 核销
  staffToken: 'demo-staff',
  // your cards with the simulator off, by the names the pages use (on, the simulator's own cards)
  cardIds: { coupon: '', voucher: '', custom: '', member: '', soldOut: '' },
}
