import path from 'path'
import { defineConfig } from '@tarojs/cli'

export default defineConfig<'webpack5'>({
  projectName: 'taro-recipe',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: 'dist',
  framework: 'react',
  compiler: 'webpack5',
  // our components name vant as `@vant/weapp/<name>/index`: Taro finds it in vant's dist
  alias: {
    '@vant/weapp': path.resolve(__dirname, '../node_modules/@vant/weapp/dist'),
  },
  mini: {
    postcss: {
      pxtransform: {
        enable: true,
        config: {
          // keep the px of our components and vant's: Taro would turn 2px into 2rpx
          exclude: (file: string) => /node_modules.(weapp-card-coupon|@vant)./.test(file),
        },
      },
    },
  },
})
