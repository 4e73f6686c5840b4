/**
 * The one way middleware wraps a response body: see each chunk, add to the
 * end, answer an error, and learn exactly once how the body ended.
 *
 * @module
 */
import type { Body, Chunk } from '../types.js';

/**
 * How a body ended: sent whole (`complete`: its iterator was exhausted, or
 * every byte the response declared was sent), failed (`error`), or closed
 * early because the client went away (`gone`).
 *
 * @example
 * ```ts
 * const outcome: BodyOutcome = 'gone'; // the client left mid-stream
 * ```
 */
export type BodyOutcome = 'complete' | 'error' | 'gone';

/**
 * What {@link proxyBody} calls. Every hook is optional. For a sync body the
 * hooks must answer synchronously, so that the body stays sync and hosts
 * keep their fast path; pass `{ async: true }` to use promises.
 *
 * @example
 * ```ts
 * let bytes = 0;
 * const hooks: BodyHooks = {
 *   chunk: (chunk) => { bytes += chunkLength(chunk); return chunk; },
 *   end: (outcome) => console.log(outcome, bytes),
 * };
 * ```
 */
export interface BodyHooks {
  /** Each chunk on its way out; returns what to send instead: the chunk, several, or none (`[]`). */
  chunk?(chunk: Chunk): Chunk | readonly Chunk[] | Promise<Chunk | readonly Chunk[]>;
  /** When the body is exhausted, before that is reported: chunks to send after it. */
  flush?(): readonly Chunk[] | undefined | Promise<readonly Chunk[] | undefined>;
  /** An error from the body: chunks to send in its place, or `undefined` to let it propagate. */
  fail?(error: unknown): readonly Chunk[] | undefined;
  /**
   * The bytes that complete the response (its declared Content-Length, or 0
   * for one without a body), or -1 when only the body's end decides; a
   * `return()` once they have been sent counts as `complete`, not `gone`.
   */
  limit?(): number;
  /**
   * Called once, after the inner iterator's `return()` has run. An async
   * proxy waits for the promise it returns before it reports its own end,
   * and a rejection becomes the body's error: work that must be done before
   * the host finishes the response (saving a session) goes here.
   */
  end?(outcome: BodyOutcome, error?: unknown): void | Promise<void>;
}

/**
 * Options for {@link proxyBody}.
 *
 * @example
 * ```ts
 * const options: ProxyOptions = { async: true }; // the hooks return promises
 * ```
 */
export interface ProxyOptions {
  /** Make the proxy async even for a sync body, so that hooks may return promises. */
  async?: boolean;
  /**
   * Chunks to yield before the body's own: one already pulled from it, say,
   * to learn the status of an app that calls `startResponse` late.
   */
  prefix?: readonly Chunk[];
}

/**
 * Returns a body that yields what `body` yields, through `hooks`. It takes
 * the inner iterator only when its own is taken, calls the inner `return()`
 * exactly once however the body ends (even when closed before its first
 * `next()`), and calls `hooks.end` once after it. A sync body stays sync
 * unless `options.async` is set.
 *
 * @example
 * ```ts
 * const timed: App = async (environ, startResponse) => {
 *   const started = performance.now();
 *   const body = await app(environ, startResponse);
 *   return proxyBody(body, { end: (outcome) => console.log(outcome, performance.now() - started) });
 * };
 * ```
 */
export function proxyBody(body: Body, hooks: BodyHooks, options: ProxyOptions = {}): Body {
  const isAsync = typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function';
  const prefix = options.prefix ?? [];
  return isAsync || options.async === true ? new AsyncProxy(body, hooks, prefix) : new SyncProxy(body as Iterable<Chunk>, hooks, prefix);
}

/**
 * Closes a body that will not be sent: takes its iterator and calls its
 * `return()`, so a generator's `finally` blocks run. Resolves to the error
 * `return()` threw, if any, rather than rejecting.
 *
 * @example
 * ```ts
 * const failure = await closeBody(body); // this answer was dropped
 * ```
 */
