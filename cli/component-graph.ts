// What a mini-program component reaches, file by file, as WeChat loads it: its usingComponents, the components it
// relates to, the JS it requires, the templates and wxs its templates import, the styles its styles import. Used by
// the uni-app bin (which files to copy) and testing/miniprogram.ts (which components to register).
import fs from 'fs'
import path from 'path'

/**
 * The components a component's JS relates to through vant's relation helpers (`useParent('checkbox-group')`,
 * `useChildren('checkbox')`), as paths beside it (`../checkbox-group/index`): WeChat links them at run time, so
 * they must ship (and, in a simulator, be registered) though no usingComponents names them.
 */
export function relatedComponents(componentJs: string): string[] {
  return [...componentJs.matchAll(/use(?:Parent|Children)\)?\(\s*['"]([\w-]+)['"]/g)].map((m) => `../${m[1]}/index`)
}

/** The files a file names: `[kind, path as written]`, kind 'component' (no extension) or 'file'. */
export function referencesOf(file: string, text: string): ['component' | 'file', string][] {
  const ext = path.extname(file)
  const out: ['component' | 'file', string][] = []
  if (ext === '.json') {
    const using = (JSON.parse(text) as { usingComponents?: Record<string, string> }).usingComponents ?? {}
    for (const target of Object.values(using)) if (!target.startsWith('plugin://')) out.push(['component', target])
  } else if (ext === '.js' || ext === '.wxs') {
    for (const [, target] of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      out.push(['file', ext === '.wxs' || /\.(js|wxs)$/.test(target!) ? target! : target + '.js'])
    }
    if (ext === '.js') for (const related of relatedComponents(text)) out.push(['component', related])
  } else if (ext === '.wxml') {
    for (const [, target] of text.matchAll(/<(?:wxs|import|include)\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) {
      out.push(['file', /\.(wxml|wxs)$/.test(target!) ? target! : target + '.wxml'])
    }
  } else if (ext === '.wxss') {
    for (const [, target] of text.matchAll(/@import\s+["']([^"']+)["']/g)) out.push(['file', target!])
  }
  return out
}

/**
 * Every file (absolute) that the components at `entries` (absolute, without extension) reach. `resolveNpm` maps an
 * npm path (`@vant/weapp/button/index`) to an absolute path without extension, or undefined when it is not shipped
 * with them.
 */
export function reachedFiles(entries: string[], resolveNpm: (npmPath: string) => string | undefined): string[] {
  const seen = new Set<string>()
  const resolve = (from: string, target: string) =>
    target.startsWith('.') ? path.resolve(path.dirname(from), target) : resolveNpm(target)
  const visit = (file: string | undefined) => {
    if (!file || seen.has(file) || !fs.existsSync(file)) return
    seen.add(file)
    for (const [kind, target] of referencesOf(file, fs.readFileSync(file, 'utf8'))) {
      const found = resolve(file, target)
      if (!found) continue
      if (kind === 'file') visit(found)
      else for (const ext of ['.json', '.js', '.wxml', '.wxss']) visit(found + ext)
    }
  }
  for (const entry of entries) for (const ext of ['.json', '.js', '.wxml', '.wxss']) visit(entry + ext)
  return [...seen]
}
