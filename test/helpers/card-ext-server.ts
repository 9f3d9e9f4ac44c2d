// A card-ext endpoint on 127.0.0.1 speaking the tags' protocol (utils/protocol.ts), signing with the fixture
// account's ticket, with switchable faults: what <add-card-button>'s tap-time mode meets in the field.
import { createServer, type IncomingHttpHeaders } from 'http'
import type { AddressInfo } from 'net'
import type { CardExtRequestBody } from '../../utils'
import { freshCards } from './platform'

export type Fault = 'none' | 'http500' | 'hang' | 'held' | 'notJson' | 'wrongShape' | 'badCardExt'

export interface CardExtServer {
  url: string
  /** Every request: its parsed body and headers. */
  requests: { body: CardExtRequestBody; headers: IncomingHttpHeaders }[]
  fault: Fault
  /** Answers every request held by the `held` fault, as `none` would have (fresh cards). */
  release(): void
  close(): Promise<void>
}

export async function startCardExtServer(): Promise<CardExtServer> {
  const hanging: (() => void)[] = []
  const held: (() => void)[] = []
  const state: CardExtServer = {
    url: '',
    requests: [],
    fault: 'none',
    release: () => held.splice(0).forEach((answer) => answer()),
    close: async () => undefined,
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as CardExtRequestBody
      state.requests.push({ body, headers: req.headers })
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      switch (state.fault) {
        case 'http500':
          return json(500, { code: 'upstream', message: 'could not sign the card' })
        case 'hang':
          return hanging.push(() => res.end())
        case 'held':
          return held.push(() => json(200, { cardList: freshCards(...body.cardIds) }))
        case 'notJson':
          res.writeHead(200, { 'content-type': 'text/html' })
          return res.end('<html>502 Bad Gateway</html>')
        case 'wrongShape':
          return json(200, { cards: body.cardIds })
        case 'badCardExt':
          return json(200, {
            cardList: body.cardIds.map((cardId) => ({ cardId, cardExt: '{"timestamp":1700000000000}' })),
          })
        default:
          return json(200, { cardList: freshCards(...body.cardIds) })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/card-ext`
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const end of [...hanging.splice(0), ...held.splice(0)]) end()
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}
