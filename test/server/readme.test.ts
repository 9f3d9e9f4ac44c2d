// The server README's TypeScript examples compile as a user's project would: strict with
// exactOptionalPropertyTypes, against the built package and the real ioredis / node-redis typings.
import fs from 'fs'
import path from 'path'
import ts from 'typescript'

const ROOT = path.resolve(__dirname, '../..')
const OUT = path.join(ROOT, '.tmp', 'server-readme')

it('server/README.md: every ts example compiles with strict and exactOptionalPropertyTypes', () => {
  const markdown = fs.readFileSync(path.join(ROOT, 'server/README.md'), 'utf8')
  const examples = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  expect(examples.length).toBeGreaterThanOrEqual(5)
  fs.rmSync(OUT, { recursive: true, force: true })
  fs.mkdirSync(OUT, { recursive: true })
  const files = examples.map((code, i) => {
    const file = path.join(OUT, `example-${i}.ts`)
    fs.writeFileSync(file, `${code}\nexport {}\n`) // each example is its own module
    return file
  })
  const program = ts.createProgram(files, {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node'],
    skipLibCheck: true,
  })
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file
      ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : ''
    return `${at} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
  expect(problems).toEqual([])
})
