// `npm run test:taro` / `npm run test:uni`: the README's recipe for that framework, proven on the package as npm
// gives it. Against the packed tarball (npm pack), in a work folder outside the repository (npm ci of the
// repository never sees it):
//   1. install   the framework's project (frameworks/<name>/: its packages pinned) and the tarball, from npm;
//   2. build     it for WeChat (uni-app first runs our weapp-card-coupon-uni bin);
//   3. paths     every usingComponents path of the build resolves to a component; our px (and vant's) is untouched;
//   4. types     the project type-checks with our typings (weapp-card-coupon/jsx or /vue), without
//                miniprogram-api-typings, and a wrong prop value fails (frameworks/<name>/negative.*);
//   5. render    frameworks/render.test.ts renders the built page in miniprogram-simulate (official compiler).
// Each step's output is shown when it fails; the times of all steps are printed at the end.
// FRAMEWORKS_WORKDIR=<dir> keeps the work folder (and its node_modules) between runs.
import { spawnSync } from 'child_process'
import fs from 'fs'
import { createRequire } from 'module'
import os from 'os'
import path from 'path'

const ROOT = path.resolve(__dirname, '..')
const nodeRequire = createRequire(__filename)
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx'

/** What differs between the two frameworks. */
interface Framework {
  /** The built mini-program, inside the project. */
  output: string
  /** Where the build put our tags and vant (for the px check): ours, vant's, and vant's package folder used. */
  ours: string
  vant: string
  vantSource: string
  /** Commands (a bin of the project and its arguments) before the build. */
  prebuild: string[][]
  typecheck: string[]
  negative: string
}

const FRAMEWORKS: Record<string, Framework> = {
  taro: {
    output: 'dist',
    ours: 'dist/npm/weapp-card-coupon/miniprogram_dist',
    vant: 'dist/npm/@vant/weapp/dist',
    vantSource: 'dist',
    prebuild: [],
    typecheck: ['tsc', '--noEmit', '-p'],
    negative: 'negative.tsx',
  },
  uni: {
    output: 'dist/build/mp-weixin',
    ours: 'dist/build/mp-weixin/wxcomponents/weapp-card-coupon',
    vant: 'dist/build/mp-weixin/wxcomponents/miniprogram_npm/@vant/weapp',
    vantSource: 'lib',
    prebuild: [['weapp-card-coupon-uni', 'src']],
    typecheck: ['vue-tsc', '--noEmit', '-p'],
    negative: 'negative.vue',
  },
}

const name = process.argv[2] ?? ''
const framework = FRAMEWORKS[name]
if (!framework) {
  console.error(`usage: tsx frameworks/run.ts <${Object.keys(FRAMEWORKS).join('|')}>`)
  process.exit(2)
}
const SOURCE = path.join(__dirname, name)
// a fresh folder each run (removed when the run passes), unless FRAMEWORKS_WORKDIR keeps one
const KEEP = process.env.FRAMEWORKS_WORKDIR
const WORK = KEEP ? path.resolve(KEEP, name) : fs.mkdtempSync(path.join(os.tmpdir(), `weapp-card-coupon-${name}-`))

const times: [title: string, seconds: number][] = []
/** Runs one step: `work()` returns nothing or throws; the time is recorded. */
function step(title: string, work: () => void): void {
  const started = Date.now()
  try {
    work()
  } catch (error) {
    console.log(`FAIL ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    console.log(error instanceof Error ? error.message : String(error))
    console.log(`(the project is in ${WORK})`)
    process.exit(1)
  }
  const seconds = (Date.now() - started) / 1000
  times.push([title, seconds])
  console.log(`ok   ${title} (${seconds.toFixed(1)} s)`)
}

/** Runs a command; throws with its output when it fails. */
function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? WORK,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CI: 'true', ...options.env },
  })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${output}`)
  return output
}

/** Every file below `dir` whose name passes `test`. */
function filesBelow(dir: string, test: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? filesBelow(path.join(dir, d.name), test) : test(d.name) ? [path.join(dir, d.name)] : [],
    )
}

