// The two WeChat server APIs a card signing server calls, answered with WeChat's JSON shapes.
import { createServer, type IncomingMessage, type ServerResponse } from 'http'

export const TICKET_PATH = '/cgi-bin/ticket/getticket'
export const DECRYPT_PATH = '/card/code/decrypt'

export interface RequestCounts {
  getticket: number
  decrypt: number
  /** Requests to any other path (answered 404). */
  other: number
}

export interface HttpBackend {
  accessToken: string
  expiredAccessTokens: readonly string[]
  apiTicket: string
  jsapiTicket: string
  requests: RequestCounts
  /** The code behind an encrypt_code, or undefined when the platform never issued it. */
  decrypt(encryptCode: string): string | undefined
}

export interface Listening {
  /** e.g. `http://127.0.0.1:53211`, no trailing slash: use it as your server's WeChat API base URL. */
  url: string
  /** Stops the server, dropping idle keep-alive connections; resolves when closed. */
  close(): Promise<void>
}

type Body = Record<string, unknown>
const MAX_BODY = 1 << 20

function tokenError(b: HttpBackend, token: string | null): Body | undefined {
  if (!token) return { errcode: 41001, errmsg: 'access_token missing' }
  if (token === b.accessToken) return undefined
  if (b.expiredAccessTokens.includes(token)) return { errcode: 42001, errmsg: 'access_token expired' }
  return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function ticket(b: HttpBackend, url: URL, method: string): Body {
  if (method !== 'GET') return { errcode: 43001, errmsg: 'require GET method' }
  const bad = tokenError(b, url.searchParams.get('access_token'))
  if (bad) return bad
  const type = url.searchParams.get('type')
  // type=jsapi answers the JS-SDK ticket: a real and common mix-up that then fails as 签名错误.
  if (type === 'wx_card') return { errcode: 0, errmsg: 'ok', ticket: b.apiTicket, expires_in: 7200 }
  if (type === 'jsapi') return { errcode: 0, errmsg: 'ok', ticket: b.jsapiTicket, expires_in: 7200 }
  return { errcode: 40097, errmsg: 'invalid args' }
}

async function decrypt(b: HttpBackend, req: IncomingMessage, url: URL): Promise<Body> {
  const raw = await readBody(req)
  if (req.method !== 'POST') return { errcode: 43002, errmsg: 'require POST method' }
  const bad = tokenError(b, url.searchParams.get('access_token'))
  if (bad) return bad
  if (raw === undefined || raw.trim() === '') return { errcode: 44002, errmsg: 'empty post data' }
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch (e) {
    return { errcode: 47001, errmsg: 'data format error' }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { errcode: 47001, errmsg: 'data format error' }
  const enc = (body as Body).encrypt_code
  if (enc === undefined || enc === '') return { errcode: 41011, errmsg: 'missing required fields: encrypt_code' }
  const code = typeof enc === 'string' ? b.decrypt(enc) : undefined
  return code === undefined ? { errcode: 40056, errmsg: 'invalid serial code' } : { errcode: 0, errmsg: 'ok', code }
}

async function handle(b: HttpBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url || '/', 'http://127.0.0.1')
  const method = req.method || 'GET'
  let status = 200
  let body: Body
  if (url.pathname === TICKET_PATH) {
    b.requests.getticket++
    await readBody(req)
    body = ticket(b, url, method)
  } else if (url.pathname === DECRYPT_PATH) {
    b.requests.decrypt++
    body = await decrypt(b, req, url)
  } else {
    b.requests.other++
    await readBody(req)
    status = 404
    body = { errcode: 404, errmsg: `not found: ${url.pathname}` }
  }
  // WeChat answers API errors with HTTP 200 and an errcode.
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

/** Starts the API server on 127.0.0.1, on a free port. */
export function listenHttp(b: HttpBackend): Promise<Listening> {
  const server = createServer((req, res) => {
    handle(b, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ errcode: -1, errmsg: 'system error' }))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      const addr = server.address()
      const port = addr && typeof addr === 'object' ? addr.port : 0
      let closing: Promise<void> | undefined
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => {
          closing =
            closing ||
            new Promise<void>((done) => {
              server.close(() => done())
              server.closeAllConnections()
            })
          return closing
        },
      })
    })
  })
}
