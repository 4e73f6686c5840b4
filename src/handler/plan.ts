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
import { methodNameProblems } from './method-names.js';
import { defaultProblem, pathParamProblem, untypedProblem } from './plan-checks.js';
import type { RoutePattern } from './route-pattern.js';
import type { StandardSchemaV1 } from './schema.js';

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
  /** The Standard Schema that validates the raw value, when one was given. */
  readonly schema: StandardSchemaV1 | undefined;
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
  /** Whether it can run without an await: no hooks, no body and no schema. */
  readonly sync: boolean;
  /** A warning to log once, for parameters left untyped by `untypedParams = 'warn'`. */
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

/**
 * What a class does with parameters whose type is unknown at run time (no
 * decorator metadata, or a union, interface or `any`): `'refuse'` fails
 * planning; `'warn'` lets them stay strings, with a warning when planned and
 * one in `tsgi.errors` on the first request.
 *
 * @example
 * ```ts
 * class Lenient extends BaseHandler {
 *   static override untypedParams: UntypedParams = 'warn';
 * }
 * ```
 *
 * @category Handler
 */
export type UntypedParams = 'refuse' | 'warn';

/** The static options of a handler class that planning reads. */
interface PlanOptions {
  readonly untypedParams?: UntypedParams;
  readonly extensionMethods?: readonly string[];
}

const classPlans = new WeakMap<Function, ClassPlan>();

/**
 * The cached plan of a handler class, built when its App is made (or on its
 * first request, for an instance constructed directly). Every mistake its
 * decorators and `doX` names show is gathered and thrown as one TypeError
 * naming each, so the class fails at startup rather than on requests.
 */
export function classPlan(handlerClass: Function, base: Function): ClassPlan {
  let plan = classPlans.get(handlerClass);
  if (plan === undefined) {
    const options = handlerClass as PlanOptions;
    const problems = methodNameProblems(handlerClass, base, options.extensionMethods ?? []);
    const table = dispatchTable(handlerClass, base);
    const route = findRoute(handlerClass, base);
    const context: PlanContext = { route, untyped: options.untypedParams ?? 'refuse', problems };
    // Every doX method is known from the table, so all are planned at once.
    const methods = new Map<string, MethodPlan | null>();
    for (const dispatch of [table.root, table.item]) {
      for (const name of [...dispatch.methods.values(), ...(dispatch.webSocket === undefined ? [] : [dispatch.webSocket])]) {
        if (!methods.has(name)) methods.set(name, buildMethodPlan(handlerClass, base, name, context));
      }
    }
    if (problems.length > 0) {
      throw new TypeError(`${handlerClass.name || 'the handler class'} cannot be served:\n  ${problems.join('\n  ')}`);
    }
    const decorated = [...methods.values()].some((method) => method !== null);
    plan = { table, route, methods, decorated };
    classPlans.set(handlerClass, plan);
  }
  return plan;
}

interface PlanContext {
  readonly route: RoutePattern | undefined;
  readonly untyped: UntypedParams;
  /** Collected across the class, so one start-up names every mistake. */
  readonly problems: string[];
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

function buildMethodPlan(handlerClass: Function, base: Function, name: string, context: PlanContext): MethodPlan | null {
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
  let firstUntyped: ParamRecord | undefined;
  const params: BoundParam[] = [];
  for (const param of records) {
    const type = declared?.[param.index];
    // `Object` is what a union (`number | undefined`), an interface or `any`
    // compiles to: no runtime type, so the value would stay a string, as
    // when no metadata was emitted at all.
    if (param.type === undefined && param.schema === undefined && isConverted(param) && (type === undefined || type === Object)) {
      untyped.push(`parameter ${param.index} (${SOURCE_LABELS[param.source]} "${param.name}")`);
      firstUntyped ??= param;
    }
    for (const problem of [pathParamProblem(param, name, context.route), defaultProblem(param, type)]) {
      if (problem !== undefined) context.problems.push(`${ownerName} ${problem}`);
    }
    const bound = bindParam(param, type);
    if (bound === undefined) context.problems.push(`${ownerName}: parameter ${param.index} cannot be converted from a string`);
    else params.push(bound);
  }
  let warning: string | undefined;
  if (firstUntyped !== undefined) {
    const problem = `${ownerName} ${untypedProblem(declared === undefined, untyped, firstUntyped)}`;
    if (context.untyped === 'refuse') context.problems.push(`${problem} (or set static untypedParams = 'warn' to accept strings)`);
    else warning = warnNow(`tsgi: ${problem}\n`);
  }
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
    // A schema may answer with a promise, so binding must be able to await.
    sync: !readsBody && allBefore.length === 0 && allAfter.length === 0 && params.every((param) => param.schema === undefined),
    warning,
  };
}

/**
 * Says `message` when the class is planned, as a process warning where
 * there is a process (Node, Bun, Deno) and on the console elsewhere, and
 * returns it for the first request's `tsgi.errors`.
 */
function warnNow(message: string): string {
  const host = (globalThis as { process?: { emitWarning?: (warning: string, type: string) => void } }).process;
  if (typeof host?.emitWarning === 'function') host.emitWarning(message.trimEnd(), 'TsgiWarning');
  else console.warn(message.trimEnd());
  return message;
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

/** The parameter ready to bind, or `undefined` when no string converts to its type. */
function bindParam(param: ParamRecord, declared: unknown): BoundParam | undefined {
  let conversion: Conversion | undefined;
  if (param.schema !== undefined) {
    // The schema converts: it sees the raw value.
  } else if (isConverted(param)) {
    conversion = conversionFor(param.type, declared);
    if (conversion === undefined) return undefined;
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
    schema: param.schema,
  };
}
