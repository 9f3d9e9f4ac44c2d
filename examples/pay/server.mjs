// The server of <send-coupon-button> on its own: POST /send-coupon and GET /pay-coupons (routes.mjs).
import { createServer } from 'node:http'
import { createPayRoutes } from './routes.mjs'

const env = process.env

// Who is asking: your own login session. Here a development token, DEV_SESSION, stands for the user DEV_MINI_OPENID
// (their openid under MINIPROGRAM_APPID, from code2Session).
const getUser = (request) =>
  request.headers.authorization === `Bearer ${env.DEV_SESSION}` ? { id: env.DEV_MINI_OPENID } : undefined

const routes = createPayRoutes(getUser)

const server = createServer((req, res) => {
  const handler = routes.get((req.url ?? '').split('?')[0])
  if (handler) return handler(req, res)
  res.writeHead(404).end()
})
server.listen(Number(env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`))
