/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // the tests of test/, and the test examples the READMEs quote (examples/), on the package's entries
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
  // examples/page-test is a user's mini-program: test/testing/miniprogram.test.ts installs the package beside it and
  // runs its test there, before and after 构建 npm
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/examples/page-test/'],
  moduleNameMapper: { '^weapp-card-coupon/(server|testing|utils)(/index)?$': '<rootDir>/$1/index.ts' },
  transform: {
    '^.+\\.ts$': '<rootDir>/test/helpers/ts-transform.js',
    // a component's .wxs module is CommonJS ES5: its logic loads it as it is (the build bundles it the same way)
    '^.+\\.wxs$': '<rootDir>/test/helpers/wxs-transform.js',
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'wxs'],
  // a bound on a hang, not a measure: wide enough for a machine running two suites at once
  testTimeout: 60000,
  // both cores: jest's default leaves one for itself, and the main process mostly waits
  maxWorkers: 2,
  // A worker that ran the DOM suites exits with a large heap; tearing that down can take longer than jest's 500 ms
  // default, which jest then reports as a leak. A worker that really hangs is still stopped, 3 s later.
  workerGracefulExitTimeout: 3000,
  // npm pack, install and WeChat's "构建 npm" once for every suite that needs the package as users get it
  globalSetup: '<rootDir>/test/setup/package-fixture.js',
  globalTeardown: '<rootDir>/test/setup/teardown.js',
}
