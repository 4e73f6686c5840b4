/**
 * `BaseHandler`: one instance per request, dispatching to `doGET`, `doPOST`, …
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
import { chunkLength, isBody, openBody } from '../gateway/body.js';
import { logError } from '../gateway/errors.js';
import { HttpError } from '../gateway/http-error.js';
import { checkHeaders, checkStatus, GatewayError, statusAllowsBody } from '../gateway/spec.js';
import { statusCode } from '../gateway/status.js';
import type { Chunk, Environ, ResponseHeaders, Session, StartResponse, Write } from '../gateway/types.js';
import type { DispatchTable, PathDispatch } from './dispatch.js';
import { renderError } from './error-response.js';
import { HandlerIterator, type FirstStep } from './handler-iterator.js';
import { invokePlan } from './invoke.js';
import { negotiateMediaType } from './negotiate.js';
import { classPlan, type ClassPlan, type MethodPlan } from './plan.js';
import { addVary, hasHeader, withoutContentHeaders } from './response-headers.js';
import type { PathParams, RoutePattern } from './route-pattern.js';

const DEFAULT_CONTENT_TYPE = 'text/html; charset=utf-8';
const NO_PARAMS: PathParams = Object.freeze(Object.create(null) as PathParams);
const warned = new WeakSet<MethodPlan>();
// Set by BaseHandler's static block; see HandlerIterator.
let firstStep: FirstStep<BaseHandler, ClassPlan>;
// Tells #run that the method is still to be called.
const UNDISPATCHED: unique symbol = Symbol('undispatched');

/**
 * The base of class-based handlers. The server constructs one instance per
 * request with `(environ, startResponse)`, and the instance is the response
 * body. Iterating it calls `'do' + REQUEST_METHOD`, or at the collection root
 * (`PATH_INFO` of `''` or `'/'`) `'do' + REQUEST_METHOD + 'ALL'` when defined.
 * HEAD falls back to GET without the body, OPTIONS answers 204 with `Allow`,
 * and any other method gets 405 with the exact `Allow` for that path.
 *
 * A method may call `this.start(status, headers)` as in WSGI, or skip it to
 * answer `200 OK` (or {@link BaseHandler.statusOverride}) as
 * `text/html; charset=utf-8`. Throwing an {@link HttpError} answers with it,
 * in a form negotiated from `Accept` (problem+json, HTML or text); any other
 * error becomes a generic 500, with details in `tsgi.errors`.
 *
 * Decorators add to this dispatch without replacing it: `@route` gives item
 * paths a pattern (filling {@link BaseHandler.params}), parameter decorators
 * bind `doX` arguments, method decorators set status, headers, accepted
 * types, body limits and hooks. See `docs/handlers.md`.
 *
 * @example
 * ```ts
 * class Greeting extends BaseHandler {
 *   doGET() {
 *     this.start('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *     return `Hello, ${this.query.name?.[0] ?? 'world'}!\n`;
 *   }
 *   async doPOST() {
 *     const fields = await this.parseFields();
 *     this.statusOverride = '201 Created';
 *     return this.doGET();
 *   }
 * }
 * makeServer('127.0.0.1', 8080, Greeting).serveForever();
 * ```
 */
export class BaseHandler implements AsyncIterable<Chunk> {
  /**
   * The largest request body, in bytes, that the body helpers buffer
   * (default 1 MiB). Set it on a subclass to change it for that class;
   * `@bodyLimit` on a method wins over it.
   */
  static bodyLimit: number = DEFAULT_BODY_LIMIT;

  /** The request. */
  readonly environ: Environ;

  /**
   * A status to answer with instead of `200 OK`, e.g. `'201 Created'` set by
   * `doPUT` before it returns `this.doGET()`. It replaces only a 200 status,
   * so an error or redirect chosen later still wins.
   */
  statusOverride?: string;

  readonly #startResponse: StartResponse;
  #status: string | undefined;
  #headers: ResponseHeaders | undefined;
  #write: Write | undefined;
  #query: FieldRecord | undefined;
  // State only decorated or body-reading requests need, in one object made
  // on first use, so a plain request allocates and initialises nothing more.
  #extra: RequestExtras | undefined;

