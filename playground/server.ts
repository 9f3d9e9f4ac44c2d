// `npm start`: the demo's two servers (scripts/local-servers.ts: the simulator process and the card server of the
// READMEs) on the ports of demo/config.js, where WeChat devtools finds them too, then the playground built and
// served on 127.0.0.1 (PORT, or a free port). The page reaches the two servers through this server, under
// /card-server/ and /simulator-server/: one origin, so the browser needs no CORS from them.
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { demoConfig, startLocalServers } from '../scripts/local-servers'
import { build, OUT, PROXIED } from './build'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
}

/** Forwards `req` to `target` (an origin), path `rest`, and pipes the answer back. */
function forward(req: http.IncomingMessage, res: http.ServerResponse, target: string, rest: string) {
  const upstream = http.request(
    new URL(rest || '/', target),
    { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(`playground: ${target} did not answer: ${error.message}`)
  })
  req.pipe(upstream)
}

/**
 * Serves playground/.out on 127.0.0.1 (never cached), and forwards each path of `proxies` (prefix → origin) to its
 * server. Resolves the server and its URL.
 */
export function serve(port: number, proxies: Record<string, string>): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    for (const [prefix, target] of Object.entries(proxies)) {
      if (url.pathname === prefix || url.pathname.startsWith(prefix + '/'))
        return forward(req, res, target, url.pathname.slice(prefix.length) + url.search)
    }
    const rel = decodeURIComponent(url.pathname).replace(/\/$/, '/index.html')
    const file = path.join(OUT, path.normalize(rel))
    if (!file.startsWith(OUT + path.sep)) return void res.writeHead(403).end()
    fs.readFile(file, (err, body) => {
      if (err) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      })
      res.end(body)
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number }
      resolve({ server, url: `http://127.0.0.1:${bound}/` })
    })
  })
}

async function main() {
  const config = demoConfig()
  const servers = await startLocalServers({
    simulatorPort: Number(new URL(config.simulatorUrl).port),
    serverPort: Number(new URL(config.serverUrl).port),
    session: config.token,
  })
  const stop = () => void servers.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const { url } = await build()
    .then(() =>
      serve(Number(process.env.PORT) || 0, {
        [PROXIED.server]: servers.serverUrl,
        [PROXIED.simulator]: servers.simulatorUrl,
      }),
    )
    .catch(async (error: unknown) => {
      await servers.stop()
      throw error
    })
  console.log(`simulator: ${servers.simulatorUrl} (WeChat's API, and /simulator/ for the pages)`)
  console.log(`card server: ${servers.serverUrl} (examples/server.ts on the simulator; WeChat devtools: npm run demo)`)
  console.log(`playground: ${url}   (Ctrl-C stops all three)`)
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
