/**
 * Watching a body go by without changing it: the building block for
 * middleware that counts, times or cleans up after a response.
 *
 * @module
 */
import { openBody } from '../../gateway/body.js';
import type { Body, Chunk } from '../../gateway/types.js';

/**
 * How a body's iteration ended: it was exhausted (`complete`), its iterator
 * threw (`error`), or the server called `return()` before the end, which is
 * what a client disconnect looks like (`closed`).
 *
 * @example
 * ```ts
 * const outcome: BodyOutcome = 'closed'; // the client went away mid-stream
 * ```
 */
export type BodyOutcome = 'complete' | 'error' | 'closed';

/**
 * Callbacks for {@link tapBody}. `end` is called exactly once, after the
 * inner iterator's `return()` (if any) has run.
 *
 * @example
 * ```ts
 * let bytes = 0;
 * const tap: BodyTap = {
 *   chunk: (chunk) => { bytes += chunkLength(chunk); },
 *   end: (outcome) => console.log(outcome, bytes),
 * };
 * ```
 */
export interface BodyTap {
  /** Called with each chunk, before it is handed on. */
  chunk?(chunk: Chunk): void;
  /** Called once when the body is finished with, however that happened. */
  end?(outcome: BodyOutcome, error?: unknown): void;
}

/**
 * Returns a body that yields exactly what `body` yields, telling `tap` about
 * each chunk and about the end. A sync body stays sync (so servers keep
 * their fast path), an async one stays async. The inner iterator is taken
 * only when the server takes one from the wrapper, and the wrapper's
 * `return()` always reaches the inner `return()`, even when the server closes
 * the body before its first `next()`.
 *
 * @example
 * ```ts
 * const timed: App = async (environ, startResponse) => {
 *   const started = performance.now();
 *   const body = await app(environ, startResponse);
 *   return tapBody(body, { end: (outcome) => console.log(outcome, performance.now() - started) });
 * };
 * ```
 */
export function tapBody(body: Body, tap: BodyTap): Body {
  return typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function'
    ? new AsyncTap(body as AsyncIterable<Chunk>, tap)
    : new SyncTap(body as Iterable<Chunk>, tap);
}

/**
 * Closes a body that will not be sent: takes its iterator and calls
 * `return()`, so a generator's `finally` blocks and an app's cleanup run.
 * Resolves to the error `return()` threw, if any, rather than rejecting.
 *
 * @example
 * ```ts
 * const body = await app(environ, discardingStartResponse);
 * await closeBody(body); // this answer lost; release what it holds
 * ```
 */
export function closeBody(body: Body): Promise<unknown> {
  return openBody(body).close();
}

class SyncTap implements Iterable<Chunk>, Iterator<Chunk> {
  readonly #body: Iterable<Chunk>;
  readonly #tap: BodyTap;
  #inner: Iterator<Chunk> | undefined;
  #ended = false;

  constructor(body: Iterable<Chunk>, tap: BodyTap) {
    this.#body = body;
    this.#tap = tap;
  }

  [Symbol.iterator](): Iterator<Chunk> {
    this.#inner = this.#body[Symbol.iterator]();
    return this;
  }

  next(): IteratorResult<Chunk> {
    let result: IteratorResult<Chunk>;
    try {
      result = this.#inner!.next();
    } catch (error) {
      this.#end('error', error);
      throw error;
    }
    if (result.done === true) this.#end('complete');
    else this.#tap.chunk?.(result.value);
    return result;
  }

  return(value?: unknown): IteratorResult<Chunk> {
    try {
      const inner = this.#inner;
      return typeof inner?.return === 'function' ? inner.return(value) : { done: true, value };
    } finally {
      this.#end('closed');
    }
  }

  #end(outcome: BodyOutcome, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#tap.end?.(outcome, error);
  }
}

class AsyncTap implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
  readonly #body: AsyncIterable<Chunk>;
  readonly #tap: BodyTap;
  #inner: AsyncIterator<Chunk> | undefined;
  #ended = false;

  constructor(body: AsyncIterable<Chunk>, tap: BodyTap) {
    this.#body = body;
    this.#tap = tap;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    this.#inner = this.#body[Symbol.asyncIterator]();
    return this;
  }

  async next(): Promise<IteratorResult<Chunk>> {
    let result: IteratorResult<Chunk>;
    try {
      result = await this.#inner!.next();
    } catch (error) {
      this.#end('error', error);
      throw error;
    }
    if (result.done === true) this.#end('complete');
    else this.#tap.chunk?.(result.value);
    return result;
  }

  async return(value?: unknown): Promise<IteratorResult<Chunk>> {
    try {
      const inner = this.#inner;
      return typeof inner?.return === 'function' ? await inner.return(value) : { done: true, value };
    } finally {
      this.#end('closed');
    }
  }

  #end(outcome: BodyOutcome, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#tap.end?.(outcome, error);
  }
}
