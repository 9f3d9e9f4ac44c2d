// The counter's phone: wx.scanCode on the simulated platform. What its camera sees is set by the test or the page
// (`nextScan`): the QR code of a card a user holds (a card's QR code carries its code, in clear), any other text, or
// nothing, because the staff member closes the scanner. The answers have the shape of WeChat's; the held cards
// themselves live in platform.ts.
import { isPlainObject } from '../utils/rules'
import type { HeldCard } from './platform'
import { deliver, prepareDelivery, type GeneralCallbackResult } from './wx'

/** What wx.scanCode's `scanType` option may list (WeChat's legal values). */
export const SCAN_INPUT_TYPES = ['barCode', 'qrCode', 'wxCode', 'datamatrix', 'pdf417'] as const
export type ScanInputType = (typeof SCAN_INPUT_TYPES)[number]

/** The character set the simulated scanner reports (WeChat does not document its values: modelled). */
export const SCAN_CHAR_SET = 'UTF-8'

/** wx.scanCode's options, as a caller may pass them: the scanner checks them at run time like the client. */
export interface ScanCodeOption {
  onlyFromCamera?: unknown
  scanType?: unknown
  success?: ((result: ScanCodeSuccessCallbackResult) => void) | undefined
  fail?: ((result: GeneralCallbackResult) => void) | undefined
  complete?: ((result: ScanCodeSuccessCallbackResult | GeneralCallbackResult) => void) | undefined
}

/** The options of a scan that wants a Promise: no callback at all. */
export interface PromiseScanCodeOption {
  onlyFromCamera?: unknown
  scanType?: unknown
  success?: undefined
  fail?: undefined
  complete?: undefined
}

/** What wx.scanCode hands to `success`. */
export interface ScanCodeSuccessCallbackResult extends GeneralCallbackResult {
  errMsg: 'scanCode:ok'
  /** What the code holds: for a card's QR code, the card's code. */
  result: string
  /** The kind of code read: 'QR_CODE'. */
  scanType: 'QR_CODE'
  /** The character set of `result`: SCAN_CHAR_SET. */
  charSet: string
  /** Only for a QR code of the current mini-program (the path it carries): never for what this scanner sees. */
  path?: string | undefined
  /** The raw bytes of the code, base64. */
  rawData: string
}

/**
 * What the camera sees on the next scan: the QR code of a held card (`{ card: { cardId, code } }`, code decrypted:
 * the customer shows it), any other `{ text }`, or 'cancel' (the staff member closes the scanner).
 */
export type ScanView = { card: { cardId: string; code: string } } | { text: string } | 'cancel'

/** The counter phone's wx.scanCode. */
export interface ScannerWx {
  /** Without success/fail/complete: a Promise of the answer, like the base library (rejected with the fail result). */
  scanCode(options?: PromiseScanCodeOption): Promise<ScanCodeSuccessCallbackResult>
  /** With a callback: answers through it (on a later macrotask) and returns nothing. */
  scanCode(options: ScanCodeOption): void
}

export interface Scanner {
  wx: ScannerWx
  /** Queues what the camera sees on the next scan; TypeError for a card no user holds or another shape. */
  nextScan(view: ScanView): void
  /** Puts scanCode on `target` (default the global `wx`, created when absent); returns an undo function. */
  install(target?: object): () => void
}

const typeName = (v: unknown): string =>
  v === null ? 'Null' : Array.isArray(v) ? 'Array' : (typeof v).replace(/^./, (c) => c.toUpperCase())

/**
 * The counter's scanner over the held cards. Each scan takes the next queued view; with none queued the customer
 * shows `shownByDefault()` (platform.wx's user's newest usable card), and with no such card the staff member closes
 * the scanner (a cancel). Checks the options first, as the client does: a non-boolean `onlyFromCamera` or a
 * `scanType` that is not an array of WeChat's values fails with `scanCode:fail parameter error: …`.
 */
