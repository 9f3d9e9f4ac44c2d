/**
 * Our typings compile in the three kinds of project users have, against the installed tarball, each with `strict`,
 * `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess` and `skipLibCheck: false`: (a) a mini-program project
 * with miniprogram-api-typings, (b) a Node server project with @types/node (the server examples the READMEs quote,
 * examples/*.ts, compile there), (c) a jest project with @types/node and @types/jest (the test examples,
 * examples/testing/, compile there).
 */
import fs from 'fs'
import path from 'path'
import ts from 'typescript'
import { ROOT } from '../helpers/simulate'

const { CONSUMER, packageFixture } = require('../setup/package-fixture.js') as {
  CONSUMER: string
  packageFixture(): Promise<unknown>
}

beforeAll(() => packageFixture(), 120000)

const STRICTEST: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  // TypeScript's own lib.*.d.ts are not what is on trial (every .d.ts of a package still is)
  skipDefaultLibCheck: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
}

/**
 * The three projects read many of the same declaration files (TypeScript's libs, @types/node, our package): each
 * is parsed once and shared (as TypeScript's language service does), keyed by how it is parsed. Only files that do
 * not change during the run (node_modules) are shared; every program still type-checks all of them.
 */
const parsed = new Map<string, ts.SourceFile>()
function sharingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options)
  const read = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, how, onError, fresh) => {
    if (!fileName.includes('/node_modules/')) return read(fileName, how, onError, fresh)
    const key = `${fileName}|${JSON.stringify(how)}`
    let file = parsed.get(key)
    if (!file) {
      file = read(fileName, how, onError, fresh)
      if (file) parsed.set(key, file)
    }
    return file
  }
  return host
}

/** Writes `files` into a project folder inside the consumer (its node_modules has the tarball) and type-checks them. */
function compile(
  project: string,
  files: Record<string, string>,
  options: ts.CompilerOptions,
  packageJson: object = {},
) {
  const dir = path.join(CONSUMER, project)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: project, private: true, ...packageJson }))
  const names = Object.entries(files).map(([name, text]) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
    return path.join(dir, name)
  })
  const compilerOptions = { ...STRICTEST, ...options }
  const program = ts.createProgram({ rootNames: names, options: compilerOptions, host: sharingHost(compilerOptions) })
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.relative(CONSUMER, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : ''
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
  // what the program read from our package: proof the checks ran on the shipped typings
  const ours = program
    .getSourceFiles()
    .map((f) => path.relative(CONSUMER, f.fileName))
    .filter((f) => f.startsWith('node_modules/weapp-card-coupon/'))
  return { diagnostics, ours }
}

/** The example files of `dir` (examples/, examples/testing/) by name, as they are. */
function exampleFiles(dir: string): Record<string, string> {
  const at = path.join(ROOT, 'examples', dir)
  return Object.fromEntries(
    fs
      .readdirSync(at)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => [name, fs.readFileSync(path.join(at, name), 'utf8')]),
  )
}

it('(a) a mini-program project (miniprogram-api-typings): both tags’ Props and Events, the utils', () => {
  const page = `
import type { AddCardButtonEvents, AddCardButtonInstance, AddCardButtonProps } from 'weapp-card-coupon/add-card-button/index'
import type { OpenCardListEvents, OpenCardListInstance, OpenCardListProps, CardItem } from 'weapp-card-coupon/open-card-list/index'
import type { PayCouponListEvents, PayCouponListProps, PayCouponItem } from 'weapp-card-coupon/pay-coupon-list/index'
import { addCards, openCards, requestPayCoupons, CardError, type AddCardInput, type UserCard } from 'weapp-card-coupon/utils'

const props: Partial<AddCardButtonProps> = { cardExtUrl: 'https://example.com/card-ext', cardIds: ['p1'], answerTimeout: 3000 }
const listProps: Partial<OpenCardListProps> = { selectable: true, statusTexts: { CONSUMED: '已核销' } }
const cards: AddCardInput[] = [{ cardId: 'p1', cardExt: '{}' }]
const row: CardItem = { cardId: 'p1', code: '123', status: 'NORMAL', endTime: 1800000000 }
const fromServer: UserCard[] = [{ cardId: 'p1', code: '123', status: 'EXPIRE', canConsume: false, endTime: undefined }]
const couponProps: Partial<PayCouponListProps> = { actionText: '出示券码', stateTexts: { USED: '已核销' } }
const coupon: PayCouponItem = { stockId: 's1', couponCode: 'c1', state: 'SENDED', title: '满50减5' }

Page({
  onAdded(e: WechatMiniprogram.CustomEvent<AddCardButtonEvents['success']>) {
    const first = e.detail.succeeded[0]
    if (first) console.log(first.code.length)
  },
  onFail(e: WechatMiniprogram.CustomEvent<AddCardButtonEvents['fail'] | OpenCardListEvents['fail']>) {
    if (e.detail.code === 'timeout' || e.detail.code === 'source') console.log(e.detail.message)
  },
  onChoose(e: WechatMiniprogram.CustomEvent<PayCouponListEvents['choose']>) {
    console.log(e.detail.index, e.detail.coupon.couponCode)
  },
  onSelect(e: WechatMiniprogram.CustomEvent<OpenCardListEvents['select']>) {
    console.log(e.detail.indexes.length, e.detail.cardList.map((c) => c.cardId))
  },
  onReady() {
    const button = this.selectComponent('#add') as unknown as AddCardButtonInstance
    button.setCardSource(async (cardIds) => cardIds.map((cardId) => ({ cardId, cardExt: '{}' })))
    const list = this.selectComponent('#list') as unknown as OpenCardListInstance
    list.updateCard(0, { status: 'CONSUMED' })
    list.clearSelection()
    addCards(cards).then(
      (r) => console.log(r.succeeded.length),
      (e: unknown) => console.log(e instanceof CardError ? e.code : e),
    )
    openCards([{ cardId: row.cardId, code: row.code ?? '' }])
    requestPayCoupons({ url: 'https://example.com/pay-coupons', timeoutMs: 5000 }).then((list) => {
      const rows: PayCouponItem[] = list.map((c) => ({ ...c, title: c.stockName }))
      console.log(rows.filter((c) => c.state === 'SENDED').length)
    })
    console.log(props, listProps, fromServer, couponProps, coupon)
  },
})
`
  // WeChat's TypeScript template: CommonJS, classic node resolution (bundler resolution: npm-build.test.ts)
  const { diagnostics, ours } = compile(
    'mp-project',
    { 'page.ts': page },
    {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2020.d.ts'],
      types: ['miniprogram-api-typings'],
    },
  )
  expect(diagnostics).toEqual([])
  expect(ours).toEqual(
    expect.arrayContaining([
      'node_modules/weapp-card-coupon/miniprogram_dist/add-card-button/index.d.ts',
      'node_modules/weapp-card-coupon/miniprogram_dist/open-card-list/index.d.ts',
      'node_modules/weapp-card-coupon/miniprogram_dist/pay-coupon-list/index.d.ts',
      'node_modules/weapp-card-coupon/miniprogram_dist/utils/index.d.ts',
    ]),
  )
})

