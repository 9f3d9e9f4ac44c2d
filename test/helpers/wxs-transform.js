// Jest transform for .wxs files: they are CommonJS ES5 already, so the source runs as it is.
module.exports = {
  process: (source) => ({ code: source }),
}
