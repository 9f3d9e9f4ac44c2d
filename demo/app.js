const config = require('./config')
const demo = require('./lib/demo')

App({
  onLaunch() {
    // what your login flow does (wx.login → your server): keep the session token the pages send to your server
    wx.setStorageSync('token', config.token)
    // the demo starts on the card-platform simulator, so it works without a certified account
    demo.useSimulator(true)
  },
})
