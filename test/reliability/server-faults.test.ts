// Runs every server fault of the catalogue (server-faults.ts): a stand-in for api.weixin.qq.com on 127.0.0.1
// (test/server/http-server.ts), the card-platform simulator listening for each case, an injected clock, and Redis
// clients pointed at a closed port.
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { createCardPlatform, type CardPlatform, type Listening } from '../../testing'
import { closedPort, startServer, type TestServer } from '../server/http-server'
import { SERVER_FAULTS, observations } from './catalogue'
import { byClass, sum } from './run'
import { EXPIRED_TOKEN, SIMULATOR_TICKET, SIMULATOR_TOKEN, type ServerWorld } from './server-faults'

/** The injected clock's start: 2023-11-14T22:13:20Z. */
const T0 = 1_700_000_000_000

const seen = observations('server-faults')
let upstream: TestServer
let redisPort: number
beforeAll(async () => {
  upstream = await startServer()
  redisPort = await closedPort()
})
afterAll(() => upstream.close())

let platform: CardPlatform
let listening: Listening
const cleanups: (() => unknown)[] = []
beforeEach(async () => {
  upstream.reset()
  platform = createCardPlatform({
    apiTicket: SIMULATOR_TICKET,
    accessToken: SIMULATOR_TOKEN,
    openid: 'oUser-current-0001',
    cards: [{ cardId: 'pCustom', useCustomCode: true }],
    expiredAccessTokens: [EXPIRED_TOKEN],
  })
  listening = await platform.listen()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  await listening.close()
})

function makeWorld(): ServerWorld {
  let clock = T0
  return {
    upstream(handler) {
      upstream.handle(handler)
      return upstream.baseUrl
    },
    platform,
    platformUrl: listening.url,
    now: () => clock,
    advance(ms) {
      clock += ms
    },
    unreachableRedis(library) {
      if (library === 'ioredis') {
        // a short disconnectTimeout: the socket of a refused connection never closes again, so ioredis waits it out
        const client = new Redis({ port: redisPort, host: '127.0.0.1', disconnectTimeout: 10 })
        client.on('error', () => undefined)
        cleanups.push(() => client.disconnect())
        return client
      }
      // never connected: node-redis refuses every command
      const client = createClient({ url: `redis://127.0.0.1:${redisPort}` })
      client.on('error', () => undefined)
      return client
    },
    requests: () => upstream.requests.length + sum(Object.values(platform.state.requests)),
  }
}

describe.each(byClass(SERVER_FAULTS))('fault: %s', (className, cases) => {
  it.each(cases)('%s: each call settles once, as documented', (name, c) =>
    seen.check({ kind: 'fault (server)', className, name }, async () => {
      expect(await c.run(makeWorld())).toEqual(c.expected)
    }),
  )
})

seen.lastTestNoUnhandledRejection()
