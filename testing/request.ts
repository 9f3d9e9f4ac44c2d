// wx.request for tests, over real HTTP (Node's fetch), with the client's contract: success for every HTTP status,
// the body parsed as JSON when it is JSON (dataType 'json'), fail only when no answer came. So a page can be tested
// against your real server handlers (and they against the simulator's WeChat API).

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