export async function closeBody(body: Body): Promise<unknown> {
  try {
    const asyncFactory = (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator];
    const iterator = typeof asyncFactory === 'function' ? asyncFactory.call(body) : (body as Iterable<Chunk>)[Symbol.iterator]();
    await iterator.return?.();
    return undefined;
  } catch (error) {
    return error ?? new Error('body return() threw undefined');
  }
}

const DONE: IteratorResult<Chunk> = { done: true, value: undefined };

/** The bookkeeping both proxies share: the queue, the byte count and the single end. */
abstract class Proxy {
  protected readonly hooks: BodyHooks;
  protected queue: Chunk[];
  protected finished = false;
  #sent = 0;
  #ended = false;

  constructor(hooks: BodyHooks, prefix: readonly Chunk[]) {
    this.hooks = hooks;
    this.queue = [...prefix];
  }

  /** Queues what a hook gave and returns the next chunk to yield, if any. */
  protected enqueue(given: Chunk | readonly Chunk[] | undefined): IteratorResult<Chunk> | undefined {
    if (given === undefined) return undefined;
    // Anything but a list is one chunk, even one the host will refuse.
    if (!Array.isArray(given)) return this.yielded(given as Chunk);
    for (const chunk of given) this.queue.push(chunk);
    return this.dequeue();
  }

  protected dequeue(): IteratorResult<Chunk> | undefined {
    const chunk = this.queue.shift();
    return chunk === undefined ? undefined : this.yielded(chunk);
  }

  /** What `next()` answers without pulling: a queued chunk, or done once finished. */
  protected ready(): IteratorResult<Chunk> | undefined {
    return this.dequeue() ?? (this.finished ? DONE : undefined);
  }

  /**
   * Starts a `return()`: drops what is queued and gives the outcome to
   * report, or `undefined` when the body has ended already.
   */
  protected closing(): BodyOutcome | undefined {
    this.queue = [];
    if (this.finished) return undefined;
    this.finished = true;
    return this.closedOutcome();
  }

  protected yielded(chunk: Chunk): IteratorResult<Chunk> {
    // Not a chunk at all: passed on for the host to refuse, by its rule.
    if (typeof chunk === 'string') this.#sent += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) this.#sent += chunk.byteLength;
    return { done: false, value: chunk };
  }

  /** The replacement `hooks.fail` gives for `error`, and the error to raise without one. */
  protected answer(error: unknown): { replacement: readonly Chunk[] | undefined; error: unknown } {
    try {
      return { replacement: this.hooks.fail?.(error), error };
    } catch (failure) {
      // A hook that cannot answer passes its own error on.
      return { replacement: undefined, error: failure };
    }
  }

  /** The outcome of a `return()` that came before the body's end. */
  protected closedOutcome(): BodyOutcome {
    const limit = this.hooks.limit?.() ?? -1;
    return limit >= 0 && this.#sent >= limit ? 'complete' : 'gone';
  }

  protected end(outcome: BodyOutcome, error?: unknown): void | Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    return this.hooks.end?.(outcome, error);
  }
}

const SYNC_HOOKS = 'proxyBody: a sync body needs sync hooks; pass { async: true }';

class SyncProxy extends Proxy implements Iterable<Chunk>, Iterator<Chunk> {
  readonly #body: Iterable<Chunk>;
  #inner: Iterator<Chunk> | undefined;
  #closed = false;

  constructor(body: Iterable<Chunk>, hooks: BodyHooks, prefix: readonly Chunk[]) {
    super(hooks, prefix);
    this.#body = body;
  }

  [Symbol.iterator](): Iterator<Chunk> {
    // One inner iterator, however often the proxy is asked for its own.
    this.#inner ??= this.#body[Symbol.iterator]();
    return this;
  }

  next(): IteratorResult<Chunk> {
    for (;;) {
      const ready = this.ready();
      if (ready !== undefined) return ready;
      let given: Chunk | readonly Chunk[] | undefined;
      try {
        const result = this.#inner!.next();
        if (result.done === true) {
          this.#finish();
          continue;
        }
        if (this.hooks.chunk === undefined) return this.yielded(result.value);
        const answered = this.hooks.chunk(result.value);
        if (answered instanceof Promise) throw new TypeError(SYNC_HOOKS);
        given = answered;
      } catch (error) {
        if (this.finished) throw error;
        this.#fail(error);
        continue;
      }
      const next = this.enqueue(given);
      if (next !== undefined) return next;
    }
  }

