// Bundles the README programs (ES modules, .mjs) and tests (CommonJS, .cjs) with esbuild, in a process of its own:
// esbuild refuses to run inside jest's jsdom environment (its Uint8Array is not Node's). Beside each bundle and each
// page script (`ids`) it writes `<file>.id`: the code minified, so without comments (a translated comment does not
// make another program).
// Usage: node bundle.js '{"base": "...", "outdir": "...", "esm": [entries], "cjs": [entries], "ids": [files]}'
const fs = require('fs')
const path = require('path')
const { build, transformSync } = require('esbuild')

const { base, outdir, esm, cjs, ids } = JSON.parse(process.argv[2])
// Bare imports stay imports: `weapp-card-coupon/*` resolves to this repository's build (a package may import
// itself by name, and the projects lie inside it), the frameworks to node_modules.
const common = { outbase: base, outdir, bundle: true, packages: 'external', platform: 'node', target: 'node18' }
const id = (file) => fs.writeFileSync(`${file}.id`, transformSync(fs.readFileSync(file, 'utf8'), { minify: true }).code)
Promise.all([
  esm.length && build({ ...common, entryPoints: esm, format: 'esm', outExtension: { '.js': '.mjs' }, metafile: true }),
  cjs.length && build({ ...common, entryPoints: cjs, format: 'cjs', outExtension: { '.js': '.cjs' }, metafile: true }),
])
  .then((results) => {
    for (const result of results)
      if (result) for (const out of Object.keys(result.metafile.outputs)) id(path.resolve(out))
    ids.forEach(id)
  })
  .catch(() => process.exit(1)) // esbuild has printed the errors
