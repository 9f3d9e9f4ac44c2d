export default definePageConfig({
  navigationBarTitleText: '我的卡券',
  usingComponents: {
    'add-card-button': 'weapp-card-coupon/miniprogram_dist/add-card-button/index',
    'open-card-list': 'weapp-card-coupon/miniprogram_dist/open-card-list/index',
  },
})
