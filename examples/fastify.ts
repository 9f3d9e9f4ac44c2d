import Fastify from 'fastify'
import { cardCodes, cardExt, userCards } from './card-handlers.js'

const fastify = Fastify()
for (const [url, handler] of [
  ['/card-ext', cardExt],
  ['/card-codes', cardCodes],
  ['/user-cards', userCards],
] as const) {
  fastify.all(url, async (request, reply) => {
    const r = await handler.handle({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      context: request,
    })
    return reply.code(r.status).headers(r.headers).send(r.body)
  })
}
console.log(
  `fastify: ${await fastify.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '::' })}`,
)
