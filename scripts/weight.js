// What the tags weigh in a mini-program: our own files, and everything "构建 npm" puts in an app for them (ours plus
// the vant files our two tags reach: components by usingComponents, JS by require, templates by <wxs>/<import>/
// <include>, styles by @import, wxs by require). Used by scripts/build.js and bench P1; test/package/npm-build.test.ts
// checks the same figures on the output of WeChat's own builder.
const fs = require('fs')
const path = require('path')

/** The file types a mini-program ships (typings excluded). */
const SHIPPED = /\.(js|json|wxml|wxss|wxs)$/

/** Every shipped file below `dir`. */
function filesBelow(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesBelow(path.join(dir, d.name)) : [path.join(dir, d.name)]))
    .filter((f) => SHIPPED.test(f))
}

/** Bytes a mini-program pays for below `dir`: js + wxml + wxss + json + wxs (typings excluded). */
function weight(dir) {
  return filesBelow(dir).reduce((total, f) => total + fs.statSync(f).size, 0)
}

/**
 * The files a set of component entries reaches (paths without extension, absolute). `resolveNpm(name)` maps an npm
 * path of usingComponents or require (e.g. `@vant/weapp/button/index`) to an absolute path without extension.
 */
function reachedFiles(entries, resolveNpm) {
  const seen = new Set()
  const resolve = (from, target) =>
    target.startsWith('.') || target.startsWith('/') ? path.resolve(path.dirname(from), target) : resolveNpm(target)
  const visit = (file) => {
    if (!file || seen.has(file) || !fs.existsSync(file)) return
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8')
    const ext = path.extname(file)
    const next = []
    if (ext === '.json') {
      for (const target of Object.values(JSON.parse(text).usingComponents || {}))
        next.push(...component(resolve(file, target)))
    } else if (ext === '.js' || ext === '.wxs') {
      for (const [, target] of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
        const base = resolve(file, target)
        next.push(ext === '.wxs' || base.endsWith('.wxs') ? base : base.endsWith('.js') ? base : base + '.js')
      }
    } else if (ext === '.wxml') {
      for (const [, target] of text.matchAll(/<(?:wxs|import|include)\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) {
        next.push(resolve(file, target))
      }
    } else if (ext === '.wxss') {
      for (const [, target] of text.matchAll(/@import\s+["']([^"']+)["']/g)) next.push(resolve(file, target))
    }
    next.forEach(visit)
  }
  const component = (base) => ['.js', '.json', '.wxml', '.wxss'].map((ext) => base + ext)
  for (const entry of entries) component(entry).forEach(visit)
  return [...seen]
}

/** Bytes of `files`. */
const bytesOf = (files) => files.reduce((total, f) => total + fs.statSync(f).size, 0)

const ROOT = path.resolve(__dirname, '..')
const MP = path.join(ROOT, 'miniprogram_dist')
const COMPONENTS = fs
  .readdirSync(path.join(ROOT, 'components'))
  .filter((d) => fs.existsSync(path.join(ROOT, 'components', d, 'index.json')))

/**
 * The two figures of the client's weight, in bytes (js + json + wxml + wxss + wxs, typings excluded): `ours`, all of
 * miniprogram_dist; `withVant`, what "构建 npm" adds to an app that has no vant yet: ours plus every vant file the
 * two tags reach. `vantParts`: the vant folders reached.
 */
function clientWeight(vantLib = path.join(path.dirname(require.resolve('@vant/weapp/package.json')), 'lib')) {
  const ours = filesBelow(MP)
  const reached = reachedFiles(
    COMPONENTS.map((name) => path.join(MP, name, 'index')),
    (npmPath) => path.join(vantLib, npmPath.replace(/^@vant\/weapp\//, '')),
  )
  const vant = reached.filter((f) => f.startsWith(vantLib + path.sep))
  const vantParts = [...new Set(vant.map((f) => path.relative(vantLib, f).split(path.sep)[0]))].sort()
  return { ours: bytesOf(ours), withVant: bytesOf([...new Set([...ours, ...vant])]), vantParts }
}

module.exports = { weight, reachedFiles, bytesOf, filesBelow, clientWeight, COMPONENTS }
