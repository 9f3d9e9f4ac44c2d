/**
 * The Taro and Vue typings (weapp-card-coupon/jsx, /vue) stand on typings/components.d.ts, which
 * scripts/framework-types.ts writes from the tags' own types. It cannot drift: the file is what the script writes
 * now, and each of its types is assignable both ways to the tag's own (checked with miniprogram-api-typings, as the
 * tags are). The framework projects (npm run test:taro / test:uni) use them in a real build.
 */
import fs from 'fs'
import path from 'path'
import ts from 'typescript'
import { generate, OUTPUT } from '../../scripts/framework-types'
import { ROOT } from '../helpers/simulate'

it('typings/components.d.ts is what scripts/framework-types.ts writes (npm run types:frameworks)', () => {
  expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(generate())
})

it('each of its types is the tag’s own type, both ways', () => {
  const pairs: [string, string][] = [
    ['add-card-button', 'AddCardButtonProps'],
    ['add-card-button', 'AddCardButtonEvents'],
    ['add-card-button', 'AddCardButtonInstance'],
    ['open-card-list', 'OpenCardListProps'],
    ['open-card-list', 'OpenCardListEvents'],
    ['open-card-list', 'OpenCardListInstance'],
    ['open-card-list', 'CardItem'],
    ['pay-coupon-list', 'PayCouponListProps'],
    ['pay-coupon-list', 'PayCouponListEvents'],
    ['pay-coupon-list', 'PayCouponItem'],
    ['member-card', 'MemberCardProps'],
    ['member-card', 'MemberCardEvents'],
    ['member-card', 'MemberCardInstance'],
  ]
  const check = [
    `type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false`,
    ...pairs.map(([tag, name], i) =>
      [
        `import type { ${name} as Tag${i} } from './components/${tag}/index'`,
        `import type { ${name} as Shipped${i} } from './typings/components'`,
        `export const same${i}: Same<Tag${i}, Shipped${i}> = true`,
      ].join('\n'),
    ),
  ].join('\n')
  // written at the root's level so the relative imports read as above; compiled from there
  const at = path.join(ROOT, '__framework-typings-check.ts')
  const host = ts.createCompilerHost({})
  const read = host.getSourceFile.bind(host)
  host.getSourceFile = (name, how, onError, fresh) =>
    name === at ? ts.createSourceFile(name, check, how) : read(name, how, onError, fresh)
  host.fileExists = (
    (exists) => (name: string) =>
      name === at || exists(name)
  )(host.fileExists.bind(host))
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  )!
  const program = ts.createProgram({ rootNames: [at], options: { ...config.options, noEmit: true }, host })
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  expect(problems).toEqual([])
})
