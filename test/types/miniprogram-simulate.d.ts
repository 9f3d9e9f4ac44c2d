// What the tests use of miniprogram-simulate, typed here (tsconfig.test.json maps the package to this file): its own
// index.d.ts pulls j-component's old nested copy of miniprogram-api-typings, which declares Component() and
// Behavior() a second time, and our components lose their `this`.

declare namespace simulate {
  /** The component instance behind a node: its data, setData, and `Methods` (what its definition adds). */
  type Instance<Methods extends object = object> = Methods & {
    readonly data: Record<string, unknown>
    setData(data: Record<string, unknown>, callback?: () => void): void
  }

  /** A node of a rendered tree (j-component's wrapper around an exparser node). */
  interface Node<Methods extends object = object> {
    /** Its jsdom element. */
    readonly dom: HTMLElement
    readonly data: Record<string, unknown>
    readonly instance: Instance<Methods>
    /** An event on the node, delivered on a later microtask (a tap: `dispatchEvent('tap')`). */
    dispatchEvent(name: string, options?: { detail?: object }): void
    /** Listens to the component's events (`triggerEvent`): the handler gets `{ detail }`. */
    addEventListener(name: string, handler: (event: { detail: Record<string, unknown> }) => void): void
    querySelector(selector: string): Node | undefined
    querySelectorAll(selector: string): Node[]
    setData(data: Record<string, unknown>, callback?: () => void): void
    triggerLifeTime(name: 'attached' | 'ready' | 'moved' | 'detached'): void
    triggerPageLifeTime(name: 'show' | 'hide' | 'resize'): void
    /** The root of a tree (what `render` gives) is attached to a jsdom parent, and detached again. */
    attach(parent: Element): void
    detach(): void
  }

  /** What `render` gives: the root of a tree. */
  type Root<Methods extends object = object> = Node<Methods>

  interface LoadOptions {
    rootPath?: string
    compiler?: 'official' | 'simulate'
    compilerOptions?: { wxmlList?: string[]; wxsList?: string[] }
    /** Merged into every component's own usingComponents: tag → absolute mini-program path or registered id. */
    usingComponents?: Record<string, string>
  }

  /** A component (or a page built with Component()) defined in place: its options, its template. */
  interface Definition {
    template: string
    usingComponents?: Record<string, string>
    data?: Record<string, unknown>
  }
}

declare const simulate: {
  /** Registers a component from its folder path (without extension), or one defined in place; resolves its id. */
  load(componentPath: string, options?: simulate.LoadOptions): string
  load(definition: simulate.Definition): string
  /** A definition built elsewhere (a stand-in's: Component() options with a template), as an object. */
  load(definition: object): string
  /** Renders a registered component with these properties (not attached yet). */
  render<Methods extends object = object>(id: string, properties?: Record<string, unknown>): simulate.Root<Methods>
}

export = simulate
