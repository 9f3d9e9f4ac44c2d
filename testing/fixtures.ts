// The one card catalogue every simulated account starts from: the simulator process (bin/simulator.ts), the tests,
// the benchmarks and the demo all use these cards and these credentials, so a card named `coupon` is the same card
// everywhere. Fake credentials of a fake platform: nothing here is a secret.
import type { CardPlatformOptions } from './index'
import type { PayPlatformOptions } from './pay-platform'
import type { SimCard, SimUser } from './platform'

/** The names the pages and tests call the fixture cards by. */
export type FixtureCardName = 'coupon' | 'voucher' | 'custom' | 'member' | 'lastOne' | 'soldOut'

/** A fixture card: how the platform has it (SimCard), and what a list row shows of it. */
export interface FixtureCard extends SimCard {
  name: FixtureCardName
  title: string
  /** The conditions of use, for the row's label. */
  description: string
  /** The value, for the row's right side: an amount, a discount. */
  extra: string
}

/**
 * The merchant's cards, one of each kind a test or a page needs:
 * - `coupon`: an ordinary card, 100 in stock, at most 3 per user, valid 30 days from the day added;
 * - `voucher`: another ordinary card, valid 7 days;
 * - `custom`: a custom-code card (use_custom_code): the server's cardExt carries the code;
 * - `member`: a member card (会员卡) set for one-click activation (wx_activate), bound to one user (bind_openid): the
 *   cardExt carries the user's openid; 1 per user, valid a year;
 * - `lastOne`: 1 in stock;
 * - `soldOut`: none left.
 */
export const FIXTURE_CARDS: readonly FixtureCard[] = [
  {
    name: 'coupon',
    color: '#63b359',
    logoUrl: 'https://simulator.invalid/logo/coupon.png',
    cardId: 'pDemoCoupon',
    title: '满100减20',
    description: '满100元可用',
    extra: '¥20',
    quantity: 100,
    getLimit: 3,
  },
  {
    name: 'voucher',
    color: '#2c9f67',
    logoUrl: 'https://simulator.invalid/logo/voucher.png',
    cardId: 'pDemoVoucher',
    title: '无门槛券',
    description: '无门槛，领取后 7 天有效',
    extra: '¥5',
    dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 7 },
  },
  {
    name: 'custom',
    color: '#509fc9',
    logoUrl: 'https://simulator.invalid/logo/custom.png',
    cardId: 'pDemoCustom',
    title: '自定义码券',
    description: '商户自己的券码',
    extra: '8折',
    useCustomCode: true,
  },
  {
    name: 'member',
    color: '#cc463d',
    logoUrl: 'https://simulator.invalid/logo/member.png',
    cardId: 'pDemoMember',
    title: '会员卡',
    description: '每人限 1 张，一年有效',
    extra: 'VIP',
    bindOpenid: true,
    getLimit: 1,
    dateInfo: { type: 'DATE_TYPE_FIX_TERM', fixedTerm: 365 },
    memberCard: { wxActivate: true },
  },
  {
    name: 'lastOne',
    color: '#d09a45',
    logoUrl: 'https://simulator.invalid/logo/lastOne.png',
    cardId: 'pDemoLastOne',
    title: '限量券（仅剩 1 张）',
    description: '限量',
    extra: '¥30',
    quantity: 1,
  },
  {
    name: 'soldOut',
    color: '#9062c0',
    logoUrl: 'https://simulator.invalid/logo/soldOut.png',
    cardId: 'pDemoSoldOut',
    title: '限量券（已抢光）',
    description: '限量',
    extra: '¥50',
    quantity: 0,
  },
]

/** A fixture card by name. */
export function fixtureCard(name: FixtureCardName): FixtureCard {
  const card = FIXTURE_CARDS.find((c) => c.name === name)
  if (!card) throw new TypeError(`fixtureCard: no fixture card named ${String(name)}`)
  return card
}

/** The card ids by name: `FIXTURE_CARD_IDS.coupon` is `'pDemoCoupon'`. */
export const FIXTURE_CARD_IDS = Object.fromEntries(FIXTURE_CARDS.map((c) => [c.name, c.cardId])) as Readonly<
  Record<FixtureCardName, string>
>

