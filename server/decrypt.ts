import { checkTransport, requestWeChat, wechatError } from './wechat'

export interface DecryptCardCodeOptions {
  accessToken: string
  /** The encrypt_code WeChat handed you (e.g. from the card's jump URL or a card event). */
  encryptCode: string
  /** Defaults to https://api.weixin.qq.com. */
  baseUrl?: string
  /** Defaults to the global fetch (Node 18+). */
  fetch?: typeof fetch
  /** Defaults to 10 000 ms. */
  timeoutMs?: number
}

const API = 'card/code/decrypt'

/** Turns an encrypt_code into the real card code (what wx.openCard needs) via `card/code/decrypt`. */
export async function decryptCardCode(o: DecryptCardCodeOptions): Promise<string> {
  if (!o || typeof o.accessToken !== 'string' || !o.accessToken)
    throw new TypeError('decryptCardCode: accessToken is required')
  if (typeof o.encryptCode !== 'string' || !o.encryptCode)
    throw new TypeError('decryptCardCode: encryptCode is required')
  const transport = checkTransport('decryptCardCode', o)
  const data = await requestWeChat({
    api: API,
    method: 'POST',
    accessToken: o.accessToken,
    body: { encrypt_code: o.encryptCode },
    ...transport,
  })
  if (typeof data.code !== 'string' || !data.code) throw wechatError(`WeChat ${API}: response has no code`)
  return data.code
}
