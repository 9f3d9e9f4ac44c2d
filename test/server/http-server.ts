/** A real HTTP server on 127.0.0.1 (port 0) standing in for api.weixin.qq.com; each test sets the handler. */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'http'
import type { AddressInfo } from 'net'

export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void

export interface TestServer {
  baseUrl: string
  /** Every request received since the last reset(). */
  requests: SeenRequest[]
  handle(h: Handler): void
  reset(): void
  close(): Promise<void>
}

export async function startServer(): Promise<TestServer> {
  const notFound: Handler = (_, res) => reply(res, 404, 'no handler')
  let handler = notFound
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(seen)
      handler(seen, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      handler = h
    },
    reset() {
      requests.length = 0
      handler = notFound
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Also drops requests a "never answers" handler left hanging, and idle keep-alive sockets.
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

export function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' })
  res.end(text)
}

/** A port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

export interface ClientAnswer {
  status: number
  headers: IncomingHttpHeaders
  /** The body as text. */
  text: string
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> | undefined
}

/**
 * One request with node:http (no fetch): `body` is sent with a Content-Length, `chunks` one write each without one
 * (chunked transfer encoding).
 */
export function httpRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; chunks?: string[] } = {},
): Promise<ClientAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => {
        let json: Record<string, unknown> | undefined
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    for (const chunk of o.chunks ?? []) req.write(chunk)
    req.end(o.body)
  })
}

/** Node `(req, res)` handlers by path, as a card server mounts them. */
export type Routes = Record<string, (req: IncomingMessage, res: ServerResponse) => unknown>

/**
 * A card server on 127.0.0.1 (port 0) serving `routes` by path (the query ignored; another path is a 404): its base
 * URL, and `close()`, which drops open connections and resolves when it has closed.
 */
export async function serveRoutes(routes: Routes): Promise<{ base: string; close(): Promise<void> }> {
  const app = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const handler = Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : undefined
    if (handler) void handler(req, res)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  return {
    base: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        app.closeAllConnections()
        app.close(() => resolve())
      }),
  }
}
