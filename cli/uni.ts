#!/usr/bin/env node
// npx weapp-card-coupon-uni [dir] [--tags a,b]: puts our card tags into a uni-app project (Vue 3, mp-weixin), which cannot take
// components from npm: the files of miniprogram_dist they reach into <dir>/wxcomponents/weapp-card-coupon/, and the
// vant files they reach (found from their usingComponents, vant's relations and every require/import, not a fixed list) from
// vant's CommonJS lib/ into <dir>/wxcomponents/miniprogram_npm/@vant/weapp/, where WeChat finds `@vant/weapp/…`
// walking up from our components. <dir>: the folder of pages.json (default: src/ when it has one, else the current
// folder). --tags: which of our components (default add-card-button and open-card-list; send-coupon-button also needs the
// WeChat Pay plugin declared in the app). Run it again after each update of the package (it replaces what it copied
// before).
import fs from 'fs'
import path from 'path'
import { reachedFiles } from './component-graph'

const PACKAGE = path.resolve(__dirname, '..', '..')
const OURS = path.join(PACKAGE, 'miniprogram_dist')
const DEFAULT_TAGS = ['add-card-button', 'open-card-list']
const USAGE = 'usage: weapp-card-coupon-uni [dir] [--tags add-card-button,open-card-list,member-card,…]'
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

/** Our components: the folders of miniprogram_dist with an index.json (common/ and utils/ are none). */
const components = (): string[] =>
  fs
    .readdirSync(OURS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(OURS, d.name, 'index.json')))
    .map((d) => d.name)
    .sort()

function fail(message: string): never {
  console.error(`weapp-card-coupon-uni: ${message}`)
  process.exit(1)
}

/** The arguments: the folder (optional) and `--tags a,b` (or `--tags=a,b`), each tag one of our components. */
function readArguments(args: string[]): { dir: string | undefined; tags: string[] } {
  let dir: string | undefined
  let tags = DEFAULT_TAGS
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--tags' || arg.startsWith('--tags=')) {
      const list = arg === '--tags' ? args[++i] : arg.slice('--tags='.length)
      if (!list) fail(`--tags needs a comma-separated list of components\n${USAGE}`)
      tags = [...new Set(list.split(',').map((t) => t.trim()))].filter(Boolean)
      const known = components()
      const unknown = tags.filter((t) => !known.includes(t))
      if (unknown.length || !tags.length)
        fail(`no component named ${unknown.join(', ') || '(none)'}: choose from ${known.join(', ')}`)
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}\n${USAGE}`)
    else if (dir === undefined) dir = arg
    else fail(`one folder only (got ${dir} and ${arg})\n${USAGE}`)
  }
  return { dir, tags }
}

function main(): void {
  const args = process.argv.slice(2)
  if (args.includes('-h') || args.includes('--help')) {
    console.log(
      `${USAGE}\n  dir: the folder of pages.json (default src/ or .); --tags: default ${DEFAULT_TAGS.join(',')}`,
    )
    return
  }
  const { dir: argument, tags } = readArguments(args)
  const dir = sourceDir(argument)
  if (!fs.existsSync(path.join(dir, 'pages.json'))) {
    fail(`${dir} has no pages.json: pass the uni-app source folder (e.g. src)`)
  }
  const lib = vantLib()
  const targetOurs = path.join(dir, 'wxcomponents', 'weapp-card-coupon')
  const targetVant = path.join(dir, 'wxcomponents', 'miniprogram_npm', '@vant', 'weapp')
  // every file the chosen tags reach: ours (not the other entries of miniprogram_dist: send-coupon-button needs a
  // WeChat Pay plugin the app may not declare) and vant's
  const reached = reachedFiles(
    tags.map((tag) => path.join(OURS, tag, 'index')),
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
    `  "usingComponents": { ${tags.map((t) => `"${t}": "/wxcomponents/weapp-card-coupon/${t}/index"`).join(', ')} }`,
  )
}

main()
