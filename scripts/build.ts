// `tsx scripts/build.ts [--no-check]`: builds the two halves of the package and prints the client's weight.
//   miniprogram_dist/  what devtools' "构建 npm" copies into a mini-program (components + utils, minified, .d.ts)
//   dist/              the Node entries weapp-card-coupon/server and weapp-card-coupon/testing
// tsc type-checks both while it emits their declarations; `--no-check` leaves that to `npm run typecheck` (npm test
// runs it beside the build, so each project is checked once).
import { spawn } from 'child_process'
import esbuild from 'esbuild'
import { createRequire } from 'module'
import fs from 'fs'
import path from 'path'
import { COMPONENTS, MP, ROOT, clientWeight, kb } from './weight'

const NODE_DIST = path.join(ROOT, 'dist')
const TYPES = path.join(ROOT, '.tmp', 'types')

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

/** Runs tsc with `args`; rejects with its output when it fails. */
function tsc(check: boolean, ...args: string[]): Promise<void> {
  const tscPath = require.resolve('typescript/bin/tsc')
  const child = spawn(process.execPath, [tscPath, ...args, ...(check ? [] : ['--noCheck'])], { cwd: ROOT })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tsc ${args.join(' ')}:\n${output}`)))),
  )
}

/** Drops comments, indentation between tags and blanks around expressions; text spacing is kept. */
const minifyWxml = (wxml: string) =>
  wxml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/>\s+</g, '><')
    .replace(/\s+(\/?>)/g, '$1')
    .replace(/\{\{\s*([\s\S]*?)\s*\}\}/g, '{{$1}}')
    .trim()

/**
 * The shipped JS modules: source entry → path inside miniprogram_dist. Each is bundled on its own; an import of
 * another shipped module stays a require() of its shipped path, so utils and the shared Behavior load once.
 */
const MODULES = [
  { source: 'utils/index.ts', shipped: 'utils/index' },
  // what the tags share (components/common): each file one shipped module
  ...fs
    .readdirSync(path.join(ROOT, 'components/common'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ source: `components/common/${file}`, shipped: `common/${file.replace(/\.ts$/, '')}` })),
  ...COMPONENTS.map((name) => ({ source: `components/${name}/index.ts`, shipped: `${name}/index` })),
]
const SHIPPED_BY_SOURCE = new Map(MODULES.map((m) => [path.join(ROOT, m.source.replace(/\.ts$/, '')), m.shipped]))

/** esbuild plugin: an import that resolves to another shipped module becomes `require('<relative shipped path>')`. */
function shippedModulesExternal(shipped: string): esbuild.Plugin {
  return {
    name: 'shipped-modules-external',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = SHIPPED_BY_SOURCE.get(path.resolve(args.resolveDir, args.path))
        if (!target || target === shipped) return undefined
        const relative = path.posix.relative(path.posix.dirname(shipped), target)
        return { path: relative.startsWith('.') ? relative : './' + relative, external: true }
      })
    },
  }
}

async function buildClient(check: boolean) {
  fs.rmSync(MP, { recursive: true, force: true })
  for (const { source, shipped } of MODULES) {
    await esbuild.build({
      entryPoints: [path.join(ROOT, source)],
      outfile: path.join(MP, shipped + '.js'),
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2015',
      minify: true,
      charset: 'utf8',
      logLevel: 'warning',
      // a .wxs module the template uses is bundled as plain JS where the logic needs the same rule
      loader: { '.wxs': 'js' },
      plugins: [shippedModulesExternal(shipped)],
    })
  }
  for (const name of COMPONENTS) {
    const source = path.join(ROOT, 'components', name)
    const out = path.join(MP, name)
    const read = (file: string) => fs.readFileSync(path.join(source, file), 'utf8')
    write(path.join(out, 'index.wxml'), minifyWxml(read('index.wxml')))
    const css = await esbuild.transform(read('index.wxss'), { loader: 'css', minify: true, logLevel: 'warning' })
    write(path.join(out, 'index.wxss'), css.code)
    write(path.join(out, 'index.json'), JSON.stringify(JSON.parse(read('index.json'))))
    // WXS is copied as it is: it is a subset of ES5 (no 1e3, no shorthand properties) that minifiers step outside of
    for (const wxs of fs.readdirSync(source).filter((file) => file.endsWith('.wxs'))) {
      fs.copyFileSync(path.join(source, wxs), path.join(out, wxs))
    }
  }
  // typings: tsc declarations, laid out like the JS (components/x → x, components/common → common)
  fs.rmSync(TYPES, { recursive: true, force: true })
  await tsc(
    check,
    '-p',
    'tsconfig.json',
    '--declaration',
    '--emitDeclarationOnly',
    '--outDir',
    TYPES,
    '--noEmit',
    'false',
  )
  fs.cpSync(path.join(TYPES, 'utils'), path.join(MP, 'utils'), { recursive: true })
  for (const dir of fs.readdirSync(path.join(TYPES, 'components'))) {
    for (const file of fs.readdirSync(path.join(TYPES, 'components', dir))) {
      const dts = fs.readFileSync(path.join(TYPES, 'components', dir, file), 'utf8')
      write(path.join(MP, dir, file), dts.split("'../../utils/index'").join("'../utils/index'"))
    }
  }
  fs.rmSync(path.join(ROOT, '.tmp', 'types'), { recursive: true, force: true })
}

async function buildNode(check: boolean) {
  fs.rmSync(NODE_DIST, { recursive: true, force: true })
  await tsc(check, '-p', 'tsconfig.node.json')
}

/**
 * dist/utils/index.mjs: the utils for `import { … } from 'weapp-card-coupon/utils'` in Node ES modules (package
 * exports, condition node + import). miniprogram_dist's minified CommonJS does not show Node its export names; this
 * file names them and re-exports the same module, so Node loads one copy. Outside miniprogram_dist: 构建 npm never
 * copies it.
 */
function writeNodeEsmUtils() {
  const nodeRequire = createRequire(__filename)
  const built = path.join(MP, 'utils', 'index.js')
  delete nodeRequire.cache[built]
  const names = Object.keys(nodeRequire(built) as object)
    .filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default')
    .sort()
  write(
    path.join(NODE_DIST, 'utils', 'index.mjs'),
    [
      '// weapp-card-coupon/utils for Node ES modules (written by scripts/build.ts): the mini-program build, by name.',
      "import utils from '../../miniprogram_dist/utils/index.js'",
      `export const { ${names.join(', ')} } = utils`,
      'export default utils',
      '',
    ].join('\n'),
  )
}

/** Builds both halves (their tsc runs side by side) and resolves the client's weight. */
export async function build({ check = true } = {}) {
  await Promise.all([buildClient(check), buildNode(check)])
  writeNodeEsmUtils()
  return clientWeight()
}

if (require.main === module) {
  build({ check: !process.argv.includes('--no-check') }).then(
    ({ ours, copiedByNpmBuild, keptAtUpload, vantParts }) =>
      console.log(
        `miniprogram_dist: ${kb(ours)} ours (${COMPONENTS.join(', ')}, common, utils); in an app without vant, ` +
          `构建 npm copies ${kb(copiedByNpmBuild)} (all of vant's lib) and an upload with 过滤无依赖文件 keeps ` +
          `${kb(keptAtUpload)} (with vant's ${vantParts.join(', ')})`,
      ),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    },
  )
}
