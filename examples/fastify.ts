import Fastify from 'fastify'
import { cardCodes, cardExt, userCards } from './card-handlers.js'

const fastify = Fastify()
// Fastify leaves every body unread: each handler checks the session first, then reads and checks the body itself,
// and answers every bad body (malformed, too large or deep, not JSON) with its own { code, message }.
fastify.removeAllContentTypeParsers()
fastify.addContentTypeParser('*', (_request, _payload, done) => done(null))
for (const [url, handler] of [
  ['/card-ext', cardExt],
  ['/card-codes', cardCodes],
  ['/user-cards', userCards],
] as const) {
  fastify.all(url, async (request, reply) => {
    reply.hijack() // the handler answers on Node's own response
    await handler(request.raw, reply.raw)
  })
}
console.log(
  `fastify: ${await fastify.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '::' })}`,
)
