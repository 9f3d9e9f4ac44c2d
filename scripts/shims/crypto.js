// The slice of node:crypto that server/sign.ts and testing/index.ts use, for the browser (playground) and mini-program (demo) bundles:
// createHash('sha1'), hash('sha1', …), randomInt, randomBytes, timingSafeEqual. Anything else imported from 'crypto' fails the
// build (esbuild: "No matching export"), which build.js reports by name.
import { Buffer } from './buffer'

const toBytes = (data, enc) => (typeof data === 'string' ? Buffer.from(data, enc) : new Uint8Array(data))

function unsupported(what) {
  throw new Error(`crypto shim: ${what} is not available outside Node`)
}

/** SHA-1 (FIPS 180-4) over bytes; returns the 20-byte digest. */
function sha1(bytes) {
  const ml = bytes.length
  const words = new Uint32Array((((ml + 8) >> 6) + 1) * 16)
  for (let i = 0; i < ml; i++) words[i >> 2] |= bytes[i] << (24 - (i % 4) * 8)
  words[ml >> 2] |= 0x80 << (24 - (ml % 4) * 8)
  words[words.length - 1] = ml * 8 // messages here are far below 2^29 bytes
  words[words.length - 2] = Math.floor((ml * 8) / 0x100000000)
  let [a0, b0, c0, d0, e0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]
  const w = new Uint32Array(80)
  const rotl = (x, n) => (x << n) | (x >>> (32 - n))
  for (let off = 0; off < words.length; off += 16) {
    for (let t = 0; t < 80; t++) w[t] = t < 16 ? words[off + t] : rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)
    let [a, b, c, d, e] = [a0, b0, c0, d0, e0]
    for (let t = 0; t < 80; t++) {
      const f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d
      const k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6
      const tmp = (rotl(a, 5) + f + e + k + w[t]) >>> 0
      e = d
      d = c
      c = rotl(b, 30) >>> 0
      b = a
      a = tmp
    }
    a0 = (a0 + a) >>> 0
    b0 = (b0 + b) >>> 0
    c0 = (c0 + c) >>> 0
    d0 = (d0 + d) >>> 0
    e0 = (e0 + e) >>> 0
  }
  const out = new Uint8Array(20)
  ;[a0, b0, c0, d0, e0].forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v))
  return out
}

export function createHash(alg) {
  if (String(alg).toLowerCase() !== 'sha1') unsupported(`createHash('${alg}')`)
  const chunks = []
  const hash = {
    update(data, enc) {
      chunks.push(toBytes(data, enc))
      return hash
    },
    digest(enc) {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
      chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0)
      const d = sha1(all)
      return enc === undefined ? new Buffer(d) : new Buffer(d).toString(enc)
    },
  }
  return hash
}

/** Node's one-shot crypto.hash(algorithm, data, encoding). */
export function hash(alg, data, enc = 'hex') {
  return createHash(alg).update(data).digest(enc)
}

/** Uniform integer in [min, max) (range below 2^48, as in node) from 48 random bits, rejecting the biased tail. */
export function randomInt(min, max) {
  if (max === undefined) [min, max] = [0, min]
  const range = max - min
  const SPACE = 2 ** 48
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || range <= 0 || range >= SPACE)
    unsupported(`randomInt(${min}, ${max})`)
  const limit = SPACE - (SPACE % range)
  const buf = new Uint16Array(3)
  let x
  do {
    crypto.getRandomValues(buf)
    x = buf[0] * 2 ** 32 + buf[1] * 2 ** 16 + buf[2]
  } while (x >= limit)
  return min + (x % range)
}

export function randomBytes(n) {
  const b = new Buffer(n)
  crypto.getRandomValues(b)
  return b
}

export function timingSafeEqual(a, b) {
  if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length')
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

// WeChat Pay's sign (HMAC-SHA256) and its simulator's RSA keys: testing/index.ts exports the WeChat Pay simulator,
// which the demo and the playground bundle with the card simulator but do not run yet. Calling one throws, naming it.
export const createHmac = (alg) => unsupported(`createHmac('${alg}')`)
export const createSign = (alg) => unsupported(`createSign('${alg}')`)
export const createVerify = (alg) => unsupported(`createVerify('${alg}')`)
export const createPublicKey = () => unsupported('createPublicKey')
export const generateKeyPairSync = (type) => unsupported(`generateKeyPairSync('${type}')`)
