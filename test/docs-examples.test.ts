// The TypeScript examples in the Node READMEs compile against the built package, as a user would paste them.
import fs from 'fs'
import path from 'path'
import ts from 'typescript'

const ROOT = path.resolve(__dirname, '..')
const OUT = path.join(ROOT, '.tmp', 'doc-examples')

function blocks(readme: string): string[] {
  const md = fs.readFileSync(path.join(ROOT, readme), 'utf8')
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
}

it.each(['server/README.md', 'testing/README.md'])('%s: every ts example type-checks (strict)', (readme) => {
  const codes = blocks(readme)
  expect(codes.length).toBeGreaterThan(0)
  fs.rmSync(OUT, { recursive: true, force: true })
  fs.mkdirSync(OUT, { recursive: true })
  // each block is its own module (export {} keeps top-level names apart)
  const files = codes.map((code, i) => {
    const f = path.join(OUT, `${readme.replace(/\W/g, '_')}_${i}.ts`)
    fs.writeFileSync(f, `${code}\nexport {}\n`)
    return f
  })
  const program = ts.createProgram(files, {
    strict: true,
    exactOptionalPropertyTypes: true, // options users fill from process.env (string | undefined) must compile
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node', 'jest', 'miniprogram-api-typings'],
    // @types/node and miniprogram-api-typings both declare require/console: a user's project has one of them
    skipLibCheck: true,
  })
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : ''
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
  expect(errors).toEqual([])
})
