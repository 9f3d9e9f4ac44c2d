// The demo's stand-in for WeChat Pay's send-coupon plugin (plugin://sendCoupon/send-coupon), which loads only inside
// WeChat, for a mini-program whose merchant has added it: the browser playground maps the plugin here
// (playground/build.ts), and so do the demo's tests. What it does is lib/simulator.js's sendCouponPlugin().
Component(require('../simulator').sendCouponPlugin())
