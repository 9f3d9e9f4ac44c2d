// Stands in for node built-ins (http, fs, …) in the browser bundle: importing works, calling any export throws
// with the API's name. node:http itself never enters the bundle.
const fail = (name) => () => {
  throw new Error(`node built-in API ${name}() is not available outside Node`)
}
// Lookups fall through to this prototype, so named imports (which esbuild reads off the module object) get `fail`.
const proto = new Proxy(Object.create(null), {
  get: (_, key) => (typeof key === 'symbol' || key === '__esModule' || key === 'then' ? undefined : fail(key)),
})
module.exports = Object.create(proto)
