import Router from '@koa/router'
import Koa, { type Context } from 'koa'
import type { AddressInfo } from 'node:net'
import type { CardHandler } from 'weapp-card-coupon/server'
import { cardCodes, cardExt, userCards } from './card-handlers.js'

// No body parser on these routes: each handler checks the session first, then reads and checks the body itself, and
// answers every bad body (malformed, too large or deep, not JSON) with its own { code, message }.
const answer = (handler: CardHandler<unknown>) => async (ctx: Context) => {
  ctx.respond = false // the handler answers on Node's own response
  await handler(ctx.req, ctx.res)
}
const router = new Router()
router.all('/card-ext', answer(cardExt))
router.all('/card-codes', answer(cardCodes))
router.all('/user-cards', answer(userCards))

const app = new Koa().use(router.routes())
const server = app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '::', () => {
  console.log(`koa: http://localhost:${(server.address() as AddressInfo).port}`)
})
