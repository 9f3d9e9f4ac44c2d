import express from 'express'
import type { AddressInfo } from 'node:net'
import { cardCodes, cardExt, userCards } from './card-handlers.js'

const app = express()
// No body parser before them: each handler checks the session first, then reads and checks the body itself, and
// answers every bad body (malformed, too large or deep, not JSON) with its own { code, message }.
app.all('/card-ext', cardExt)
app.all('/card-codes', cardCodes)
app.all('/user-cards', userCards)
const server = app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '::', () => {
  console.log(`express: http://localhost:${(server.address() as AddressInfo).port}`)
})
