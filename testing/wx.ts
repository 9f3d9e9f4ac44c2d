// The simulated WeChat client: the `wx` functions a mini-program calls, how and when they answer (now, later,
// never), which APIs this client has, and putting them on a global `wx`. The card rules are the platform's
// (testing/platform.ts); this file only delivers their answers, and wx.request over real HTTP.
import { isPlainObject } from '../utils/rules'

export interface GeneralCallbackResult {
  errMsg: string
}

/** Callback options as a caller may pass them: the platform checks cardList at run time like the real client. */
export interface CallOptions<Success> {
  cardList?: unknown
  success?: (result: Success) => void
  fail?: (result: GeneralCallbackResult) => void
  complete?: (result: Success | GeneralCallbackResult) => void
}

/** The options of a call that wants a Promise: no callback at all. */
export interface PromiseCallOptions {
  cardList?: unknown
  success?: undefined
  fail?: undefined
  complete?: undefined
}

export interface ShowModalOption {
  title?: string
  content?: string
  showCancel?: boolean
  success?: (result: ShowModalSuccessCallbackResult) => void
  fail?: (result: GeneralCallbackResult) => void
  complete?: (result: ShowModalSuccessCallbackResult | GeneralCallbackResult) => void
}

export interface ShowModalSuccessCallbackResult extends GeneralCallbackResult {
  confirm: boolean
  cancel: boolean
  content?: string
}

/** One card of wx.addCard's success result (`code` encrypted). */
export interface AddCardResponseInfo {
  cardId: string
  cardExt: string
  code: string
  isSuccess: boolean
}

export interface AddCardSuccessCallbackResult extends GeneralCallbackResult {
  cardList: AddCardResponseInfo[]
}

/** What the platform answers one card call: success or fail, with the result object. */
export type CallAnswer<Success> = { ok: true; result: Success } | { ok: false; result: GeneralCallbackResult }

/** The card APIs the platform answers. */
export type CardApiName = 'addCard' | 'openCard'

/** The functions of this simulated client. */
export type WxApiName = CardApiName | 'getSystemInfoSync' | 'getAppBaseInfo' | 'showModal'

const ALL_APIS: readonly WxApiName[] = ['addCard', 'openCard', 'getSystemInfoSync', 'getAppBaseInfo', 'showModal']

/** What the simulated client is: its base library version and the APIs it lacks. */
export interface ClientSettings {
  /** What getSystemInfoSync / getAppBaseInfo report. Default '3.12.0'. */
  SDKVersion?: string | undefined
  /** APIs this client does not have (an old or stripped client), e.g. `['addCard']` or `['getAppBaseInfo']`. */
  missingApis?: readonly WxApiName[] | undefined
}

/** One wx.addCard / wx.openCard call, as the platform saw it. */
export interface CallRecord {
  api: CardApiName
  /** The `cardList` the caller passed, as given. */
  cardList: unknown
  /**
   * `pending` while held; `ok` / `fail` from the moment the platform answered (the callbacks run after the answer
   * delay). A call `respond()`ed twice keeps the status of its last answer.
   */
  status: 'pending' | 'ok' | 'fail'
  /** The errMsg of the answer, once answered. */
  errMsg?: string | undefined
}

/** A call held by `hold()`: it is answered when the test says so, or never. */
export interface HeldCall extends CallRecord {
  /** Decides and delivers the platform's answer now (the queued user action applies). */
  answer(): void
  /**
   * Delivers exactly `result` through `success` or `fail` (then `complete`), as an odd client might: a result
   * without errMsg, a second answer to the same call. Changes no platform state.
   */
  respond(callback: 'success' | 'fail', result: object): void
}

/**
 * The simulated `wx` functions. This object always has all of them; `install()` puts on a target only those the
 * client settings do not list as missing.
 */
export interface SimWx {
  /** Without success/fail/complete: a Promise of the answer, like the base library (rejected with the fail result). */
  addCard(options: PromiseCallOptions): Promise<AddCardSuccessCallbackResult>
  /** With a callback: answers through it and returns nothing. */
  addCard(options: CallOptions<AddCardSuccessCallbackResult>): void
  /** Without success/fail/complete: a Promise of the answer, like the base library (rejected with the fail result). */
  openCard(options: PromiseCallOptions): Promise<GeneralCallbackResult>
  /** With a callback: answers through it and returns nothing. */
  openCard(options: CallOptions<GeneralCallbackResult>): void
  getSystemInfoSync(): { SDKVersion: string }
  getAppBaseInfo(): { SDKVersion: string }
  /** Records the call in state.modals and answers as if the user tapped 确定. */
  showModal(options: ShowModalOption): Promise<ShowModalSuccessCallbackResult> | void
}

