// Injected as the free `Buffer` of the browser (playground) and mini-program (demo) bundles (esbuild `inject`): just what server/sign.ts and the
// simulator use — Buffer.from(string | bytes), Buffer.byteLength, Buffer.compare, Buffer.concat, toString('utf8' | 'hex' | 'base64' | 'base64url').
const unsupported = (what) => {
  throw new Error(`Buffer shim: ${what} is not available outside Node`)
}

export class Buffer extends Uint8Array {
  static byteLength(value, enc) {
    return typeof value === 'string' ? Buffer.from(value, enc).length : value.byteLength
  }

  static from(value, enc) {
    if (typeof value !== 'string') return new Buffer(value)
    if (!enc || enc === 'utf8' || enc === 'utf-8') return new Buffer(new TextEncoder().encode(value))
    if (enc === 'hex') return new Buffer((value.match(/../g) || []).map((h) => parseInt(h, 16)))
    return unsupported(`Buffer.from(…, '${enc}')`)
  }

  /** Byte-wise order, as node's: usable as a sort comparator. */
  static compare(a, b) {
    for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
  }

  static concat(list) {
    const out = new Buffer(list.reduce((n, b) => n + b.length, 0))
    list.reduce((at, b) => (out.set(b, at), at + b.length), 0)
    return out
  }

  toString(enc) {
    if (!enc || enc === 'utf8' || enc === 'utf-8') return new TextDecoder().decode(this)
    if (enc === 'hex') return Array.from(this, (x) => x.toString(16).padStart(2, '0')).join('')
    if (enc === 'base64' || enc === 'base64url') {
      const b64 = btoa(String.fromCharCode(...this))
      return enc === 'base64' ? b64 : b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    }
    return unsupported(`buffer.toString('${enc}')`)
  }
}
