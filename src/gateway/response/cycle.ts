/**
 * The state of one response between the app's `startResponse`, its
 * `write()` calls and the body's chunks: the rules the lifecycle applies to
 * every host, over a {@link Transport} that only moves bytes.
 *
 * @module
 */
import { chunkBytes, chunkLength, type BodyReader } from '../body.js';
import { GatewayError } from '../spec.js';
import type { Chunk, StartResponse, Write } from '../types.js';
import type { BodyOutcome } from './body-proxy.js';
import { checkChunk, type ResponseHead } from './head.js';
import { internalError, newReference } from './internal-error.js';
import { ResponseStart } from './start.js';
import type { Transport } from './transport.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * What the body pump does after a chunk: pull the next one now
 * (`Step.Continue`), wait for the host to drain first (`Step.Drain`), or
 * stop because the response is complete (`Step.Stop`).
 *
 * @example
 * ```ts
 * if (cycle.take(reader.next()) === Step.Drain) await cycle.drained();
 * ```
 */
export const Step = { Continue: 0, Drain: 1, Stop: 2 } as const;

/** One of the {@link Step} values. */
export type Step = (typeof Step)[keyof typeof Step];

function noop(): void {}

/**
 * One response on its way out: the state the lifecycle keeps between the
 * app's `startResponse`, its `write()` calls and the body's chunks.
 */
export class ResponseCycle {
  readonly #transport: Transport;
  readonly #start: ResponseStart;
  /** The head sent to the transport, once the first output committed it. */
  #sent: ResponseHead | undefined = undefined;
  /** Body bytes still owed under the limit, or -1 when the end decides. */
  #remaining = -1;
  #ended = false;
  #outcome: BodyOutcome = 'complete';
  #error: unknown = undefined;
  /** The body's reader, once one was taken, until it is closed. */
  reader: BodyReader | undefined = undefined;
  #reported = false;

  constructor(transport: Transport, isHead: boolean) {
    this.#transport = transport;
    this.#start = new ResponseStart(isHead);
  }

  /** The head the app gave, `undefined` until it calls `startResponse`. */
  get head(): ResponseHead | undefined {
    return this.#start.head;
  }

  /** Whether the head has been sent, so that the status can no longer change. */
  get committed(): boolean {
    return this.#sent !== undefined;
  }

  /** Whether the response has been ended or cut short. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether the client has gone away; a body stopped for that ends as `gone`. */
  gone(): boolean {
    if (!this.#transport.gone()) return false;
    if (this.#outcome === 'complete') this.#outcome = 'gone';
    return true;
  }

  /** Resolves once the host can take more. */
  drained(): Promise<void> {
    return this.#transport.drained();
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    this.#start.accept(status, headers, excInfo);
    return this.write;
  };

  readonly write: Write = (chunk) => {
    if (this.#start.head === undefined) throw new GatewayError('start-response-first', 'write() was called before startResponse');
    checkChunk(chunk);
    if (this.#ended) {
      const error = new GatewayError('write-after-close', 'write() was called after the response was complete');
      this.#transport.log(error, 'write()');
      return rejected(error);
    }
    if (this.#transport.gone()) return rejected(new Error('the client disconnected'));
    if (this.#send(chunk) !== Step.Drain) return RESOLVED;
    const flushed = this.#transport.drained().then(() => {
      if (this.#transport.gone()) throw new Error('the client disconnected');
    });
    // Apps may call write() without awaiting it; a disconnect must not then
    // become an unhandled rejection that takes the process down.
    flushed.catch(noop);
    return flushed;
  };

  /**
   * Ends the response for an error: a 500 if nothing was sent yet, else the
   * connection is cut. Either way the body is closed.
   */
  fail(error: unknown): void {
    if (this.#outcome !== 'error') {
      this.#outcome = 'error';
      this.#error = error;
    }
    const transport = this.#transport;
    if (!this.#ended && !transport.gone()) {
      if (this.#sent === undefined) {
        const reference = newReference();
        transport.log(error, `[reference ${reference}]`);
        this.#sendError(reference);
      } else {
        transport.log(error, '');
        this.#abort();
      }
    } else {
      transport.log(error, '');
    }
    this.close();
  }

  #sendError(reference: string): void {
    const { head, text } = internalError(reference, this.#start.isHead);
    this.#start.committed = true;
    this.#sent = head;
    this.#ended = true;
    this.#transport.head(head, -1);
    this.#transport.end(head.sendsBody ? text : undefined);
  }

  /** Commits the head: after this, its status can no longer change. */
  #commit(length: number): ResponseHead {
    const head = this.#start.head;
    if (head === undefined) throw new GatewayError('start-response-first', 'the body produced output before startResponse was called');
    // Marked sent only once the host took the head: one it refuses can
    // still become a clean 500.
    this.#transport.head(head, length >= 0 && head.declared < 0 && head.sendsBody ? length : -1);
    this.#start.committed = true;
    this.#sent = head;
    this.#remaining = head.bodyLimit;
    return head;
  }

  /** Sends a chunk (the head first, before the first non-empty one). */
  #send(chunk: Chunk): Step {
    const length = chunkLength(chunk);
    if (length === 0) return Step.Continue;
    const head = this.#sent ?? this.#commit(-1);
    if (!head.sendsBody) return Step.Continue;
    const remaining = this.#remaining;
    if (remaining < 0 || length < remaining) {
      if (remaining > 0) this.#remaining = remaining - length;
      return this.#transport.send(chunk) ? Step.Continue : Step.Drain;
    }
    if (length > remaining) {
      // Never more than Content-Length promised: on a keep-alive
      // connection the excess would be read as the next response.
      chunk = chunkBytes(chunk).subarray(0, remaining);
      this.#transport.log(
        new GatewayError('content-length-mismatch', `the body is longer than its Content-Length (${head.declared}); truncated`),
        '',
      );
    }
    this.#remaining = 0;
    this.#end(chunk);
    return Step.Stop;
  }

  /** Takes one result of the body's iterator. */
  take(result: IteratorResult<unknown>): Step {
    if (this.#start.head === undefined) {
      if (isEmptyChunk(result)) return Step.Continue;
      throw unstarted(result);
    }
    if (this.#ended) return Step.Stop;
    if (result.done === true) {
      this.finish(-1);
      return Step.Stop;
    }
    checkChunk(result.value);
    if (this.#start.head.bodyLimit === 0) {
      // The head is all there is to send; stop iterating.
      this.finish(-1);
      return Step.Stop;
    }
    return this.#send(result.value);
  }

  /** Ends the response at the body's end; `length` is its size when known. */
  finish(length: number): void {
    if (this.#ended) return;
    if (this.#sent === undefined) {
      const head = this.#start.head;
      if (head === undefined) throw new GatewayError('start-response-missing', 'the body ended without startResponse being called');
      if (head.bodyLimit > 0 && length <= 0) {
        // Not a byte sent yet, so the promise can still be broken cleanly.
        throw new GatewayError('content-length-mismatch', `the body ended ${head.bodyLimit} bytes short of its Content-Length (${head.declared})`);
      }
      this.#commit(length);
    }
    if (this.#remaining > 0) {
      this.#outcome = 'error';
      this.#error = new GatewayError(
        'content-length-mismatch',
        `the body ended ${this.#remaining} bytes short of its Content-Length (${this.#sent!.declared})`,
      );
      this.#transport.log(this.#error, '');
      this.#abort();
      return;
    }
    this.#end(undefined);
  }

  #end(last: Chunk | undefined): void {
    this.#ended = true;
    this.#transport.end(last);
  }

  #abort(): void {
    this.#ended = true;
    this.#transport.abort();
  }

