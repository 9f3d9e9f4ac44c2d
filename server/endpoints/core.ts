// The plumbing every ready-made endpoint shares: the transport-agnostic request and answer, the checks every endpoint
// makes (method, session, content type, body size and depth, JSON, deadline), the JSON errors with a stable code, the checks of a request's items and
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
  /** Anything else `getUser` needs (the Node adapter passes `req` itself: Express's `req.session`, `req.user`). */
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

/**
 * The user a request is from, as your session knows them (`getUser`). Two openids meet here: a mini-program login
 * (`wx.login` → code2Session) gives the mini-program's own openid, while the cards belong to the Official Account
 * (公众号) that created them and every card API speaks that account's openid. They meet through the unionid.
 */
export interface CardUser {
  /**
   * A stable key of the user in your system (e.g. the mini-program openid from code2Session, or your own user id):
   * what the bounds, idempotency and logs are keyed by. Never sent to WeChat.
   */
  id: string
  /**
   * The user's openid under the Official Account that owns the cards (e.g. looked up by unionid). Undefined when
   * your system does not know it: a bound (bind_openid) card, `/card-codes` and `/user-cards` then answer 403
   * `no_card_openid`, and nothing goes to WeChat.
   */
  cardOpenid?: string | undefined
}

/** The options every handler takes. */
export interface HandlerOptions<Context = IncomingMessage> {
  /**
   * Who the request is from, read from your own session (headers and `context` only: it is called before the body
   * is read). Resolve undefined when there is no session (answered 401 `no_session`); a rejection, or a user whose
   * `id` or `cardOpenid` is not a clean string, is answered 500 `server_error`. Required unless `getOpenid` is given.
   */
  getUser?: ((request: HandlerRequest<Context>) => CardUser | undefined | Promise<CardUser | undefined>) | undefined
  /**
   * @deprecated Use `getUser`. The user's openid under the AppID that owns the cards: the same as `getUser`
   * resolving `{ id: openid, cardOpenid: openid }`.
   */
  getOpenid?: ((request: HandlerRequest<Context>) => string | undefined | Promise<string | undefined>) | undefined
  /** Largest body accepted, in bytes (413 `body_too_large` above). Default 16 384. */
  maxBodyBytes?: number | undefined
  /** Deepest nesting of objects and arrays accepted in a body (400 `body_too_deep` deeper). Default 8. */
  maxBodyDepth?: number | undefined
  /**
   * Longest time one request may take, in ms, from the session check to the answer (504 `timeout` after it; work
   * still pending then is dropped, and no callback is told a result after it). Default 15 000.
   */
  deadlineMs?: number | undefined
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
  | 'unsupported_media_type'
  | 'body_too_large'
  | 'body_too_deep'
  | 'invalid_json'
  | 'invalid_request'
  | 'no_session'
  | 'no_card_openid'
  | 'rate_limited'
  | 'in_progress'
  | 'unknown_card'
  | 'card_rule_conflict'
  | 'no_create_code'
  | 'invalid_code'
  | 'wechat_error'
  | 'not_holder'
  | 'forbidden'
  | 'timeout'
  | 'server_error'

export const DEFAULT_MAX_BODY_BYTES = 16_384
export const DEFAULT_MAX_BODY_DEPTH = 8
export const DEFAULT_DEADLINE_MS = 15_000

/** An answer that ends a request early: thrown inside a handler's steps, turned into the JSON error. */
export class HandlerError extends Error {
  constructor(
    readonly status: number,
    readonly code: HandlerErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
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
  return jsonAnswer(e.status, body, { ...e.headers, ...headers })
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

const tooDeep = (maxDepth: number) =>
  new HandlerError(400, 'body_too_deep', `the body nests objects and arrays deeper than ${maxDepth} levels`)

/** Whether JSON text nests objects and arrays deeper than `maxDepth` (a scan: nothing is parsed or recursed). */
function textTooDeep(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/** Whether a parsed value nests deeper than `maxDepth` (iterative: a hostile depth cannot overflow the stack). */
function valueTooDeep(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  let visited = 0
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > maxDepth) return true
    // A parsed JSON body has no cycles; a value built by hand might: never loop on one.
    if (++visited > 100_000) return true
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1])
  }
  return false
}

