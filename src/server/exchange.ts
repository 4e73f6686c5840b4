/**
 * One request/response exchange: `startResponse`, `write`, and turning body
 * chunks into bytes on Node's `ServerResponse` with the framing, error and
 * cleanup rules of the gateway.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chunkBytes, chunkLength, type BodyReader } from '../gateway/body.js';
import { logError } from '../gateway/errors.js';
import { GatewayError, statusAllowsBody } from '../gateway/spec.js';
import type { Chunk, ResponseHeaders, StartResponse, Write } from '../gateway/types.js';
import { checkChunk, checkHeaderList, declaredLength, parseStatus } from './checks.js';
import type { ServerContext } from './environ.js';
import { RequestChunks } from './request-chunks.js';

/**
 * What the body pump does after handing over a chunk: go on pulling
 * ({@link CONTINUE}), wait for the socket to drain first ({@link DRAIN}), or
 * stop because the response is complete or abandoned ({@link STOP}).
 *
 * @example
 * ```ts
 * if (exchange.take(reader.next()) === DRAIN) await exchange.waitDrain();
 * ```
 */
export type Step = typeof CONTINUE | typeof DRAIN | typeof STOP;
/** Pull the next chunk now. */
export const CONTINUE = 0;
/** Pull the next chunk once the socket has drained. */
export const DRAIN = 1;
/** Pull no more; close the body. */
export const STOP = 2;

const NO_HEADERS: ResponseHeaders = [];
const RESOLVED: Promise<void> = Promise.resolve();
const ERROR_BODY = 'Internal Server Error\n';

function noop(): void {}

/**
 * The state of one request while the app answers it. It is also the source
 * of `tsgi.input`, so that the server knows whether the app began reading
 * the request body.
 *
 * @example
 * ```ts
 * const exchange = new Exchange(req, res, context, false);
 * const body = app(environ, exchange.startResponse);
 * ```
 */
export class Exchange implements AsyncIterable<Uint8Array> {
  /** The request. */
  readonly req: IncomingMessage;
  /** The response. */
  readonly res: ServerResponse;
  /** The server's shared state. */
  readonly context: ServerContext;
  /** Whether this is a HEAD request, whose response never has body bytes. */
  readonly head: boolean;
  /** Whether the client sent `Expect: 100-continue` and waits for `100` before the body. */
  readonly expectContinue: boolean;
  /** Whether the request announced a body (Content-Length above 0, or Transfer-Encoding). */
  bodyPending = false;
  /** The status code, 0 until `startResponse` is called. */
  code = 0;
  /** The reason phrase. */
  reason = '';
  /** The app's headers. */
  headers: ResponseHeaders = NO_HEADERS;
  /** The app's Content-Length, or -1. */
  declared = -1;
  /** Body bytes still owed under the app's Content-Length, or -1 without one. */
  remaining = -1;
  /** Whether the response carries body bytes: not HEAD, 204, 304. */
  sendsBody = false;
  /** Whether the response has been ended or aborted. */
  ended = false;
  /** Whether the app began reading `tsgi.input`. */
  inputOpened = false;
  /** Whether the response announced `Connection: close`. */
  closeSent = false;
  /** The body being sent, until it is closed. */
  reader: BodyReader | undefined = undefined;
  /** The `startResponse` handed to the app. */
  readonly startResponse: StartResponse;
  /** The `write` that `startResponse` returns. */
  readonly write: Write;

  constructor(req: IncomingMessage, res: ServerResponse, context: ServerContext, expectContinue: boolean) {
    this.req = req;
    this.res = res;
    this.context = context;
    this.head = req.method === 'HEAD';
    this.expectContinue = expectContinue;
    this.startResponse = (status, headers, excInfo) => this.start(status, headers, excInfo);
    this.write = (chunk) => this.writeChunk(chunk);
  }

