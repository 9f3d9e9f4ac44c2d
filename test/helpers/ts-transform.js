// Jest transform for TypeScript: esbuild strips the types (tests are transpiled, not type-checked: the shipped code
// is, by the build). Much cheaper per file and per worker than loading the TypeScript compiler.
const { transformSync } = require('esbuild')

module.exports = {
  process(source, file) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcefile: file,
      sourcemap: 'external',
      sourcesContent: false,
    })
    return { code, map }
  },
}