  constructor(environ: Environ, startResponse: StartResponse) {
    this.environ = environ;
    this.#startResponse = startResponse;
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
   * The path parameters matched by the class's `@route` pattern: a
   * null-prototype record, empty without a pattern.
   */
  get params(): PathParams {
    return this.#extra?.params ?? NO_PARAMS;
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
   * the class's static {@link BaseHandler.bodyLimit}.
   */
  get effectiveBodyLimit(): number {
    return this.#extra?.plan?.bodyLimit ?? (this.constructor as typeof BaseHandler).bodyLimit;
  }

  /** Whether the status and headers have been handed to the server. */
  get headersSent(): boolean {
    return this.#write !== undefined;
  }

  /**
   * Reads an `application/x-www-form-urlencoded` body into a null-prototype
   * record of string arrays, like Python's `parse_qs`. Bodies over
   * {@link BaseHandler.bodyLimit} get a 413 before they are buffered, other
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
   * Sets the status and headers, checked now. They are sent with the first
   * chunk, so calling `start` again before anything is sent replaces them.
   * Returns a `write` that sends them at once, for streaming imperatively.
   */
  start(status: string, headers: ResponseHeaders = []): Write {
    if (this.#write !== undefined) {
      throw new GatewayError('start-response-twice', 'the response has already been started; headers cannot change');
    }
    checkStatus(status);
    checkHeaders(headers);
    this.#status = status;
    this.#headers = headers;
    return this.#deferredWrite;
  }

  /** Iterating the handler runs the request; the server does this. */
  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    let plan: ClassPlan;
    try {
      plan = classPlan(this.constructor, BaseHandler);
    } catch (error) {
      return this.#refuse(error);
    }
    // Only a method that may return synchronously can use the fast path;
    // for classes of async methods the generator alone is cheaper.
    if (plan.maySendSync) return new HandlerIterator(this, plan, firstStep);
    return this.#run(UNDISPATCHED, plan, this.environ.REQUEST_METHOD === 'HEAD');
  }

  static {
    // HandlerIterator lives outside the class but must reach its private
    // steps; this hands it exactly the one it needs.
    firstStep = (handler, plan) => handler.#firstStep(plan);
  }

  /**
   * Dispatches and, when the method returned its whole body synchronously,
   * answers without a generator: the chunk to send (or `undefined`). For
   * anything else, returns the generator that finishes the request.
   */
  #firstStep(plan: ClassPlan): Chunk | undefined | AsyncGenerator<Chunk, void, undefined> {
    const isHead = this.environ.REQUEST_METHOD === 'HEAD';
    try {
      const result = this.#dispatch(plan);
      if (!isWhole(result)) return this.#run(result, plan, isHead);
      return this.#sendWhole(result ?? '', isHead);
    } catch (error) {
      return this.#fail(error, isHead);
    }
  }

