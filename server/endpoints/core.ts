// The plumbing every ready-made endpoint shares: the transport-agnostic request and answer, the checks every endpoint
// makes (method, body size, JSON, session), the JSON errors with a stable code, the checks of a request's items and
// of the common options, and the Node (req, res) adapter. One file per endpoint (card-ext.ts, card-codes.ts,
// user-cards.ts) builds on it; catalogue.ts says which cards an endpoint knows.
import type { IncomingMessage, ServerResponse } from 'http'
import type { ErrorResponseBody } from '../../utils/protocol'
import { exactValueProblem, isPlainObject } from '../../utils/rules'
import { checkTransport, describeError, redactSecrets, type TransportOptions } from '../wechat'

/** A header as Node gives it: a string, several strings, or absent. */
export type HeaderValue = string | readonly string[] | undefined

/** One request to a handler, whatever carried it (Node's http, a framework, an in-process call). */
export interface HandlerRequest<Context = IncomingMessage> {
  /** The HTTP method, e.g. `POST` (any case). */
  method: string
  /** The path and query, e.g. `/user-cards?cardId=p1` (`req.url`): the user-cards handler reads `cardId` from it. */
  url?: string | undefined
  /** The request headers (names in any case): where your session token is. */
  headers: Readonly<Record<string, HeaderValue>>
  /**
   * The body: its text or bytes as received (`maxBodyBytes` applies), or what a framework already parsed from JSON
   * (express.json(), koa-bodyparser, Fastify). Absent for GET.
   */
  body?: unknown
  /** Anything else `getOpenid` needs (the Node adapter passes `req` itself: Express's `req.session`, `req.user`). */
  context?: Context | undefined
}

/** A handler's answer: send `status`, `headers` and `body` (JSON text) as they are. */
export interface HandlerResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * A ready-made handler: a Node `(req, res)` function (Express accepts it as it is; Koa and Fastify through their raw
 * req/res or `handle`) with the transport-agnostic core as `handle` (call it in process: a test, a demo, a worker).
 */
export interface CardHandler<Context = IncomingMessage> {
  (req: IncomingMessage & Context, res: ServerResponse): Promise<void>
  /** The core: one request in, one answer out; never rejects (an unexpected failure answers 500 `server_error`). */
  handle(request: HandlerRequest<Context>): Promise<HandlerResponse>
}

/** The options every handler takes. */
export interface HandlerOptions<Context = IncomingMessage> {
  /**
   * The user's openid (under the AppID that owns the cards) from your own session, e.g. the login token your
   * wx.login flow issued, sent in a header. Never read it from the body. Resolve undefined or '' when there is no
   * session (answered 401 `no_session`); a rejection is answered 500 `server_error`.
   */
  getOpenid(request: HandlerRequest<Context>): string | undefined | Promise<string | undefined>
  /** Largest body accepted, in bytes (413 `body_too_large` above). Default 16 384. */
  maxBodyBytes?: number | undefined
  /**
   * Told about failures answered 5xx (or per code, per card): WeChat unreachable or refusing, your callbacks
   * failing. Messages name the endpoint and the cause, never the AppSecret, an access_token or an api_ticket.
   * Default `console.error`.
   */
  onError?: ((error: Error) => void) | undefined
}

/** The stable `code` of every error answer (and of per-item errors). */
export type HandlerErrorCode =
  | 'method_not_allowed'
  | 'body_too_large'
  | 'invalid_json'
  | 'invalid_request'
  | 'no_session'
  | 'unknown_card'
  | 'invalid_code'
  | 'wechat_error'
  | 'server_error'
  | 'forbidden'

export const DEFAULT_MAX_BODY_BYTES = 16_384

/** An answer that ends a request early: thrown inside a handler's steps, turned into the JSON error. */
export class HandlerError extends Error {
  constructor(
    readonly status: number,
    readonly code: HandlerErrorCode,
    message: string,
  ) {
    super(message)
    Object.setPrototypeOf(this, HandlerError.prototype)
    this.name = 'HandlerError'
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }

export const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}): HandlerResponse => ({
  status,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
})

const errorAnswer = (e: HandlerError, headers?: Record<string, string>): HandlerResponse => {
  const body: ErrorResponseBody = { code: e.code, message: e.message }
  return jsonAnswer(e.status, body, headers)
}

/** A value from a request, quoted for a message: JSON, at most 64 characters. */
export const quote = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 64 ? `${text.slice(0, 61)}…` : text
}

