/**
 * Mistakes in a class's decorators that can be told when the class is
 * planned, so they fail at startup with a message naming the fix rather
 * than surfacing as some later request's 400 blamed on the client.
 *
 * @module
 */
import { typeName } from './coerce.js';
import { SOURCE_LABELS, type ParamRecord } from './metadata.js';
import type { RoutePattern } from './route-pattern.js';

/** Whether a `doX` name is a root-only (`doXALL`) method. */
export function isRootMethod(name: string): boolean {
  return name.length > 5 && name.endsWith('ALL');
}

/**
 * Why a `@param` cannot be filled where `method` answers: the class has no
 * `@route`, the method answers only the collection root (where a pattern
 * with names never matches), or the pattern has no such name.
 */
export function pathParamProblem(param: ParamRecord, method: string, route: RoutePattern | undefined): string | undefined {
  if (param.source !== 'param') return undefined;
  const bound = `binds path parameter "${param.name}"`;
  if (route === undefined) return `${bound}, but the class has no @route; add one, e.g. @route('/:${param.name}')`;
  const pattern = `@route(${JSON.stringify(route.source)})`;
  if (isRootMethod(method)) {
    return `${bound}, but ${method} answers the collection root, where ${pattern} gives no path parameters; bind it in ${method.slice(0, -3)}`;
  }
  if (route.names.includes(param.name)) return undefined;
  const has = route.names.length === 0 ? 'none' : route.names.map((name) => `"${name}"`).join(', ');
  return `${bound}, which ${pattern} does not have (it has ${has})`;
}

/**
 * Why a parameter's `default` cannot be a value of its type (explicit, else
 * declared), or `undefined` when it can or the type does not say (a parse
 * function, no runtime type).
 */
export function defaultProblem(param: ParamRecord, declared: unknown): string | undefined {
  if (!param.hasDefault || param.defaultValue === undefined) return undefined;
  const type: unknown = param.type ?? declared;
  if (fits(type, param.defaultValue)) return undefined;
  return (
    `parameter ${param.index} (${SOURCE_LABELS[param.source]} "${param.name}") has default ${shown(param.defaultValue)}, ` +
    `which is not a value of its type ${typeName(type)}`
  );
}

function fits(type: unknown, value: unknown): boolean {
  if (type === Number) return typeof value === 'number';
  if (type === String) return typeof value === 'string';
  if (type === Boolean) return typeof value === 'boolean';
  if (type === Date) return value instanceof Date;
  if (type === Array) return Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (Array.isArray(type)) return Array.isArray(value) && value.every((item) => fits(type[0], item));
  // A parse function's result type, `Object` and no type at all say nothing.
  return true;
}

function shown(value: unknown): string {
  if (value instanceof Date) return `Date(${String(value)})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Why parameters without a runtime type cannot be bound, and the three
 * fixes (an explicit type, metadata or a plain optional, a schema), with
 * `first` of them as the example.
 */
export function untypedProblem(noMetadata: boolean, untyped: readonly string[], first: ParamRecord): string {
  const schemaFix = `or give a Standard Schema that converts it, e.g. @${first.source}('${first.name}', z.coerce.number())`;
  const why = noMetadata
    ? 'was compiled without decorator metadata (emitDecoratorMetadata)'
    : 'declares parameters with no runtime type (a union such as `number | undefined`, an interface, unknown or any)';
  return (
    `${why}, so ${untyped.join(', ')} would stay ${untyped.length === 1 ? 'a string' : 'strings'}; ` +
    `give the type in the decorator, e.g. @${first.source}('${first.name}', { type: Number })` +
    (noMetadata ? `, or compile with emitDecoratorMetadata (tsc; swc with jsc.transform.decoratorMetadata), ${schemaFix}` : `, ${schemaFix}, or write an optional parameter as \`n?: number\``)
  );
}
