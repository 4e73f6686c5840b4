/**
 * Turning errors into responses: `HttpError`s into their own, anything else
 * into a 500 page (with the stack in debug mode).
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { newReference } from '../../gateway/response/internal-error.js';
import { chunkLength, isBody } from '../../gateway/body.js';
import { logError } from '../../gateway/errors.js';
import { proxyBody, type BodyHooks } from '../../gateway/response/body-proxy.js';
import { HeldResponse } from '../../gateway/response/start.js';
import { HttpError } from '../../gateway/http-error.js';
import { renderError, type RenderedError } from '../../gateway/error-page.js';
import { excerptOf } from './source-excerpt.js';
import type { App, AppLike, Body, Chunk, Environ, StartResponse, Write } from '../../gateway/types.js';

/**
 * Options for {@link showErrors}.
 *
 * @example
 * ```ts
 * const options: ShowErrorsOptions = { debug: process.env.NODE_ENV !== 'production' };
 * ```
 *
 * @category Middleware
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
 *
 * @category Middleware
 */
export function httpErrors(app: AppLike): App {
  return catching(app, (error, environ) =>
    error instanceof HttpError ? renderError(logged(error, environ), environ.HTTP_ACCEPT) : undefined,
  );
}

/**
 * Answers every error thrown before the response started: an
 * {@link HttpError} with its own response (as {@link httpErrors} does), and
 * anything else with `500 Internal Server Error`. With `debug`, the 500
 * carries the message, the escaped stack trace and the source lines around
 * the app's frame that threw (source-mapped: the `.ts` line when source maps
 * are on, as under `tsgi serve`); without it, a generic
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
 *
 * @category Middleware
 */
export function showErrors(app: AppLike, options: ShowErrorsOptions = {}): App {
  const debug = options.debug ?? false;
  return catching(app, (error, environ) => {
    if (error instanceof HttpError) return renderError(logged(error, environ), environ.HTTP_ACCEPT);
    const reference = newReference();
    // Laid out as the server's own 500 log line, so one search finds both.
    logError(environ['tsgi.errors'], error, `${environ.REQUEST_METHOD} ${environ.REQUEST_URI} [reference ${reference}]`);
    if (!debug) return renderError(new HttpError(500, 'The server could not complete this request.'), environ.HTTP_ACCEPT, { reference });
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const stack = error instanceof Error ? (error.stack ?? detail) : detail;
    const source = excerptOf(stack);
    return renderError(new HttpError(500, detail), environ.HTTP_ACCEPT, source === undefined ? { reference, stack } : { reference, stack, source });
  });
}

function logged(error: HttpError, environ: Environ): HttpError {
  if (error.status >= 500) logError(environ['tsgi.errors'], error, `${environ.REQUEST_METHOD} ${environ.REQUEST_URI}`);
  return error;
}

function catching(app: AppLike, describe: Describe): App {
  const inner = toApp(app);
  return wrapApp(app, function errorsCaught(environ: Environ, startResponse: StartResponse) {
    const state = new CaughtResponse(environ, startResponse, describe);
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
  });
}

/**
 * One request under the error layer. The app's head is held back until its
 * first output, so an error before that replaces it outright; the body goes
 * through proxyBody, whose `fail` hook answers an error from it.
 */
class CaughtResponse implements BodyHooks {
  readonly #environ: Environ;
  readonly #held: HeldResponse;
  readonly #describe: Describe;
  /** Whether output went through this layer; an error after that is rethrown. */
  #sent = false;

  constructor(environ: Environ, startResponse: StartResponse, describe: Describe) {
    this.#environ = environ;
    this.#held = new HeldResponse(startResponse, environ.REQUEST_METHOD === 'HEAD');
    this.#describe = describe;
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    this.#held.startResponse(status, headers, excInfo);
    return this.#write;
  };

  readonly #write: Write = (chunk) => {
    this.#sent = true;
    return this.#held.write(chunk);
  };

  /** The error response's body, or a rethrow when the error cannot be answered. */
  answer(error: unknown): string[] {
    if (this.#sent) throw error;
    const described = this.#describe(error, this.#environ);
    if (described === undefined) throw error;
    const { status, headers, body: text } = described;
    // Passed on but not sent: with excInfo the next startResponse replaces
    // it, or rethrows if it went out after all.
    if (!this.#held.replace(status, headers)) this.#held.startResponse(status, headers, error);
    return this.#environ.REQUEST_METHOD === 'HEAD' ? [] : [text];
  }

  wrap(body: Body): Body {
    // An array cannot throw while it is sent, and a non-body is the server's to refuse.
    if (Array.isArray(body) || !isBody(body)) {
      this.#release();
      return body;
    }
    return proxyBody(body, this);
  }

  chunk(chunk: Chunk): Chunk {
    this.#release();
    if ((typeof chunk === 'string' || chunk instanceof Uint8Array) && chunkLength(chunk) > 0) this.#sent = true;
    return chunk;
  }

  flush(): undefined {
    this.#release();
    return undefined;
  }

  fail(error: unknown): readonly Chunk[] {
    // Throws when the error cannot be answered: the proxy passes it on.
    return this.answer(error);
  }

  /** Passes the app's head on at its first output; a missing one is the server's to report. */
  #release(): void {
    if (this.#held.head !== undefined) this.#held.release();
  }
}
