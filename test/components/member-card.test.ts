/**
 * @jest-environment ./test/helpers/jsdom-fetch-env.js
 *
 * <member-card> in miniprogram-simulate with vant's real cell, button and tag, on the card-platform simulator and the
 * real member endpoints over HTTP: 待激活 with 激活, the whole activation from a tap (activated, cancelled, failed with
 * a toast), the member data when the page wants it, the hand-back caught on the page's show, every text a property.
 */
import type { Node, Root } from 'miniprogram-simulate'
import type { MemberCardInstance } from '../../components/member-card/index'
import { tapOn, useHarness } from '../helpers/harness'
import { startMemberServer, USER_HEADER, type MemberServer } from '../helpers/member-server'
import { ID } from '../helpers/platform'
import { byTag, loadComponent } from '../helpers/simulate'

const MEMBER = loadComponent('components/member-card/index')
const h = useHarness()
let server: MemberServer
let undoClient = () => undefined as void
let activations: Record<string, unknown>[] = []
let toasts: string[] = []

beforeEach(async () => {
  server = await startMemberServer(h.platform)
  const wx = Reflect.get(globalThis, 'wx') as Record<string, unknown>
  undoClient = h.platform.memberCards.client.install(wx)
  const showToast = wx.showToast
  wx.showToast = ({ title }: { title: string }) => toasts.push(title)
  const undoActivation = undoClient
  undoClient = () => {
    undoActivation()
    wx.showToast = showToast
  }
  activations = []
  toasts = []
})
afterEach(async () => {
  undoClient()
  await server.close()
})

function render(props: Record<string, unknown> = {}): Root<MemberCardInstance> {
  const c = h.render<MemberCardInstance>(MEMBER, {
    cardId: ID.member,
    infoUrl: server.infoUrl,
    paramsUrl: server.paramsUrl,
    activateUrl: server.activateUrl,
    requestHeader: USER_HEADER,
    ...props,
  })
  c.addEventListener('activate', (e) => activations.push(e.detail))
  return c
}
const cell = (c: Node) => byTag(c, 'van-cell')[0]
const button = (c: Node) => byTag(c, 'van-button')[0]
const settled = (c: Root<MemberCardInstance>) => h.until(() => c.data.state !== 'loading')
const activated = () => h.until(() => activations.length > 0)

describe('what it shows', () => {
  it('a held member card not activated: 待激活 with an 激活 button', async () => {
    h.addToBag(ID.member)
    const c = render()
    await settled(c)
    expect(cell(c)?.data.label).toBe('待激活')
    expect(c.dom.textContent).toContain('激活')
    expect(button(c)?.data.ariaLabel).toBe('激活 会员卡')
  })

  it('a card the user does not hold renders nothing', async () => {
    const c = render()
    await settled(c)
    expect(c.data.state).toBe('none')
    expect(cell(c)).toBeUndefined()
  })

  it('a session the page sets later (its login) reads again: 加载失败 without it, then 待激活', async () => {
    h.addToBag(ID.member)
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const c = render({ requestHeader: {} })
    await settled(c)
    expect(c.data.state).toBe('error')
    quiet.mockRestore()
    c.setData({ requestHeader: USER_HEADER })
    await h.until(() => c.data.state === 'pending')
    expect(cell(c)?.data.label).toBe('待激活')
  })

  it('every text is a property', async () => {
    h.addToBag(ID.member)
    const c = render({ title: 'Gold', pendingText: 'Not activated', activateText: 'Activate' })
    await settled(c)
    expect([cell(c)?.data.title, cell(c)?.data.label, button(c)?.data.ariaLabel]).toEqual([
      'Gold',
      'Not activated',
      'Activate Gold',
    ])
  })
})

describe('activation from a tap', () => {
  it('the user fills the form: activated, 已激活 and the member data when show-member-data is on', async () => {
    const [{ code }] = h.addToBag(ID.member)
    h.platform.memberCards.nextVisit({ fill: { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000' } } })
    const c = render({ showMemberData: true })
    await settled(c)
    tapOn(button(c), '.van-button')
    await activated()
    expect(activations).toEqual([{ outcome: 'activated', member: expect.objectContaining({ code, activated: true }) }])
    expect(c.data.state).toBe('activated')
    expect(cell(c)?.data.label).toBe(`会员号 M${code.slice(-6)} · 积分 100 · 余额 ¥5.00`)
    expect(c.querySelector('.member-card__tag')?.dom.textContent).toContain('已激活')
  })

  it('the user leaves: cancelled, still 待激活, no toast', async () => {
    h.addToBag(ID.member)
    h.platform.memberCards.nextVisit('leave')
    const c = render()
    await settled(c)
    tapOn(button(c), '.van-button')
    await activated()
    expect(activations).toEqual([{ outcome: 'cancelled' }])
    expect([c.data.state, toasts]).toEqual(['pending', []])
  })

  it('the form read too late: failed with reason expired, and a toast in Chinese', async () => {
    h.addToBag(ID.member)
    h.platform.memberCards.nextVisit({ fill: {} })
    h.platform.failNextRequest('activatetempinfo_get', { errcode: 72012, errmsg: 'activate_ticket has been expired' })
    const c = render()
    await settled(c)
    tapOn(button(c), '.van-button')
    await activated()
    expect(activations).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'expired' })])
    expect(toasts).toEqual(['激活信息已过期，请重新激活'])
  })
})

describe('the server says not now', () => {
  it('too many activations (429): failed with reason busy and its own toast, still 待激活', async () => {
    await server.close()
    server = await startMemberServer(h.platform, { activateLimit: { max: 0, windowMs: 600_000 } })
    h.addToBag(ID.member)
    h.platform.memberCards.nextVisit({ fill: {} })
    const c = render()
    await settled(c)
    tapOn(button(c), '.van-button')
    await activated()
    expect(activations).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'busy' })])
    expect([c.data.state, toasts]).toEqual(['pending', ['操作太频繁，请稍后再试']])
  })
})

describe('the hand-back on the page show (the app was restarted meanwhile)', () => {
  it('completes the activation nobody waited for, once', async () => {
    h.addToBag(ID.member)
    const c = render()
    await settled(c)
    // The jump made outside this component (another page, or before a restart).
    const params = (await (
      await fetch(server.paramsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...USER_HEADER },
        body: JSON.stringify({ cardId: ID.member }),
      })
    ).json()) as { extraData: object }
    h.platform.memberCards.nextVisit({ fill: {} })
    const { wx } = h.platform.memberCards.client
    await new Promise<void>((resolve) => {
      wx.onAppShow(function back() {
        wx.offAppShow(back)
        resolve()
      })
      wx.navigateToMiniProgram({ appId: 'wxeb490c6f9b154ef9', extraData: params.extraData })
    })
    c.triggerPageLifeTime('show')
    await activated()
    c.triggerPageLifeTime('show')
    await h.flush()
    expect(activations).toEqual([expect.objectContaining({ outcome: 'activated' })])
    expect(c.data.state).toBe('activated')
  })
})
