/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/test/helpers/ts-transform.js',
    // a component's .wxs module is CommonJS ES5: its logic loads it as it is (the build bundles it the same way)
    '^.+\\.wxs$': '<rootDir>/test/helpers/wxs-transform.js',
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'wxs'],
  testTimeout: 20000,
  // both cores: jest's default leaves one for itself, and the main process mostly waits
  maxWorkers: 2,
  // npm pack, install and WeChat's "构建 npm" once for every suite that needs the package as users get it
  globalSetup: '<rootDir>/test/setup/package-fixture.js',
  globalTeardown: '<rootDir>/test/setup/teardown.js',
}
