import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa, { type Context } from 'koa'
import type { AddressInfo } from 'node:net'
import type { CardHandler } from 'weapp-card-coupon/server'
import { cardCodes, cardExt, userCards } from './card-handlers.js'

const answer = (handler: CardHandler<unknown>) => async (ctx: Context) => {
  const r = await handler.handle({
    method: ctx.method,
    url: ctx.url,
    headers: ctx.headers,
    body: ctx.request.body, // without a body parser: ctx.respond = false; await handler(ctx.req, ctx.res)
    context: ctx,
  })
  ctx.status = r.status
  ctx.set(r.headers)
  ctx.body = r.body
}
const router = new Router()
router.all('/card-ext', answer(cardExt))
router.all('/card-codes', answer(cardCodes))
router.all('/user-cards', answer(userCards))

const app = new Koa().use(bodyParser()).use(router.routes())
const server = app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '::', () => {
  console.log(`koa: http://localhost:${(server.address() as AddressInfo).port}`)
})
