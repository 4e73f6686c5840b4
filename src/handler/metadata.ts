/**
 * Where the decorators record what they declare, and the types they share.
 * Records are keyed by the prototype (methods) or the constructor (classes)
 * that carries the decorator, so subclasses inherit them by walking the
 * prototype chain.
 *
 * @module
 */
import 'reflect-metadata';
import type { HandlerResult } from './result.js';
import type { RoutePattern } from './route-pattern.js';
import type { StandardSchemaV1 } from './schema.js';

/**
 * Converts a raw string into the value a parameter receives. A thrown
 * {@link tsgi!HttpError} is answered as is; any other error becomes a 400 that
 * names the parameter.
 *
 * @example
 * ```ts
 * const csv: ParseFunction<string[]> = (value) => value.split(',');
 * ```
 *
 * @category Parameter decorators
 */
export type ParseFunction<T = unknown> = (value: string) => T;

/**
 * A scalar target type: one of the coercing constructors, or a parse function.
 *
 * @example
 * ```ts
 * const spec: ScalarType = Number;
 * ```
 *
 * @category Parameter decorators
 */
export type ScalarType = StringConstructor | NumberConstructor | BooleanConstructor | DateConstructor | ParseFunction;

/**
 * The type a parameter is converted to: a scalar type, `Array` (every value,
 * as strings), or `[T]` (every value, each converted to `T`).
 *
 * @example
 * ```ts
 * const ids: TypeSpec = [Number];
 * ```
 *
 * @category Parameter decorators
 */
export type TypeSpec = ScalarType | ArrayConstructor | readonly [ScalarType];

/**
 * The value a parameter of type `T` receives: what `default` must be.
 *
 * @example
 * ```ts
 * const ids: ValueOfType<[NumberConstructor]> = [1, 2];
 * ```
 *
 * @category Parameter decorators
 */
export type ValueOfType<T extends TypeSpec> = T extends NumberConstructor
  ? number
  : T extends StringConstructor
    ? string
    : T extends BooleanConstructor
      ? boolean
      : T extends DateConstructor
        ? Date
        : T extends ArrayConstructor
          ? string[]
          : T extends readonly [infer Item extends ScalarType]
            ? Array<ValueOfType<Item>>
            : T extends ParseFunction<infer Parsed>
              ? Parsed
              : unknown;

/**
 * The options object a parameter decorator accepts. With a `type`, the
 * `default` must be a value of that type, which the compiler checks; without
 * one, the default is checked against the declared type when the class is
 * planned.
 *
 * @example
 * ```ts
 * class Search extends BaseHandler {
 *   doGET(@query('page', { type: Number, default: 1 }) page: number) { return `page ${page}`; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export interface ParamOptions<T extends TypeSpec = TypeSpec> {
  /**
   * The type to convert to. It overrides the declared type, and is what
   * makes the parameter work without decorator metadata (tsx, esbuild).
   */
  type?: T;
  /** Missing is allowed: the argument is `undefined` (or `[]` for arrays). */
  optional?: boolean;
  /** The value used when the parameter is missing; implies `optional`. */
  default?: ValueOfType<T>;
}

/**
 * The second argument of a parameter decorator: a type, a parse function, or
 * an options object.
 *
 * @example
 * ```ts
 * const spec: ParamSpec = { type: Number, optional: true };
 * ```
 *
 * @category Parameter decorators
 */
export type ParamSpec<T extends TypeSpec = TypeSpec> = T | ParamOptions<T>;

/**
 * Where a decorated parameter's value comes from.
 *
 * @example
 * ```ts
 * const source: ParamSource = 'query';
 * ```
 *
 * @category Parameter decorators
 */
export type ParamSource = 'param' | 'query' | 'field' | 'body' | 'header' | 'cookie' | 'file' | 'environ' | 'session';

