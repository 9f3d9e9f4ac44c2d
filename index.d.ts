// weapp-card-coupon has no root entry: import 'weapp-card-coupon/server' (Node), 'weapp-card-coupon/testing'
// (tests) or 'weapp-card-coupon/utils' (mini-program); the tags go in usingComponents after 构建 npm.
export {}