/** The simulated Official Account that owns the cards: what its stable_token accepts, the tickets and tokens it issues, the user of `platform.wx`. */
export const FIXTURE_ACCOUNT = {
  /** The AppID `cgi-bin/stable_token` accepts. */
  appid: 'wx0000000000card00',
  /** Its AppSecret. */
  secret: 'simulator-app-secret-0000000000',
  /** The first access_token it issues. */
  accessToken: 'simulator-access-token',
  /** The `wx_card` api_ticket that signs a valid cardExt. */
  apiTicket: 'simulator-api-ticket',
  /** The user, by openid under the account that owns the cards. */
  openid: 'oSimulatorUser',
} as const

/** The names the tests call the fixture users by. */
export type FixtureUserName = 'user' | 'other' | 'newcomer'

/**
 * The account's users, each with an openid under the Official Account that owns the cards, another under the
 * mini-program, and the unionid both share:
 * - `user`: the user of `platform.wx` (`FIXTURE_ACCOUNT.openid`), the one the demo and most tests play;
 * - `other`: another user, e.g. the one who must not get `user`'s codes;
 * - `newcomer`: a third user, e.g. one whose Official Account openid a card server does not know yet.
 */
export const FIXTURE_USERS: readonly (SimUser & { name: FixtureUserName })[] = [
  { name: 'user', openid: 'oSimulatorUser', miniOpenid: 'oMiniSimulatorUser', unionid: 'uSimulatorUser' },
  { name: 'other', openid: 'oSimulatorOther', miniOpenid: 'oMiniSimulatorOther', unionid: 'uSimulatorOther' },
  {
    name: 'newcomer',
    openid: 'oSimulatorNewcomer',
    miniOpenid: 'oMiniSimulatorNewcomer',
    unionid: 'uSimulatorNewcomer',
  },
]

/** A fixture user by name. */
export function fixtureUser(name: FixtureUserName): SimUser {
  const user = FIXTURE_USERS.find((u) => u.name === name)
  if (!user) throw new TypeError(`fixtureUser: no fixture user named ${String(name)}`)
  return { ...user }
}

/** The mini-program of the account: what `sns/jscode2session` accepts (another AppID than the card account's). */
export const FIXTURE_MINI_PROGRAM = {
  appid: 'wx0000000000mini00',
  secret: 'simulator-mini-secret-000000000',
} as const

/**
 * Options of createCardPlatform for the fixture account and cards, with `overrides` on top:
 * `createCardPlatform(fixturePlatformOptions({ SDKVersion: '1.0.9' }))`.
 */
export function fixturePlatformOptions(overrides: Partial<CardPlatformOptions> = {}): CardPlatformOptions {
  return {
    ...FIXTURE_ACCOUNT,
    users: FIXTURE_USERS.map((user) => ({ ...user })),
    miniProgram: { ...FIXTURE_MINI_PROGRAM },
    cards: FIXTURE_CARDS.map((card) => ({ ...card })),
    ...overrides,
  }
}

/**
 * The simulated WeChat Pay merchant (the send-coupon plugin and the 商家券 APIv3), bound to the fixture mini-program's
 * AppID, and its batches: `coupon` (at most 2 per user), `daily` (1 per user per day), `soldOut` (no budget left).
 * The APIv2 key is the simulator's own, known to everyone: nothing here is a secret.
 */
export const FIXTURE_PAY = {
  /** The merchant id: 发券商户号 (send_coupon_merchant) and the APIv3 caller. */
  merchantId: '1900000001',
  /** Its APIv2 key, which signs the plugin's parameters (32 characters). */
  apiV2Key: 'simulator0apiv2key00000000000000',
  stocks: [
    { stockId: '1212000000000001', stockName: '满50减5', maxPerUser: 2 },
    { stockId: '1212000000000002', stockName: '每日咖啡券', maxPerUser: 30, maxPerUserPerDay: 1 },
    { stockId: '1212000000000003', stockName: '已领完的券', budget: 0 },
  ],
} as const

/**
 * Options of createPayPlatform for the fixture merchant, bound to the fixture mini-program (FIXTURE_MINI_PROGRAM: the
 * AppID WeChat Pay knows the user under), its batches and the fixture user by their mini-program openid
 * (`miniOpenid`), with `overrides` on top.
 */
export function fixturePayPlatformOptions(overrides: Partial<PayPlatformOptions> = {}): PayPlatformOptions {
  return {
    merchantId: FIXTURE_PAY.merchantId,
    apiV2Key: FIXTURE_PAY.apiV2Key,
    appid: FIXTURE_MINI_PROGRAM.appid,
    openid: fixtureUser('user').miniOpenid,
    stocks: FIXTURE_PAY.stocks.map((stock) => ({ ...stock })),
    ...overrides,
  }
}