  /** Opens the request body for `tsgi.input`: only now is `100 Continue` sent. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.inputOpened = true;
    if (this.expectContinue && !this.res.headersSent) this.res.writeContinue();
    return new RequestChunks(this.req);
  }

  start(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    // null counts as absent, as Python's None does for exc_info.
    if (excInfo !== undefined && excInfo !== null) {
      // Too late to change course: the status line is on the wire.
      if (this.res.headersSent) throw excInfo;
    } else if (this.code !== 0) {
      throw new GatewayError('start-response-twice', 'startResponse was already called; pass excInfo to replace the status after an error');
    }
    const parsed = parseStatus(status);
    checkHeaderList(headers);
    const declared = declaredLength(headers);
    this.code = parsed.code;
    this.reason = parsed.reason;
    this.headers = headers;
    this.declared = declared;
    this.sendsBody = !this.head && statusAllowsBody(parsed.code);
    this.remaining = this.sendsBody ? declared : -1;
    return this.write;
  }

  writeChunk(chunk: Chunk): Promise<void> {
    if (this.code === 0) throw new GatewayError('write-before-start', 'write was called before startResponse');
    checkChunk(chunk);
    if (this.ended || this.disconnected()) return this.rejectWrite();
    const step = this.send(chunk);
    if (step !== DRAIN) return RESOLVED;
    const flushed = this.waitDrain().then(() => {
      if (this.disconnected()) throw new Error('the client disconnected');
    });
    // Apps may call write() without awaiting it; a disconnect must not then
    // become an unhandled rejection that takes the process down.
    flushed.catch(noop);
    return flushed;
  }

  private rejectWrite(): Promise<void> {
    const rejected = Promise.reject(new Error(this.ended ? 'the response is already complete' : 'the client disconnected'));
    rejected.catch(noop);
    return rejected;
  }

  /**
   * Takes one result of the body's iterator and sends its chunk.
   *
   * @throws GatewayError when startResponse has not been called yet or the
   *   chunk is not a string or byte array.
   */
  take(result: IteratorResult<unknown>): Step {
    if (this.code === 0) {
      throw new GatewayError('start-response-missing', 'the body produced output (or ended) before startResponse was called');
    }
    if (this.ended) return STOP;
    if (result.done === true) {
      this.finish(0);
      return STOP;
    }
    const chunk = result.value;
    checkChunk(chunk);
    if (!this.sendsBody) {
      // The headers are all there is to send; stop iterating.
      this.finish(-1);
      return STOP;
    }
    return this.send(chunk);
  }

  /** Sends a chunk, and the headers before the first non-empty one. */
  send(chunk: Chunk): Step {
    const res = this.res;
    if (!this.sendsBody) {
      if (chunk.length !== 0 && !res.headersSent) this.writeHead(-1);
      return CONTINUE;
    }
    if (this.remaining < 0) {
      if (chunk.length === 0) return CONTINUE;
      if (!res.headersSent) this.writeHead(-1);
      return res.write(chunk) ? CONTINUE : DRAIN;
    }
    const length = chunkLength(chunk);
    if (length === 0) return CONTINUE;
    const remaining = this.remaining;
    if (length < remaining) {
      this.remaining = remaining - length;
      if (!res.headersSent) this.writeHead(-1);
      return res.write(chunk) ? CONTINUE : DRAIN;
    }
    if (length > remaining) {
      // PEP 3333: never send more than Content-Length promised; on a
      // keep-alive connection the excess would be read as the next response.
      chunk = chunkBytes(chunk).subarray(0, remaining);
      this.log(new GatewayError('content-length', `the body is longer than its Content-Length (${this.declared}); truncated`));
    }
    this.remaining = 0;
    if (!res.headersSent) this.writeHead(-1);
    this.end(chunk);
    return STOP;
  }

  /**
   * Ends the response once the body is exhausted. `length` is the body's
   * size when known (for Content-Length), else -1.
   */
  finish(length: number): void {
    if (this.ended) return;
    if (!this.res.headersSent) this.writeHead(length);
    if (this.remaining > 0) {
      this.log(new GatewayError('content-length', `the body ended ${this.remaining} bytes short of its Content-Length (${this.declared})`));
      this.abort();
      return;
    }
    this.end(undefined);
  }

