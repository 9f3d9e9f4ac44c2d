#!/usr/bin/env node
// Builds the two halves of the package:
//   miniprogram_dist/  what devtools' "构建 npm" copies into a mini-program (components + utils, minified, .d.ts)
//   dist/              the Node entries weapp-card-coupon/server and weapp-card-coupon/testing
const { execFileSync } = require('child_process')
const esbuild = require('esbuild')
const fs = require('fs')
const path = require('path')

const ROOT = path.resolve(__dirname, '..')
const MP = path.join(ROOT, 'miniprogram_dist')
const NODE = path.join(ROOT, 'dist')
const TMP = path.join(ROOT, '.tmp', 'types')
const COMPONENTS = fs
  .readdirSync(path.join(ROOT, 'components'))
  .filter((d) => fs.existsSync(path.join(ROOT, 'components', d, 'index.json')))
const UTILS_FROM_COMPONENT = '../../utils/index'

const write = (file, text) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}
const tsc = (...args) =>
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: ROOT, stdio: 'inherit' })

/** Blanks inside a {{ }} expression next to an operator or bracket, outside string literals. */
const tightExpr = (e) =>
  e
    .split(/('[^']*'|"[^"]*")/)
    .map((part, i) => (i % 2 ? part : part.replace(/\s*([^\w\s.$'"])\s*/g, '$1')))
    .join('')
    .trim()

/** Drops comments, indentation between tags and blanks inside expressions; text spacing is kept. */
const minifyWxml = (s) =>
  s
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/>\s+</g, '><')
    .replace(/\s+(\/?>)/g, '$1')
    .replace(/\{\{([\s\S]*?)\}\}/g, (_, e) => `{{${tightExpr(e)}}}`)
    .trim()

/**
 * esbuild's CommonJS output carries ~600 bytes of interop helpers per file; its ESM output has one import
 * line per dependency and one export clause, which map 1:1 onto require / module.exports.
 */
function toCommonJs(code) {
  const out = code
    .replace(
      /import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?/g,
      (_, names, from) =>
        `const{${names
          .split(',')
          .map((n) => n.trim().replace(/\s+as\s+/, ':'))
          .join(',')}}=require(${JSON.stringify(from)});`,
    )
    .replace(
      /export\s*\{([^}]*)\};?\s*$/,
      (_, names) =>
        `module.exports={${names
          .split(',')
          .map((n) => {
            const [local, as] = n.trim().split(/\s+as\s+/)
            return `${as || local}:${local}`
          })
          .join(',')}};`,
    )
  if (
    /(^|[;}\s])(import|export)[\s{*]/.test(out.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""'))
  ) {
    throw new Error('build: ESM syntax left after conversion to CommonJS')
  }
  return out
}

async function buildClient() {
  fs.rmSync(MP, { recursive: true, force: true })
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2015',
    minify: true,
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
  }
  // utils: one file, shared by both components through require('../utils/index')
  const u = await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'utils/index.ts')] })
  write(path.join(MP, 'utils/index.js'), toCommonJs(u.outputFiles[0].text))
  const utilsExternal = {
    name: 'utils-external',
    setup(b) {
      b.onResolve({ filter: /\/utils\/index$/ }, (a) =>
        a.path === UTILS_FROM_COMPONENT ? { path: '../utils/index', external: true } : undefined,
      )
    },
  }
  for (const name of COMPONENTS) {
    const src = path.join(ROOT, 'components', name)
    const out = path.join(MP, name)
    const js = await esbuild.build({ ...common, entryPoints: [path.join(src, 'index.ts')], plugins: [utilsExternal] })
    write(path.join(out, 'index.js'), toCommonJs(js.outputFiles[0].text))
    write(path.join(out, 'index.wxml'), minifyWxml(fs.readFileSync(path.join(src, 'index.wxml'), 'utf8')))
    const css = await esbuild.transform(fs.readFileSync(path.join(src, 'index.wxss'), 'utf8'), {
      loader: 'css',
      minify: true,
      logLevel: 'warning',
    })
    // esbuild keeps the blanks inside custom property values; wcsc does not need them
    write(path.join(out, 'index.wxss'), css.code.trim().replace(/:\s+/g, ':').replace(/,\s+/g, ','))
    write(
      path.join(out, 'index.json'),
      JSON.stringify(JSON.parse(fs.readFileSync(path.join(src, 'index.json'), 'utf8'))),
    )
  }
  // typings: tsc declarations, re-pointed from the source layout (components/x → x)
  fs.rmSync(TMP, { recursive: true, force: true })
  tsc('-p', 'tsconfig.json', '--declaration', '--emitDeclarationOnly', '--outDir', TMP, '--noEmit', 'false')
  for (const f of fs.readdirSync(path.join(TMP, 'utils')))
    fs.copyFileSync(path.join(TMP, 'utils', f), path.join(MP, 'utils', f))
  for (const name of COMPONENTS) {
    const dts = fs.readFileSync(path.join(TMP, 'components', name, 'index.d.ts'), 'utf8')
    write(path.join(MP, name, 'index.d.ts'), dts.split(UTILS_FROM_COMPONENT).join('../utils/index'))
  }
  fs.rmSync(path.join(ROOT, '.tmp'), { recursive: true, force: true })
}

function buildNode() {
  fs.rmSync(NODE, { recursive: true, force: true })
  tsc('-p', 'tsconfig.node.json')
}

/** Bytes a mini-program pays for: js + wxml + wxss + json (typings excluded). */
function weight(dir) {
  let total = 0
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name)
      if (e.isDirectory()) walk(f)
      else if (/\.(js|wxml|wxss|json|wxs)$/.test(e.name)) total += fs.statSync(f).size
    }
  }
  walk(dir)
  return total
}

async function main() {
  await buildClient()
  buildNode()
  const bytes = weight(MP)
  console.log(`miniprogram_dist: ${COMPONENTS.join(', ')}, utils — ${bytes} bytes (js+wxml+wxss+json; budget 8000)`)
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}

module.exports = { weight, MP, ROOT }
