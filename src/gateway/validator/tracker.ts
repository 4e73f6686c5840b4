/**
 * What the validator remembers about one request while it is answered: the
 * response started, the bytes sent, and how far the body's life has got.
 *
 * @module
 */
import { chunkLength } from '../body.js';
import type { Environ } from '../types.js';
import { describe } from './describe.js';
import { ValidationError } from './validation-error.js';
import { bodyError } from './websocket.js';

/**
 * Receives violations that cannot be thrown into a caller because they are
 * noticed after the fact, such as a body whose `return()` was never called.
 *
 * @example
 * ```ts
 * const collect: ViolationHandler = (error, environ) => seen.push(`${environ.PATH_INFO}: ${error.rule}`);
 * ```
 *
 * @category Validator
 */
export type ViolationHandler = (error: ValidationError, environ: Environ) => void;

/**
 * Per-request state shared by the wrappers around startResponse, write, the
 * body and the input stream, so each can check what the others have seen.
 *
 * @example
 * ```ts
 * const tracker = new RequestTracker(environ, reportViolation);
 * tracker.respond(200, undefined);
 * tracker.push('hello', 'body');
 * ```
 */
export class RequestTracker {
  /** The request's environ, passed to the violation handler. */
  readonly environ: Environ;
  /** The method as received, before the app could change the environ. */
  readonly method: string;
  /** Whether startResponse has succeeded. */
  started = false;
  /** The status code last accepted. */
  code = 0;
  /** The Content-Length the app set, if any. */
  expectedLength: number | undefined;
  /** Whether a non-empty chunk has gone out, after which headers count as sent. */
  headersSent = false;
  /** Body bytes passed on so far, through write() and the body. */
  bytesSent = 0;
  /** Whether the body has ended, thrown or been closed. */
  ended = false;
  /** Whether the server has called the body iterator's return(). */
  returnCalled = false;
  /** Whether that return() has completed. */
  closed = false;
  /** Whether the app accepted the request's WebSocket, after which it answers nothing. */
  webSocketAccepted = false;
  readonly #onViolation: ViolationHandler;
  #returnReported = false;

  constructor(environ: Environ, onViolation: ViolationHandler) {
    this.environ = environ;
    this.method = environ.REQUEST_METHOD;
    this.#onViolation = onViolation;
  }

  /** Records an accepted startResponse call. */
  respond(code: number, expectedLength: number | undefined): void {
    this.started = true;
    this.code = code;
    this.expectedLength = expectedLength;
  }

  /** Checks one chunk on its way from the app to the server, then counts it. */
  push(chunk: unknown, via: 'write' | 'body'): void {
    if (via === 'write' && this.ended) {
      throw new ValidationError('write-after-close', 'write() was called after the body had ended or been closed');
    }
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      const where = via === 'write' ? 'write() takes' : 'the body must yield';
      throw new ValidationError('chunk-type', `${where} Uint8Array or string chunks, got ${describe(chunk)}`);
    }
    const length = chunkLength(chunk);
    // An empty chunk sends nothing, so it may come before startResponse, as
    // on every host (a generator often yields one while it prepares).
    if (length === 0) return;
    if (this.webSocketAccepted) throw bodyError(length);
    if (!this.started) {
      throw new ValidationError('start-response-first', 'the body yielded a non-empty chunk before startResponse was called');
    }
    if (this.method === 'HEAD') {
      throw new ValidationError('head-body', `the response to a HEAD request must have an empty body, but ${length} bytes were sent`);
    }
    this.headersSent = true;
    this.bytesSent += length;
    if (this.#lengthApplies() && this.bytesSent > this.expectedLength!) {
      throw new ValidationError(
        'content-length-mismatch',
        `Content-Length is ${this.expectedLength} but ${this.bytesSent} bytes have been sent`,
      );
    }
  }

  /** The server saw the body end normally: the response must be complete. */
  bodyDone(): void {
    const first = !this.ended;
    this.bodyStopped();
    if (!first || this.webSocketAccepted) return;
    if (!this.started) {
      throw new ValidationError('start-response-missing', 'the body ended without startResponse having been called');
    }
    if (this.#lengthApplies() && this.bytesSent !== this.expectedLength) {
      throw new ValidationError(
        'content-length-mismatch',
        `Content-Length is ${this.expectedLength} but the body ended after ${this.bytesSent} bytes`,
      );
    }
  }

  /**
   * The body ended or threw: from here the server owes a prompt return().
   * A server that finishes in microtasks has called it before the event loop
   * turns, so an unset flag at setImmediate time means it never will.
   */
  bodyStopped(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.returnCalled) return;
    setImmediate(() => {
      if (!this.returnCalled) this.reportMissingReturn("the body ended but the server did not call its iterator's return()");
    });
  }

  /** The server called return() on the body iterator. */
  returnStarted(): void {
    this.returnCalled = true;
    this.ended = true;
  }

  /** Reports a missing return() once, however many times it is noticed. */
  reportMissingReturn(message: string): void {
    if (this.#returnReported || this.returnCalled) return;
    this.#returnReported = true;
    this.report(new ValidationError('body-return', message));
  }

  /** Hands a violation noticed after the fact to the handler. */
  report(error: ValidationError): void {
    this.#onViolation(error, this.environ);
  }

  // HEAD and 304 responses carry no body, so their Content-Length describes
  // a body that is never sent.
  #lengthApplies(): boolean {
    return this.expectedLength !== undefined && this.method !== 'HEAD' && this.code !== 304;
  }
}