export interface InstallOptions {
  /**
   * Also install getSystemInfoSync, getAppBaseInfo and showModal (default: addCard and openCard only). Where the
   * target already answers getSystemInfoSync / getAppBaseInfo (a real client), its answer is kept and only
   * SDKVersion is the simulator's.
   */
  all?: boolean | undefined
  /**
   * Also install `wx.request`, answered over real HTTP (Node's fetch) with the client's contract, so a page can
   * be tested against your server's handlers. Not for the mini-program runtime (it has its own).
   */
  request?: boolean | undefined
  /**
   * APIs to leave as the target has them, e.g. `['showModal']` so a real client (WeChat devtools) still shows
   * its own dialog. The target's own functions answer them: nothing is recorded in `state` for them.
   */
  keep?: readonly WxApiName[] | undefined
}

export interface SimulatedClient {
  wx: SimWx
  install(target?: object, options?: InstallOptions): () => void
  /** Changes the client: its version, the APIs it lacks. Installed targets follow. */
  setClient(settings: ClientSettings): void
  /** From now on, addCard/openCard calls wait for the test (`heldCalls()`); `hold(false)` answers as usual again. */
  hold(on?: boolean): void
  /** Held calls not answered yet, oldest first. */
  heldCalls(): HeldCall[]
  /** Delay before each addCard/openCard answer, in ms (default 0: the next macrotask, like the real client). */
  setAnswerDelay(ms: number): void
  /** The next call of `api` throws `error` synchronously, as a broken client might. */
  throwOnNextCall(api: CardApiName, error: Error): void
}

interface Installation {
  host: Record<string, unknown>
  apis: readonly WxApiName[]
  /** What the host answered before (a real client's system info), keyed by API. */
  previous: Partial<Record<WxApiName, unknown>>
}

const isFunction = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function'

/** How a call is answered: through its callbacks, or (without any) through the Promise the call returned. */
export interface Delivery<Success> {
  options: CallOptions<Success>
  /** Present for a promise-style call (no success/fail/complete): settled with the answer. */
  promise?: { resolve(result: Success): void; reject(result: GeneralCallbackResult): void }
}

/**
 * Prepares the answer of one call as the client does: success or fail, then complete, with the same object; without
 * any callback the call returns a Promise instead (base library promise style), also when it is answered later.
 */
export function prepareDelivery<Success>(options: unknown): {
  delivery: Delivery<Success>
  returned: Promise<Success> | void
} {
  const callOptions = (isPlainObject(options) ? options : {}) as CallOptions<Success>
  const { success, fail, complete } = callOptions
  if (isFunction(success) || isFunction(fail) || isFunction(complete))
    return { delivery: { options: callOptions }, returned: undefined }
  const delivery: Delivery<Success> = { options: callOptions }
  const returned = new Promise<Success>((resolve, reject) => {
    delivery.promise = { resolve, reject }
  })
  return { delivery, returned }
}

/** Delivers `answer` after `delayMs` (at least the next macrotask). */
export function deliver<Success>(delivery: Delivery<Success>, answer: CallAnswer<Success>, delayMs: number): void {
  const { options, promise } = delivery
  setTimeout(() => {
    if (promise) {
      if (answer.ok) promise.resolve(answer.result)
      else promise.reject(answer.result)
      return
    }
    try {
      if (answer.ok) {
        if (isFunction(options.success)) options.success(answer.result)
      } else if (isFunction(options.fail)) options.fail(answer.result)
    } finally {
      if (isFunction(options.complete)) options.complete(answer.result)
    }
  }, delayMs)
}

/**
 * The simulated client around the platform's card rules: `decide[api](cardList)` is the platform's answer,
 * made when the call is answered (at once, or when a held call is released).
 */