export function createScanner(o: {
  held: () => readonly HeldCard[]
  shownByDefault: () => HeldCard | undefined
}): Scanner {
  const views: ScanView[] = []

  function check(view: unknown): ScanView {
    if (view === 'cancel') return view
    if (isPlainObject(view) && typeof view.text === 'string' && !('card' in view)) return { text: view.text }
    if (isPlainObject(view) && isPlainObject(view.card) && !('text' in view)) {
      const { cardId, code } = view.card
      if (typeof cardId !== 'string' || typeof code !== 'string')
        throw new TypeError('scanner.nextScan: card must be { cardId, code } (strings)')
      if (!o.held().some((h) => h.cardId === cardId && h.code === code))
        throw new TypeError(`scanner.nextScan: no user holds a card ${cardId} with code ${code}`)
      return { card: { cardId, code } }
    }
    throw new TypeError("scanner.nextScan: { card: { cardId, code } }, { text } or 'cancel'")
  }

  /** The answer of one scan: the options' problem, or what the camera sees. */
  function scan(options: Record<string, unknown>):
    | { ok: true; result: ScanCodeSuccessCallbackResult }
    | {
        ok: false
        result: GeneralCallbackResult
      } {
    const fail = (errMsg: string) => ({ ok: false as const, result: { errMsg: `scanCode:fail ${errMsg}` } })
    const { onlyFromCamera, scanType } = options
    if (onlyFromCamera !== undefined && typeof onlyFromCamera !== 'boolean')
      return fail(`parameter error: parameter.onlyFromCamera should be Boolean instead of ${typeName(onlyFromCamera)};`)
    if (scanType !== undefined && !Array.isArray(scanType))
      return fail(`parameter error: parameter.scanType should be Array instead of ${typeName(scanType)};`)
    const unknown = (scanType as unknown[] | undefined)?.find((t) => !SCAN_INPUT_TYPES.includes(t as ScanInputType))
    if (unknown !== undefined)
      return fail(`parameter error: parameter.scanType has an unknown type ${String(unknown)};`)
    const queued = views.shift()
    const shown = queued ?? o.shownByDefault()
    if (shown === undefined || shown === 'cancel') return fail('cancel')
    const text = 'text' in shown ? shown.text : 'card' in shown ? shown.card.code : shown.code
    return {
      ok: true,
      result: {
        errMsg: 'scanCode:ok',
        result: text,
        scanType: 'QR_CODE',
        charSet: SCAN_CHAR_SET,
        rawData: Buffer.from(text, 'utf8').toString('base64'),
      },
    }
  }

  const wx: ScannerWx = {
    // one function for both overloads: the Promise exactly when no callback was given
    scanCode: ((options?: unknown) => {
      const { delivery, returned } = prepareDelivery<ScanCodeSuccessCallbackResult>(options)
      deliver(delivery, scan(delivery.options as Record<string, unknown>), 0)
      return returned
    }) as ScannerWx['scanCode'],
  }

  return {
    wx,
    nextScan(view) {
      views.push(check(view))
    },
    install(target) {
      const global = globalThis as unknown as Record<string, unknown>
      if (target !== undefined && !isPlainObject(target) && typeof target !== 'function')
        throw new TypeError('scanner.install: target must be an object')
      const created = target === undefined && !isPlainObject(global.wx)
      if (created) global.wx = {}
      const host = (target ?? global.wx) as Record<string, unknown>
      const saved = Object.getOwnPropertyDescriptor(host, 'scanCode')
      Object.defineProperty(host, 'scanCode', {
        value: wx.scanCode,
        writable: true,
        enumerable: true,
        configurable: true,
      })
      let undone = false
      return () => {
        if (undone) return
        undone = true
        if (saved) Object.defineProperty(host, 'scanCode', saved)
        else delete host.scanCode
        if (created) delete global.wx
      }
    },
  }
}
