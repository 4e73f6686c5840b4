/**
 * Binding decorated parameters: reading each value from the request,
 * converting it, and refusing what is missing or malformed with a 400 that
 * names the parameter; a parameter with a schema gets the schema's output,
 * all of a call's schemas answering their issues as one 422.
 *
 * @module
 */
import type { ParsedForm } from '../body/form-collect.js';
import type { FieldRecord } from '../body/urlencoded.js';
import { HttpError } from '../gateway/http-error.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { Environ, Session } from '../gateway/types.js';
import { ConversionFailure } from './coerce.js';
import type { BoundParam, MethodPlan } from './plan.js';
import type { PathParams } from './route-pattern.js';
import { oneOrAll, runChecks, type SchemaCheck, type ValidationSource } from './validation.js';

/**
 * The few parts of a request that binding reads, so that binding depends on
 * them rather than on the whole handler class.
 *
 * @example
 * ```ts
 * const source: RequestSource = this; // inside a BaseHandler method
 * ```
 */
export interface RequestSource {
  /** The request. */
  readonly environ: Environ;
  /** The `@route` path parameters. */
  readonly params: PathParams;
  /** The parsed query string. */
  readonly query: FieldRecord;
  /** The parsed cookies. */
  readonly cookies: Record<string, string | undefined>;
  /** The session, when a session middleware provides one. */
  readonly session: Session | undefined;
  /** The body parsed by its Content-Type, read once. */
  parseBody(): Promise<unknown>;
  /** The fields and files of a form body, read once. */
  form(): Promise<ParsedForm>;
}

/** The arguments for a plan whose parameters need no body. */
export function bindSync(source: RequestSource, plan: MethodPlan): unknown[] {
  const args = new Array<unknown>(plan.arity);
  for (const param of plan.params) args[param.index] = settle(param, rawValue(source, param, undefined));
  return args;
}

/**
 * The arguments for any plan, reading the body when a parameter needs it.
 * Every value is read (so a malformed body is its 400 or 415 first) before
 * any schema runs; sync schemas add no await.
 */
export async function bindAll(source: RequestSource, plan: MethodPlan): Promise<unknown[]> {
  const args = new Array<unknown>(plan.arity);
  let checks: SchemaCheck[] | undefined;
  for (const param of plan.params) {
    let parsed: unknown;
    if (param.source === 'body') parsed = hasRequestBody(source.environ) ? await source.parseBody() : undefined;
    else if (param.source === 'field' || param.source === 'file') parsed = await source.form();
    if (param.schema === undefined) {
      args[param.index] = settle(param, rawValue(source, param, parsed));
      continue;
    }
    const where = SCHEMA_SOURCES[param.source];
    (checks ??= []).push({
      schema: param.schema,
      value: schemaInput(source, param, parsed),
      in: where,
      name: param.source === 'body' ? undefined : param.name,
      place: `${plan.owner}'s ${param.source === 'body' ? 'body' : `${param.label} ${JSON.stringify(param.name)}`}`,
      index: param.index,
    });
  }
  if (checks !== undefined) {
    const pending = runChecks(checks, args, source.environ['tsgi.errors']);
    if (pending !== undefined) await pending;
  }
  return args;
}

/** The issue location of each source; the others take no schema, and are reported as the body would be. */
const SCHEMA_SOURCES: Readonly<Record<BoundParam['source'], ValidationSource>> = {
  param: 'path',
  query: 'query',
  field: 'field',
  header: 'header',
  cookie: 'cookie',
  body: 'body',
  file: 'field',
  environ: 'body',
  session: 'body',
};

/**
 * What a schema sees: the string, or every string when the name repeats;
 * `undefined` when absent; the parsed body as it is.
 */
function schemaInput(source: RequestSource, param: BoundParam, parsed: unknown): unknown {
  switch (param.source) {
    case 'header': {
      const value = source.environ[headerKey(param.name)];
      return typeof value === 'string' ? value : undefined;
    }
    case 'query':
    case 'field':
    case 'file':
      return oneOrAll(rawValue(source, param, parsed) as readonly unknown[] | undefined);
    default: {
      const raw = rawValue(source, param, parsed);
      return param.source === 'param' || param.source === 'cookie' ? (raw as string[] | undefined)?.[0] : raw;
    }
  }
}

/** A missing value is `undefined`; string sources give every value as a list. */
function rawValue(source: RequestSource, param: BoundParam, parsed: unknown): unknown {
  const environ = source.environ;
  switch (param.source) {
    case 'param': {
      const value = source.params[param.name];
      return value === undefined ? undefined : [value];
    }
    case 'query':
      return source.query[param.name];
    case 'field':
      return (parsed as { fields: Record<string, string[] | undefined> }).fields[param.name];
    case 'file':
      return (parsed as { files: Record<string, unknown[] | undefined> }).files[param.name];
    case 'header': {
      const value = environ[headerKey(param.name)];
      if (typeof value !== 'string') return undefined;
      return param.conversion?.many === true ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : [value];
    }
    case 'cookie': {
      const value = source.cookies[param.name];
      return value === undefined ? undefined : [value];
    }
    case 'body':
      return parsed;
    case 'environ':
      return environ[param.name];
    case 'session':
      return source.session;
  }
}

function settle(param: BoundParam, raw: unknown): unknown {
  const conversion = param.conversion;
  if (param.source === 'body' || param.source === 'session' || param.source === 'environ') {
    if (raw === undefined) return missing(param);
    return conversion !== undefined && typeof raw === 'string' ? convertOne(param, raw) : raw;
  }
  const values = raw as unknown[] | undefined;
  if (param.source === 'file') {
    if (values === undefined || values.length === 0) return missing(param);
    return conversion?.many === true ? values : values[0];
  }
  const strings = values as string[] | undefined;
  if (strings === undefined || strings.length === 0) return missing(param);
  // For an optional non-string parameter a blank value means "not given",
  // as an empty form input does; a required one must convert.
  if (param.optional && conversion !== undefined && !conversion.isString && strings.every((value) => value === '')) {
    return missing(param);
  }
  if (conversion === undefined) return strings[0];
  if (conversion.many) return strings.map((value) => convertOne(param, value));
  return convertOne(param, strings[0]!);
}

function convertOne(param: BoundParam, raw: string): unknown {
  try {
    return param.conversion!.convert(raw);
  } catch (error) {
    if (error instanceof ConversionFailure) {
      const shown = JSON.stringify(raw.length > 50 ? `${raw.slice(0, 50)}…` : raw);
      const because = error.reason === undefined ? '' : `: ${error.reason}`;
      throw new HttpError(400, `${param.label} "${param.name}" must be ${error.expected}, got ${shown}${because}`, {
        extensions: { parameter: { in: param.source, name: param.name } },
      });
    }
    throw error;
  }
}

function missing(param: BoundParam): unknown {
  if (param.hasDefault) return param.defaultValue;
  if (param.optional) return param.conversion?.many === true ? [] : undefined;
  if (param.source === 'session') {
    throw new Error("no session at environ['tsgi.session']: wrap the app in session middleware, or use @session({ optional: true })");
  }
  if (param.source === 'environ') throw new Error(`environ key ${JSON.stringify(param.name)} is missing; is the middleware that sets it in place?`);
  const what = param.source === 'body' ? 'missing request body' : `missing ${param.label} "${param.name}"`;
  throw new HttpError(400, what, { extensions: { parameter: { in: param.source, name: param.name } } });
}

/** The environ key of a request header: `HTTP_` + upper-cased name, `-` as `_`. */
export function headerKey(name: string): string {
  const upper = name.toUpperCase().replace(/-/g, '_');
  return upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`;
}