/** The JSON value of a body (text, bytes or already parsed), checked against the size and depth limits. */
function parseBody(body: unknown, maxBytes: number, maxDepth: number): unknown {
  const tooLarge = (size: number) =>
    new HandlerError(413, 'body_too_large', `the body is ${size} bytes; at most ${maxBytes} are accepted`)
  let text: string
  if (typeof body === 'string') text = body
  else if (isBytes(body)) {
    if (body.byteLength > maxBytes) throw tooLarge(body.byteLength)
    text = new TextDecoder().decode(body)
  } else {
    // Parsed by a framework: depth first (serializing a deep value would overflow), then the size of its JSON.
    if (body === undefined) throw new HandlerError(400, 'invalid_json', 'the body is empty; send JSON')
    if (valueTooDeep(body, maxDepth)) throw tooDeep(maxDepth)
    const size = utf8Bytes(JSON.stringify(body) ?? '')
    if (size > maxBytes) throw tooLarge(size)
    return body
  }
  const size = utf8Bytes(text)
  if (size > maxBytes) throw tooLarge(size)
  if (text.trim() === '') throw new HandlerError(400, 'invalid_json', 'the body is empty; send JSON')
  if (textTooDeep(text, maxDepth)) throw tooDeep(maxDepth)
  try {
    return JSON.parse(text)
  } catch {
    throw new HandlerError(400, 'invalid_json', 'the body is not valid JSON')
  }
}

/** The media type of a Content-Type header, lower case, without parameters; '' when absent. */
function mediaType(value: HeaderValue): string {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first.split(';')[0].trim().toLowerCase() : ''
}

/** JSON's media types: `application/json` and `application/<anything>+json`. */
const isJsonType = (type: string): boolean => type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type)

/** A header's value by name in any case. */
function header(headers: Readonly<Record<string, HeaderValue>>, name: string): HeaderValue {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key]
  return undefined
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

/** What an endpoint does once method, session, content type, body and JSON passed. */
export interface Endpoint<Context> {
  /** For messages, e.g. `card-ext handler`. */
  name: string
  method: 'GET' | 'POST'
  run(input: {
    /** The session's user. */
    user: CardUser
    /** `user.id` (what the pay handlers key by: with `getOpenid`, the openid). */
    openid: string
    body: unknown
    request: HandlerRequest<Context>
    /** Whether the request's deadline has passed: its answer is sent already, so tell no callback a result. */
    expired(): boolean
  }): Promise<HandlerResponse>
}

/** The checked common options, and a reporter that never lets a secret out. */
export interface HandlerKit<Context> {
  maxBodyBytes: number
  maxBodyDepth: number
  deadlineMs: number
  getUser(request: HandlerRequest<Context>): CardUser | undefined | Promise<CardUser | undefined>
  /** Reports an error (redacted) to onError; secrets seen meanwhile (a ticket) are added with `secret`. */
  report(message: string, cause?: unknown): void
  /** A value never to appear in a report (e.g. the api_ticket this handler used). */
  secret(value: string): void
}

