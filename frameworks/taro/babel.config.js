/* global module */
// babel-preset-taro for a React + TypeScript project built with webpack 5 (Taro's template).
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
}