it('(b) a Node server project (@types/node, ESM, nodenext): every server example the READMEs quote', () => {
  // server.ts loads the WeChat Pay routes (plain JS) by their declaration, beside it as in examples/
  const routes = fs.readFileSync(path.join(ROOT, 'examples/pay/routes.d.mts'), 'utf8')
  const files = { ...exampleFiles('.'), 'pay/routes.d.mts': routes }
  // the framework recipes once our typings have been checked: the frameworks' own .d.ts are not on trial
  const frameworks = ['express.ts', 'koa.ts', 'fastify.ts', 'card-handlers.ts']
  const [ours, theirs] = [false, true].map((skipLibCheck) =>
    compile(
      skipLibCheck ? 'server-project-frameworks' : 'server-project',
      Object.fromEntries(Object.entries(files).filter(([name]) => frameworks.includes(name) === skipLibCheck)),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts'],
        types: ['node'],
        verbatimModuleSyntax: true,
        skipLibCheck,
      },
      { type: 'module' },
    ),
  ) as [ReturnType<typeof compile>, ReturnType<typeof compile>]
  expect([...ours.diagnostics, ...theirs.diagnostics]).toEqual([])
  expect(ours.ours).toContain('node_modules/weapp-card-coupon/dist/server/index.d.ts')
  expect(Object.keys(files)).toEqual(expect.arrayContaining([...frameworks, 'server.ts', 'redis-ioredis.ts']))
})

it('(c) a jest project (@types/node + @types/jest): the simulator, the utils types, the test examples', () => {
  const spec = `
import { createCardPlatform, type HeldCall, type PlatformState } from 'weapp-card-coupon/testing'
import { createCardExt } from 'weapp-card-coupon/server'
import type { AddCardInput, AddCardResult, CardError, CardExtFields, UserCard } from 'weapp-card-coupon/utils'

test('adds a card', async () => {
  const platform = createCardPlatform({ apiTicket: 't', accessToken: 'a', openid: 'o', cards: [{ cardId: 'p1' }] })
  const undo = platform.install(undefined, { all: true })
  const card: AddCardInput = { cardId: 'p1', cardExt: createCardExt({ apiTicket: 't', cardId: 'p1' }) }
  const fields: CardExtFields | undefined = undefined
  const result: AddCardResult | undefined = undefined
  const error: CardError | undefined = undefined
  const held: HeldCall[] = platform.heldCalls()
  const state: PlatformState = platform.state
  const userCards: UserCard[] = []
  // without callbacks the simulated wx answers a Promise (typed as one, not as Promise | void)
  const added: Promise<{ cardList: { isSuccess: boolean }[] }> = platform.wx.addCard({ cardList: [card] })
  await added.catch(() => undefined)
  expect([card, fields, result, error, held, state, userCards]).toHaveLength(7)
  undo()
})
`
  const files = { 'simulator.test.ts': spec, ...exampleFiles('testing') }
  expect(Object.keys(files)).toEqual(expect.arrayContaining(['signing-server.test.ts', 'simulator.ts']))
  const { diagnostics, ours } = compile('jest-project', files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node', 'jest'],
  })
  expect(diagnostics).toEqual([])
  expect(ours).toEqual(
    expect.arrayContaining([
      'node_modules/weapp-card-coupon/dist/testing/index.d.ts',
      'node_modules/weapp-card-coupon/miniprogram_dist/utils/index.d.ts',
    ]),
  )
})
