// A real redis-server for a test or the bench: a free loopback port, no persistence, stopped by its owner.
// Plain JS so the bench and the framework runs can use it too. Missing redis-server is an error, never a skip.
const { spawn } = require('child_process')
const net = require('net')

const MISSING =
  'redis-server is not installed (not on PATH), and these tests need a real Redis: install the Debian package ' +
  '(apt-get install redis-server; .ci/run does it when missing)'

/** A port nobody listens on right now (bound, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/**
 * Starts `redis-server --port N --bind 127.0.0.1 --save '' --appendonly no` and resolves once it accepts
 * connections. `stop()` ends it (SIGTERM, then SIGKILL) and resolves when it has exited; `start()` runs it again on
 * the same port (empty: nothing is saved). A process exit kills it too, so no server outlives its test.
 * @returns {Promise<{ port: number, url: string, start(): Promise<void>, stop(): Promise<void> }>}
 */
async function startRedis() {
  const port = await freePort()
  /** @type {import('child_process').ChildProcess | undefined} */
  let child
  const killOnExit = () => child && child.kill('SIGKILL')
  process.once('exit', killOnExit)

  const start = () =>
    new Promise((resolve, reject) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child = c
      let out = ''
      const fail = (e) => {
        child = undefined
        reject(e)
      }
      c.once('error', (e) => fail(e.code === 'ENOENT' ? new Error(MISSING) : e))
      c.once('exit', (code) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)))
      const collect = (d) => {
        out += d
        if (/Ready to accept connections/.test(out)) {
          c.removeAllListeners('exit')
          c.stdout.removeListener('data', collect)
          resolve()
        }
      }
      c.stdout.on('data', collect)
      c.stderr.on('data', (d) => (out += d))
    })

  const stop = () => {
    const c = child
    child = undefined
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      const hard = setTimeout(() => c.kill('SIGKILL'), 3000)
      c.once('exit', () => {
        clearTimeout(hard)
        resolve()
      })
      c.kill('SIGTERM')
    })
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      await stop()
      process.removeListener('exit', killOnExit)
      process.once('exit', killOnExit)
    },
  }
}

module.exports = { startRedis, freePort }
