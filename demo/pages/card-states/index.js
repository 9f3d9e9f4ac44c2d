Page({
  data: {
    cards: [
      // opens: it has its code, no status (NORMAL), and it is within its validity
      {
        cardId: 'pDemoCoupon',
        code: '602517398046',
        title: '满100减20',
        description: '全场通用',
        extra: '¥20',
        beginTime: 1767196800,
        endTime: 1924963199,
      },
      // used: status-texts replaces the default 已使用
      { cardId: 'pDemoCoupon', code: '602517398047', title: '满100减20', status: 'CONSUMED' },
      // expired: endTime has passed, even though its status is still NORMAL
      { cardId: 'pDemoVoucher', code: '602517398048', title: '咖啡兑换券', endTime: 1719763199 },
      // pending: your server has not given its decrypted code yet
      { cardId: 'pDemoVoucher', title: '新人礼包' },
    ],
    statusTexts: { CONSUMED: '已核销' },
  },
  onOpened(e) {
    wx.showToast({ title: `已打开 ${e.detail.cardList.length} 张`, icon: 'none' })
  },
})