/** UTF-8 length of a string (no TextEncoder needed). */
function utf8Bytes(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array

/** The JSON value of a body (text, bytes or already parsed), checked against the size limit. */
function parseBody(body: unknown, maxBytes: number): unknown {
  const tooLarge = (size: number) =>
    new HandlerError(413, 'body_too_large', `the body is ${size} bytes; at most ${maxBytes} are accepted`)
  let text: string
  if (typeof body === 'string') text = body
  else if (isBytes(body)) {
    if (body.byteLength > maxBytes) throw tooLarge(body.byteLength)
    text = new TextDecoder().decode(body)
  } else {
    // Parsed by a framework: the limit applies to its JSON.
    const size = body === undefined ? 0 : utf8Bytes(JSON.stringify(body) ?? '')
    if (size > maxBytes) throw tooLarge(size)
    if (body === undefined) throw new HandlerError(400, 'invalid_json', 'the body is empty; send JSON')
    return body
  }
  const size = utf8Bytes(text)
  if (size > maxBytes) throw tooLarge(size)
  if (text.trim() === '') throw new HandlerError(400, 'invalid_json', 'the body is empty; send JSON')
  try {
    return JSON.parse(text)
  } catch {
    throw new HandlerError(400, 'invalid_json', 'the body is not valid JSON')
  }
}

/** The value of query parameter `name` in a URL or path, or undefined. */
export function queryParam(url: string | undefined, name: string): string | undefined {
  const query = (url ?? '').split('#')[0].split('?')[1] ?? ''
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    const value = eq < 0 ? '' : pair.slice(eq + 1)
    try {
      if (decodeURIComponent(key.replace(/\+/g, ' ')) === name) return decodeURIComponent(value.replace(/\+/g, ' '))
    } catch {
      throw new HandlerError(400, 'invalid_request', `the query parameter ${name} is not valid percent-encoding`)
    }
  }
  return undefined
}

/** What an endpoint does once method, body, session and JSON passed. */
export interface Endpoint<Context> {
  /** For messages, e.g. `card-ext handler`. */
  name: string
  method: 'GET' | 'POST'
  run(input: { openid: string; body: unknown; request: HandlerRequest<Context> }): Promise<HandlerResponse>
}

/** The checked common options, and a reporter that never lets a secret out. */
export interface HandlerKit<Context> {
  maxBodyBytes: number
  getOpenid: HandlerOptions<Context>['getOpenid']
  /** Reports an error (redacted) to onError; secrets seen meanwhile (a ticket) are added with `secret`. */
  report(message: string, cause?: unknown): void
  /** A value never to appear in a report (e.g. the api_ticket this handler used). */
  secret(value: string): void
}

export function checkHandlerOptions<Context>(fn: string, o: HandlerOptions<Context>): HandlerKit<Context> {
  if (!o || typeof o !== 'object') throw new TypeError(`${fn}: options are required`)
  if (typeof o.getOpenid !== 'function') throw new TypeError(`${fn}: getOpenid must be a function`)
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new TypeError(`${fn}: maxBodyBytes must be an integer >= 1`)
  if (o.onError !== undefined && typeof o.onError !== 'function')
    throw new TypeError(`${fn}: onError must be a function`)
  const secrets = new Set<string>()
  return {
    maxBodyBytes,
    getOpenid: o.getOpenid,
    secret(value) {
      secrets.add(value)
      if (secrets.size > 16) secrets.delete(secrets.values().next().value as string)
    },
    report(message, cause) {
      const error = new Error(
        redactSecrets(cause === undefined ? message : `${message}: ${describeError(cause)}`, secrets),
      )
      try {
        if (o.onError) o.onError(error)
        else console.error(`weapp-card-coupon: ${error.message}`)
      } catch {
        // A failing onError must not change the answer.
      }
    },
  }
}

