// Test-only packages that ship no typings: what the tests use of each.

declare module 'miniprogram-versions' {
  /** Every published base library version, newest first. */
  export const versions: { sdkVer: string }[]
}

declare module 'miniprogram-compiler' {
  /** The official wcc: the templates compiled to a script that defines `$gwx` and returns it. */
  export function wxmlToJs(root: string, options: { wxmlList: string[]; wxsList: string[] }): string
}

declare module 'j-component/src/render/component' {
  /** j-component's root wrapper; its base class (the prototype's prototype) wraps any exparser node. */
  const RootComponent: { prototype: object }
  export = RootComponent
}

declare module 'j-component/src/tool/utils' {
  /** The usingComponents tag a registered component id was loaded under. */
  export function getTagName(id: string): string | undefined
}
