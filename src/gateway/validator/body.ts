/**
 * The body as the server sees it under `validate()`: the app's chunks are
 * checked as the server pulls them, and the server's handling of the
 * iterator (one iterator, always closed) is watched.
 *
 * @module
 */
import type { Body, Chunk } from '../types.js';
import { ValidationError } from './validation-error.js';
import type { RequestTracker } from './tracker.js';

// A body dropped without its iterator's return() can only be noticed once it
// is collected. The held value is the tracker, which never refers back to the
// body, so registering does not keep the body alive.
const abandoned = new FinalizationRegistry<RequestTracker>((tracker) => {
  tracker.reportMissingReturn("the body was dropped without the server calling its iterator's return()");
});

/**
 * Wraps the app's body for the server, keeping it sync or async as it was.
 * The inner iterator is taken only when the server takes one from the
 * wrapper, and the wrapper's `return()` forwards to the inner one.
 *
 * @example
 * ```ts
 * const body = validatedBody(['Hello'], tracker);
 * for (const chunk of body as Iterable<Chunk>) send(chunk);
 * ```
 */
export function validatedBody(body: Body, tracker: RequestTracker): Body {
  const wrapped =
    typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function'
      ? new AsyncValidatedBody(body as AsyncIterable<Chunk>, tracker)
      : new SyncValidatedBody(body as Iterable<Chunk>, tracker);
  abandoned.register(wrapped, tracker);
  return wrapped;
}

abstract class ValidatedBody {
  protected readonly tracker: RequestTracker;
  #taken = false;

  constructor(tracker: RequestTracker) {
    this.tracker = tracker;
  }

  protected take(): void {
    if (this.#taken) {
      throw new ValidationError('body-single-iterator', 'the server took a second iterator from the body');
    }
    this.#taken = true;
  }
}

class SyncValidatedBody extends ValidatedBody implements Iterable<Chunk> {
  readonly #inner: Iterable<Chunk>;

  constructor(inner: Iterable<Chunk>, tracker: RequestTracker) {
    super(tracker);
    this.#inner = inner;
  }

  [Symbol.iterator](): Iterator<Chunk> {
    this.take();
    return new SyncValidatedIterator(this.#inner[Symbol.iterator](), this.tracker, this);
  }
}

class AsyncValidatedBody extends ValidatedBody implements AsyncIterable<Chunk> {
  readonly #inner: AsyncIterable<Chunk>;

  constructor(inner: AsyncIterable<Chunk>, tracker: RequestTracker) {
    super(tracker);
    this.#inner = inner;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    this.take();
    return new AsyncValidatedIterator(this.#inner[Symbol.asyncIterator](), this.tracker, this);
  }
}

class SyncValidatedIterator implements Iterator<Chunk> {
  readonly #inner: Iterator<Chunk>;
  readonly #tracker: RequestTracker;
  // Keeps the body alive, and so unreported, while the server holds the iterator.
  readonly #body: object;

  constructor(inner: Iterator<Chunk>, tracker: RequestTracker, body: object) {
    this.#inner = inner;
    this.#tracker = tracker;
    this.#body = body;
  }

  next(): IteratorResult<Chunk> {
    checkNotReturned(this.#tracker);
    let result: IteratorResult<Chunk>;
    try {
      result = this.#inner.next();
    } catch (error) {
      this.#tracker.bodyStopped();
      throw error;
    }
    return checkResult(result, this.#tracker);
  }

  return(value?: unknown): IteratorResult<Chunk> {
    this.#tracker.returnStarted();
    try {
      return typeof this.#inner.return === 'function' ? this.#inner.return(value) : { done: true, value };
    } finally {
      this.#tracker.closed = true;
    }
  }
}

class AsyncValidatedIterator implements AsyncIterator<Chunk> {
  readonly #inner: AsyncIterator<Chunk>;
  readonly #tracker: RequestTracker;
  readonly #body: object;

  constructor(inner: AsyncIterator<Chunk>, tracker: RequestTracker, body: object) {
    this.#inner = inner;
    this.#tracker = tracker;
    this.#body = body;
  }

  async next(): Promise<IteratorResult<Chunk>> {
    checkNotReturned(this.#tracker);
    let result: IteratorResult<Chunk>;
    try {
      result = await this.#inner.next();
    } catch (error) {
      this.#tracker.bodyStopped();
      throw error;
    }
    return checkResult(result, this.#tracker);
  }

  async return(value?: unknown): Promise<IteratorResult<Chunk>> {
    this.#tracker.returnStarted();
    try {
      return typeof this.#inner.return === 'function' ? await this.#inner.return(value) : { done: true, value };
    } finally {
      this.#tracker.closed = true;
    }
  }
}

// After return() the app has released what the body held; pulling again
// would read from a closed file or a finished cursor.
function checkNotReturned(tracker: RequestTracker): void {
  if (tracker.returnCalled) {
    throw new ValidationError('body-after-return', "the server pulled from the body iterator after calling its return()");
  }
}

function checkResult(result: IteratorResult<Chunk>, tracker: RequestTracker): IteratorResult<Chunk> {
  if (result.done === true) {
    tracker.bodyDone();
    return result;
  }
  try {
    tracker.push(result.value, 'body');
  } catch (error) {
    // The server meets this violation as an error from the body, after which
    // it still owes return().
    tracker.bodyStopped();
    throw error;
  }
  return result;
}
