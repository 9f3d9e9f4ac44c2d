// The WeChat server APIs a card signing server calls, answered with WeChat's JSON shapes.
import { randomBytes } from 'crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'http'

export const TICKET_PATH = '/cgi-bin/ticket/getticket'
export const DECRYPT_PATH = '/card/code/decrypt'
export const STABLE_TOKEN_PATH = '/cgi-bin/stable_token'

type Body = Record<string, unknown>

/** HTTP requests per API, whatever the answer. */
export interface RequestCounts {
  getticket: number
  decrypt: number
  /** `POST /cgi-bin/stable_token`. */
  stable_token: number
  /** Requests to any other path (answered 404). */
  other: number
}

/** The options of createCardPlatform that shape the access_token. */
export interface AccessTokenOptions {
  accessToken: string
  expiredAccessTokens?: string[] | undefined
  appid?: string | undefined
  secret?: string | undefined
  now?: (() => number) | undefined
}

const LIFETIME_MS = 7200 * 1000
/** WeChat renews a token in its last 5 minutes, and answers with a new one from then on. */
const RENEW_WITHIN_MS = 300 * 1000
const FORCE_INTERVAL_MS = 30 * 1000
const FORCES_PER_DAY = 20
const DAY_MS = 24 * 3600 * 1000
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** The platform's access_token over time: what stable_token answers and which tokens the other APIs accept. */
export interface AccessTokens {
  /** The error for a token the APIs refuse, or undefined when it is valid now. */
  check(token: string | null): Body | undefined
  /** The stable_token answer for a request body (already parsed). */
  stable(body: Record<string, unknown>): Body
}

export function createAccessTokens(o: AccessTokenOptions): AccessTokens {
  const fn = 'createCardPlatform'
  const appid = o.appid ?? 'wx0000000000card00'
  const secret = o.secret ?? 'simulator-app-secret-0000000000'
  const now = o.now ?? Date.now
  for (const [name, v] of [
    ['appid', appid],
    ['secret', secret],
  ] as const) {
    if (typeof v !== 'string' || !v) throw new TypeError(`${fn}: ${name} must be a non-empty string`)
  }
  if (typeof now !== 'function') throw new TypeError(`${fn}: now must be a function`)
  const expired = o.expiredAccessTokens ?? []
  let current = { token: o.accessToken, expiresAt: now() + LIFETIME_MS }
  // After a normal-mode renewal the old token stays valid until its own expiry (at most 5 minutes).
  let previous: { token: string; expiresAt: number } | undefined
  const forcedOut = new Set<string>()
  let lastForcedAt: number | undefined
  const forcesOn = { day: -1, count: 0 }

  const issue = () => ({ token: randomBytes(48).toString('base64url'), expiresAt: now() + LIFETIME_MS })
  const answer = (): Body => ({
    access_token: current.token,
    expires_in: Math.floor((current.expiresAt - now()) / 1000),
  })

  return {
    check(token) {
      if (!token) return { errcode: 41001, errmsg: 'access_token missing' }
      const t = now()
      if (token === current.token && t < current.expiresAt) return undefined
      if (previous && token === previous.token && t < previous.expiresAt) return undefined
      if (!forcedOut.has(token) && (token === current.token || token === previous?.token || expired.includes(token)))
        return { errcode: 42001, errmsg: 'access_token expired' }
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }
    },
    stable(b) {
      if (b.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' }
      if (b.appid === undefined || b.appid === '') return { errcode: 41002, errmsg: 'appid missing' }
      if (b.appid !== appid) return { errcode: 40013, errmsg: 'invalid appid' }
      if (b.secret === undefined || b.secret === '') return { errcode: 41004, errmsg: 'appsecret missing' }
      if (b.secret !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' }
      const force = b.force_refresh ?? false
      if (typeof force !== 'boolean') return { errcode: 47001, errmsg: 'data format error' }
      const t = now()
      if (!force) {
        if (current.expiresAt - t <= RENEW_WITHIN_MS) {
          previous = current
          current = issue()
        }
        return answer()
      }
      // 否则不会刷新: a forced refresh within 30 s of the last one answers the current token unchanged.
      if (lastForcedAt !== undefined && t - lastForcedAt < FORCE_INTERVAL_MS) return answer()
      const day = Math.floor((t + CHINA_OFFSET_MS) / DAY_MS)
      if (forcesOn.day !== day) Object.assign(forcesOn, { day, count: 0 })
      if (forcesOn.count >= FORCES_PER_DAY) return { errcode: 45009, errmsg: 'reach max api daily quota limit' }
      forcesOn.count++
      lastForcedAt = t
      forcedOut.add(current.token)
      if (previous) forcedOut.add(previous.token)
      previous = undefined
      current = issue()
      return answer()
    },
  }
}

export interface HttpBackend {
  tokens: AccessTokens
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

const MAX_BODY = 1 << 20
const tokenError = (b: HttpBackend, token: string | null) => b.tokens.check(token)

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

/** A POST body as a JSON object, or WeChat's answer for an empty or malformed one. */
function jsonObject(raw: string | undefined): { body: Body } | { error: Body } {
  if (raw === undefined || raw.trim() === '') return { error: { errcode: 44002, errmsg: 'empty post data' } }
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch (e) {
    return { error: { errcode: 47001, errmsg: 'data format error' } }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: { errcode: 47001, errmsg: 'data format error' } }
  return { body: body as Body }
}

async function stableToken(b: HttpBackend, req: IncomingMessage): Promise<Body> {
  const raw = await readBody(req)
  if (req.method !== 'POST') return { errcode: 43002, errmsg: 'require POST method' }
  const parsed = jsonObject(raw)
  return 'error' in parsed ? parsed.error : b.tokens.stable(parsed.body)
}

async function decrypt(b: HttpBackend, req: IncomingMessage, url: URL): Promise<Body> {
  const raw = await readBody(req)
  if (req.method !== 'POST') return { errcode: 43002, errmsg: 'require POST method' }
  const bad = tokenError(b, url.searchParams.get('access_token'))
  if (bad) return bad
  const parsed = jsonObject(raw)
  if ('error' in parsed) return parsed.error
  const enc = parsed.body.encrypt_code
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
  } else if (url.pathname === STABLE_TOKEN_PATH) {
    b.requests.stable_token++
    body = await stableToken(b, req)
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
