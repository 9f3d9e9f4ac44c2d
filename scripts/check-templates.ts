// `tsx scripts/check-templates.ts [folder…]`: compiles every .wxml/.wxss under the given folders (default:
// components/) with WeChat's official wcc/wcsc, one file at a time, and fails with the compiler's file:line message
// on the first error of each file.
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'

/** The wcc or wcsc binary miniprogram-compiler ships for this platform. */
function compiler(name: 'wcc' | 'wcsc'): string {
  const platform = ({ darwin: 'mac', win32: 'windows' } as Record<string, string>)[process.platform] ?? 'linux'
  const binDir = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', platform)
  const file = path.join(binDir, name + (platform === 'windows' ? '.exe' : ''))
  try {
    fs.chmodSync(file, 0o755) // npm does not keep the exec bit on wcsc
  } catch {
    // a read-only install: try it as it is
  }
  return file
}

// Installed packages are not ours to check (vant's templates compile as part of the component tests).
const SKIP = new Set(['node_modules', 'miniprogram_npm'])

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? SKIP.has(entry.name)
          ? []
          : walk(path.join(dir, entry.name))
        : [path.join(dir, entry.name)],
    )
}

/** Compiles every template and style below `root`: the files checked (relative) and one message per failing file. */
export function check(root: string): { files: string[]; errors: string[] } {
  const all = walk(root).map((file) => path.relative(root, file).split(path.sep).join('/'))
  const files = all.filter((file) => /\.(wxml|wxss)$/.test(file))
  // a template may use any .wxs module of the tree (wcc compiles them with it, and reports their errors too)
  const wxsFiles = all.filter((file) => file.endsWith('.wxs'))
  const errors: string[] = []
  for (const file of files) {
    const wxml = file.endsWith('.wxml')
    const args = wxml ? ['-d', '-cc', '0', file, ...wxsFiles, '-gn', '$gwx'] : ['-db', '-pc', '0', file]
    const result = spawnSync(compiler(wxml ? 'wcc' : 'wcsc'), args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
    if (result.error) throw result.error
    if (result.status === 0) continue
    const output = `${result.stderr}\n${result.stdout}`
    // wcc says "f:5:1: msg", wcsc says "ERR: f(3:12): msg": both are reported as file:line:col: msg
    const at = /(\d+):(\d+)\)?:\s*(.*)/.exec(output.split('\n').find((line) => line.includes(file)) ?? '')
    errors.push(
      at ? `${path.join(root, file)}:${at[1]}:${at[2]}: ${at[3]}` : `${path.join(root, file)}: ${output.trim()}`,
    )
  }
  return { files, errors }
}

if (require.main === module) {
  const roots = process.argv.length > 2 ? process.argv.slice(2) : ['components']
  let count = 0
  let failed = 0
  for (const root of roots) {
    const { files, errors } = check(path.resolve(root))
    count += files.length
    failed += errors.length
    for (const error of errors) console.error(`wxml/wxss error: ${error}`)
  }
  if (failed) {
    console.error(`${failed} of ${count} template/style files do not compile with the official wcc/wcsc`)
    process.exit(1)
  }
  console.log(`wcc/wcsc: ${count} template/style files compile`)
}
