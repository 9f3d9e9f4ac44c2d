#!/usr/bin/env node
// The send-coupon sign's cost: signSendCouponParams (checks every field, flattens, sorts, HMAC-SHA256) ÷ a bare
// HMAC-SHA256 over the same string, measured in one run, interleaved, median of rounds. `node bench/pay-sign.js`
// prints it (after `npm run build`); run.js can call paySignBench() for its table.
const crypto = require('crypto')
const path = require('path')
const v8 = require('v8')
const vm = require('vm')

const ROOT = path.resolve(__dirname, '..')
const ROUNDS = 9
const ITERATIONS = 50000

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * `{ coupons, signMedian, bareMedian, ratioMedian }`: operations per second of the sign and of the bare HMAC, and
 * the median of the per-round ratios bare ÷ sign (how many bare HMACs one sign costs), for `coupons` coupons a call.
 */
function paySignBench(coupons = 3) {
  const { signSendCouponParams, sendCouponSignSource } = require(path.join(ROOT, 'dist/server/pay/sign.js'))
  const key = 'K'.repeat(16) + 'k'.repeat(16)
  // 256 distinct calls, cycled, so neither side signs one constant string
  const inputs = Array.from({ length: 256 }, (_, i) => ({
    send_coupon_params: Array.from({ length: coupons }, (_, c) => ({
      stock_id: String(1212000000 + c),
      out_request_no: `SC${(1700000000000 + i * 977 + c).toString(36)}${(i * 7919 + c).toString(16).padStart(16, '0')}`,
    })),
    send_coupon_merchant: '1900000001',
  }))
  const strings = inputs.map((p) => `${sendCouponSignSource(p)}&key=${key}`)
  inputs.forEach((p, i) => {
    const bare = crypto.createHmac('sha256', key).update(strings[i], 'utf8').digest('hex').toUpperCase()
    if (signSendCouponParams(p, key) !== bare) throw new Error(`pay-sign: the sign and the bare HMAC disagree on ${i}`)
  })
  const sign = (n) => {
    let sink = 0
    for (let i = 0; i < n; i++) sink ^= signSendCouponParams(inputs[i & 255], key).charCodeAt(i & 31)
    return sink
  }
  const bare = (n) => {
    let sink = 0
    for (let i = 0; i < n; i++)
      sink ^= crypto
        .createHmac('sha256', key)
        .update(strings[i & 255], 'utf8')
        .digest('hex')
        .toUpperCase()
        .charCodeAt(i & 31)
    return sink
  }
  const opsPerSec = (fn, n) => {
    gc()
    const t0 = process.hrtime.bigint()
    fn(n)
    return n / (Number(process.hrtime.bigint() - t0) / 1e9)
  }
  opsPerSec(sign, ITERATIONS / 4)
  opsPerSec(bare, ITERATIONS / 4)
  const s = []
  const b = []
  const ratios = []
  for (let r = 0; r < ROUNDS; r++) {
    // interleaved, order flipped each round so a slow drift favours neither side
    if (r % 2) {
      b.push(opsPerSec(bare, ITERATIONS))
      s.push(opsPerSec(sign, ITERATIONS))
    } else {
      s.push(opsPerSec(sign, ITERATIONS))
      b.push(opsPerSec(bare, ITERATIONS))
    }
    ratios.push(b[r] / s[r])
  }
  return { coupons, signMedian: median(s), bareMedian: median(b), ratioMedian: median(ratios) }
}

if (require.main === module) {
  for (const coupons of [1, 3, 10]) {
    const r = paySignBench(coupons)
    const int = (n) => Math.round(n).toLocaleString('en-US')
    console.log(
      `send-coupon sign, ${coupons} coupon(s): ${int(r.signMedian)} signs/s, bare HMAC-SHA256 over the same string ` +
        `${int(r.bareMedian)}/s: one sign costs ${r.ratioMedian.toFixed(2)}× a bare HMAC (median of ${ROUNDS} rounds)`,
    )
  }
}

module.exports = { paySignBench }
