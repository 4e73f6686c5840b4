/**
 * The parameters and request body of one operation, from the method's
 * parameter decorators: their sources, types (or schemas), presence and
 * defaults, and the media types `@accepts` lists.
 *
 * @module
 */
import { declaredParamTypes, findMethodRecord } from '../metadata.js';
import type { BoundParam, MethodPlan } from '../plan.js';
import type { StandardSchemaV1 } from '../schema.js';
import type { SchemaRegistry } from './json-schema.js';
import type { JsonSchema, OpenApiMediaType, OpenApiParameter, OpenApiRequestBody } from './types.js';

/** A `{name}` of the operation's path template. */
export interface PathName {
  readonly name: string;
  /** Set for a `*name` route segment, or the rest of an unrouted class's item path. */
  readonly note?: string;
}

/** What the parameter decorators of one method describe. */
export interface DescribedInputs {
  readonly parameters: OpenApiParameter[];
  readonly requestBody: OpenApiRequestBody | undefined;
  /** Whether any value is checked by a Standard Schema (so a 422 may answer). */
  readonly validated: boolean;
  /** Whether any value is converted from a string or must be present (so a 400 may answer). */
  readonly converted: boolean;
}

const LOCATION = { param: 'path', query: 'query', header: 'header', cookie: 'cookie' } as const;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Describes the inputs of `name` on `handlerClass` for one path template.
 * `place` prefixes messages (`Tasks.doPOST`).
 */
export function describeInputs(handlerClass: Function, base: Function, name: string, plan: MethodPlan | null, pathNames: readonly PathName[], registry: SchemaRegistry, place: string): DescribedInputs {
  const params = plan?.params ?? [];
  const types = paramTypes(handlerClass, base, name);
  const valueOf = (param: BoundParam, what: string): { schema: JsonSchema; required: boolean } => valueSchema(param, types.get(param.index), registry, `${place}'s ${what}`);
  const parameters: OpenApiParameter[] = pathNames.map((pathName) => {
    const bound = params.find((param) => param.source === 'param' && param.name === pathName.name);
    const schema = bound === undefined ? { type: 'string' } : valueOf(bound, `path parameter "${pathName.name}"`).schema;
    return { name: pathName.name, in: 'path', required: true, ...(pathName.note === undefined ? {} : { description: pathName.note }), schema };
  });
  for (const param of params) {
    if (param.source !== 'query' && param.source !== 'header' && param.source !== 'cookie') continue;
    const { schema, required } = valueOf(param, `${param.label} "${param.name}"`);
    parameters.push({ name: param.name, in: LOCATION[param.source], required, schema });
  }
  return {
    parameters,
    requestBody: requestBody(plan, params, valueOf),
    validated: params.some((param) => param.schema !== undefined),
    // A string that may be absent cannot be refused; a conversion or a required value can.
    converted: params.some((param) => param.source !== 'environ' && param.source !== 'session' && ((param.conversion !== undefined && !param.conversion.isString) || !param.optional)),
  };
}

function requestBody(plan: MethodPlan | null, params: readonly BoundParam[], valueOf: (param: BoundParam, what: string) => { schema: JsonSchema; required: boolean }): OpenApiRequestBody | undefined {
  const accepts = plan?.accepts;
  const content: Record<string, OpenApiMediaType> = {};
  let required = false;
  const body = params.find((param) => param.source === 'body');
  if (body !== undefined) {
    const value = valueOf(body, 'request body');
    required = value.required;
    for (const type of accepts ?? ['application/json']) content[type] = { schema: value.schema };
  }
  const formParams = params.filter((param) => param.source === 'field' || param.source === 'file');
  if (formParams.length > 0) {
    const properties: Record<string, JsonSchema> = {};
    const requiredFields: string[] = [];
    for (const param of formParams) {
      const value = param.source === 'file' ? fileSchema(param) : valueOf(param, `form field "${param.name}"`);
      properties[param.name] = value.schema;
      if (value.required) requiredFields.push(param.name);
    }
    const schema: JsonSchema = { type: 'object', properties, ...(requiredFields.length === 0 ? {} : { required: requiredFields }) };
    const formTypes = formParams.some((param) => param.source === 'file') ? ['multipart/form-data'] : FORM_TYPES;
    const wanted = accepts === undefined ? formTypes : formTypes.filter((type) => accepts.some((accepted) => mediaTypeMatches(accepted, type)));
    for (const type of wanted.length === 0 ? formTypes : wanted) content[type] = { schema };
    required ||= requiredFields.length > 0;
  }
  // A method that reads its body itself (`this.json()`) still says what it
  // accepts; a request without a body passes `@accepts`, so it is optional.
  if (accepts !== undefined) {
    for (const type of accepts) content[type] ??= { schema: {} };
  }
  return Object.keys(content).length === 0 ? undefined : { required, content };
}

