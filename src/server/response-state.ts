/**
 * The response side of one request for adapters that hand the response to
 * someone else (a Fetch `Response`) instead of writing to a socket:
 * `startResponse` with the gateway's checks, legacy `write`, and the
 * Content-Length promise.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { chunkBytes } from '../gateway/body.js';
import { GatewayError, statusAllowsBody } from '../gateway/spec.js';
import type { Chunk, ResponseHeaders, Write } from '../gateway/types.js';
import { checkChunk, checkHeaderList, declaredLength, parseStatus } from './checks.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * What {@link ResponseState.enqueue} reports: more may follow, or the
 * declared Content-Length has been reached and the body is complete.
 *
 * @example
 * ```ts
 * if (state.enqueue(bytes, log) === 'complete') controller.close();
 * ```
 */
export type EnqueueResult = 'more' | 'complete';

/**
 * Status, headers and body bookkeeping of one response being built for a
 * Fetch `Response`.
 *
 * @example
 * ```ts
 * const state = new ResponseState(false);
 * state.start('200 OK', [['Content-Type', 'text/plain']]);
 * new Response('hi', { status: state.code, headers: state.headerObject() });
 * ```
 */
export class ResponseState {
  /** Whether this answers a HEAD request. */
  readonly head: boolean;
  /** The status code, 0 until `startResponse` is called. */
  code = 0;
  /** The reason phrase. */
  reason = '';
  /** The app's headers. */
  headers: ResponseHeaders = [];
  /** The app's Content-Length, or -1. */
  declared = -1;
  /** Body bytes still owed under the Content-Length, or -1 without one. */
  remaining = -1;
  /** Whether the response carries body bytes: not HEAD, 204, 304. */
  sendsBody = false;
  /** The body stream's controller, once the response is out and until it ends. */
  controller: ReadableStreamDefaultController<Uint8Array> | undefined = undefined;
  /** Whether the headers are committed: the `Response` exists. */
  committed = false;
  #written: Uint8Array[] = [];
  #ended = false;

  constructor(head: boolean) {
    this.head = head;
  }

  /** The `startResponse` behaviour, returning the legacy `write`. */
  start(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    if (excInfo !== undefined && excInfo !== null) {
      if (this.committed) throw excInfo;
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
    return (chunk) => this.write(chunk);
  }

  /** Legacy `write`: held until the response exists, then queued on its body. */
  write(chunk: Chunk): Promise<void> {
    if (this.code === 0) throw new GatewayError('write-before-start', 'write was called before startResponse');
    checkChunk(chunk);
    if (this.#ended) {
      const rejected = Promise.reject(new Error('the response is already complete'));
      rejected.catch(() => {});
      return rejected;
    }
    const bytes = chunkBytes(chunk);
    if (bytes.length === 0 || !this.sendsBody) return RESOLVED;
    if (this.controller === undefined) {
      this.#written.push(bytes);
    } else if (this.enqueue(bytes, () => {}) === 'complete') {
      this.controller.close();
      this.controller = undefined;
    }
    return RESOLVED;
  }

  /** What `write` held before the response existed, as one chunk. */
  takeWritten(): Uint8Array | undefined {
    const written = this.#written;
    this.#written = [];
    if (written.length === 0 || !this.sendsBody) return undefined;
    return written.length === 1 ? written[0] : Buffer.concat(written);
  }

  /**
   * Queues body bytes on the stream, never more than the Content-Length
   * promised (the excess is cut and logged).
   */
  enqueue(bytes: Uint8Array, log: (error: unknown) => void): EnqueueResult {
    const controller = this.controller;
    if (controller === undefined) return 'complete';
    const remaining = this.remaining;
    if (remaining < 0 || bytes.length < remaining) {
      if (remaining > 0) this.remaining = remaining - bytes.length;
      controller.enqueue(bytes);
      return 'more';
    }
    if (bytes.length > remaining) {
      log(new GatewayError('content-length', `the body is longer than its Content-Length (${this.declared}); truncated`));
      bytes = bytes.subarray(0, remaining);
    }
    this.remaining = 0;
    this.#ended = true;
    if (bytes.length > 0) controller.enqueue(bytes);
    return 'complete';
  }

  /** Marks the body finished, so later writes are refused. */
  end(): void {
    this.#ended = true;
  }

  /** The headers as a Fetch `Headers`; repeated names (Set-Cookie) stay separate. */
  headerObject(): Headers {
    const result = new Headers();
    for (const [name, value] of this.headers) result.append(name, value);
    return result;
  }
}
