/**
 * The request side of a handler: accessors for the parsed request and the
 * body helpers, with what they read kept once per request.
 *
 * @module
 */
import { parse as parseCookieHeader } from 'cookie';
import { parseFields, type ParseFieldsOptions } from '../body/fields.js';
import type { FormOptions, ParsedForm } from '../body/form-collect.js';
import { readForm } from '../body/form.js';
import { readJson } from '../body/json.js';
import type { MultipartOptions } from '../body/multipart-limits.js';
import { multipart, type MultipartIterator } from '../body/multipart.js';
import { parseBody } from '../body/parse-body.js';
import { DEFAULT_BODY_LIMIT, readBytes } from '../body/read.js';
import { readText } from '../body/text.js';
import { parseUrlEncoded, type FieldRecord } from '../body/urlencoded.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { Environ, Session } from '../gateway/types.js';
import { negotiateMediaType } from './negotiate.js';
import type { MethodPlan } from './plan.js';
import type { PathParams } from './route-pattern.js';
import type { StandardSchemaV1 } from './schema.js';
import { singleOrList, validateOne, type ValidationSource } from './validation.js';

const NO_PARAMS: PathParams = Object.freeze(Object.create(null) as PathParams);

/**
 * What dispatch and response assembly learn or choose about one request,
 * beyond the environ. Made on first use, so a plain request allocates and
 * initialises nothing more.
 */
export interface RequestExtras {
  /** Filled by a `@route` pattern. */
  params: PathParams;
  /** The running method's decorators. */
  plan: MethodPlan | null;
  cookies: Record<string, string | undefined> | undefined;
  form: Promise<ParsedForm> | undefined;
  body: Promise<unknown> | undefined;
  /** Whether the response depends on `Accept` (set by `negotiate`). */
  variesOnAccept: boolean;
}

// Set by HandlerRequest's static block: the extras are private to the
// handler, and only dispatch and response assembly may reach them.
let extrasOf: (request: HandlerRequest) => RequestExtras;
let peekExtras: (request: HandlerRequest) => RequestExtras | undefined;

/** The extras of a request, made now if need be. */
export function requestExtras(request: HandlerRequest): RequestExtras {
  return extrasOf(request);
}

/** The extras of a request if anything made them; a plain request has none. */
export function existingExtras(request: HandlerRequest): RequestExtras | undefined {
  return peekExtras(request);
}

/**
 * The request half of {@link BaseHandler}: the environ, its parsed parts
 * (query, path parameters, cookies, session), the body helpers, which read
 * within {@link HandlerRequest.effectiveBodyLimit}, and content negotiation.
 * Handlers extend {@link BaseHandler}, which adds dispatch and the response.
 *
 * @example
 * ```ts
 * class Search extends BaseHandler {
 *   doGET() {
 *     return `page ${this.query.page?.[0] ?? '1'} for ${this.cookies.user ?? 'a guest'}`;
 *   }
 * }
 * ```
 *
 * @category Handler
 */
export class HandlerRequest {
  /**
   * The largest request body, in bytes, that the body helpers buffer
   * (default 1 MiB). Set it on a subclass to change it for that class;
   * `@bodyLimit` on a method wins over it.
   */
  static bodyLimit: number = DEFAULT_BODY_LIMIT;

  /** The request. */
  readonly environ: Environ;

  #query: FieldRecord | undefined;
  #extras: RequestExtras | undefined;

  constructor(environ: Environ) {
    this.environ = environ;
  }

  static {
    extrasOf = (request) => request.#more();
    peekExtras = (request) => request.#extras;
  }

  /** `PATH_INFO`: the path below where the handler is mounted. */
  get pathInfo(): string {
    return this.environ.PATH_INFO;
  }