export function checkHandlerOptions<Context>(fn: string, o: HandlerOptions<Context>): HandlerKit<Context> {
  if (!o || typeof o !== 'object') throw new TypeError(`${fn}: options are required`)
  if (o.getUser !== undefined && typeof o.getUser !== 'function')
    throw new TypeError(`${fn}: getUser must be a function`)
  if (o.getOpenid !== undefined && typeof o.getOpenid !== 'function')
    throw new TypeError(`${fn}: getOpenid must be a function`)
  if (o.getUser && o.getOpenid) throw new TypeError(`${fn}: pass getUser or getOpenid (deprecated), not both`)
  const { getUser, getOpenid } = o
  if (!getUser && !getOpenid) throw new TypeError(`${fn}: getUser must be a function`)
  const maxBodyBytes = count(fn, 'maxBodyBytes', o.maxBodyBytes, DEFAULT_MAX_BODY_BYTES)
  const maxBodyDepth = count(fn, 'maxBodyDepth', o.maxBodyDepth, DEFAULT_MAX_BODY_DEPTH)
  const deadlineMs = count(fn, 'deadlineMs', o.deadlineMs, DEFAULT_DEADLINE_MS)
  if (o.onError !== undefined && typeof o.onError !== 'function')
    throw new TypeError(`${fn}: onError must be a function`)
  const secrets = new Set<string>()
  return {
    maxBodyBytes,
    maxBodyDepth,
    deadlineMs,
    getUser: getUser
      ? (request) => getUser(request)
      : async (request) => {
          const openid = await (getOpenid as NonNullable<typeof getOpenid>)(request)
          return openid === undefined || openid === '' ? undefined : { id: openid, cardOpenid: openid }
        },
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

/** The session's user, checked: undefined without a session; a 500 when getUser failed or answered a bad user. */
async function readUser<Context>(
  kit: HandlerKit<Context>,
  name: string,
  request: HandlerRequest<Context>,
): Promise<CardUser> {
  let user: CardUser | undefined
  try {
    user = await kit.getUser(request)
  } catch (e) {
    kit.report(`${name}: getUser failed`, e)
    throw new HandlerError(500, 'server_error', 'could not read the session')
  }
  if (user === undefined || user === null) throw new HandlerError(401, 'no_session', 'no session: log in first')
  const problem =
    typeof user !== 'object'
      ? 'is not an object { id, cardOpenid? }'
      : exactValueProblem(user.id)
        ? `has an id that ${exactValueProblem(user.id)}`
        : hasCardOpenid(user) && exactValueProblem(user.cardOpenid)
          ? `has a cardOpenid that ${exactValueProblem(user.cardOpenid)}`
          : ''
  if (problem) {
    kit.report(`${name}: getUser resolved a user that ${problem}`)
    throw new HandlerError(500, 'server_error', 'could not read the session')
  }
  return { id: user.id, ...(hasCardOpenid(user) ? { cardOpenid: user.cardOpenid } : {}) }
}

/** Whether the user names a card-account openid ('' and null read as none). */
const hasCardOpenid = (user: CardUser): boolean =>
  user.cardOpenid !== undefined && user.cardOpenid !== null && user.cardOpenid !== ''

/** How the core reads the body once the session and content type passed: text, bytes, parsed, or too large. */
export type BodyReader = () => Promise<unknown>

/**
 * The core of a handler: the checks every endpoint makes, in order (method → session → content type → body size
 * and depth → JSON), then `endpoint.run`, all within the deadline. `readBody` defaults to `request.body`.
 */
export function createCore<Context>(
  kit: HandlerKit<Context>,
  endpoint: Endpoint<Context>,
): (request: HandlerRequest<Context>, readBody?: BodyReader) => Promise<HandlerResponse> {
  const steps = async (
    request: HandlerRequest<Context>,
    readBody: BodyReader,
    expired: () => boolean,
  ): Promise<HandlerResponse> => {
    // 1. method
    if (request.method.toUpperCase() !== endpoint.method) {
      const e = new HandlerError(405, 'method_not_allowed', `use ${endpoint.method}`)
      return errorAnswer(e, { allow: endpoint.method })
    }
    // 2. session, from headers and context only: a request without one costs nothing more
    const user = await readUser(kit, endpoint.name, request)
    let body: unknown
    if (endpoint.method === 'POST') {
      // 3. content type: JSON only (absent is taken as JSON: an in-process call may not name it)
      const type = mediaType(header(request.headers ?? {}, 'content-type'))
      if (type !== '' && !isJsonType(type))
        throw new HandlerError(415, 'unsupported_media_type', `send the body as application/json, not ${quote(type)}`)
      // 4. size, depth, JSON
      body = parseBody(await readBody(), kit.maxBodyBytes, kit.maxBodyDepth)
    }
    return await endpoint.run({ user, openid: user.id, body, request, expired })
  }
  return async (request, readBody) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let late = false
    try {
      if (typeof request !== 'object' || request === null || typeof request.method !== 'string')
        throw new TypeError(`${endpoint.name}: handle() takes { method, headers, body?, url?, context? }`)
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          late = true
          reject(new HandlerError(504, 'timeout', `the request took longer than ${kit.deadlineMs} ms; try again later`))
        }, kit.deadlineMs)
      })
      const work = steps(request, readBody ?? (async () => request.body), () => late)
      work.catch(() => undefined) // a failure after the deadline answered is dropped (it was reported, if at all)
      return await Promise.race([work, deadline])
    } catch (e) {
      if (e instanceof HandlerError) {
        if (e.status === 504) kit.report(`${endpoint.name}: no answer within deadlineMs (${kit.deadlineMs} ms)`)
        return errorAnswer(e)
      }
      kit.report(`${endpoint.name}: unexpected failure`, e)
      return errorAnswer(new HandlerError(500, 'server_error', 'unexpected server error'))
    } finally {
      clearTimeout(timer)
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
  core: (request: HandlerRequest<Context>, readBody?: BodyReader) => Promise<HandlerResponse>,
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
      // The body is read only once the session and content type passed (a framework may have parsed it already:
      // express.json()), within the limit.
      let tooLarge = false
      let consumed = false
      const readBody = async (): Promise<unknown> => {
        consumed = true
        const parsed = (req as { body?: unknown }).body
        if (parsed !== undefined || req.readableEnded) return parsed
        const declared = Number(req.headers['content-length'])
        const read = declared > kit.maxBodyBytes ? 'too large' : await readNodeBody(req, kit.maxBodyBytes)
        if (read !== 'too large') return read === '' ? undefined : read
        tooLarge = true
        if (!req.readableEnded) req.resume()
        const size = declared > kit.maxBodyBytes ? `${declared} bytes` : `over ${kit.maxBodyBytes} bytes`
        throw new HandlerError(413, 'body_too_large', `the body is ${size}; at most ${kit.maxBodyBytes} are accepted`)
      }
      const request = { method: req.method ?? 'GET', url: req.url, headers: req.headers, context: req }
      const answer = await core(request, readBody)
      // A body never read (no session, wrong type) or cut short is drained, and the connection not reused.
      const framed = Number(req.headers['content-length']) > 0 || req.headers['transfer-encoding'] !== undefined
      const unread = framed && !consumed && !req.readableEnded && (req as { body?: unknown }).body === undefined
      if (unread) req.resume()
      send(res, tooLarge || unread ? { ...answer, headers: { ...answer.headers, connection: 'close' } } : answer)
    } catch (e) {
      kit.report('handler: could not answer', e)
      send(res, errorAnswer(new HandlerError(500, 'server_error', 'unexpected server error')))
    }
  }
  return Object.assign(handler, { handle: (request: HandlerRequest<Context>) => core(request) })
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

/**
 * The session user's openid under the Official Account that owns the cards (`CardUser.cardOpenid`), or a 403
 * `no_card_openid` saying what cannot be done without it (`what`: "its codes cannot be checked"). Call it before any
 * WeChat request.
 */
export function requireCardOpenid(user: CardUser, what: string): string {
  if (user.cardOpenid === undefined)
    throw new HandlerError(
      403,
      'no_card_openid',
      `this session has no openid under the Official Account that owns the cards; ${what}`,
    )
  return user.cardOpenid
}

/** The body as a JSON object, or a 400 naming the shape expected (`fields`, e.g. `'{ code, cardId? }'`). */
export function objectBody(body: unknown, fields: string): Record<string, unknown> {
  if (!isPlainObject(body)) throw new HandlerError(400, 'invalid_request', `the body must be a JSON object ${fields}`)
  return body
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
