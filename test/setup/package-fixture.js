// The heavy step of the package tests, done once per jest run by the first suite that asks (`packageFixture()`):
// npm pack the built package, install the tarball in a consumer mini-program (next to an app vant 1.11.x), and
// run WeChat's own "构建 npm" builder (miniprogram-ci packNpmManually) on it. Nothing here asserts.
// The jest globalSetup names this run's own scratch folder; on a whole run (no path filter) it also starts building
// the fixture in a child process at once, so the suites that need it seldom wait (globalTeardown waits for that
// child, then removes the folder).
const { execFileSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const ROOT = path.resolve(__dirname, '../..')
const SCRATCH = path.join(ROOT, '.tmp')
/**
 * This run's scratch folder, `.tmp/run-<pid of jest's main process>`: the globalSetup puts it in the environment the
 * workers inherit, so two test runs in one checkout never share (or delete) each other's files.
 */
const RUN_DIR = process.env.WEAPP_TEST_RUN_DIR || path.join(SCRATCH, `run-${process.pid}`)
const FIXTURE = path.join(RUN_DIR, 'package-fixture')
const CONSUMER = path.join(FIXTURE, 'consumer')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
/** The app's own vant: the oldest version our range admits (the locked one, relabelled). */
const APP_VANT = '1.11.0'
const TAGS = {
  'add-card-button': 'weapp-card-coupon/add-card-button/index',
  'open-card-list': 'weapp-card-coupon/open-card-list/index',
  'pay-coupon-list': 'weapp-card-coupon/pay-coupon-list/index',
}

/** npm pack of several folders in one npm run: their tarball file names, by package name. */
const pack = (folders, destination) =>
  Object.fromEntries(
    JSON.parse(
      execFileSync(NPM, ['pack', ...folders, '--ignore-scripts', '--json', '--pack-destination', destination], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ).map((packed) => [packed.name, packed.filename]),
  )

function write(file, value) {
  fs.mkdirSync(path.dirname(path.join(CONSUMER, file)), { recursive: true })
  fs.writeFileSync(path.join(CONSUMER, file), typeof value === 'string' ? value : JSON.stringify(value, null, 2))
}

async function createPackageFixture() {
  if (!fs.existsSync(path.join(ROOT, 'miniprogram_dist')) || !fs.existsSync(path.join(ROOT, 'dist'))) {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build.ts')], { stdio: 'inherit' })
  }
  fs.rmSync(FIXTURE, { recursive: true, force: true })
  fs.mkdirSync(FIXTURE, { recursive: true })
  const vantDir = path.join(FIXTURE, 'app-vant')
  fs.cpSync(path.dirname(require.resolve('@vant/weapp/package.json')), vantDir, { recursive: true })
  const vantPkg = JSON.parse(fs.readFileSync(path.join(vantDir, 'package.json'), 'utf8'))
  fs.writeFileSync(path.join(vantDir, 'package.json'), JSON.stringify({ ...vantPkg, version: APP_VANT }))
  // `npm test` has just built; --ignore-scripts keeps pack from building a second time
  const packed = pack([ROOT, vantDir], FIXTURE)
  const tarball = packed['weapp-card-coupon']
  const vantTarball = packed['@vant/weapp']

  write('package.json', { name: 'consumer', version: '1.0.0', private: true })
  write('project.config.json', {
    appid: 'touristappid',
    compileType: 'miniprogram',
    miniprogramRoot: './',
    setting: {
      packNpmManually: true,
      packNpmRelationList: [{ packageJsonPath: './package.json', miniprogramNpmDistDir: './' }],
    },
  })
  write('app.json', { pages: ['pages/index/index'] })
  write('app.js', 'App({})\n')
  write('pages/index/index.json', { usingComponents: TAGS })
  write(
    'pages/index/index.wxml',
    '<add-card-button card-list="{{cards}}" bind:success="onAdded" />\n<open-card-list cards="{{held}}" />\n' +
      '<pay-coupon-list coupons="{{coupons}}" />\n',
  )
  write('pages/index/index.js', 'Page({ data: { cards: [], held: [], coupons: [] }, onAdded() {} })\n')
  execFileSync(
    NPM,
    [
      'install',
      path.join(FIXTURE, vantTarball),
      path.join(FIXTURE, tarball),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
    ],
    { cwd: CONSUMER, stdio: 'pipe' },
  )
  // the builder announces its services on stdout (when loaded and when run); the test run stays quiet
  const log = console.log
  console.log = () => undefined
  let built
  try {
    const ci = require('miniprogram-ci')
    built = await ci.packNpmManually({
      packageJsonPath: path.join(CONSUMER, 'package.json'),
      miniprogramNpmDistDir: CONSUMER,
    })
  } finally {
    console.log = log
  }
  fs.writeFileSync(
    path.join(FIXTURE, 'fixture.json'),
    JSON.stringify({ tarball, warnList: built.warnList || [], appVant: APP_VANT, tags: TAGS }, null, 2),
  )
}

const LOCK = FIXTURE + '.lock'
const READY = path.join(FIXTURE, 'fixture.json')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The fixture, built by the first suite that asks (a directory made atomically is the lock between jest workers);
 * the others wait for it. Resolves what fixture.json records.
 */
async function packageFixture() {
  for (;;) {
    if (fs.existsSync(READY)) return JSON.parse(fs.readFileSync(READY, 'utf8'))
    fs.mkdirSync(path.dirname(LOCK), { recursive: true })
    try {
      fs.mkdirSync(LOCK)
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      await sleep(200) // another worker is building it
      continue
    }
    try {
      if (!fs.existsSync(READY)) await createPackageFixture()
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true })
    }
  }
}

let builder

/** True while process `pid` runs. */
function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

/** jest globalSetup: this run's folder (and fixture, from this build); on a whole run, starts building it now. */
function setup(globalConfig) {
  process.env.WEAPP_TEST_RUN_DIR = RUN_DIR
  // what a run that was killed left behind
  for (const name of fs.existsSync(SCRATCH) ? fs.readdirSync(SCRATCH) : []) {
    const pid = /^run-(\d+)$/.exec(name)?.[1]
    if (pid && !alive(Number(pid))) fs.rmSync(path.join(SCRATCH, name), { recursive: true, force: true })
  }
  fs.rmSync(RUN_DIR, { recursive: true, force: true })
  if (globalConfig && globalConfig.testPathPatterns && globalConfig.testPathPatterns.isSet()) return
  const { spawn } = require('child_process')
  builder = spawn(process.execPath, [__filename], { stdio: 'ignore' })
}

/** jest globalTeardown: no builder left running, and this run's folder gone. */
async function teardown() {
  if (builder && builder.exitCode === null) {
    await new Promise((resolve) => {
      builder.once('exit', resolve)
      builder.kill()
    })
  }
  fs.rmSync(RUN_DIR, { recursive: true, force: true })
}

if (require.main === module) {
  packageFixture().catch((error) => {
    // the suites that need the fixture build it themselves and report the error there
    console.error(error)
    process.exit(1)
  })
}

module.exports = setup
module.exports.teardown = teardown
module.exports.packageFixture = packageFixture
module.exports.RUN_DIR = RUN_DIR
module.exports.FIXTURE = FIXTURE
module.exports.CONSUMER = CONSUMER
