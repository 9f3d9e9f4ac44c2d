// Demo sections. Read by build.js (each `wxml` becomes a tiny page compiled by wcc) and by the page (`data`).
// A demo whose `component` does not exist under components/ is skipped, so new tags plug in by name.
// `data(ctx)` runs in the browser: ctx.cards / ctx.card(key) (the merchant's cards), ctx.sign(card, overrides) → a
// cardExt signed for real with server/sign.ts, ctx.wallet (cards the user added; `code` once the server decrypted it).
// Hosts are re-rendered with fresh data after each add, since a signed cardExt (timestamp + nonce) works only once.

module.exports = [
  {
    id: 'add-single',
    component: 'add-card-button',
    title: '单张卡券 · single card',
    wxml: `
<view class="pg-row">
  <add-card-button card-id="{{ cardId }}" card-ext="{{ cardExt }}" custom-class="pg-shadow" />
  <add-card-button card-id="{{ cardId }}" card-ext="{{ cardExt }}" type="default" text="默认按钮" />
  <add-card-button card-id="{{ cardId }}" card-ext="{{ cardExt }}" round size="small" text="圆角小号" />
</view>`,
    data: (ctx) => ({ cardId: ctx.cards[0].cardId, cardExt: ctx.sign(ctx.cards[0]) }),
  },
  {
    id: 'add-list',
    component: 'add-card-button',
    title: '多张卡券 · card list',
    wxml: `<add-card-button card-list="{{ cardList }}" block text="领取 {{ cardList.length }} 张券" />`,
    data: (ctx) => ({ cardList: ctx.cards.slice(0, 2).map((c) => ({ cardId: c.cardId, cardExt: ctx.sign(c) })) }),
  },
  {
    id: 'open-normal',
    component: 'open-card-list',
    title: '我的卡券 · open-card-list (cards added on this page)',
    wxml: `
<open-card-list cards="{{ wallet }}" use-fallback-slot>
  <view slot="fallback" class="pg-fallback">当前微信版本过低，无法打开卡包（fallback slot）</view>
</open-card-list>`,
    data: (ctx) => ({ wallet: ctx.wallet }),
    wallet: true,
  },
  {
    id: 'add-partial',
    component: 'add-card-button',
    title: '部分成功 · partial success (one card is sold out)',
    wxml: `<add-card-button card-list="{{ cardList }}" block plain text="领取 {{ cardList.length }} 张（其一已抢光）" />`,
    data: (ctx) => ({
      cardList: ['coffee', 'dessert', 'soldout'].map((k) => ({
        cardId: ctx.card(k).cardId,
        cardExt: ctx.sign(ctx.card(k)),
      })),
    }),
  },
  {
    id: 'add-invalid',
    component: 'add-card-button',
    title: '无效输入 · invalid input (never reaches wx.addCard)',
    wxml: `
<view class="pg-row">
  <add-card-button card-list="{{ millis }}" type="danger" text="毫秒时间戳" />
  <add-card-button card-list="{{ leaked }}" type="warning" text="泄露 api_ticket" />
  <add-card-button card-list="{{ empty }}" disabled text="空列表（禁用）" />
</view>`,
    data: (ctx) => {
      const ext = JSON.parse(ctx.sign(ctx.cards[0]))
      return {
        millis: [{ cardId: ctx.cards[0].cardId, cardExt: { ...ext, timestamp: ext.timestamp * 1000 } }],
        leaked: [{ cardId: ctx.cards[0].cardId, cardExt: { ...ext, api_ticket: 'secret' } }],
        empty: [],
      }
    },
  },
  {
    id: 'add-signature',
    component: 'add-card-button',
    title: '签名错误 · fail from WeChat (cardExt signed with a stale api_ticket)',
    wxml: `<add-card-button card-id="{{ cardId }}" card-ext="{{ cardExt }}" type="info" text="用过期 ticket 签名" />`,
    data: (ctx) => ({
      cardId: ctx.cards[0].cardId,
      cardExt: ctx.sign(ctx.cards[0], { apiTicket: 'stale-api-ticket' }),
    }),
  },
  {
    id: 'add-fallback',
    component: 'add-card-button',
    title: '旧版基础库 · fallback slot (switch to 1.0.9)',
    wxml: `
<add-card-button card-id="{{ cardId }}" card-ext="{{ cardExt }}" use-fallback-slot>
  <view slot="fallback" class="pg-fallback">当前微信版本过低，请升级后领取（fallback slot）</view>
</add-card-button>`,
    data: (ctx) => ({ cardId: ctx.cards[0].cardId, cardExt: ctx.sign(ctx.cards[0]) }),
  },
  {
    id: 'open-selectable',
    component: 'open-card-list',
    title: '多选打开 · selectable',
    wxml: `<open-card-list cards="{{ wallet }}" selectable />`,
    data: (ctx) => ({ wallet: ctx.wallet }),
    wallet: true,
  },
  {
    id: 'open-empty',
    component: 'open-card-list',
    title: '空列表 · empty',
    wxml: `<open-card-list cards="{{ none }}" empty-text="还没有卡券" />`,
    data: () => ({ none: [] }),
  },
]
