// <member-card>: one member card (会员卡) of the user, with its activation state: 待激活 and an 激活 button that runs
// the whole one-click activation (utils/member-card.ts), then 已激活 and, when the page wants it, the member data.
// The hand-back from WeChat's activation mini-program is caught here (wx.onAppShow while waiting, and the page's
// show after a restart): the page writes no line for it.
import {
  activateMemberCard,
  completeActivationOnShow,
  requestMemberInfo,
  type ActivationFailureReason,
  type ActivationOutcome,
  type MemberCardData,
  type MemberEndpoints,
} from '../../utils/index'
import { hasStartedFirstRead, startFirstRead, startFirstReadAfterReady } from '../common/first-read'
import { showFailureToast, toastProperties } from '../common/toast'

/** The toast of each way an activation comes to nothing (cancel shows none). */
const DEFAULT_TOAST_TEXTS: Readonly<Record<ActivationFailureReason, string>> = {
  expired: '激活信息已过期，请重新激活',
  refused: '暂时无法激活，请稍后再试',
  unsupported: '当前微信版本过低，请升级后再激活',
  busy: '操作太频繁，请稍后再试',
  source: '网络不给力，请稍后再试',
  fail: '激活未完成，请稍后再试',
}

const properties = {
  /** The member card's id. */
  cardId: { type: String, value: '' },
  /** Your member-info endpoint (`GET ?cardId=`): whether the user holds the card and whether it is activated. */
  infoUrl: { type: String, value: '' },
  /** Your activation-params endpoint (`POST { cardId }`). */
  paramsUrl: { type: String, value: '' },
  /** Your activate endpoint (`POST { activateTicket, cardId, code }`). */
  activateUrl: { type: String, value: '' },
  /** Request headers, e.g. your login token (wx.request sends no cookies). */
  requestHeader: { type: Object, value: {} as Record<string, string> },
  /** ms before a request counts as failed. */
  requestTimeout: { type: Number, value: 10000 },
  /** Show the member data (number, bonus, balance) of an activated card. */
  showMemberData: { type: Boolean, value: false },
  title: { type: String, value: '会员卡' },
  pendingText: { type: String, value: '待激活' },
  activateText: { type: String, value: '激活' },
  activatedText: { type: String, value: '已激活' },
  loadingText: { type: String, value: '加载中…' },
  errorText: { type: String, value: '加载失败' },
  numberLabel: { type: String, value: '会员号' },
  bonusLabel: { type: String, value: '积分' },
  balanceLabel: { type: String, value: '余额' },
  ...toastProperties(DEFAULT_TOAST_TEXTS),
}

/** Properties of `<member-card>` (camelCase here, kebab-case in WXML). */
export type MemberCardProps = WechatMiniprogram.Component.PropertyOptionToData<typeof properties>

/**
 * `event.detail` of each event of `<member-card>`: `activate` once per activation, with how it ended (activated with
 * the member data, cancelled, failed with a reason and a message); `load` after each read of the member data.
 */
export interface MemberCardEvents {
  activate: ActivationOutcome
  load: { member: MemberCardData | null }
}

/** What `selectComponent('#…')` gives a page: the methods of `<member-card>` meant for it. */
export interface MemberCardInstance {
  /** Reads the member data again (e.g. after the page changed the bonus). */
  refresh(): Promise<void>
}

type State = 'loading' | 'none' | 'pending' | 'activated' | 'error'

/** `¥12.34` from 分. */
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** Per instance: whether it is attached, and the number of the latest read (a later one has the last word). */
const readState = new WeakMap<object, { attached: boolean; latest: number }>()
function readsOf(host: object): { attached: boolean; latest: number } {
  let reads = readState.get(host)
  if (!reads) readState.set(host, (reads = { attached: false, latest: 0 }))
  return reads
}

Component({
  externalClasses: ['custom-class'],
  properties,
  data: { state: 'loading' as State, activating: false, memberLine: '', member: null as MemberCardData | null },
  observers: {
    'cardId, infoUrl, requestHeader'() {
      // another card, endpoint or session after the first read: read again
      if (hasStartedFirstRead(this)) void this.refresh()
    },
  },
  lifetimes: {
    attached() {
      readsOf(this).attached = true
    },
    ready() {
      startFirstReadAfterReady(this, () => this.firstRead())
    },
    detached() {
      const reads = readsOf(this)
      reads.attached = false
      reads.latest++
    },
  },
  pageLifetimes: {
    // The first read, after the page's onLoad; then, back from the activation mini-program after the app was
    // restarted: nobody waits for the hand-back but us.
    show() {
      startFirstRead(this, () => this.firstRead())
      if (this.data.activating) return
      void completeActivationOnShow(this.endpoints()).then((outcome) => {
        if (outcome) this.settle(outcome)
      })
    },
  },
  methods: {
    /** The first read of the member data (components/common/first-read.ts): not once detached. */
    firstRead() {
      if (readsOf(this).attached) void this.refresh()
    },

    endpoints(): MemberEndpoints {
      const { paramsUrl, activateUrl, requestHeader, requestTimeout } = this.data
      return { paramsUrl, activateUrl, header: requestHeader, timeoutMs: requestTimeout }
    },

    show(member: MemberCardData | null) {
      const { numberLabel, bonusLabel, balanceLabel, showMemberData } = this.data
      const state: State = !member ? 'none' : member.activated ? 'activated' : 'pending'
      const memberLine =
        member && showMemberData
          ? `${numberLabel} ${member.membershipNumber} · ${bonusLabel} ${member.bonus} · ${balanceLabel} ${yuan(member.balance)}`
          : ''
      this.setData({ state, member, memberLine })
    },

    async refresh(): Promise<void> {
      const reads = readsOf(this)
      const read = ++reads.latest
      const { infoUrl, cardId, requestHeader, requestTimeout } = this.data
      // Without a member-info endpoint the card is taken as held and not activated yet.
      if (!infoUrl)
        return this.show({
          cardId,
          code: '',
          activated: false,
          membershipNumber: '',
          bonus: 0,
          balance: 0,
          status: 'NORMAL',
        })
      try {
        const members = await requestMemberInfo({
          url: infoUrl,
          cardId,
          header: requestHeader,
          timeoutMs: requestTimeout,
        })
        // a later read (another card or session) has the last word
        if (read !== reads.latest) return
        const member = members.find((m) => m.status === 'NORMAL') ?? members[0] ?? null
        this.show(member)
        this.triggerEvent('load', { member })
      } catch (error) {
        if (read !== reads.latest) return
        this.setData({ state: 'error' })
        console.error(`<member-card>: ${error instanceof Error ? error.message : String(error)}`)
      }
    },

    onActivate() {
      if (this.data.activating) return
      this.setData({ activating: true })
      void activateMemberCard({ ...this.endpoints(), cardId: this.data.cardId }).then((outcome) => {
        this.setData({ activating: false })
        this.settle(outcome)
      })
    },

    settle(outcome: ActivationOutcome) {
      if (outcome.outcome === 'activated') this.show(outcome.member)
      else if (outcome.outcome === 'failed') {
        // Your onActivate's refusal is for the user: shown unless the page set its own words for it.
        const texts = { ...DEFAULT_TOAST_TEXTS, ...this.data.toastTexts }
        if (outcome.reason === 'refused' && texts.refused === DEFAULT_TOAST_TEXTS.refused && outcome.message)
          texts.refused = outcome.message
        showFailureToast(
          { data: { showToast: this.data.showToast, toastTexts: texts } },
          outcome.reason,
          DEFAULT_TOAST_TEXTS,
        )
      }
      this.triggerEvent('activate', outcome)
    },
  },
})
