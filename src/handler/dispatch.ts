/**
 * The method table of a handler class: which `doX` method answers which
 * request method, at the collection root and at an item path.
 *
 * @module
 */

/**
 * How one handler class answers at one kind of path.
 *
 * @example
 * ```ts
 * const table = dispatchTable(BlogHandler);
 * table.root.methods.get('GET'); // 'doGETALL'
 * table.item.allow;              // 'DELETE, GET, HEAD, OPTIONS, PUT'
 * ```
 */
export interface PathDispatch {
  /** Request method → name of the instance method that answers it. */
  readonly methods: ReadonlyMap<string, string>;
  /** The exact `Allow` header value for this path. */
  readonly allow: string;
  /**
   * The method that answers a WebSocket handshake here (`doWEBSOCKET`, or
   * `doWEBSOCKETALL` at the root), if any. WEBSOCKET is no request method:
   * it is neither in {@link methods} nor in {@link allow}.
   */
  readonly webSocket: string | undefined;
}

/**
 * The dispatch of a handler class, computed once per class.
 *
 * @example
 * ```ts
 * dispatchTable(MyHandler).item.methods.has('POST');
 * ```
 */
export interface DispatchTable {
  /** At the collection root: `PATH_INFO` of `''` or `'/'`. */
  readonly root: PathDispatch;
  /** Anywhere else. */
  readonly item: PathDispatch;
  /**
   * At the root of a class whose `@route` pattern does not match the root:
   * only the `doMETHODALL` methods answer there.
   */
  readonly rootOnly: PathDispatch;
}

const DO_METHOD = /^do([A-Z]+)$/;
// The pseudo-method of WebSocket handshakes (`doWEBSOCKET`).
const WEBSOCKET = 'WEBSOCKET';
const tables = new WeakMap<Function, DispatchTable>();

/**
 * Builds (once, then caches) the dispatch table of a handler class by walking
 * its prototype chain up to, but not including, `base`. `doMETHOD` answers
 * everywhere; `doMETHODALL` answers at the root in its place. HEAD falls back
 * to the GET method and OPTIONS is always allowed, since the handler answers
 * both by default.
 *
 * @example
 * ```ts
 * class Blog extends BaseHandler { doGET() {} doGETALL() {} doPUT() {} }
 * dispatchTable(Blog, BaseHandler).root.allow; // 'GET, HEAD, OPTIONS, PUT'
 * ```
 */
export function dispatchTable(handlerClass: Function, base?: Function): DispatchTable {
  let table = tables.get(handlerClass);
  if (table === undefined) {
    table = buildTable(handlerClass, base);
    tables.set(handlerClass, table);
  }
  return table;
}

function buildTable(handlerClass: Function, base: Function | undefined): DispatchTable {
  const names = new Set<string>();
  const stop: unknown = base?.prototype ?? Object.prototype;
  for (let proto: unknown = handlerClass.prototype; proto !== null && proto !== stop && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (DO_METHOD.test(name) && typeof (proto as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  const item = new Map<string, string>();
  const rootOnly = new Map<string, string>();
  for (const name of names) {
    const method = name.slice(2);
    // A name ending in ALL is the root variant of the method before it, so
    // request methods ending in ALL cannot have handlers of their own.
    if (method.endsWith('ALL') && method.length > 3) rootOnly.set(method.slice(0, -3), name);
    else item.set(method, name);
  }
  const root = new Map(item);
  for (const [method, name] of rootOnly) root.set(method, name);
  return { root: describe(root), item: describe(item), rootOnly: describe(rootOnly) };
}

function describe(methods: Map<string, string>): PathDispatch {
  const webSocket = methods.get(WEBSOCKET);
  methods.delete(WEBSOCKET);
  const allowed = new Set(methods.keys());
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return { methods, allow: [...allowed].sort().join(', '), webSocket };
}
