/// <reference types="@tarojs/taro" />
/// <reference types="weapp-card-coupon/jsx" />

declare module '*.css'
