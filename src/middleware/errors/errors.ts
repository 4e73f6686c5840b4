/**
 * Turning errors into responses: `HttpError`s into their own, anything else
 * into a 500 page (with the stack in debug mode).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { toApp } from '../../gateway/app.js';
import { chunkLength } from '../../gateway/body.js';
import { logError } from '../../gateway/errors.js';
import { HttpError } from '../../gateway/http-error.js';
import { renderError, type RenderedError } from '../../gateway/error-page.js';
import type { App, AppLike, Body, Chunk, Environ, StartResponse } from '../../gateway/types.js';

/**
 * Options for {@link showErrors}.
 *
 * @example
 * ```ts
 * const options: ShowErrorsOptions = { debug: process.env.NODE_ENV !== 'production' };
 * ```
 */
export interface ShowErrorsOptions {
  /**
   * Show the error's message and stack trace to the client. Only for
   * development: stacks reveal code paths and sometimes data. Default false.
   */
  debug?: boolean;
}

/** Decides what an error becomes: a rendered error page, or (`undefined`) a rethrow. */
type Describe = (error: unknown, environ: Environ) => RenderedError | undefined;

/**
 * Answers a thrown {@link HttpError} with its own status, headers (e.g.
 * `Allow`, `WWW-Authenticate`) and detail, in the format the client accepts
 * (HTML, `application/problem+json` or plain text) with `Vary: Accept`,
 * exactly as `BaseHandler` renders it (both use `renderError`). Other errors pass
 * through to the server, which answers 500. Errors after the headers were
 * sent are rethrown, so the server aborts the connection: an error is never
 * written into a body already under way.
 *
 * @example
 * ```ts
 * const app = httpErrors((environ, startResponse) => {
 *   if (environ.PATH_INFO !== '/') throw new HttpError(404, `no page at ${environ.PATH_INFO}`);
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return ['home'];
 * });
 * ```
 */
export function httpErrors(app: AppLike): App {
  return catching(toApp(app), (error, environ) =>
    error instanceof HttpError ? renderError(logged(error, environ), environ.HTTP_ACCEPT) : undefined,
  );
}

/**
 * Answers every error thrown before the response started: an
 * {@link HttpError} with its own response (as {@link httpErrors} does), and
 * anything else with `500 Internal Server Error`. With `debug`, the 500
 * carries the message and the escaped stack trace; without it, a generic
 * message and a reference id, while the full error goes to `tsgi.errors`
 * under the same id. The format follows `Accept`: an HTML page for browsers,
 * RFC 9457 `application/problem+json` for JSON clients, plain text otherwise,
 * with `Vary: Accept` (the shared `renderError`). Errors after the headers
 * were sent are rethrown so the server aborts.
 *
 * @example
 * ```ts
 * const app = showErrors(site, { debug: process.env.NODE_ENV !== 'production' });
 * ```
 */
export function showErrors(app: AppLike, options: ShowErrorsOptions = {}): App {
  const debug = options.debug ?? false;
  return catching(toApp(app), (error, environ) => {
    if (error instanceof HttpError) return renderError(logged(error, environ), environ.HTTP_ACCEPT);
    const reference = randomUUID().slice(0, 8);
    logError(environ['tsgi.errors'], error, `showErrors [${reference}] ${environ.REQUEST_METHOD} ${environ.REQUEST_URI}`);
    if (!debug) return renderError(new HttpError(500, 'The server could not complete this request.'), environ.HTTP_ACCEPT, { reference });
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const stack = error instanceof Error ? (error.stack ?? detail) : detail;
    return renderError(new HttpError(500, detail), environ.HTTP_ACCEPT, { reference, stack });
  });
}

function logged(error: HttpError, environ: Environ): HttpError {
  if (error.status >= 500) logError(environ['tsgi.errors'], error, `${environ.REQUEST_METHOD} ${environ.REQUEST_URI}`);
  return error;
}

function catching(inner: App, describe: Describe): App {
  return function errorsCaught(environ: Environ, startResponse: StartResponse) {
    const state = new ExchangeState(environ, startResponse, describe);
    let body: Body | Promise<Body>;
    try {
      body = inner(environ, state.startResponse);
    } catch (error) {
      return state.answer(error);
    }
    if (body instanceof Promise) {
      return body.then(
        (resolved) => state.wrap(resolved),
        (error: unknown) => state.answer(error),
      );
    }
    return state.wrap(body);
  };
}

