// Wrong values for our tags: `npm run test:taro` type-checks this file with the project and expects exactly one
// error on each line marked @expect-error (and none elsewhere). Not part of the build.
import type { CardItem } from 'weapp-card-coupon/jsx'

const cards: CardItem[] = []

export const wrongProps = (
  <>
    <add-card-button card-ids="pDemoCoupon" /> {/* @expect-error card-ids is a string[] */}
    <add-card-button request-timeout="3000" /> {/* @expect-error request-timeout is a number */}
    <open-card-list cards={cards} selectable="yes" /> {/* @expect-error selectable is a boolean */}
    <add-card-button onSuccess={(event) => event.detail.cardList[0]?.nope} /> {/* @expect-error no such field */}
    <open-card-list onOpened={() => undefined} /> {/* @expect-error no such event */}
  </>
)