  /**
   * Sends chunks already in memory. When they are the whole body and
   * nothing has gone out yet, they go under a Content-Length.
   */
  sendGathered(chunks: readonly Chunk[], total: number, complete: boolean): Step {
    const head = this.#start.head;
    if (head === undefined) {
      // Empty chunks are no output; only the end shows startResponse missing.
      throw unstarted(total === 0 && complete ? { done: true, value: undefined } : { done: false, value: chunks[0] });
    }
    if (complete && this.#sent === undefined && head.declared < 0) {
      if (!head.sendsBody || total === 0) {
        this.finish(head.sendsBody ? 0 : -1);
        return Step.Stop;
      }
      this.#commit(total);
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) if (chunkLength(chunks[i] as Chunk) > 0) this.#transport.send(chunks[i] as Chunk);
      this.#end(chunks[last]);
      return Step.Stop;
    }
    let step: Step = Step.Continue;
    for (let i = 0; i < chunks.length; i++) {
      if (head.bodyLimit === 0 && this.#sent !== undefined) break;
      const sent = this.#send(chunks[i] as Chunk);
      if (sent === Step.Stop) return Step.Stop;
      if (sent === Step.Drain) step = Step.Drain;
    }
    if (head.bodyLimit === 0) {
      // A head-only response is done once its head is out.
      this.finish(-1);
      return Step.Stop;
    }
    if (!complete) return step;
    this.finish(this.#sent === undefined ? total : -1);
    return Step.Stop;
  }

  /** Calls the body's `return()` once, then reports the outcome once. */
  close(): void {
    const reader = this.reader;
    this.reader = undefined;
    if (reader === undefined) {
      this.#report();
      return;
    }
    void reader.close().then((error) => {
      if (error !== undefined) {
        this.#transport.log(error, 'body return()');
        if (this.#outcome !== 'error') {
          this.#outcome = 'error';
          this.#error = error;
        }
      }
      this.#report();
    });
  }

  #report(): void {
    if (this.#reported) return;
    this.#reported = true;
    if (!this.#ended && this.#outcome === 'complete') this.#outcome = 'gone';
    this.#transport.finished(this.#outcome, this.#error);
  }
}

/**
 * Whether a result is an empty chunk, which may come before startResponse.
 *
 * @example
 * ```ts
 * isEmptyChunk({ done: false, value: '' }); // true
 * ```
 */
export function isEmptyChunk(result: IteratorResult<unknown>): boolean {
  return result.done !== true && (result.value === '' || (result.value instanceof Uint8Array && result.value.byteLength === 0));
}

/**
 * The error for a body that produced a result before startResponse.
 *
 * @example
 * ```ts
 * unstarted({ done: true, value: undefined }).rule; // 'start-response-missing'
 * ```
 */
export function unstarted(result: IteratorResult<unknown>): GatewayError {
  return result.done === true
    ? new GatewayError('start-response-missing', 'the body ended without startResponse being called')
    : new GatewayError('start-response-first', 'the body produced output before startResponse was called');
}

function rejected(error: Error): Promise<void> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}