let tarball = ''
step('npm pack (builds the package)', () => {
  fs.mkdirSync(WORK, { recursive: true })
  // the build that prepack runs, then pack (its output stays apart from pack's JSON)
  run(NPM, ['run', 'build'], { cwd: ROOT })
  const packed = JSON.parse(run(NPM, ['pack', ROOT, '--ignore-scripts', '--json', '--pack-destination', WORK])) as {
    filename: string
  }[]
  const filename = packed[0]?.filename
  if (!filename) throw new Error('npm pack named no tarball')
  tarball = path.join(WORK, filename)
})

step(`install (frameworks/${name}, pinned, and the tarball)`, () => {
  // the project's files over the work folder (node_modules and earlier builds stay; dist is rebuilt)
  for (const entry of fs.readdirSync(SOURCE))
    fs.cpSync(path.join(SOURCE, entry), path.join(WORK, entry), { recursive: true })
  fs.cpSync(path.join(__dirname, 'render.test.ts'), path.join(WORK, 'test', 'render.test.ts'))
  fs.rmSync(path.join(WORK, 'dist'), { recursive: true, force: true })
  run(NPM, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball])
})

let built = ''
step('build', () => {
  for (const [bin = '', ...args] of framework.prebuild) console.log(run(NPX, ['--no-install', bin, ...args]).trimEnd())
  run(NPM, ['run', 'build'])
  const output = path.join(WORK, framework.output)
  const bytes = filesBelow(output, (f) => /\.(js|json|wxml|wxss|wxs)$/.test(f)).reduce(
    (n, f) => n + fs.statSync(f).size,
    0,
  )
  built = `${framework.output}: ${(bytes / 1000).toFixed(1)} KB (js, json, wxml, wxss, wxs)`
})

step('paths: every component path resolves; px untouched', () => {
  const output = path.join(WORK, framework.output)
  const problems: string[] = []
  const isComponent = (file: string) => ['.json', '.js', '.wxml'].every((ext) => fs.existsSync(file + ext))
  for (const json of filesBelow(output, (f) => f.endsWith('.json'))) {
    const { usingComponents = {} } = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      usingComponents?: Record<string, string>
    }
    for (const [tag, target] of Object.entries(usingComponents)) {
      if (target.startsWith('plugin://')) continue
      let found: string | undefined
      if (target.startsWith('/')) found = path.join(output, target)
      else if (target.startsWith('.')) found = path.resolve(path.dirname(json), target)
      else {
        // WeChat's rule for an npm path: the nearest miniprogram_npm from the component's folder up to the root
        for (let dir = path.dirname(json); !found && dir.startsWith(output); dir = path.dirname(dir)) {
          const candidate = path.join(dir, 'miniprogram_npm', target)
          if (isComponent(candidate)) found = candidate
        }
      }
      if (!found || !isComponent(found))
        problems.push(`${path.relative(output, json)}: <${tag}> ${target} is no component`)
    }
  }
  // px as the tarball has it: the same px values, in the same number, and no rpx the source did not have
  // (a style's @import counted in: Taro inlines vant's common styles, uni-app keeps the @import)
  const styleText = (file: string, seen = new Set<string>()): string => {
    if (seen.has(file) || !fs.existsSync(file)) return ''
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8')
    const imported = [...text.matchAll(/@import\s+["']([^"']+)["']/g)]
    return (
      text + imported.map(([, target = '']) => styleText(path.resolve(path.dirname(file), target), seen)).join('\n')
    )
  }
  const units = (file: string): string[] => (styleText(file).match(/-?[\d.]+r?px\b/g) || []).sort()
  const installed = (pkg: string) => path.join(WORK, 'node_modules', pkg)
  const pairs: [from: string, to: string][] = [
    [path.join(installed('weapp-card-coupon'), 'miniprogram_dist'), path.join(WORK, framework.ours)],
    [path.join(installed('@vant/weapp'), framework.vantSource), path.join(WORK, framework.vant)],
  ]
  let compared = 0
  for (const [from, to] of pairs) {
    for (const built of filesBelow(to, (f) => f.endsWith('.wxss'))) {
      const source = path.join(from, path.relative(to, built))
      if (!fs.existsSync(source)) continue
      compared++
      const [want, got] = [units(source), units(built)]
      if (want.join(' ') !== got.join(' '))
        problems.push(`${path.relative(WORK, built)}: px changed (${got.filter((u) => !want.includes(u)).join(' ')})`)
    }
  }
  if (compared < 3) problems.push(`only ${compared} built .wxss of ours and vant's found to compare`)
  if (problems.length) throw new Error(problems.join('\n'))
})

