/**
 * `BaseHandler`: one instance per request, dispatching to `doGET`, `doPOST`, …
 *
 * @module
 */
import { parseFields, type ParseFieldsOptions } from '../body/fields.js';
import { DEFAULT_BODY_LIMIT } from '../body/read.js';
import { parseUrlEncoded, type FieldRecord } from '../body/urlencoded.js';
import { chunkLength, isBody, openBody } from '../gateway/body.js';
import { logError } from '../gateway/errors.js';
import { HttpError } from '../gateway/http-error.js';
import { checkHeaders, checkStatus, GatewayError, statusAllowsBody } from '../gateway/spec.js';
import { statusCode } from '../gateway/status.js';
import type { Chunk, Environ, ResponseHeaders, StartResponse, Write } from '../gateway/types.js';
import { dispatchTable, type PathDispatch } from './dispatch.js';

/**
 * What a `doX` method may return, directly or through a promise: the whole
 * body as a string or bytes, an iterable or async iterable of chunks for a
 * streamed body, or nothing for an empty body.
 *
 * @example
 * ```ts
 * class Feed extends BaseHandler {
 *   doGET(): HandlerResult { return '<p>hi</p>'; }
 * }
 * ```
 */
export type HandlerResult = string | Uint8Array | Iterable<Chunk> | AsyncIterable<Chunk> | void | null;

const DEFAULT_CONTENT_TYPE = 'text/html; charset=utf-8';
const TEXT_PLAIN = 'text/plain; charset=utf-8';

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
 * `text/html; charset=utf-8`. Throwing an {@link HttpError} answers with it;
 * any other error becomes a generic 500, with details in `tsgi.errors`.
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
   * The largest request body, in bytes, that {@link BaseHandler.parseFields}
   * buffers (default 1 MiB). Set it on a subclass to change it for that class.
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
    return parseFields(this.environ, { limit: (this.constructor as typeof BaseHandler).bodyLimit, ...options });
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
    return this.#run();
  }

  // One generator with plain helpers, rather than nested generators: every
  // `yield*` level costs promise hops on each request.
  async *#run(): AsyncGenerator<Chunk, void, undefined> {
    const isHead = this.environ.REQUEST_METHOD === 'HEAD';
    let chunk: Chunk | undefined;
    let stream: Iterable<Chunk> | AsyncIterable<Chunk> | undefined;
    let discard: Iterable<Chunk> | AsyncIterable<Chunk> | undefined;
    try {
      let result = this.#dispatch();
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

  #dispatch(): unknown {
    const method = this.environ.REQUEST_METHOD;
    const path = this.environ.PATH_INFO;
    const table = dispatchTable(this.constructor, BaseHandler);
    const dispatch: PathDispatch = path === '' || path === '/' ? table.root : table.item;
    const name = dispatch.methods.get(method) ?? (method === 'HEAD' ? dispatch.methods.get('GET') : undefined);
    if (name !== undefined) return (this as unknown as Record<string, () => unknown>)[name]!();
    if (method === 'OPTIONS') {
      this.start('204 No Content', [['Allow', dispatch.allow]]);
      return undefined;
    }
    throw new HttpError(405, `${method} is not allowed here; allowed: ${dispatch.allow}`, {
      headers: [['Allow', dispatch.allow]],
    });
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
    let status: string;
    let headers: ResponseHeaders;
    let body: string;
    if (error instanceof HttpError) {
      status = error.statusLine;
      body = `${error.detail}\n`;
      headers = [...error.headers, ['Content-Type', TEXT_PLAIN]];
    } else {
      const where = `${this.environ.REQUEST_METHOD} ${this.environ.SCRIPT_NAME}${this.environ.PATH_INFO}`;
      logError(this.environ['tsgi.errors'], error, `${this.constructor.name}: ${where}`);
      status = '500 Internal Server Error';
      body = 'Internal Server Error\n';
      headers = [['Content-Type', TEXT_PLAIN]];
    }
    headers.push(['Content-Length', String(Buffer.byteLength(body))]);
    this.#commit(status, headers);
    return isHead ? undefined : body;
  }

  /** The status and a copy of the headers that will be sent. */
  #finalHead(): [string, ResponseHeaders] {
    const override = this.statusOverride;
    const chosen = this.#status;
    if (chosen === undefined) return [override ?? '200 OK', [['Content-Type', DEFAULT_CONTENT_TYPE]]];
    const status = override !== undefined && chosen.startsWith('200') ? override : chosen;
    return [status, [...(this.#headers ?? [])]];
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

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<PromiseLike<unknown>>).then === 'function';
}

function hasHeader(headers: ResponseHeaders, lowerName: string): boolean {
  for (const [name] of headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

// 1xx, 204 and 304 carry no content, so they must not describe any.
function withoutContentHeaders(headers: ResponseHeaders): ResponseHeaders {
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'content-type' && lower !== 'content-length';
  });
}
