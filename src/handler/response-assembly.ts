/**
 * The response side of a handler: the status and headers a method chose (or
 * the defaults), completed by its decorators, and handed to the server once,
 * with the first chunk.
 *
 * @module
 */
import { chunkLength } from '../gateway/body.js';
import { renderError } from '../gateway/error-page.js';
import { HttpError } from '../gateway/http-error.js';
import { checkHeaders, checkStatus, GatewayError, statusAllowsBody } from '../gateway/spec.js';
import { statusCode } from '../gateway/status.js';
import type { Chunk, Environ, ResponseHeaders, StartResponse, Write } from '../gateway/types.js';
import { addVary } from '../gateway/vary.js';
import { existingExtras, HandlerRequest } from './request.js';
import { hasHeader, withoutContentHeaders } from './response-headers.js';

const DEFAULT_CONTENT_TYPE = 'text/html; charset=utf-8';

// Set by HandlerResponse's static block: the steps that send the response
// are private to the handler and reached only through the functions below.
let sendWholeOf: (response: HandlerResponse, chunk: string | Uint8Array, isHead: boolean) => Chunk | undefined;
let startStreamOf: (response: HandlerResponse, isHead: boolean) => boolean;
let answerErrorOf: (response: HandlerResponse, error: unknown, isHead: boolean) => Chunk | undefined;

/**
 * Starts a response whose whole body is known, adding its Content-Length;
 * returns the chunk to send, if any (none for HEAD or a status without body).
 */
export function sendWhole(response: HandlerResponse, chunk: string | Uint8Array, isHead: boolean): Chunk | undefined {
  return sendWholeOf(response, chunk, isHead);
}

/** Starts a streamed response; returns whether its body is to be sent. */
export function startStream(response: HandlerResponse, isHead: boolean): boolean {
  return startStreamOf(response, isHead);
}

/**
 * Answers an {@link HttpError} with its negotiated error page and returns
 * the chunk to send, if any. Any other error, and any error once the
 * headers are out, is rethrown: the host answers (or aborts) and logs it.
 */
export function answerError(response: HandlerResponse, error: unknown, isHead: boolean): Chunk | undefined {
  return answerErrorOf(response, error, isHead);
}

/**
 * The response half of {@link BaseHandler}: `start()` as in WSGI, the
 * {@link HandlerResponse.statusOverride} for methods that delegate, and
 * whether the headers are out yet. Handlers extend {@link BaseHandler}.
 *
 * @example
 * ```ts
 * class Created extends BaseHandler {
 *   doPUT() {
 *     this.start('201 Created', [['Content-Type', 'text/plain; charset=utf-8']]);
 *     return 'stored\n';
 *   }
 * }
 * ```
 *
 * @category Handler
 */
export class HandlerResponse extends HandlerRequest {
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
  #deferredWrite: Write | undefined;

  constructor(environ: Environ, startResponse: StartResponse) {
    super(environ);
    this.#startResponse = startResponse;
  }

  static {
    sendWholeOf = (response, chunk, isHead) => response.#sendWhole(chunk, isHead);
    startStreamOf = (response, isHead) => response.#startStream(isHead);
    answerErrorOf = (response, error, isHead) => response.#answerError(error, isHead);
  }

  /** Whether the status and headers have been handed to the server. */
  get headersSent(): boolean {
    return this.#write !== undefined;
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
    // Made on demand: most methods return their body and never write().
    return (this.#deferredWrite ??= (chunk) => {
      const write = this.#write ?? this.#commit(...this.#finalHead());
      return write(chunk);
    });
  }

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

  #startStream(isHead: boolean): boolean {
    if (this.#write !== undefined) return !isHead;
    const [status, headers] = this.#finalHead();
    const allowsBody = statusAllowsBody(statusCode(status));
    this.#commit(status, allowsBody ? headers : withoutContentHeaders(headers));
    return allowsBody && !isHead;
  }

  #answerError(error: unknown, isHead: boolean): Chunk | undefined {
    // Once headers are out the status cannot change, and an unexpected error
    // is the host's to answer and log (or a wrapping middleware's to show).
    if (this.#write !== undefined || !(error instanceof HttpError)) throw error;
    const page = renderError(error, this.environ.HTTP_ACCEPT);
    this.#commit(page.status, page.headers);
    return isHead ? undefined : page.body;
  }

  /** The status and a copy of the headers that will be sent. */
  #finalHead(): [string, ResponseHeaders] {
    const override = this.statusOverride;
    const chosen = this.#status;
    const extras = existingExtras(this);
    const plan = extras?.plan;
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
    if (extras?.variesOnAccept === true) addVary(headers, 'Accept');
    return [status, headers];
  }

  #commit(status: string, headers: ResponseHeaders): Write {
    this.#write = this.#startResponse(status, headers);
    return this.#write;
  }
}
