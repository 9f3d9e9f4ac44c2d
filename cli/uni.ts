#!/usr/bin/env node
// npx weapp-card-coupon-uni [dir]: puts our card tags into a uni-app project (Vue 3, mp-weixin), which cannot take
// components from npm: the files of miniprogram_dist they reach into <dir>/wxcomponents/weapp-card-coupon/, and the
// vant files they reach (found from their usingComponents, vant's relations and every require/import, not a fixed list) from
// vant's CommonJS lib/ into <dir>/wxcomponents/miniprogram_npm/@vant/weapp/, where WeChat finds `@vant/weapp/…`
// walking up from our components. <dir>: the folder of pages.json (default: src/ when it has one, else the current
// folder). Run it again after each update of the package (it replaces what it copied before).
import fs from 'fs'
import path from 'path'
import { reachedFiles } from './component-graph'

const PACKAGE = path.resolve(__dirname, '..', '..')
const OURS = path.join(PACKAGE, 'miniprogram_dist')
const TAGS = ['add-card-button', 'open-card-list']
/** vant's CommonJS build: what WeChat's 构建 npm copies (vant's `miniprogram` field), not its ES-module dist/. */
function vantLib(): string {
  const manifest = require.resolve('@vant/weapp/package.json', { paths: [PACKAGE] })
  const { miniprogram } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { miniprogram?: string }
  return path.join(path.dirname(manifest), miniprogram ?? 'lib')
}

/** The uni-app source folder: the argument, else src/ when it has pages.json, else the current folder. */
function sourceDir(argument: string | undefined): string {
  if (argument) return path.resolve(argument)
  return fs.existsSync(path.join('src', 'pages.json')) ? path.resolve('src') : process.cwd()
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`

function main(): void {
  const argument = process.argv[2]
  if (argument === '-h' || argument === '--help') {
    console.log('usage: weapp-card-coupon-uni [dir]   (dir: the folder of pages.json; default src/ or .)')
    return
  }
  const dir = sourceDir(argument)
  if (!fs.existsSync(path.join(dir, 'pages.json'))) {
    console.error(`weapp-card-coupon-uni: ${dir} has no pages.json: pass the uni-app source folder (e.g. src)`)
    process.exit(1)
  }
  const lib = vantLib()
  const targetOurs = path.join(dir, 'wxcomponents', 'weapp-card-coupon')
  const targetVant = path.join(dir, 'wxcomponents', 'miniprogram_npm', '@vant', 'weapp')
  // every file the two tags reach: ours (not the other entries of miniprogram_dist: send-coupon-button needs a
  // WeChat Pay plugin the app may not declare) and vant's
  const reached = reachedFiles(
    TAGS.map((tag) => path.join(OURS, tag, 'index')),
    (npmPath) =>
      npmPath.startsWith('@vant/weapp/') ? path.join(lib, npmPath.slice('@vant/weapp/'.length)) : undefined,
  )
  const ours = reached.filter((f) => f.startsWith(OURS + path.sep))
  const vant = reached.filter((f) => f.startsWith(lib + path.sep))

  let bytes = 0
  for (const [files, from, to] of [
    [ours, OURS, targetOurs],
    [vant, lib, targetVant],
  ] as const) {
    fs.rmSync(to, { recursive: true, force: true })
    for (const file of files) {
      const target = path.join(to, path.relative(from, file))
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.copyFileSync(file, target)
      bytes += fs.statSync(file).size
    }
  }
  const parts = [...new Set(vant.map((f) => path.relative(lib, f).split(path.sep)[0]))].sort()
  const relative = (p: string) => path.relative(process.cwd(), p) || '.'
  console.log(`weapp-card-coupon-uni: ${ours.length} files into ${relative(targetOurs)}`)
  console.log(`  ${vant.length} files of vant (${parts.join(', ')}) into ${relative(targetVant)}`)
  console.log(`  ${kb(bytes)} in all. In pages.json, a page's "style" (or "globalStyle") names the tags:`)
  console.log(
    `  "usingComponents": { ${TAGS.map((t) => `"${t}": "/wxcomponents/weapp-card-coupon/${t}/index"`).join(', ')} }`,
  )
}

main()
