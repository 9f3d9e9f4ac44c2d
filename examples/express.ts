import express from 'express'
import type { AddressInfo } from 'node:net'
import { cardCodes, cardExt, userCards } from './card-handlers.js'

const app = express()
app.use(express.json()) // optional: without it, the handlers read the body themselves
app.all('/card-ext', cardExt)
app.all('/card-codes', cardCodes)
app.all('/user-cards', userCards)
const server = app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '::', () => {
  console.log(`express: http://localhost:${(server.address() as AddressInfo).port}`)
})