function mediaTypeMatches(accepted: string, type: string): boolean {
  return accepted === type || (accepted.endsWith('/*') && type.startsWith(accepted.slice(0, -1)));
}

function fileSchema(param: BoundParam): { schema: JsonSchema; required: boolean } {
  const one: JsonSchema = { type: 'string', contentMediaType: 'application/octet-stream' };
  return { schema: param.conversion?.many === true ? { type: 'array', items: one } : one, required: !param.optional };
}

/**
 * The type each decorated parameter converts to: the decorator's explicit
 * type, else the declared one from decorator metadata.
 */
function paramTypes(handlerClass: Function, base: Function, name: string): Map<number, unknown> {
  const types = new Map<number, unknown>();
  const owner = ownerOf(handlerClass.prototype as object, base.prototype as object, name);
  if (owner === undefined) return types;
  const declared = declaredParamTypes(owner, name);
  for (const record of findMethodRecord(owner, name)?.params ?? []) types.set(record.index, record.type ?? declared?.[record.index]);
  return types;
}

/** The prototype that defines `name`, below `stop`. */
export function ownerOf(proto: object, stop: object, name: string): object | undefined {
  for (let current: object | null = proto; current !== null && current !== stop; current = Object.getPrototypeOf(current) as object | null) {
    if (Object.prototype.hasOwnProperty.call(current, name)) return current;
  }
  return undefined;
}

function valueSchema(param: BoundParam, type: unknown, registry: SchemaRegistry, place: string): { schema: JsonSchema; required: boolean } {
  if (param.schema !== undefined) return { schema: registry.convert(param.schema, 'input', place), required: !acceptsMissing(param.schema) };
  const schema = param.source === 'body' ? {} : typeSchema(type);
  const withDefault = param.hasDefault && jsonValue(param.defaultValue) !== undefined ? { ...schema, default: jsonValue(param.defaultValue) } : schema;
  return { schema: withDefault, required: !param.optional };
}

/**
 * Whether a schema lets an absent value through: it is given `undefined`
 * when the request lacks the value, so what it says of `undefined` is what
 * the request may do. A schema that answers only asynchronously counts as
 * requiring it.
 */
export function acceptsMissing(schema: StandardSchemaV1): boolean {
  try {
    const result = schema['~standard'].validate(undefined);
    if (typeof (result as { then?: unknown }).then === 'function') {
      (result as Promise<unknown>).then(undefined, () => undefined);
      return false;
    }
    return (result as StandardSchemaV1.Result<unknown>).issues == null;
  } catch {
    return false;
  }
}

/** The schema of what a string converts to, for a type as the decorators take it. */
export function typeSchema(type: unknown): JsonSchema {
  if (type === Array) return { type: 'array', items: { type: 'string' } };
  if (Array.isArray(type)) return { type: 'array', items: scalarSchema(type[0]) };
  return scalarSchema(type);
}

function scalarSchema(type: unknown): JsonSchema {
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Date) return { type: 'string', format: 'date-time' };
  if (type === BigInt) return { type: 'integer' };
  // String, and a parse function: what it accepts is up to its code.
  return { type: 'string' };
}

/** A default as JSON: dates as ISO strings; `undefined` for what JSON cannot hold. */
function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value)) {
    const items = value.map(jsonValue);
    return items.includes(undefined) ? undefined : items;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return undefined;
}