// Hooks are recorded with their handler type erased (`never`), since one
// record serves the class and every subclass; `@before` and `@after` check
// the type where the hook is given.
/** A `@before` hook as recorded. */
export type RecordedBeforeHook = (handler: never) => void | Promise<void>;
/** An `@after` hook as recorded. */
export type RecordedAfterHook = (handler: never, result: HandlerResult) => HandlerResult | Promise<HandlerResult>;

/** How each source is named in messages. */
export const SOURCE_LABELS: Readonly<Record<ParamSource, string>> = {
  param: 'path parameter',
  query: 'query parameter',
  field: 'form field',
  body: 'request body',
  header: 'header',
  cookie: 'cookie',
  file: 'file',
  environ: 'environ key',
  session: 'session',
};

/** One decorated parameter, as recorded. */
export interface ParamRecord {
  readonly index: number;
  readonly source: ParamSource;
  readonly name: string;
  readonly type: TypeSpec | undefined;
  readonly optional: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  /** The Standard Schema that validates and types the value, instead of `type`. */
  readonly schema: StandardSchemaV1 | undefined;
}

/** What the decorators recorded for one method. */
export interface MethodRecord {
  params: ParamRecord[];
  /** A status line. */
  status?: string;
  headers: Array<[string, string]>;
  contentType?: string;
  accepts?: string[];
  bodyLimit?: number;
  before: RecordedBeforeHook[];
  after: RecordedAfterHook[];
}

/** What the decorators recorded for one class. */
export interface ClassRecord {
  route?: RoutePattern;
  before: RecordedBeforeHook[];
  after: RecordedAfterHook[];
}

const methodRecords = new WeakMap<object, Map<string | symbol, MethodRecord>>();
// Standard decorators see the method's function, not its class: see
// `methodTarget` in decorators/forms.ts.
const functionRecords = new WeakMap<Function, MethodRecord>();
const classRecords = new WeakMap<Function, ClassRecord>();

function emptyMethodRecord(): MethodRecord {
  return { params: [], headers: [], before: [], after: [] };
}

/** The record of `key` on `prototype`, created on first use (legacy decorators). */
export function methodRecord(prototype: object, key: string | symbol): MethodRecord {
  let byKey = methodRecords.get(prototype);
  if (byKey === undefined) methodRecords.set(prototype, (byKey = new Map()));
  let record = byKey.get(key);
  if (record === undefined) byKey.set(key, (record = emptyMethodRecord()));
  return record;
}

/** The record of a method function, created on first use (standard decorators). */
export function functionMethodRecord(method: Function): MethodRecord {
  let record = functionRecords.get(method);
  if (record === undefined) functionRecords.set(method, (record = emptyMethodRecord()));
  return record;
}

/**
 * The record of `key` on exactly `prototype`, if any decorator wrote one:
 * legacy decorators' record of the prototype and key, else standard
 * decorators' record of the function found there.
 */
export function findMethodRecord(prototype: object, key: string): MethodRecord | undefined {
  const legacy = methodRecords.get(prototype)?.get(key);
  if (legacy !== undefined) return legacy;
  const value: unknown = Object.getOwnPropertyDescriptor(prototype, key)?.value;
  return typeof value === 'function' ? functionRecords.get(value) : undefined;
}

/** The record of a class, created on first use. */
export function classRecord(target: Function): ClassRecord {
  let record = classRecords.get(target);
  if (record === undefined) classRecords.set(target, (record = { before: [], after: [] }));
  return record;
}

/** The record of exactly this class, if any decorator wrote one. */
export function findClassRecord(target: Function): ClassRecord | undefined {
  return classRecords.get(target);
}

/** The `design:paramtypes` of a method, or `undefined` when none was emitted. */
export function declaredParamTypes(prototype: object, key: string | symbol): readonly unknown[] | undefined {
  const types: unknown = Reflect.getOwnMetadata('design:paramtypes', prototype, key);
  return Array.isArray(types) ? types : undefined;
}
