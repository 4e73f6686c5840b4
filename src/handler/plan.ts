/**
 * What the decorators amount to for one class, computed once per class and
 * per method and cached, so a class without decorators pays one map lookup.
 *
 * @module
 */
import type { ResponseHeaders } from '../gateway/types.js';
import { conversionFor, type Conversion } from './coerce.js';
import { dispatchTable, type DispatchTable } from './dispatch.js';
import {
  declaredParamTypes,
  findClassRecord,
  findMethodRecord,
  type RecordedAfterHook,
  type RecordedBeforeHook,
  type ParamRecord,
  type ParamSource,
  SOURCE_LABELS,
} from './metadata.js';
import type { RoutePattern } from './route-pattern.js';

/** One parameter, ready to bind. */
export interface BoundParam {
  readonly index: number;
  readonly source: ParamSource;
  readonly name: string;
  /** E.g. `query parameter`. */
  readonly label: string;
  /** `undefined` for sources passed through as they are. */
  readonly conversion: Conversion | undefined;
  /** Whether a missing value may be filled from `defaultValue` or left empty. */
  readonly optional: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
}

/** The decorators of one method, resolved. */
export interface MethodPlan {
  /** `Class.method`, for messages. */
  readonly owner: string;
  readonly params: readonly BoundParam[];
  /** How many arguments to pass: one past the highest decorated index. */
  readonly arity: number;
  /** Whether binding reads the body (and so must await). */
  readonly readsBody: boolean;
  readonly status: string | undefined;
  readonly headers: ResponseHeaders;
  readonly contentType: string | undefined;
  readonly accepts: readonly string[] | undefined;
  readonly bodyLimit: number | undefined;
  readonly before: readonly RecordedBeforeHook[];
  readonly after: readonly RecordedAfterHook[];
  /** Whether it can run without an await: no hooks and no body. */
  readonly sync: boolean;
  /** A warning to log once, when parameters lacked type metadata. */
  readonly warning: string | undefined;
}

/** The dispatch and decorators of one handler class. */
export interface ClassPlan {
  readonly table: DispatchTable;
  readonly route: RoutePattern | undefined;
  /** Per `doX` method name; `null` when no decorator touches that method. */
  readonly methods: ReadonlyMap<string, MethodPlan | null>;
  /** Whether any method has a plan, so undecorated classes skip the lookup. */
  readonly decorated: boolean;
}

const classPlans = new WeakMap<Function, ClassPlan>();

/**
 * The cached plan of a handler class, built on its first request. A
 * decorator the class cannot use (a parameter type no string converts to)
 * throws here, and so answers that request with a 500 naming it.
 */
export function classPlan(handlerClass: Function, base: Function): ClassPlan {
  let plan = classPlans.get(handlerClass);
  if (plan === undefined) {
    const table = dispatchTable(handlerClass, base);
    // Every doX method is known from the table, so all are planned at once.
    const methods = new Map<string, MethodPlan | null>();
    for (const dispatch of [table.root, table.item]) {
      for (const name of dispatch.methods.values()) {
        if (!methods.has(name)) methods.set(name, buildMethodPlan(handlerClass, base, name));
      }
    }
    const decorated = [...methods.values()].some((method) => method !== null);
    plan = { table, route: findRoute(handlerClass, base), methods, decorated };
    classPlans.set(handlerClass, plan);
  }
  return plan;
}

function findRoute(handlerClass: Function, base: Function): RoutePattern | undefined {
  for (const ctor of classChain(handlerClass, base)) {
    const route = findClassRecord(ctor)?.route;
    if (route !== undefined) return route;
  }
  return undefined;
}

/** The class and its ancestors below `base`, nearest first. */
function classChain(handlerClass: Function, base: Function): Function[] {
  const chain: Function[] = [];
  for (let ctor: unknown = handlerClass; typeof ctor === 'function' && ctor !== base && ctor !== Function.prototype; ctor = Object.getPrototypeOf(ctor)) {
    chain.push(ctor);
  }
  return chain;
}