  /** Answers with an error found before dispatch (a class its decorators cannot describe). */
  async *#refuse(error: unknown): AsyncGenerator<Chunk, void, undefined> {
    const chunk = this.#fail(error, this.environ.REQUEST_METHOD === 'HEAD');
    if (chunk !== undefined) yield chunk;
  }

  // One generator with plain helpers, rather than nested generators: every
  // `yield*` level costs promise hops on each request.
  async *#run(dispatched: unknown, plan: ClassPlan, isHead: boolean): AsyncGenerator<Chunk, void, undefined> {
    let chunk: Chunk | undefined;
    let stream: Iterable<Chunk> | AsyncIterable<Chunk> | undefined;
    let discard: Iterable<Chunk> | AsyncIterable<Chunk> | undefined;
    try {
      let result = dispatched === UNDISPATCHED ? this.#dispatch(plan) : dispatched;
      if (isPromiseLike(result)) result = await result;
      if (typeof result === 'string' || result instanceof Uint8Array || result === undefined || result === null) {
        chunk = this.#sendWhole(result ?? '', isHead);
      } else if (isBody(result)) {
        if (this.#startStream(isHead)) stream = result;
        else discard = result;
      } else {
        throw new TypeError(`handler returned ${typeof result}; return a string, bytes, an iterable of chunks or nothing`);
      }
    } catch (error) {
      chunk = this.#fail(error, isHead);
    }
    if (discard !== undefined) await openBody(discard).close();
    else if (stream !== undefined) yield* stream;
    else if (chunk !== undefined) yield chunk;
  }

  #dispatch(plan: ClassPlan): unknown {
    const method = this.environ.REQUEST_METHOD;
    const path = this.environ.PATH_INFO;
    const dispatch = plan.route === undefined ? (path === '' || path === '/' ? plan.table.root : plan.table.item) : this.#route(plan.route, plan.table, path);
    const name = dispatch.methods.get(method) ?? (method === 'HEAD' ? dispatch.methods.get('GET') : undefined);
    if (name !== undefined) {
      const doMethod = (this as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
      const decorated = plan.decorated ? plan.methods.get(name) : undefined;
      return decorated == null ? doMethod.call(this) : this.#invokeDecorated(decorated, doMethod);
    }
    if (method === 'OPTIONS') {
      this.start('204 No Content', [['Allow', dispatch.allow]]);
      return undefined;
    }
    throw new HttpError(405, `${method} is not allowed here; allowed: ${dispatch.allow}`, {
      headers: [['Allow', dispatch.allow]],
    });
  }

  #invokeDecorated(decorated: MethodPlan, doMethod: (...args: unknown[]) => unknown): unknown {
    this.#more().plan = decorated;
    if (decorated.status !== undefined && this.statusOverride === undefined) this.statusOverride = decorated.status;
    if (decorated.warning !== undefined && !warned.has(decorated)) {
      warned.add(decorated);
      this.environ['tsgi.errors'].write(decorated.warning);
    }
    return invokePlan(this, decorated, doMethod);
  }

  /** Matches a `@route` pattern, filling the params; returns the dispatch for the path. */
  #route(route: RoutePattern, table: DispatchTable, path: string): PathDispatch {
    if (path === '' || path === '/') {
      if (route.matchesRoot) {
        this.#more().params = route.match(path)!;
        return table.root;
      }
      if (table.rootOnly.methods.size > 0) return table.rootOnly;
    } else {
      const params = route.match(path);
      if (params !== undefined) {
        this.#more().params = params;
        return table.item;
      }
    }
    throw HttpError.notFound(`Nothing here matches ${JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path)}`);
  }

  /** Starts a response whose whole body is known; returns the chunk to send, if any. */
  #sendWhole(chunk: string | Uint8Array, isHead: boolean): Chunk | undefined {
    const length = chunkLength(chunk);
    const send = isHead || length === 0 ? undefined : chunk;
    if (this.#write !== undefined) return send;
    const [status, headers] = this.#finalHead();
    if (!statusAllowsBody(statusCode(status))) {
      this.#commit(status, withoutContentHeaders(headers));
      return undefined;
    }
    if (!hasHeader(headers, 'content-length')) headers.push(['Content-Length', String(length)]);
    this.#commit(status, headers);
    return send;
  }

  /** Starts a streamed response; returns whether its body is to be sent. */
  #startStream(isHead: boolean): boolean {
    if (this.#write !== undefined) return !isHead;
    const [status, headers] = this.#finalHead();
    const allowsBody = statusAllowsBody(statusCode(status));
    this.#commit(status, allowsBody ? headers : withoutContentHeaders(headers));
    return allowsBody && !isHead;
  }

  /** Answers with the error; returns the body chunk to send, if any. */
  #fail(error: unknown, isHead: boolean): Chunk | undefined {
    // Once headers are out the status cannot change: rethrow so the server
    // aborts the connection and the client sees a truncated response.
    if (this.#write !== undefined) throw error;
    let httpError: HttpError;
    if (error instanceof HttpError) {
      httpError = error;
    } else {
      const where = `${this.environ.REQUEST_METHOD} ${this.environ.SCRIPT_NAME}${this.environ.PATH_INFO}`;
      logError(this.environ['tsgi.errors'], error, `${this.constructor.name}: ${where}`);
      httpError = new HttpError(500);
    }
    const { contentType, body } = renderError(httpError, this.environ.HTTP_ACCEPT);
    const status = httpError.statusLine;
    const headers: ResponseHeaders = [...httpError.headers, ['Content-Type', contentType]];
    addVary(headers, 'Accept');
    headers.push(['Content-Length', String(Buffer.byteLength(body))]);
    this.#commit(status, headers);
    return isHead ? undefined : body;
  }

  /** The status and a copy of the headers that will be sent. */
  #finalHead(): [string, ResponseHeaders] {
    const override = this.statusOverride;
    const chosen = this.#status;
    const extra = this.#extra;
    const plan = extra?.plan;
    let status: string;
    let headers: ResponseHeaders;
    if (chosen === undefined) {
      status = override ?? '200 OK';
      headers = [['Content-Type', plan?.contentType ?? DEFAULT_CONTENT_TYPE]];
    } else {
      status = override !== undefined && chosen.startsWith('200') ? override : chosen;
      headers = [...(this.#headers ?? [])];
    }
    if (plan != null) {
      for (const pair of plan.headers) if (!hasHeader(headers, pair[0].toLowerCase())) headers.push([pair[0], pair[1]]);
    }
    if (extra?.variesOnAccept === true) addVary(headers, 'Accept');
    return [status, headers];
  }

  #more(): RequestExtras {
    return (this.#extra ??= { params: NO_PARAMS, plan: null, cookies: undefined, form: undefined, body: undefined, variesOnAccept: false });
  }

  #commit(status: string, headers: ResponseHeaders): Write {
    this.#write = this.#startResponse(status, headers);
    return this.#write;
  }

  readonly #deferredWrite: Write = (chunk) => {
    const write = this.#write ?? this.#commit(...this.#finalHead());
    return write(chunk);
  };
}

interface RequestExtras {
  params: PathParams;
  plan: MethodPlan | null;
  cookies: Record<string, string | undefined> | undefined;
  form: Promise<ParsedForm> | undefined;
  body: Promise<unknown> | undefined;
  variesOnAccept: boolean;
}

function isWhole(value: unknown): value is string | Uint8Array | null | undefined {
  return typeof value === 'string' || value instanceof Uint8Array || value === undefined || value === null;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<PromiseLike<unknown>>).then === 'function';
}
