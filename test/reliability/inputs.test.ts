// Runs every bad input and valid look-alike of the catalogue (inputs.ts) against the card-platform simulator:
// installed as the global wx with all its functions (wx calls: state.calls), and listening on 127.0.0.1 for the
// server functions (requests: state.requests), with an access_token source and a Redis client that count their use.
import { createCardPlatform, type CardPlatform, type Listening } from '../../testing'
import { CardError } from '../../utils'
import { BAD_INPUTS, CONTROLS, observations, type ExpectedError } from './catalogue'
import { CARD, OTHER_CARD, PROTO_NAMES, TICKET, type InputWorld } from './inputs'
import { byClass, sum } from './run'

const seen = observations('inputs')
let platform: CardPlatform
let listening: Listening
let undo: () => void
let tokenCalls = 0
let redisCommands = 0
let world: InputWorld

beforeAll(async () => {
  platform = createCardPlatform({
    apiTicket: TICKET,
    accessToken: 'reliability-access-token',
    openid: 'oUser-current-0001',
    // the look-alikes are cards like any other
    cards: [CARD, OTHER_CARD, ...PROTO_NAMES].map((cardId) => ({ cardId })),
  })
  undo = platform.install(undefined, { all: true })
  listening = await platform.listen()
  world = {
    baseUrl: listening.url,
    getAccessToken: async () => {
      tokenCalls++
      return 'reliability-access-token'
    },
    redis: {
      call: async () => {
        redisCommands++
        return null
      },
    },
    lastSent: () => platform.state.log[platform.state.log.length - 1]?.cardList,
  }
})
afterAll(async () => {
  undo()
  await listening.close()
})

/** wx calls and requests of any kind so far. */
function counts() {
  const { calls, requests } = platform.state
  return { wxCalls: sum(Object.values(calls)), requests: sum(Object.values(requests)) + tokenCalls + redisCommands }
}

/** What `error` is, in the terms of `expected`, to compare with `wanted(expected)`. */
function summary(error: unknown, expected: ExpectedError) {
  if (expected.error === 'invalid') {
    if (!(error instanceof CardError)) return { error }
    return { type: 'CardError', code: error.code, index: error.index, field: error.field, message: error.message }
  }
  return error instanceof TypeError ? { type: 'TypeError', message: error.message } : { error }
}

/** Where an invalid input is, as its message begins: `cardList[1].cardExt.timestamp`, `cardList`, `cardExt`. */
function where(index: number | undefined, field: string | undefined): string {
  if (index === undefined) return field || 'cardList'
  return field ? `cardList[${index}].${field}` : `cardList[${index}]`
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function wanted(expected: ExpectedError) {
  if (expected.error === 'invalid') {
    const { index, field } = expected
    const message = expect.stringMatching(new RegExp(`^${escape(where(index, field))}: `))
    return { type: 'CardError', code: 'invalid', index, field, message }
  }
  return {
    type: 'TypeError',
    message: expect.stringMatching(new RegExp(`^${expected.fn}: .*\\b${escape(expected.option)}\\b`)),
  }
}

/** Runs one bad input: a typed error, and no wx call or request on the way. */
function tryBadInput(className: string, name: string, c: (typeof BAD_INPUTS)[number]): Promise<void> {
  const observation = { kind: 'bad input' as const, className, name, wxCalls: 0, requests: 0, knownBug: c.knownBug }
  return seen.check(observation, async () => {
    await c.prepare?.(world)
    const before = counts()
    let error: unknown
    try {
      // a synchronous throw and a rejection count alike
      await c.attempt(world)
    } catch (e) {
      error = e
    }
    const after = counts()
    observation.wxCalls = after.wxCalls - before.wxCalls
    observation.requests = after.requests - before.requests
    expect(summary(error, c.expected)).toEqual(wanted(c.expected))
    if (c.expected.says) expect((error as Error).message).toMatch(c.expected.says)
    expect([observation.wxCalls, observation.requests]).toEqual([0, 0])
  })
}

describe.each(byClass(BAD_INPUTS))('bad input: %s', (className, cases) => {
  const handled = cases.filter(([, c]) => !c.knownBug)
  const bugs = cases.filter(([, c]) => c.knownBug)
  if (handled.length) {
    it.each(handled)('%s: a typed error, no wx call, no request', (name, c) => tryBadInput(className, name, c))
  }
  // The bugs this catalogue found (listed in the report): these pass while the bug is there, and fail once it is
  // fixed, to be moved to the cases above.
  if (bugs.length) {
    it.failing.each(bugs)('%s: KNOWN BUG, should be a typed error before any request', (name, c) =>
      tryBadInput(className, name, c),
    )
  }
})

describe.each(byClass(CONTROLS))('valid look-alike: %s', (className, cases) => {
  it.each(cases)('%s: accepted unchanged, one wx call', (name, c) => {
    const observation = { kind: 'valid look-alike' as const, className, name, wxCalls: 0 }
    return seen.check(observation, async () => {
      const before = counts().wxCalls
      await expect(c.attempt(world)).resolves.toEqual(c.expected)
      observation.wxCalls = counts().wxCalls - before
    })
  })
})

seen.lastTestNoUnhandledRejection()