export function createSimulatedClient(
  decide: {
    addCard(cardList: unknown): CallAnswer<AddCardSuccessCallbackResult>
    openCard(cardList: unknown): CallAnswer<GeneralCallbackResult>
  },
  settings: ClientSettings,
  /** Where calls are recorded (the platform's state). */
  record: { calls: Record<CardApiName, number>; log: CallRecord[]; modals: ShowModalOption[] },
): SimulatedClient {
  let SDKVersion = settings.SDKVersion ?? '3.12.0'
  let missing = new Set<WxApiName>(settings.missingApis ?? [])
  let holding = false
  let answerDelayMs = 0
  const held: HeldCall[] = []
  const { log, modals } = record
  const throwNext = new Map<CardApiName, Error>()
  const installations: Installation[] = []

  function callCardApi(api: CardApiName, options: unknown): Promise<object> | void {
    const thrown = throwNext.get(api)
    if (thrown) {
      throwNext.delete(api)
      throw thrown
    }
    record.calls[api]++
    const { delivery, returned } = prepareDelivery<object>(options)
    const callOptions = delivery.options
    const call: CallRecord = { api, cardList: callOptions.cardList, status: 'pending' }
    log.push(call)
    const send = (answer: CallAnswer<object>) => {
      call.status = answer.ok ? 'ok' : 'fail'
      call.errMsg = answer.result && (answer.result as Partial<GeneralCallbackResult>).errMsg
      deliver(delivery, answer, answerDelayMs)
    }
    if (!holding) {
      send(decide[api](callOptions.cardList))
      return returned
    }
    // A held promise-style call still returns its Promise: it settles when the test answers the call.
    const heldCall: HeldCall = Object.assign(call, {
      answer() {
        remove()
        send(decide[api](callOptions.cardList))
      },
      respond(callback: 'success' | 'fail', result: object) {
        remove()
        send(callback === 'success' ? { ok: true, result } : { ok: false, result: result as GeneralCallbackResult })
      },
    })
    const remove = () => {
      const at = held.indexOf(heldCall)
      if (at >= 0) held.splice(at, 1)
    }
    held.push(heldCall)
    return returned
  }

  const systemInfo = () => ({ SDKVersion })
  const wx: SimWx = {
    // one function for both overloads: callCardApi returns the Promise exactly when no callback was given
    addCard: ((options: unknown) => callCardApi('addCard', options)) as SimWx['addCard'],
    openCard: ((options: unknown) => callCardApi('openCard', options)) as SimWx['openCard'],
    getSystemInfoSync: systemInfo,
    getAppBaseInfo: systemInfo,
    showModal(options) {
      modals.push(options)
      const { delivery, returned } = prepareDelivery<ShowModalSuccessCallbackResult>(options)
      const result = { errMsg: 'showModal:ok', confirm: true, cancel: false, content: '' }
      deliver(delivery, { ok: true, result }, 0)
      return returned
    },
  }

  /** The function `api` puts on an installed host: a real client's system info keeps its other fields. */
  function installedFunction(api: WxApiName, installation: Installation): unknown {
    const real = installation.previous[api]
    if ((api === 'getSystemInfoSync' || api === 'getAppBaseInfo') && isFunction(real)) {
      return () => Object.assign({}, real.call(installation.host), { SDKVersion })
    }
    return wx[api]
  }
  /** Puts each present API on `host` and takes each missing one off. */
  function apply(host: Record<string, unknown>, apis: readonly WxApiName[], functionOf: (api: WxApiName) => unknown) {
    for (const api of apis) {
      if (missing.has(api)) delete host[api]
      else
        Object.defineProperty(host, api, {
          value: functionOf(api),
          writable: true,
          enumerable: true,
          configurable: true,
        })
    }
  }
  const applyAll = () => {
    for (const installation of installations) {
      apply(installation.host, installation.apis, (api) => installedFunction(api, installation))
    }
  }
  function install(target?: object, installOptions: InstallOptions = {}): () => void {
    const global = globalThis as unknown as Record<string, unknown>
    let host: Record<string, unknown>
    let undoGlobal = (): void => undefined
    if (target !== undefined) {
      if (!isPlainObject(target) && !isFunction(target)) throw new TypeError('install: target must be an object')
      host = target as Record<string, unknown>
    } else if (isPlainObject(global.wx)) {
      host = global.wx
    } else {
      const before = Object.getOwnPropertyDescriptor(global, 'wx')
      host = {}
      global.wx = host
      undoGlobal = () => {
        if (before) Object.defineProperty(global, 'wx', before)
        else delete global.wx
      }
    }
    const offered: readonly WxApiName[] = installOptions.all ? ALL_APIS : ['addCard', 'openCard']
    const apis = offered.filter((api) => !installOptions.keep?.includes(api))
    const names: string[] = installOptions.request ? [...apis, 'request'] : [...apis]
    const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(host, name)] as const)
    const installation: Installation = { host, apis, previous: {} }
    for (const api of apis) installation.previous[api] = host[api]
    installations.push(installation)
    apply(host, apis, (api) => installedFunction(api, installation))
    if (installOptions.request) {
      Object.defineProperty(host, 'request', { value: request, writable: true, enumerable: true, configurable: true })
    }
    let undone = false
    return () => {
      if (undone) return
      undone = true
      installations.splice(installations.indexOf(installation), 1)
      for (const [api, descriptor] of saved) {
        if (descriptor) Object.defineProperty(host, api, descriptor)
        else delete host[api]
      }
      undoGlobal()
    }
  }

  return {
    wx,
    install,
    setClient(settings) {
      if (settings.SDKVersion !== undefined) SDKVersion = settings.SDKVersion
      if (settings.missingApis !== undefined) missing = new Set(settings.missingApis)
      applyAll()
    },
    hold(on = true) {
      holding = on
    },
    heldCalls: () => [...held],
    setAnswerDelay(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new TypeError(`setAnswerDelay: ms must be a number >= 0, got ${ms}`)
      answerDelayMs = ms
    },
    throwOnNextCall(api, error) {
      throwNext.set(api, error)
    },
  }
}

