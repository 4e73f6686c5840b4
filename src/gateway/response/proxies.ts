/**
 * The two body proxies behind `proxyBody`, one for sync bodies and one for
 * async ones, and the bookkeeping they share: the queue, the byte count and
 * the single end.
 *
 * @module
 */
import type { Body, Chunk } from '../types.js';
import type { BodyHooks, BodyOutcome } from './body-hooks.js';

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

/** A proxy for a sync body, itself sync so hosts keep their fast path. */
export class SyncProxy extends Proxy implements Iterable<Chunk>, Iterator<Chunk> {
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

/** A proxy for an async body, or for hooks that return promises. */
export class AsyncProxy extends Proxy implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
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
