#!/usr/bin/env node
// Compiles every .wxml/.wxss under the given folders (default: components/) with WeChat's official
// wcc/wcsc, one file at a time, and fails with the compiler's file:line message on the first error of each file.
const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const bin = (name) => {
  const dir = { darwin: 'mac', win32: 'windows' }[process.platform] || 'linux'
  const file = path.join(
    path.dirname(require.resolve('miniprogram-compiler/package.json')),
    'bin',
    dir,
    name + (dir === 'windows' ? '.exe' : ''),
  )
  try {
    fs.chmodSync(file, 0o755) // npm does not keep the exec bit on wcsc
  } catch (e) {
    // read-only install: try as is
  }
  return file
}

// Installed packages are not ours to check (vant's templates compile as part of the component tests).
const SKIP = new Set(['node_modules', 'miniprogram_npm'])

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? (SKIP.has(d.name) ? [] : walk(path.join(dir, d.name))) : [path.join(dir, d.name)],
    )
}

function check(root) {
  const all = walk(root).map((f) => path.relative(root, f).split(path.sep).join('/'))
  const files = all.filter((f) => /\.(wxml|wxss)$/.test(f))
  // a template may use any .wxs module of the tree (wcc compiles them with it, and reports their errors too)
  const wxsFiles = all.filter((f) => f.endsWith('.wxs'))
  const errors = []
  for (const f of files) {
    const args = f.endsWith('.wxml') ? ['-d', '-cc', '0', f, ...wxsFiles, '-gn', '$gwx'] : ['-db', '-pc', '0', f]
    const r = spawnSync(bin(f.endsWith('.wxml') ? 'wcc' : 'wcsc'), args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
    if (r.error) throw r.error
    if (r.status !== 0) {
      const out = `${r.stderr || ''}\n${r.stdout || ''}`
      // wcc says "f:5:1: msg", wcsc says "ERR: f(3:12): msg": report both as file:line:col: msg
      const m = /(\d+):(\d+)\)?:\s*(.*)/.exec(out.split('\n').find((l) => l.includes(f)) || '')
      errors.push(m ? `${path.join(root, f)}:${m[1]}:${m[2]}: ${m[3]}` : `${path.join(root, f)}: ${out.trim()}`)
    }
  }
  return { files, errors }
}

if (require.main === module) {
  const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['components']
  let failed = 0
  let count = 0
  for (const root of roots) {
    const { files, errors } = check(path.resolve(root))
    count += files.length
    for (const e of errors) console.error(`wxml/wxss error: ${e}`)
    failed += errors.length
  }
  if (failed) {
    console.error(`${failed} of ${count} template/style files do not compile with the official wcc/wcsc`)
    process.exit(1)
  }
  console.log(`wcc/wcsc: ${count} template/style files compile`)
}

module.exports = { check }