  /** The body is exhausted: close it, then add what `flush` gives. */
  #finish(): void {
    this.finished = true;
    let trailing: ReturnType<NonNullable<BodyHooks['flush']>>;
    try {
      this.#closeInner();
      trailing = this.hooks.flush?.();
      if (trailing instanceof Promise) throw new TypeError(SYNC_HOOKS);
    } catch (error) {
      this.#settle(this.end('error', error));
      throw error;
    }
    this.#settle(this.end('complete'));
    if (trailing !== undefined) this.queue.push(...trailing);
  }

  /** The body (or a hook) failed: queue the replacement, or throw. */
  #fail(cause: unknown): void {
    this.finished = true;
    const { replacement, error } = this.answer(cause);
    try {
      this.#closeInner();
    } catch {
      // The body's own error is the one to report.
    }
    this.#settle(this.end('error', error));
    if (replacement === undefined) throw error;
    this.queue.push(...replacement);
  }

  return(): IteratorResult<Chunk> {
    const outcome = this.closing();
    if (outcome === undefined) return DONE;
    let failure: unknown;
    try {
      this.#closeInner();
    } catch (error) {
      failure = error;
    }
    this.#settle(this.end(failure === undefined ? outcome : 'error', failure));
    if (failure !== undefined) throw failure;
    return DONE;
  }

  #settle(ended: void | Promise<void>): void {
    if (ended instanceof Promise) throw new TypeError(SYNC_HOOKS);
  }

  #closeInner(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner?.return?.();
  }
}

class AsyncProxy extends Proxy implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
  readonly #body: Body;
  #inner: Iterator<Chunk> | AsyncIterator<Chunk> | undefined;
  #closed = false;

  constructor(body: Body, hooks: BodyHooks, prefix: readonly Chunk[]) {
    super(hooks, prefix);
    this.#body = body;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    if (this.#inner === undefined) {
      const asyncFactory = (this.#body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator];
      this.#inner = typeof asyncFactory === 'function' ? asyncFactory.call(this.#body) : (this.#body as Iterable<Chunk>)[Symbol.iterator]();
    }
    return this;
  }

  async next(): Promise<IteratorResult<Chunk>> {
    for (;;) {
      const ready = this.ready();
      if (ready !== undefined) return ready;
      let given: Chunk | readonly Chunk[] | undefined;
      try {
        const result = await this.#inner!.next();
        if (result.done === true) {
          await this.#finish();
          continue;
        }
        if (this.hooks.chunk === undefined) return this.yielded(result.value);
        given = await this.hooks.chunk(result.value);
      } catch (error) {
        if (this.finished) throw error;
        await this.#fail(error);
        continue;
      }
      const next = this.enqueue(given);
      if (next !== undefined) return next;
    }
  }

  /** The body is exhausted: close it, then add what `flush` gives. */
  async #finish(): Promise<void> {
    this.finished = true;
    let trailing: readonly Chunk[] | undefined;
    try {
      await this.#closeInner();
      trailing = await this.hooks.flush?.();
    } catch (error) {
      await this.end('error', error);
      throw error;
    }
    await this.end('complete');
    if (trailing !== undefined) this.queue.push(...trailing);
  }

  /** The body (or a hook) failed: queue the replacement, or throw. */
  async #fail(cause: unknown): Promise<void> {
    this.finished = true;
    const { replacement, error } = this.answer(cause);
    // The body's own error is the one to report, not a failing cleanup.
    await this.#closeInner().catch(() => undefined);
    await this.end('error', error);
    if (replacement === undefined) throw error;
    this.queue.push(...replacement);
  }

  async return(): Promise<IteratorResult<Chunk>> {
    // After the body's end the inner iterator is closed and the end reported.
    const outcome = this.closing();
    if (outcome === undefined) return DONE;
    let failure: unknown;
    try {
      await this.#closeInner();
    } catch (error) {
      failure = error;
    }
    await this.end(failure === undefined ? outcome : 'error', failure);
    if (failure !== undefined) throw failure;
    return DONE;
  }

  async #closeInner(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#inner?.return?.();
  }
}