class ExchangeState {
  readonly #environ: Environ;
  readonly #startResponse: StartResponse;
  readonly #describe: Describe;
  started = false;
  sent = false;

  constructor(environ: Environ, startResponse: StartResponse, describe: Describe) {
    this.#environ = environ;
    this.#startResponse = startResponse;
    this.#describe = describe;
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    const write = excInfo === undefined ? this.#startResponse(status, headers) : this.#startResponse(status, headers, excInfo);
    this.started = true;
    return (chunk) => {
      this.sent = true;
      return write(chunk);
    };
  };

  /** The error response's body, or a rethrow when the error cannot be answered. */
  answer(error: unknown): string[] {
    if (this.sent) throw error;
    const described = this.#describe(error, this.#environ);
    if (described === undefined) throw error;
    const { status, headers, body: text } = described;
    // With excInfo the server replaces a response not yet sent, and rethrows
    // if it was sent after all (e.g. by a write() this wrapper never saw).
    if (this.started) this.#startResponse(status, headers, error);
    else this.#startResponse(status, headers);
    this.started = true;
    return this.#environ.REQUEST_METHOD === 'HEAD' ? [] : [text];
  }

  wrap(body: Body): Body {
    // An array cannot throw while it is sent.
    if (Array.isArray(body)) return body;
    return typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function'
      ? new AsyncCatchingBody(body as AsyncIterable<Chunk>, this)
      : new SyncCatchingBody(body as Iterable<Chunk>, this);
  }
}

class SyncCatchingBody implements Iterable<Chunk>, Iterator<Chunk> {
  readonly #body: Iterable<Chunk>;
  readonly #state: ExchangeState;
  #inner: Iterator<Chunk> | undefined;
  #replacement: string[] | undefined;

  constructor(body: Iterable<Chunk>, state: ExchangeState) {
    this.#body = body;
    this.#state = state;
  }

  [Symbol.iterator](): Iterator<Chunk> {
    this.#inner = this.#body[Symbol.iterator]();
    return this;
  }

  next(): IteratorResult<Chunk> {
    if (this.#replacement !== undefined) return nextReplacement(this.#replacement);
    let result: IteratorResult<Chunk>;
    try {
      result = this.#inner!.next();
    } catch (error) {
      this.#replacement = this.#state.answer(error);
      return nextReplacement(this.#replacement);
    }
    if (result.done !== true && chunkLength(result.value) > 0) this.#state.sent = true;
    return result;
  }

  return(value?: unknown): IteratorResult<Chunk> {
    const inner = this.#inner;
    return typeof inner?.return === 'function' ? inner.return(value) : { done: true, value };
  }
}

class AsyncCatchingBody implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
  readonly #body: AsyncIterable<Chunk>;
  readonly #state: ExchangeState;
  #inner: AsyncIterator<Chunk> | undefined;
  #replacement: string[] | undefined;

  constructor(body: AsyncIterable<Chunk>, state: ExchangeState) {
    this.#body = body;
    this.#state = state;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    this.#inner = this.#body[Symbol.asyncIterator]();
    return this;
  }

  async next(): Promise<IteratorResult<Chunk>> {
    if (this.#replacement !== undefined) return nextReplacement(this.#replacement);
    let result: IteratorResult<Chunk>;
    try {
      result = await this.#inner!.next();
    } catch (error) {
      this.#replacement = this.#state.answer(error);
      return nextReplacement(this.#replacement);
    }
    if (result.done !== true && chunkLength(result.value) > 0) this.#state.sent = true;
    return result;
  }

  async return(value?: unknown): Promise<IteratorResult<Chunk>> {
    const inner = this.#inner;
    return typeof inner?.return === 'function' ? await inner.return(value) : { done: true, value };
  }
}

function nextReplacement(queue: string[]): IteratorResult<Chunk> {
  const chunk = queue.shift();
  return chunk === undefined ? { done: true, value: undefined } : { done: false, value: chunk };
}