/** The core of a handler: the checks every endpoint makes, in order, then `endpoint.run`. */
export function createCore<Context>(
  kit: HandlerKit<Context>,
  endpoint: Endpoint<Context>,
): (request: HandlerRequest<Context>) => Promise<HandlerResponse> {
  return async (request) => {
    try {
      if (typeof request !== 'object' || request === null || typeof request.method !== 'string')
        throw new TypeError(`${endpoint.name}: handle() takes { method, headers, body?, url?, context? }`)
      // 1. method
      if (request.method.toUpperCase() !== endpoint.method) {
        const e = new HandlerError(405, 'method_not_allowed', `use ${endpoint.method}`)
        return errorAnswer(e, { allow: endpoint.method })
      }
      // 2. body size (before anything else is read from it)
      const parse = endpoint.method === 'POST' ? () => parseBody(request.body, kit.maxBodyBytes) : () => undefined
      let body: unknown
      let bodyError: HandlerError | undefined
      try {
        body = parse()
      } catch (e) {
        if (!(e instanceof HandlerError)) throw e
        if (e.status === 413) throw e
        bodyError = e
      }
      // 3. session
      let openid: string | undefined
      try {
        openid = await kit.getOpenid(request)
      } catch (e) {
        kit.report(`${endpoint.name}: getOpenid failed`, e)
        throw new HandlerError(500, 'server_error', 'could not read the session')
      }
      if (openid === undefined || openid === '') throw new HandlerError(401, 'no_session', 'no session: log in first')
      const openidProblem = exactValueProblem(openid)
      if (openidProblem) {
        kit.report(`${endpoint.name}: getOpenid resolved an openid that ${openidProblem}`)
        throw new HandlerError(500, 'server_error', 'could not read the session')
      }
      // 4. JSON, then the endpoint's own checks and work
      if (bodyError) throw bodyError
      return await endpoint.run({ openid, body, request })
    } catch (e) {
      if (e instanceof HandlerError) return errorAnswer(e)
      kit.report(`${endpoint.name}: unexpected failure`, e)
      return errorAnswer(new HandlerError(500, 'server_error', 'unexpected server error'))
    }
  }
}

/** Reads a Node request's body as text, up to `maxBytes` (else 'too large'; the rest is drained and dropped). */
function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<string | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > maxBytes) {
        req.off('data', onData)
        req.resume() // so the client still reads the 413
        resolve('too large')
      } else chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The Node `(req, res)` adapter around a core, with the core as `handle`. */
export function nodeHandler<Context>(
  kit: HandlerKit<Context>,
  core: (request: HandlerRequest<Context>) => Promise<HandlerResponse>,
): CardHandler<Context> {
  const send = (res: ServerResponse, answer: HandlerResponse): void => {
    if (res.headersSent) {
      res.end()
      return
    }
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }
  const handler = async (req: IncomingMessage & Context, res: ServerResponse): Promise<void> => {
    try {
      // A framework may have parsed the body already (express.json()); else it is read here, within the limit.
      const parsed = (req as { body?: unknown }).body
      let body: unknown = parsed
      const declared = Number(req.headers['content-length'])
      if (parsed === undefined && !req.readableEnded) {
        const read = declared > kit.maxBodyBytes ? 'too large' : await readNodeBody(req, kit.maxBodyBytes)
        if (read === 'too large') {
          if (!req.readableEnded) req.resume()
          const size = declared > kit.maxBodyBytes ? `${declared} bytes` : `over ${kit.maxBodyBytes} bytes`
          const e = new HandlerError(
            413,
            'body_too_large',
            `the body is ${size}; at most ${kit.maxBodyBytes} are accepted`,
          )
          return send(res, errorAnswer(e, { connection: 'close' }))
        }
        body = read === '' ? undefined : read
      }
      send(res, await core({ method: req.method ?? 'GET', url: req.url, headers: req.headers, body, context: req }))
    } catch (e) {
      kit.report('handler: could not answer', e)
      send(res, errorAnswer(new HandlerError(500, 'server_error', 'unexpected server error')))
    }
  }
  return Object.assign(handler, { handle: core })
}

/** The problem of a card id from a request, for a 400 naming `field`. */
export function checkCardId(value: unknown, field: string): string {
  const problem = exactValueProblem(value)
  if (problem) throw new HandlerError(400, 'invalid_request', `${field} ${problem}`)
  return value as string
}

/** A positive integer option with a default, or a TypeError naming it. */
export function count(fn: string, name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 1) throw new TypeError(`${fn}: ${name} must be an integer >= 1`)
  return v
}

/** The options of the handlers that ask WeChat with an access_token: checked, with the transport. */
export function checkWeChatReader(
  fn: string,
  o: TransportOptions & { getAccessToken: unknown },
): ReturnType<typeof checkTransport> {
  if (typeof o.getAccessToken !== 'function') throw new TypeError(`${fn}: getAccessToken must be a function`)
  return checkTransport(fn, o)
}

/** The `cards` array of a request body, 1 to `max` items, or a 400 naming what is wrong. */
export function itemsOf(body: unknown, key: string, max: number): unknown[] {
  if (!isPlainObject(body)) throw new HandlerError(400, 'invalid_request', `the body must be a JSON object with ${key}`)
  const items = body[key]
  if (!Array.isArray(items)) throw new HandlerError(400, 'invalid_request', `${key} must be an array`)
  if (items.length === 0) throw new HandlerError(400, 'invalid_request', `${key} is empty`)
  if (items.length > max)
    throw new HandlerError(400, 'invalid_request', `${key} has ${items.length} items; at most ${max} per request`)
  return items
}
