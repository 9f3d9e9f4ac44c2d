// Bench-only jest config: picks up bench/**/*.bench.ts and nothing under test/, so `npm test` never runs these.
const path = require('path')

/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/bench/**/*.bench.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/test/helpers/ts-transform.js',
    // the list's .wxs row rule, loaded by its logic as it is (as in jest.config.js)
    '^.+\\.wxs$': '<rootDir>/test/helpers/wxs-transform.js',
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'wxs'],
  // 1,000-row renders in jsdom take a while; the bench must not be cut short.
  testTimeout: 600000,
}
