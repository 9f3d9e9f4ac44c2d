// `require('weapp-card-coupon')` has nothing to give: the package has four entries, each for one place.
throw new Error(
  'weapp-card-coupon has no root entry. Use one of:\n' +
    "  - in a mini-program (after 构建 npm): the tags 'weapp-card-coupon/add-card-button/index',\n" +
    "    'weapp-card-coupon/open-card-list/index', 'weapp-card-coupon/send-coupon-button/index' and\n" +
    "    'weapp-card-coupon/pay-coupon-list/index' in usingComponents,\n" +
    "    and require('weapp-card-coupon/utils/index')\n" +
    "  - on your server (Node): require('weapp-card-coupon/server')\n" +
    "  - in tests (Node): require('weapp-card-coupon/testing')",
)