// ------------------------------------------------------------------ wx.request over real HTTP
// With the client's contract: success for every HTTP status, the body parsed as JSON when it is JSON (dataType
// 'json'), fail only when no answer came. So a page can be tested against your real server handlers.

export interface RequestOption {
  url: string
  /** Default 'GET'. */
  method?: string | undefined
  /** GET: sent as the query string; other methods: JSON (or the string as is). */
  data?: unknown
  header?: Record<string, string> | undefined
  /** 'json' (default) parses the body when it is JSON; anything else hands over the text. */
  dataType?: string | undefined
  /** ms; default 60 000, like the client. */
  timeout?: number | undefined
  success?: (result: RequestSuccessCallbackResult) => void
  fail?: (result: { errMsg: string }) => void
  complete?: (result: RequestSuccessCallbackResult | { errMsg: string }) => void
}

export interface RequestSuccessCallbackResult {
  data: unknown
  statusCode: number
  header: Record<string, string>
  errMsg: 'request:ok'
}

export interface RequestTask {
  abort(): void
}

function queryString(data: unknown): string {
  if (typeof data === 'string') return data
  if (typeof data !== 'object' || data === null) return ''
  return new URLSearchParams(
    Object.entries(data).map(([key, value]): [string, string] => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  ).toString()
}

/** wx.request over real HTTP. Needs Node 18+ (global fetch). */
export function request(options: RequestOption): RequestTask {
  const controller = new AbortController()
  const method = (options.method ?? 'GET').toUpperCase()
  const header: Record<string, string> = { 'content-type': 'application/json', ...options.header }
  let url = options.url
  let body: string | undefined
  if (method === 'GET' || method === 'HEAD') {
    const query = queryString(options.data)
    if (query) url += (url.includes('?') ? '&' : '?') + query
  } else if (options.data !== undefined) {
    body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data)
  }
  let settled = false
  const finish = (outcome: 'success' | 'fail', result: RequestSuccessCallbackResult | { errMsg: string }) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    if (outcome === 'success') options.success?.(result as RequestSuccessCallbackResult)
    else options.fail?.(result)
    options.complete?.(result)
  }
  const timer = setTimeout(() => {
    controller.abort()
    finish('fail', { errMsg: 'request:fail timeout' })
  }, options.timeout ?? 60_000)

  fetch(url, { method, headers: header, body, signal: controller.signal })
    .then(async (response) => {
      const text = await response.text()
      let data: unknown = text
      if ((options.dataType ?? 'json') === 'json') {
        try {
          data = JSON.parse(text)
        } catch {
          // not JSON: the client hands over the text
        }
      }
      const responseHeader: Record<string, string> = {}
      response.headers.forEach((value, key) => (responseHeader[key] = value))
      finish('success', { data, statusCode: response.status, header: responseHeader, errMsg: 'request:ok' })
    })
    .catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error)
      finish('fail', { errMsg: controller.signal.aborted ? 'request:fail abort' : `request:fail ${reason}` })
    })

  return {
    abort() {
      controller.abort()
      finish('fail', { errMsg: 'request:fail abort' })
    },
  }
}
