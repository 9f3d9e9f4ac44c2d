// What the tags weigh in a mini-program, three ways: our own files; what "构建 npm" copies into miniprogram_npm (all
// of ours and all of vant's lib/, whatever the app uses); and what an upload keeps with devtools' 上传时过滤无依赖文件
// (project.config.json `setting.ignoreUploadUnusedFiles`): ours plus the vant files our tags reach (components by
// usingComponents, JS by require, templates by <wxs>/<import>/<include>, styles by @import, wxs by require). The
// build prints them and bench P1 reports them; test/package/npm-build.test.ts checks them on WeChat's own builder.
import fs from 'fs'
import path from 'path'

export const ROOT = path.resolve(__dirname, '..')
export const MP = path.join(ROOT, 'miniprogram_dist')
/** The component folders (components/<name>/index.json); components/common is shared code, not a component. */
export const COMPONENTS = fs
  .readdirSync(path.join(ROOT, 'components'))
  .filter((name) => fs.existsSync(path.join(ROOT, 'components', name, 'index.json')))

/** The file types a mini-program ships (typings excluded). */
const SHIPPED = /\.(js|json|wxml|wxss|wxs)$/

/** Every shipped file below `dir` (absolute paths). */
export function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesBelow(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .filter((file) => SHIPPED.test(file))
}

/** Bytes of `files`. */
export const bytesOf = (files: string[]): number => files.reduce((total, file) => total + fs.statSync(file).size, 0)

/**
 * The files a set of component entries reaches (absolute paths; entries without extension). `resolveNpm(npmPath)`
 * maps an npm path of usingComponents or require (e.g. `@vant/weapp/button/index`) to an absolute path without
 * extension.
 */
export function reachedFiles(entries: string[], resolveNpm: (npmPath: string) => string): string[] {
  const seen = new Set<string>()
  const resolve = (from: string, target: string) =>
    target.startsWith('.') || target.startsWith('/') ? path.resolve(path.dirname(from), target) : resolveNpm(target)
  const component = (base: string) => ['.js', '.json', '.wxml', '.wxss'].map((ext) => base + ext)
  const visit = (file: string): void => {
    if (seen.has(file) || !fs.existsSync(file)) return
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8')
    const ext = path.extname(file)
    const next: string[] = []
    if (ext === '.json') {
      const { usingComponents = {} } = JSON.parse(text) as { usingComponents?: Record<string, string> }
      for (const target of Object.values(usingComponents)) next.push(...component(resolve(file, target)))
    } else if (ext === '.js' || ext === '.wxs') {
      for (const [, target = ''] of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
        const base = resolve(file, target)
        next.push(ext === '.wxs' || base.endsWith('.wxs') || base.endsWith('.js') ? base : base + '.js')
      }
    } else if (ext === '.wxml') {
      for (const [, target = ''] of text.matchAll(/<(?:wxs|import|include)\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) {
        next.push(resolve(file, target))
      }
    } else if (ext === '.wxss') {
      for (const [, target = ''] of text.matchAll(/@import\s+["']([^"']+)["']/g)) next.push(resolve(file, target))
    }
    next.forEach(visit)
  }
  for (const entry of entries) component(entry).forEach(visit)
  return [...seen]
}

/** The client's weight in bytes (js + json + wxml + wxss + wxs, typings excluded). */
export interface ClientWeight {
  /** All of miniprogram_dist: both tags, the shared Behavior and the utils. */
  ours: number
  /** What "构建 npm" copies into an app that has no vant yet: all of ours and all of vant's lib/. */
  copiedByNpmBuild: number
  /** What an upload keeps with 过滤无依赖文件 on: ours plus every vant file the tags reach. */
  keptAtUpload: number
  /** The vant folders reached, sorted. */
  vantParts: string[]
}

/** Weighs the built miniprogram_dist (run the build first) against the installed vant's lib/. */
export function clientWeight(
  vantLib = path.join(path.dirname(require.resolve('@vant/weapp/package.json')), 'lib'),
): ClientWeight {
  const ours = filesBelow(MP)
  const allOfVant = filesBelow(vantLib)
  const reached = reachedFiles(
    COMPONENTS.map((name) => path.join(MP, name, 'index')),
    (npmPath) => path.join(vantLib, npmPath.replace(/^@vant\/weapp\//, '')),
  )
  const vant = reached.filter((file) => file.startsWith(vantLib + path.sep))
  const vantParts = [...new Set(vant.map((file) => path.relative(vantLib, file).split(path.sep)[0] ?? ''))].sort()
  return {
    ours: bytesOf(ours),
    copiedByNpmBuild: bytesOf([...ours, ...allOfVant]),
    keptAtUpload: bytesOf([...new Set([...ours, ...vant])]),
    vantParts,
  }
}

/** "26.7 KB": the unit the build and the bench state weights in (1 KB = 1,000 B). */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`