  /** Sends the status line and headers, adding the framing headers the server owns. */
  writeHead(length: number): void {
    const headers = this.headers;
    const flat: string[] = [];
    for (let i = 0; i < headers.length; i++) {
      const header = headers[i] as [string, string];
      flat.push(header[0], header[1]);
    }
    // Not for HEAD: its body is empty by rule, so a computed length would
    // claim the resource is empty; only the app knows the GET length.
    if (length >= 0 && this.declared < 0 && this.sendsBody) flat.push('Content-Length', String(length));
    // An unread upload would otherwise be drained to keep the connection:
    // for an error, or when the app reads the body itself, closing is cheaper.
    if (this.bodyPending && (this.code >= 400 || this.inputOpened) && !this.req.complete) {
      flat.push('Connection', 'close');
      this.closeSent = true;
    }
    if (this.context.closing) this.res.shouldKeepAlive = false;
    this.res.writeHead(this.code, this.reason, flat);
  }

  /** Ends the response, with a last chunk if given. */
  end(chunk: Chunk | undefined): void {
    this.ended = true;
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
    if (this.context.closing) this.res.once('finish', this.context.closeIdle);
    if (this.inputOpened && this.bodyPending && !this.closeSent && !this.req.complete) {
      // The app read part of the body and left the rest: the connection
      // cannot find the next request, so close it once the response is out.
      const socket = this.req.socket;
      this.res.once('finish', () => socket.destroySoon());
    }
  }

  /** Cuts the connection so the client sees a truncated response. */
  abort(): void {
    this.ended = true;
    // Node corks the socket until the next tick; hand what was already
    // written to the kernel first, or the client would not see even that.
    const socket = this.res.socket;
    if (socket !== null) while (socket.writableCorked > 0) socket.uncork();
    this.res.destroy();
  }

  /**
   * Answers with a response of the server's own, unless output has begun:
   * plain text, or nothing at all when `text` is empty (for 204).
   */
  sendError(code: number, reason: string, text: string): void {
    const res = this.res;
    if (this.ended || res.headersSent || this.disconnected()) return;
    const flat = text === '' ? [] : ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(text))];
    if (this.bodyPending && !this.req.complete) {
      flat.push('Connection', 'close');
      this.closeSent = true;
    }
    if (this.context.closing) res.shouldKeepAlive = false;
    res.writeHead(code, reason, flat);
    this.end(text === '' ? undefined : text);
  }

  /**
   * Handles an error from the app or its body: logged in full, answered
   * with a generic 500 if nothing was sent yet, else the connection is cut.
   */
  fail(error: unknown): void {
    this.log(error);
    const res = this.res;
    if (!this.ended && !this.disconnected()) {
      if (res.headersSent) {
        this.abort();
      } else {
        try {
          this.sendError(500, 'Internal Server Error', ERROR_BODY);
        } catch (sendError) {
          this.log(sendError);
          this.abort();
        }
      }
    }
    this.closeBody();
  }

  /**
   * Whether the connection is gone. The socket is asked as well as the
   * response: a pipelined response still queued behind another never hears
   * that its connection closed.
   */
  disconnected(): boolean {
    return this.res.destroyed || this.req.socket.destroyed;
  }

  /** Resolves once the response drains or the connection closes. */
  waitDrain(): Promise<void> {
    const res = this.res;
    const socket = this.req.socket;
    if (this.disconnected()) return RESOLVED;
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      res.on('drain', done);
      socket.on('close', done);
    });
  }

  /** Calls the body's `return()`, once, logging what it throws. */
  closeBody(): void {
    const reader = this.reader;
    if (reader === undefined) return;
    this.reader = undefined;
    void reader.close().then((error) => {
      if (error !== undefined) this.log(error, 'body return()');
    });
  }

  /** Writes an error to `tsgi.errors`, never failing itself. */
  log(error: unknown, what?: string): void {
    const context = `${this.req.method} ${this.req.url}${what === undefined ? '' : ` ${what}`}`;
    try {
      logError(this.context.errors, error, context);
    } catch {
      // A broken error stream must not stop the server from answering.
    }
  }
}
