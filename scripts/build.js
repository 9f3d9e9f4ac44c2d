#!/usr/bin/env node
// Builds the two halves of the package:
//   miniprogram_dist/  what devtools' "构建 npm" copies into a mini-program (components + utils, minified, .d.ts)
//   dist/              the Node entries weapp-card-coupon/server and weapp-card-coupon/testing
const { execFileSync } = require('child_process')
const esbuild = require('esbuild')
const fs = require('fs')
const path = require('path')
const { clientWeight } = require('./weight')

const ROOT = path.resolve(__dirname, '..')
const MP = path.join(ROOT, 'miniprogram_dist')
const NODE = path.join(ROOT, 'dist')
const TMP = path.join(ROOT, '.tmp', 'types')
const COMPONENTS = fs
  .readdirSync(path.join(ROOT, 'components'))
  .filter((d) => fs.existsSync(path.join(ROOT, 'components', d, 'index.json')))

const write = (file, text) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}
const tsc = (...args) =>
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: ROOT, stdio: 'inherit' })

/** Drops comments, indentation between tags and blanks around expressions; text spacing is kept. */
const minifyWxml = (s) =>
  s
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
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ source: `components/common/${f}`, shipped: `common/${f.replace(/\.ts$/, '')}` })),
  ...COMPONENTS.map((name) => ({ source: `components/${name}/index.ts`, shipped: `${name}/index` })),
]
const SHIPPED_BY_SOURCE = new Map(MODULES.map((m) => [path.join(ROOT, m.source.replace(/\.ts$/, '')), m.shipped]))

/** esbuild plugin: an import that resolves to another shipped module becomes `require('<relative shipped path>')`. */
function shippedModulesExternal(shipped) {
  return {
    name: 'shipped-modules-external',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = SHIPPED_BY_SOURCE.get(path.resolve(args.resolveDir, args.path))
        if (!target || target === shipped) return undefined
        let relative = path.posix.relative(path.posix.dirname(shipped), target)
        if (!relative.startsWith('.')) relative = './' + relative
        return { path: relative, external: true }
      })
    },
  }
}

async function buildClient() {
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
    const src = path.join(ROOT, 'components', name)
    const out = path.join(MP, name)
    write(path.join(out, 'index.wxml'), minifyWxml(fs.readFileSync(path.join(src, 'index.wxml'), 'utf8')))
    const css = await esbuild.transform(fs.readFileSync(path.join(src, 'index.wxss'), 'utf8'), {
      loader: 'css',
      minify: true,
      logLevel: 'warning',
    })
    write(path.join(out, 'index.wxss'), css.code)
    write(
      path.join(out, 'index.json'),
      JSON.stringify(JSON.parse(fs.readFileSync(path.join(src, 'index.json'), 'utf8'))),
    )
    // WXS is copied as it is: it is a subset of ES5 (no 1e3, no shorthand properties) that minifiers step outside of
    for (const wxs of fs.readdirSync(src).filter((f) => f.endsWith('.wxs'))) {
      fs.copyFileSync(path.join(src, wxs), path.join(out, wxs))
    }
  }
  // typings: tsc declarations, laid out like the JS (components/x → x, components/common → common)
  fs.rmSync(TMP, { recursive: true, force: true })
  tsc('-p', 'tsconfig.json', '--declaration', '--emitDeclarationOnly', '--outDir', TMP, '--noEmit', 'false')
  fs.cpSync(path.join(TMP, 'utils'), path.join(MP, 'utils'), { recursive: true })
  for (const dir of fs.readdirSync(path.join(TMP, 'components'))) {
    for (const file of fs.readdirSync(path.join(TMP, 'components', dir))) {
      const dts = fs.readFileSync(path.join(TMP, 'components', dir, file), 'utf8')
      write(path.join(MP, dir, file), dts.split("'../../utils/index'").join("'../utils/index'"))
    }
  }
  fs.rmSync(path.join(ROOT, '.tmp'), { recursive: true, force: true })
}

function buildNode() {
  fs.rmSync(NODE, { recursive: true, force: true })
  tsc('-p', 'tsconfig.node.json')
}

const kb = (bytes) => (bytes / 1000).toFixed(1)

async function main() {
  await buildClient()
  buildNode()
  const { ours, withVant, vantParts } = clientWeight()
  console.log(
    `miniprogram_dist: ${kb(ours)} KB ours (${COMPONENTS.join(', ')}, common, utils); ` +
      `构建 npm adds ${kb(withVant)} KB to an app without vant (with vant's ${vantParts.join(', ')})`,
  )
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}

module.exports = { MP, ROOT }
