/**
 * Running one request through an app the way a server does: `startResponse`
 * with its call-time checks, `write()`, one body iterator, always closed.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { isBody, openBody, type BodyReader } from '../gateway/body.js';
import { checkHeaders, checkStatus, GatewayError, statusAllowsBody } from '../gateway/spec.js';
import type { App, Chunk, Environ, ResponseHeaders, StartResponse, Write } from '../gateway/types.js';

/**
 * What came of running an app: the response as far as it got, and the error
 * that stopped it, if any.
 *
 * @example
 * ```ts
 * const outcome = await exchange(app, environ, { dropBody: false });
 * if (outcome.failure === undefined) console.log(outcome.status, outcome.body.length);
 * ```
 */
export interface Exchange {
  /** The status line last passed to `startResponse`, if it was called. */
  readonly status: string | undefined;
  /** The headers that go with `status`. */
  readonly headers: ResponseHeaders;
  /** Whether the headers count as sent: a non-empty chunk went out. */
  readonly headersSent: boolean;
  /** The body bytes collected (none for HEAD or a status without a body). */
  readonly body: Uint8Array;
  /** The error thrown by the app, its body, or its body's `return()`; `undefined` on success. */
  readonly failure: { readonly error: unknown } | undefined;
  /** Errors from the body's `return()` that came after another failure, to log. */
  readonly laterErrors: readonly unknown[];
}

/**
 * Options for {@link exchange}.
 *
 * @example
 * ```ts
 * const options: ExchangeOptions = { dropBody: environ.REQUEST_METHOD === 'HEAD' };
 * ```
 */
export interface ExchangeOptions {
  /** Discard body bytes (still iterating the body), as for HEAD. */
  readonly dropBody: boolean;
}

/**
 * Calls `app` with `environ` and a server-grade `startResponse`, iterates the
 * body it returns to the end and always calls the body iterator's `return()`.
 * Never rejects: errors come back as {@link Exchange.failure}.
 *
 * @example
 * ```ts
 * const { status, body, failure } = await exchange(app, environ, { dropBody: false });
 * ```
 */
export async function exchange(app: App, environ: Environ, options: ExchangeOptions): Promise<Exchange> {
  const state = new ResponseState(options.dropBody);
  let reader: BodyReader | undefined;
  let failure: { error: unknown } | undefined;
  const laterErrors: unknown[] = [];
  try {
    const result: unknown = await app(environ, state.startResponse);
    if (!isBody(result)) {
      throw new GatewayError(
        'body-type',
        `the app must return an iterable or async iterable of chunks (e.g. ['text']), got ${describe(result)}`,
      );
    }
    reader = openBody(result);
    for (;;) {
      const next = await reader.next();
      if (next.done === true) break;
      state.push(next.value);
    }
    if (state.status === undefined) {
      throw new GatewayError('start-response-missing', 'the app finished its body without calling startResponse');
    }
  } catch (error) {
    failure = { error };
  }
  if (reader !== undefined) {
    const closeError = await reader.close();
    if (closeError !== undefined) {
      if (failure === undefined) failure = { error: closeError };
      else laterErrors.push(closeError);
    }
  }
  state.finished = true;
  return {
    status: state.status,
    headers: state.headers,
    headersSent: state.sent,
    body: Buffer.concat(state.parts),
    failure,
    laterErrors,
  };
}

class ResponseState {
  status: string | undefined;
  headers: ResponseHeaders = [];
  code = 0;
  sent = false;
  finished = false;
  readonly parts: Uint8Array[] = [];
  readonly #dropBody: boolean;

  constructor(dropBody: boolean) {
    this.#dropBody = dropBody;
  }

  readonly startResponse: StartResponse = (status: string, headers: ResponseHeaders, excInfo?: unknown): Write => {
    if (excInfo !== undefined) {
      // PEP 3333: once headers are out, the error cannot become a new status.
      if (this.sent) throw excInfo;
    } else if (this.status !== undefined) {
      throw new GatewayError(
        'start-response-twice',
        'startResponse was already called; call it again only with excInfo (the caught error), before any output',
      );
    }
    const code = checkStatus(status);
    checkHeaders(headers);
    this.status = status;
    this.code = code;
    this.headers = headers.map(([name, value]): [string, string] => [name, value]);
    return this.write;
  };

  readonly write: Write = (chunk: Chunk): Promise<void> => {
    if (this.finished) {
      throw new GatewayError('write-after-close', 'write() was called after the response was finished');
    }
    this.push(chunk);
    return Promise.resolve();
  };

  push(chunk: unknown): void {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      throw new GatewayError('chunk-type', `body chunks must be strings or Uint8Arrays, got ${describe(chunk)}`);
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (bytes.length === 0) return;
    if (this.status === undefined) {
      throw new GatewayError('start-response-first', 'output was produced before startResponse was called');
    }
    this.sent = true;
    if (!this.#dropBody && statusAllowsBody(this.code)) this.parts.push(bytes);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return typeof value;
}
