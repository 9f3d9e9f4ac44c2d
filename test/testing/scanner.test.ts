// The counter's phone on the simulated platform (testing/scanner.ts): wx.scanCode answers with what its camera sees,
// in WeChat's shape; the option checks; what a test queues with nextScan; install() and its undo.
import type { GeneralCallbackResult, ScanCodeSuccessCallbackResult } from '../../testing'
import { add, ext, ID, makePlatform, setGlobalWx } from '../helpers/platform'

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

/** A platform whose user holds a voucher, then a coupon (the newest). */
async function counter() {
  const p = makePlatform()
  await add(p, [
    { cardId: ID.voucher, cardExt: ext(ID.voucher) },
    { cardId: ID.coupon, cardExt: ext(ID.coupon) },
  ])
  const [voucher, coupon] = p.state.held
  if (!voucher || !coupon) throw new Error('both cards should be held')
  return { p, voucher, coupon }
}

describe('scanner.wx.scanCode', () => {
  it("by default the customer shows their newest usable card: its code in WeChat's success shape, then complete, later", async () => {
    const { p, voucher, coupon } = await counter()
    const seen: [string, object][] = []
    const returned = p.scanner.wx.scanCode({
      onlyFromCamera: true,
      success: (res) => seen.push(['success', res]),
      fail: (res) => seen.push(['fail', res]),
      complete: (res) => seen.push(['complete', res]),
    })
    expect([returned, seen]).toEqual([undefined, []])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(seen.map(([via]) => via)).toEqual(['success', 'complete'])
    expect(seen[0]?.[1]).toBe(seen[1]?.[1])
    expect(seen[0]?.[1]).toEqual({
      errMsg: 'scanCode:ok',
      result: coupon.code,
      scanType: 'QR_CODE',
      charSet: 'UTF-8',
      rawData: base64(coupon.code),
    })
    // the coupon used: the voucher is the newest usable one; none left: the staff member closes the scanner
    p.setCardStatus(coupon, 'CONSUMED')
    expect((await p.scanner.wx.scanCode()).result).toBe(voucher.code)
    p.setCardStatus(voucher, 'DELETE')
    await expect(p.scanner.wx.scanCode()).rejects.toEqual({ errMsg: 'scanCode:fail cancel' })
  })

  it('answers what the test queued, in order: a held card, any text, a cancel', async () => {
    const { p, voucher } = await counter()
    p.scanner.nextScan({ card: voucher })
    p.scanner.nextScan({ text: '门店 No.7' })
    p.scanner.nextScan('cancel')
    const scans = [1, 2, 3].map(() =>
      p.scanner.wx.scanCode().then(
        (res: ScanCodeSuccessCallbackResult) => [res.result, res.rawData],
        (res: GeneralCallbackResult) => [res.errMsg],
      ),
    )
    expect(await Promise.all(scans)).toEqual([
      [voucher.code, base64(voucher.code)],
      ['门店 No.7', base64('门店 No.7')],
      ['scanCode:fail cancel'],
    ])
  })

  it.each([
    [{ onlyFromCamera: 'yes' }, 'parameter.onlyFromCamera should be Boolean instead of String;'],
    [{ scanType: 'qrCode' }, 'parameter.scanType should be Array instead of String;'],
    [{ scanType: ['qrCode', 'faceCode'] }, 'parameter.scanType has an unknown type faceCode;'],
  ])('fails for the options %j, before anything is scanned', async (options, message) => {
    const { p, voucher } = await counter()
    p.scanner.nextScan({ text: 'kept' })
    await expect(p.scanner.wx.scanCode(options)).rejects.toEqual({
      errMsg: `scanCode:fail parameter error: ${message}`,
    })
    await expect(p.scanner.wx.scanCode({ scanType: ['qrCode', 'barCode'] })).resolves.toMatchObject({ result: 'kept' })
    expect(voucher.status).toBe('NORMAL')
  })

  it('nextScan refuses a card no user holds and any other shape, naming what it takes', async () => {
    const { p, voucher } = await counter()
    expect(() => p.scanner.nextScan({ card: { cardId: ID.coupon, code: voucher.code } })).toThrow(
      new TypeError(`scanner.nextScan: no user holds a card ${ID.coupon} with code ${voucher.code}`),
    )
    expect(() => p.scanner.nextScan({ card: { cardId: ID.voucher, code: 1 } } as never)).toThrow(
      /card must be \{ cardId, code \}/,
    )
    for (const bad of ['accept', { text: 1 }, { text: 'x', card: voucher }, null])
      expect(() => p.scanner.nextScan(bad as never)).toThrow(TypeError)
    // nothing was queued: the default still answers
    expect((await p.scanner.wx.scanCode()).result).toBe(p.state.held[1]?.code)
  })
})

describe('scanner.install', () => {
  it('puts scanCode on a target and puts back what was there; on the global wx, created when absent', async () => {
    const own = () => 'the client'
    const target: Record<string, unknown> = { scanCode: own }
    const p = makePlatform()
    const undo = p.scanner.install(target)
    expect(target.scanCode).toBe(p.scanner.wx.scanCode)
    undo()
    undo()
    expect(target.scanCode).toBe(own)
    expect(() => p.scanner.install(7 as never)).toThrow(new TypeError('scanner.install: target must be an object'))

    setGlobalWx(undefined)
    const undoGlobal = p.scanner.install()
    const g = globalThis as unknown as { wx?: { scanCode(): Promise<unknown> } }
    await expect(g.wx?.scanCode()).rejects.toEqual({ errMsg: 'scanCode:fail cancel' })
    undoGlobal()
    expect(g.wx).toBeUndefined()
  })
})