function buildMethodPlan(handlerClass: Function, base: Function, name: string): MethodPlan | null {
  const before: RecordedBeforeHook[] = [];
  const after: RecordedAfterHook[] = [];
  // Outermost (base) class hooks first for before, last for after.
  for (const ctor of classChain(handlerClass, base).reverse()) {
    const record = findClassRecord(ctor);
    if (record === undefined) continue;
    before.push(...record.before);
    after.unshift(...record.after);
  }
  const owner = ownerOf(handlerClass.prototype as object, base.prototype as object, name);
  const record = owner === undefined ? undefined : findMethodRecord(owner, name);
  if (record === undefined && before.length === 0 && after.length === 0) return null;
  const ownerName = `${(owner?.constructor ?? handlerClass).name}.${name}`;
  const declared = owner === undefined ? undefined : declaredParamTypes(owner, name);
  const records = [...(record?.params ?? [])].sort((a, b) => a.index - b.index);
  const untyped: string[] = [];
  const params = records.map((param): BoundParam => {
    const type = declared?.[param.index];
    // `Object` is what a union (`number | undefined`), an interface or `any`
    // compiles to: no runtime type, so the value stays a string, as when no
    // metadata was emitted at all, and the author hears about it.
    if (param.type === undefined && isConverted(param) && (type === undefined || type === Object)) {
      untyped.push(`parameter ${param.index} (${SOURCE_LABELS[param.source]} "${param.name}")`);
    }
    return bindParam(param, type, ownerName);
  });
  const methodAfter = record?.after ?? [];
  const readsBody = params.some((param) => param.source === 'field' || param.source === 'file' || param.source === 'body');
  const allBefore = [...before, ...(record?.before ?? [])];
  const allAfter = [...methodAfter, ...after];
  return {
    owner: ownerName,
    params,
    arity: params.length === 0 ? 0 : params[params.length - 1]!.index + 1,
    readsBody,
    status: record?.status,
    headers: record?.headers ?? [],
    contentType: record?.contentType,
    accepts: record?.accepts,
    bodyLimit: record?.bodyLimit,
    before: allBefore,
    after: allAfter,
    sync: !readsBody && allBefore.length === 0 && allAfter.length === 0,
    warning: untypedWarning(ownerName, declared === undefined, untyped),
  };
}

function untypedWarning(owner: string, noMetadata: boolean, untyped: readonly string[]): string | undefined {
  if (untyped.length === 0) return undefined;
  const why = noMetadata
    ? 'was compiled without decorator metadata (emitDecoratorMetadata)'
    : 'declares parameters with no runtime type (a union such as `number | undefined`, an interface, or any)';
  return (
    `tsgi: ${owner} ${why}, so ${untyped.join(', ')} stay${untyped.length === 1 ? 's' : ''} a string; ` +
    `give the type in the decorator, e.g. @query('n', Number) or { type: Number, optional: true }` +
    (noMetadata ? ', or compile with emitDecoratorMetadata (tsc, swc)\n' : ", or write an optional parameter as `n?: number`\n")
  );
}

/** The prototype that defines `name`, below `stop`. */
function ownerOf(proto: object, stop: object, name: string): object | undefined {
  for (let current: object | null = proto; current !== null && current !== stop; current = Object.getPrototypeOf(current) as object | null) {
    if (Object.prototype.hasOwnProperty.call(current, name)) return current;
  }
  return undefined;
}

function isConverted(param: ParamRecord): boolean {
  return param.source !== 'body' && param.source !== 'session' && param.source !== 'file' && param.source !== 'environ';
}

function bindParam(param: ParamRecord, declared: unknown, owner: string): BoundParam {
  let conversion: Conversion | undefined;
  if (isConverted(param)) {
    conversion = conversionFor(param.type, declared);
    if (conversion === undefined) throw new TypeError(`${owner}: parameter ${param.index} cannot be converted from a string`);
  } else if (param.source === 'file') {
    conversion = conversionFor(Array.isArray(param.type) || param.type === Array || declared === Array ? Array : String, undefined);
  } else if (param.source === 'environ') {
    // Environ values need not be strings: convert only to a type that was
    // asked for, and only when the value is a string.
    const wanted = param.type ?? (declared === Number || declared === Boolean || declared === Date ? declared : undefined);
    conversion = wanted === undefined ? undefined : conversionFor(wanted as never, undefined);
  }
  return {
    index: param.index,
    source: param.source,
    name: param.name,
    label: SOURCE_LABELS[param.source],
    conversion,
    optional: param.optional,
    hasDefault: param.hasDefault,
    defaultValue: param.defaultValue,
  };
}
