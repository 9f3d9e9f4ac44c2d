import { Slot, Text, View } from '@tarojs/components'
import Taro, { useReady } from '@tarojs/taro'
import { useState } from 'react'
import type { AddCardButtonInstance, CardItem } from 'weapp-card-coupon/jsx'
import type { CardExtResponseBody } from 'weapp-card-coupon/utils'
import './index.css'

export default function Index() {
  const [cards, setCards] = useState<CardItem[]>([])
  const [message, setMessage] = useState('')

  useReady(() => {
    // The tags are on the page once Taro's first setData is done: Taro.nextTick waits for it.
    Taro.nextTick(() => {
      const button = Taro.getCurrentInstance().page?.selectComponent?.('#add') as AddCardButtonInstance
      // Tap-time source: every tap asks your server for fresh cards (a cardExt is single-use).
      button.setCardSource(async (cardIds) => {
        const { data } = await Taro.request<CardExtResponseBody>({
          url: 'https://your.server/card-ext',
          method: 'POST',
          data: { cardIds },
        })
        return data.cardList
      })
    })
  })

  return (
    <View className="page">
      {/* our tags take their colours from CSS variables, which reach them from an element around them */}
      <View className="coupon-button">
        <add-card-button
          id="add"
          card-ids={['pDemoCoupon']}
          text="领取优惠券"
          onSuccess={(event) => {
            // the codes are encrypted: your server decrypts them (POST /card-codes) before open-card-list opens them
            setCards(event.detail.succeeded.map((card) => ({ cardId: card.cardId, title: '优惠券' })))
            setMessage(`已领取 ${event.detail.succeeded.length} 张`)
          }}
          onFail={(event) => setMessage(event.detail.message)}
        />
      </View>
      <Text className="message">{message}</Text>
      <open-card-list id="list" cards={cards}>
        <Slot name="empty">
          <Text>还没有卡券，先领一张吧</Text>
        </Slot>
      </open-card-list>
    </View>
  )
}
