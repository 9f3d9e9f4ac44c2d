/**
 * @jest-environment jsdom
 *
 * testing/miniprogram.ts, as a user meets it: the example of testing/README (examples/page-test/: a page with our
 * tags and its jest test) runs here twice, in the two places a user's mini-program can be, each with the package
 * installed the way npm installs it (node_modules/weapp-card-coupon, its public entries only):
 * - before 构建 npm: no miniprogram_npm, the tags and vant come from node_modules;
 * - after 构建 npm: miniprogram_npm/weapp-card-coupon and miniprogram_npm/@vant/weapp, as WeChat's builder lays them.
 * The example also type-checks there (strict, Node and jest typings only). Then the rest of the helper's contract:
 * wx.request over Node's http, installRequest, and the errors of loadPage.
 */
import fs from 'fs'
import http from 'http'
import type { AddressInfo } from 'net'
import path from 'path'
import ts from 'typescript'
import { installRequest, loadPage, request, waitFor } from '../../testing/miniprogram'
import { ROOT } from '../helpers/simulate'

const EXAMPLE = path.join(ROOT, 'examples', 'page-test')
const WORK = path.join(ROOT, '.tmp', 'page-test')
const VANT_LIB = path.join(ROOT, 'node_modules', '@vant', 'weapp', 'lib')

/** The example copied to `dir`, a mini-program root below WORK (whose node_modules has the package). */
function placeExample(dir: string): string {
  fs.cpSync(EXAMPLE, dir, { recursive: true })
  return path.join(dir, 'my-cards.test.ts')
}

// the package as npm installs it (the repository is the package: package.json, miniprogram_dist, dist)
fs.rmSync(WORK, { recursive: true, force: true })
fs.mkdirSync(path.join(WORK, 'node_modules'), { recursive: true })
fs.symlinkSync(ROOT, path.join(WORK, 'node_modules', 'weapp-card-coupon'), 'junction')
const BEFORE = placeExample(path.join(WORK, 'before-npm-build'))
const AFTER = placeExample(path.join(WORK, 'after-npm-build'))
const npmDir = path.join(WORK, 'after-npm-build', 'miniprogram_npm')
fs.mkdirSync(path.join(npmDir, '@vant'), { recursive: true })
fs.symlinkSync(path.join(ROOT, 'miniprogram_dist'), path.join(npmDir, 'weapp-card-coupon'), 'junction')
fs.symlinkSync(VANT_LIB, path.join(npmDir, '@vant', 'weapp'), 'junction')

describe('the example, before 构建 npm (tags and vant from node_modules)', () => {
  require(BEFORE)
})

describe('the example, after 构建 npm (miniprogram_npm)', () => {
  require(AFTER)
})

it('the example type-checks against the installed package (strict, esModuleInterop; Node and jest typings only)', () => {
  const program = ts.createProgram([BEFORE], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    // the package's declarations are checked strictly by test/package/typings.test.ts: here, the example's use of them
    skipLibCheck: true,
    esModuleInterop: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node', 'jest'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
  })
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? path.relative(WORK, d.file.fileName) : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    )
  expect(problems).toEqual([])
  const read = program.getSourceFiles().map((f) => f.fileName)
  expect(read.some((f) => f.endsWith('dist/testing/miniprogram.d.ts'))).toBe(true)
  expect(read.some((f) => f.includes('miniprogram-api-typings'))).toBe(false)
})

describe('request: wx.request over Node http, with the client contract', () => {
  let server: http.Server
  let base = ''
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        if (req.url?.startsWith('/text')) res.writeHead(404, { 'x-kind': 'text' }).end('not json')
        else if (req.url?.startsWith('/never')) return
        else
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ method: req.method, url: req.url, body }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const call = (options: Parameters<typeof request>[0]) =>
    new Promise<unknown>((resolve) => request({ ...options, success: resolve, fail: resolve }))

  it('GET sends data as the query; POST sends JSON; a JSON answer is parsed', async () => {
    await expect(call({ url: `${base}/a`, data: { cardId: 'p1', n: 2 } })).resolves.toMatchObject({
      statusCode: 200,
      data: { method: 'GET', url: '/a?cardId=p1&n=2', body: '' },
      errMsg: 'request:ok',
    })
    await expect(call({ url: `${base}/b`, method: 'post', data: { cardIds: ['p1'] } })).resolves.toMatchObject({
      data: { method: 'POST', body: '{"cardIds":["p1"]}' },
    })
  })

  it('any HTTP status is a success; a body that is not JSON is handed over as text, with the headers', async () => {
    await expect(call({ url: `${base}/text` })).resolves.toMatchObject({
      statusCode: 404,
      data: 'not json',
      header: { 'x-kind': 'text' },
    })
  })

  it('fails only without an answer: refused, timeout, abort', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    await expect(call({ url: `http://127.0.0.1:${port}/` })).resolves.toMatchObject({
      errMsg: expect.stringMatching(/^request:fail .*ECONNREFUSED/),
    })
    await expect(call({ url: `${base}/never`, timeout: 50 })).resolves.toEqual({ errMsg: 'request:fail timeout' })
    const aborted = new Promise((resolve) => request({ url: `${base}/never`, fail: resolve }).abort())
    await expect(aborted).resolves.toEqual({ errMsg: 'request:fail abort' })
  })

  it('installRequest puts it on a wx and takes it back off', () => {
    const wx: Record<string, unknown> = { request: 'old' }
    const undo = installRequest(wx)
    expect(wx.request).toBe(request)
    undo()
    expect(wx.request).toBe('old')
  })
})

describe('loadPage: what it refuses, naming the file', () => {
  const app = path.join(WORK, 'broken')
  const page = (name: string, json: object) => {
    fs.mkdirSync(path.join(app, 'pages', name), { recursive: true })
    fs.writeFileSync(path.join(app, 'pages', name, 'index.json'), JSON.stringify(json))
    fs.writeFileSync(path.join(app, 'pages', name, 'index.js'), 'Page({})\n')
    fs.writeFileSync(path.join(app, 'pages', name, 'index.wxml'), '<view />\n')
  }

  it('a path without its page', () => {
    expect(() => loadPage('pages/none/index', { root: app })).toThrow('pages/none/index: no pages/none/index.json')
  })

  it('an npm path found nowhere', () => {
    page('missing', { usingComponents: { 'x-tag': 'no-such-package/x/index' } })
    expect(() => loadPage('pages/missing/index', { root: app })).toThrow(
      'pages/missing/index.json: no-such-package/x/index is neither in a miniprogram_npm nor in node_modules',
    )
  })

  it('one tag naming two components in the tree', () => {
    page('inner', { component: true, usingComponents: { 'van-button': '../missing-button/index' } })
    page('twice', {
      usingComponents: { 'van-button': 'weapp-card-coupon/add-card-button/index', inner: '../inner/index' },
    })
    fs.cpSync(path.join(app, 'pages', 'inner'), path.join(app, 'pages', 'missing-button'), { recursive: true })
    fs.symlinkSync(path.join(WORK, 'node_modules'), path.join(app, 'node_modules'), 'junction')
    expect(() => loadPage('pages/twice/index', { root: app })).toThrow(/<van-button> names two components/)
  })

  it('waitFor names what did not happen', async () => {
    await expect(waitFor(() => false, 'the list', 30)).rejects.toThrow('waitFor: the list did not happen within 30 ms')
  })
})
