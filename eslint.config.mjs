// One lint configuration for the whole repository: typescript-eslint's recommended rules, each folder with the
// globals of where it runs (mini-program, Node, jest, browser). Formatting is Prettier's (eslint-config-prettier).
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// What the mini-program runtime defines: its API, the page and component constructors, the console and timers.
const miniProgram = {
  wx: 'readonly',
  Component: 'readonly',
  Behavior: 'readonly',
  Page: 'readonly',
  App: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  console: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'miniprogram_dist/',
      '**/miniprogram_npm/',
      'demo/vendor/',
      'playground/.out/',
      'coverage/',
      '.tmp/',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  // CommonJS files, tests that load modules lazily (after jest.resetModules or a patched global), and the tools
  // that load untyped CommonJS packages (miniprogram-compiler, miniprogram-ci) or the demo's config.js.
  {
    files: ['**/*.js', '**/*.cjs', 'test/**', 'bench/**', 'scripts/**', 'playground/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['utils/**', 'components/**', 'demo/**', 'bench/baseline-list/**'],
    languageOptions: { globals: { ...miniProgram } },
  },
  {
    files: ['demo/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.commonjs, ...globals.es2021, ...miniProgram } },
  },
  {
    files: [
      'server/**',
      'testing/**',
      'scripts/**',
      'bench/**',
      'playground/**',
      'examples/**',
      '*.js',
      '*.mjs',
      'test/**',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  { files: ['playground/src/**', 'playground/test/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['test/**', 'bench/**'], languageOptions: { globals: { ...globals.jest, ...miniProgram } } },
  // the WeChat Pay examples: Node programs, and a mini-program page
  { files: ['examples/pay/**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['examples/pay/pages/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.es2021, ...miniProgram } },
  },
  { files: ['examples/**/*.test.ts'], languageOptions: { globals: { ...globals.jest } } },
  prettier,
)