step('types: our typings, no miniprogram-api-typings, a wrong prop fails', () => {
  const [bin = '', ...args] = framework.typecheck
  const listed = run(NPX, ['--no-install', bin, ...args, 'tsconfig.json', '--listFiles'])
  const typingsFiles = listed.split('\n').filter((l) => l.includes('node_modules/weapp-card-coupon/typings/'))
  if (typingsFiles.length < 2) throw new Error(`the project does not read our typings:\n${listed}`)
  if (listed.includes('miniprogram-api-typings')) throw new Error('miniprogram-api-typings entered the program')
  // the same project with the negative case: it must fail, on the wrong value only
  const config = JSON.parse(fs.readFileSync(path.join(WORK, 'tsconfig.json'), 'utf8')) as { include: string[] }
  fs.writeFileSync(
    path.join(WORK, 'tsconfig.negative.json'),
    JSON.stringify({ ...config, include: [...config.include, framework.negative] }),
  )
  let failed = ''
  try {
    run(NPX, ['--no-install', bin, ...args, 'tsconfig.negative.json'])
  } catch (error) {
    failed = error instanceof Error ? error.message : String(error)
  }
  const errors = failed.split('\n').filter((l) => /error TS\d+/.test(l))
  if (!errors.length) throw new Error(`${framework.negative} type-checks: a wrong prop value went unnoticed`)
  const elsewhere = errors.filter((l) => !l.includes(framework.negative))
  if (elsewhere.length) throw new Error(`errors outside ${framework.negative}:\n${elsewhere.join('\n')}`)
  const marked = fs
    .readFileSync(path.join(WORK, framework.negative), 'utf8')
    .split('\n')
    .flatMap((line, i) => (/\/\*\s*@expect-error|<!--\s*@expect-error/.test(line) ? [i + 1] : []))
  const failing = errors.map((l) => Number(/[(:](\d+)[,:]\d+/.exec(l.slice(l.indexOf(framework.negative)))?.[1]))
  if (marked.join() !== failing.join())
    throw new Error(
      `${framework.negative}: errors on lines ${failing}, wrong values marked on ${marked}:\n${errors.join('\n')}`,
    )
})

step('render (miniprogram-simulate, official compiler)', () => {
  const jest = nodeRequire.resolve('jest/bin/jest', { paths: [ROOT] })
  const config = {
    rootDir: WORK,
    roots: ['<rootDir>/test'],
    testEnvironment: nodeRequire.resolve('jest-environment-jsdom', { paths: [ROOT] }),
    transform: { '^.+\\.ts$': path.join(ROOT, 'test/helpers/ts-transform.js') },
    testTimeout: 60000,
  }
  const output = run(process.execPath, [jest, '--ci', '--config', JSON.stringify(config)], {
    env: { NODE_ENV: 'test', MINIPROGRAM_ROOT: path.join(WORK, framework.output) },
  })
  if (!/Tests:\s+1 passed, 1 total/.test(output)) throw new Error(output)
})

console.log(`the build: ${built}`)
if (!KEEP) fs.rmSync(WORK, { recursive: true, force: true })
const total = times.reduce((sum, [, seconds]) => sum + seconds, 0)
console.log(
  `${name}: ${times.map(([title, s]) => `${title.split(' ')[0]} ${s.toFixed(0)} s`).join(', ')}; total ${total.toFixed(0)} s`,
)
