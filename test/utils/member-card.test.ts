// The member-card utils against the simulator and the real endpoints over HTTP: the whole activation (activated,
// cancelled, failed with a reason), the hand-back claimed once (wx.onAppShow, then the page's onShow after a
// restart) and the version guard (the member-info client is tested with the other clients, test/utils/card-server.test.ts).
import {
  activateMemberCard,
  claimActivationHandBack,
  completeActivationOnShow,
  openActivation,
  type ActivationOutcome,
  type MemberEndpoints,
} from '../../utils'
import type { CardPlatform } from '../../testing'
import { startMemberServer, USER_HEADER, type MemberServer } from '../helpers/member-server'
import { add, cardsOf, freshCards, ID, installPlatform, rejectionOf } from '../helpers/platform'

let platform: CardPlatform
let server: MemberServer
let endpoints: MemberEndpoints
const undo: (() => void)[] = []
beforeEach(async () => {
  platform = installPlatform()
  const wx = Reflect.get(globalThis, 'wx') as object
  undo.push(platform.install(wx, { all: true, request: true }), platform.memberCards.client.install(wx))
  server = await startMemberServer(platform)
  endpoints = { paramsUrl: server.paramsUrl, activateUrl: server.activateUrl, header: USER_HEADER }
})
afterEach(async () => {
  for (let u = undo.pop(); u; u = undo.pop()) u()
  await server.close()
})

async function holdMember(): Promise<string> {
  const [{ code: encryptCode }] = cardsOf(await add(platform, freshCards(ID.member)))
  return platform.state.held.find((h) => h.encryptCode === encryptCode)?.code ?? ''
}

describe('activateMemberCard: the whole round trip', () => {
  it('activated: the member data of the activated card', async () => {
    const code = await holdMember()
    platform.memberCards.nextVisit({ fill: { common: { USER_FORM_INFO_FLAG_MOBILE: '13800000000' } } })
    const outcome = await activateMemberCard({ ...endpoints, cardId: ID.member })
    expect(outcome).toEqual({
      outcome: 'activated',
      member: {
        cardId: ID.member,
        code,
        activated: true,
        membershipNumber: `M${code.slice(-6)}`,
        bonus: 100,
        balance: 500,
        status: 'NORMAL',
      },
    })
    // The hand-back is claimed: the page's onShow afterwards finds nothing left to do.
    expect(await completeActivationOnShow(endpoints)).toBeUndefined()
  })

  it('cancelled: the user came back without submitting', async () => {
    await holdMember()
    platform.memberCards.nextVisit('leave')
    expect(await activateMemberCard({ ...endpoints, cardId: ID.member })).toEqual({ outcome: 'cancelled' })
    expect(platform.state.requests.activatetempinfo_get).toBe(0)
  })

  it('failed, expired: the form was read too late', async () => {
    await holdMember()
    platform.memberCards.nextVisit({ fill: {} })
    platform.failNextRequest('activatetempinfo_get', { errcode: 72012, errmsg: 'activate_ticket has been expired' })
    expect(await activateMemberCard({ ...endpoints, cardId: ID.member })).toMatchObject({
      outcome: 'failed',
      reason: 'expired',
    })
  })

  it('failed, source: the server refused the session (the message names the status)', async () => {
    const outcome = await activateMemberCard({ ...endpoints, header: {}, cardId: ID.member })
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'source', message: expect.stringMatching(/HTTP 401/) })
  })

  it('failed, unsupported: a client without navigateToMiniProgram, before any request', async () => {
    Reflect.deleteProperty(Reflect.get(globalThis, 'wx') as object, 'navigateToMiniProgram')
    expect(await activateMemberCard({ ...endpoints, cardId: ID.member })).toMatchObject({
      outcome: 'failed',
      reason: 'unsupported',
    })
    expect(platform.state.requests.activate_geturl).toBe(0)
    await expect(
      rejectionOf(
        openActivation({ appId: 'wxeb490c6f9b154ef9', extraData: { encrypt_card_id: 'x', outer_str: '', biz: 'y' } }),
      ),
    ).resolves.toMatchObject({ code: 'unsupported' })
  })
})

describe('the hand-back after a restart: completeActivationOnShow in the page', () => {
  it('a submitted form nobody claimed is completed once; later shows find nothing', async () => {
    await holdMember()
    // The jump without the library's listener (as when the app was killed meanwhile).
    const { wx } = platform.memberCards.client
    const params = (await (
      await fetch(server.paramsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...USER_HEADER },
        body: JSON.stringify({ cardId: ID.member }),
      })
    ).json()) as { extraData: object }
    platform.memberCards.nextVisit({ fill: {} })
    await new Promise<void>((resolve) => {
      wx.onAppShow(function back() {
        wx.offAppShow(back)
        resolve()
      })
      wx.navigateToMiniProgram({ appId: 'wxeb490c6f9b154ef9', extraData: params.extraData })
    })
    const outcome: ActivationOutcome | undefined = await completeActivationOnShow(endpoints)
    expect(outcome).toMatchObject({ outcome: 'activated' })
    expect(await completeActivationOnShow(endpoints)).toBeUndefined()
    expect(claimActivationHandBack()).toBeUndefined()
  })

  it('another referrer, or none, is not a hand-back', () => {
    expect(claimActivationHandBack({ referrerInfo: { appId: 'wx0000000000other' } })).toBeUndefined()
    expect(claimActivationHandBack({ referrerInfo: {} })).toBeUndefined()
    expect(claimActivationHandBack({ referrerInfo: { appId: 'wxeb490c6f9b154ef9' } })).toBeUndefined()
  })
})