  /**
   * The parsed `QUERY_STRING`: a null-prototype record of string arrays.
   * Malformed percent-encoding makes the request a 400.
   */
  get query(): FieldRecord {
    return (this.#query ??= parseUrlEncoded(this.environ.QUERY_STRING));
  }

  /**
   * The path parameters matched by the class's `@route` pattern: a record
   * that inherits no names, empty without a pattern.
   */
  get params(): PathParams {
    return this.#extras?.params ?? NO_PARAMS;
  }

  /** The request's cookies, parsed with the `cookie` package (null prototype). */
  get cookies(): Record<string, string | undefined> {
    const header = this.environ.HTTP_COOKIE;
    return (this.#more().cookies ??= header === undefined ? (Object.create(null) as Record<string, string | undefined>) : parseCookieHeader(header));
  }

  /** The visitor's session, when a session middleware provides one. */
  get session(): Session | undefined {
    return this.environ['tsgi.session'];
  }

  /**
   * The body limit in force for the running method: its `@bodyLimit`, else
   * the class's static {@link HandlerRequest.bodyLimit}.
   */
  get effectiveBodyLimit(): number {
    return this.#extras?.plan?.bodyLimit ?? (this.constructor as typeof HandlerRequest).bodyLimit;
  }

  /**
   * Reads an `application/x-www-form-urlencoded` body into a null-prototype
   * record of string arrays, like Python's `parse_qs`. Bodies over
   * {@link HandlerRequest.bodyLimit} get a 413 before they are buffered, other
   * content types a 415; chunked bodies are read; no body gives no fields.
   */
  parseFields(options: ParseFieldsOptions = {}): Promise<FieldRecord> {
    return parseFields(this.environ, { limit: this.effectiveBodyLimit, ...options });
  }

  /**
   * The whole body as bytes, within the body limit (413 over it); see
   * {@link readBytes}.
   */
  bytes(): Promise<Buffer> {
    return readBytes(this.environ, { limit: this.effectiveBodyLimit });
  }

  /** The whole body as text, decoded by its charset, within the body limit; see {@link readText}. */
  text(): Promise<string> {
    return readText(this.environ, { limit: this.effectiveBodyLimit });
  }

  /**
   * The body parsed as JSON, with null-prototype objects: 415 for another
   * Content-Type, 400 saying where malformed JSON broke; see {@link readJson}.
   */
  json(): Promise<unknown> {
    return readJson(this.environ, { limit: this.effectiveBodyLimit });
  }

  /**
   * The fields and uploaded files (in memory) of an urlencoded or multipart
   * body; see {@link readForm}. The first call reads the body and its result
   * is kept, so later calls (and the `@field` and `@file` decorators) share
   * it; their options are ignored.
   */
  form(options: FormOptions = {}): Promise<ParsedForm> {
    return (this.#more().form ??= readForm(this.environ, { limit: this.effectiveBodyLimit, ...options }));
  }

  /**
   * The parts of a multipart body, streamed as they arrive; see
   * {@link multipart}. `limit` defaults to the effective body limit.
   */
  multipart(options: MultipartOptions = {}): MultipartIterator {
    return multipart(this.environ, { limit: this.effectiveBodyLimit, ...options });
  }

  /**
   * The body parsed by its Content-Type: JSON, the fields of a form, or
   * text; see {@link parseBody}. Read once and kept (the `@body` decorator
   * shares it).
   */
  parseBody(): Promise<unknown> {
    return (this.#more().body ??= parseBody(this.environ, { limit: this.effectiveBodyLimit }));
  }

  /**
   * Picks the best of `available` for the request's `Accept` header (using
   * the `negotiator` package) and marks the response `Vary: Accept`. When
   * none is acceptable it throws a 406 that lists them.
   */
  negotiate<T extends string>(available: readonly T[]): T {
    this.#more().variesOnAccept = true;
    return negotiateMediaType(this.environ.HTTP_ACCEPT, available) as T;
  }

  /**
   * The body (parsed as {@link HandlerRequest.parseBody} does, `undefined`
   * when there is none) validated by a Standard Schema: its typed output, or
   * a 422 listing every issue. The form for code without parameter
   * decorators, and the one TypeScript can check.
   *
   * @example
   * ```ts
   * const Task = z.object({ title: z.string().min(1) });
   * async doPOST() {
   *   const task = await this.validBody(Task); // { title: string }
   * }
   * ```
   */
  async validBody<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    const body = hasRequestBody(this.environ) ? await this.parseBody() : undefined;
    return this.#validate(schema, body, 'body', 'validBody');
  }

  /**
   * The query validated by a Standard Schema, as an object of each name's
   * string, or its strings when it repeats: the typed output, or a 422.
   *
   * @example
   * ```ts
   * const { page } = await this.validQuery(z.object({ page: z.coerce.number().int().min(1).default(1) }));
   * ```
   */
  validQuery<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#validate(schema, singleOrList(this.query), 'query', 'validQuery');
  }

  /**
   * The `@route` path parameters validated by a Standard Schema, as an
   * object of strings: the typed output, or a 422.
   *
   * @example
   * ```ts
   * const { id } = await this.validParams(z.object({ id: z.coerce.number().int() }));
   * ```
   */
  validParams<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#validate(schema, { ...this.params }, 'path', 'validParams');
  }

  /**
   * The fields of a form body (see {@link HandlerRequest.form}) validated by
   * a Standard Schema, as {@link HandlerRequest.validQuery} sees the query.
   *
   * @example
   * ```ts
   * const { email } = await this.validFields(z.object({ email: z.email() }));
   * ```
   */
  async validFields<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#validate(schema, singleOrList((await this.form()).fields), 'field', 'validFields');
  }

  /**
   * The request headers validated by a Standard Schema, as an object of
   * lower-case names (`content-type`, `x-api-key`) to strings.
   *
   * @example
   * ```ts
   * const headers = await this.validHeaders(z.object({ 'x-api-key': z.string().length(32) }));
   * ```
   */
  validHeaders<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    const headers: Array<[string, string]> = [];
    for (const [key, value] of Object.entries(this.environ)) {
      if (typeof value !== 'string') continue;
      const name = key.startsWith('HTTP_') ? key.slice(5) : key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH' ? key : undefined;
      if (name !== undefined) headers.push([name.toLowerCase().replace(/_/g, '-'), value]);
    }
    return this.#validate(schema, Object.fromEntries(headers), 'header', 'validHeaders');
  }

  /**
   * The cookies validated by a Standard Schema, as an object of strings.
   *
   * @example
   * ```ts
   * const { theme } = await this.validCookies(z.object({ theme: z.enum(['light', 'dark']).default('light') }));
   * ```
   */
  validCookies<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#validate(schema, { ...this.cookies }, 'cookie', 'validCookies');
  }

  #validate<S extends StandardSchemaV1>(schema: S, value: unknown, where: ValidationSource, helper: string): Promise<StandardSchemaV1.InferOutput<S>> {
    const place = `${helper}() in ${this.constructor.name}`;
    return validateOne({ schema, value, in: where, name: undefined, place }, this.environ['tsgi.errors']);
  }

  #more(): RequestExtras {
    return (this.#extras ??= { params: NO_PARAMS, plan: null, cookies: undefined, form: undefined, body: undefined, variesOnAccept: false });
  }
}
