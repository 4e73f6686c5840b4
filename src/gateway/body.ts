/**
 * Consuming a response body the way the gateway requires: one iterator,
 * sync or async, always closed.
 *
 * @module
 */
import type { Body, Chunk } from './types.js';

/**
 * Whether `value` is a {@link Body}: an iterable or async iterable that is
 * not a bare string or byte array.
 *
 * @example
 * ```ts
 * isBody(['ok']);  // true
 * isBody('ok');    // false: a string would be sent a character at a time
 * ```
 *
 * @category Apps and bodies
 */
export function isBody(value: unknown): value is Body {
  if (value === null || value === undefined || typeof value === 'string' || value instanceof Uint8Array) return false;
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  const candidate = value as Partial<Record<symbol, unknown>>;
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function';
}

/**
 * A pull handle on a body's single iterator. `next()` returns synchronously
 * for sync bodies, so servers can avoid a promise per chunk.
 *
 * @example
 * ```ts
 * const reader = openBody(body);
 * try {
 *   for (let r = await reader.next(); !r.done; r = await reader.next()) send(r.value);
 * } finally {
 *   await reader.close();
 * }
 * ```
 *
 * @category Apps and bodies
 */
export interface BodyReader {
  /** Whether the body is async (its `next()` returns promises). */
  readonly isAsync: boolean;
  /** Pulls the next chunk. */
  next(): IteratorResult<Chunk> | Promise<IteratorResult<Chunk>>;
  /**
   * Calls the iterator's `return()` once, however often this is called;
   * resolves to the error `return()` threw, if any, so that a failing cleanup
   * is logged rather than lost.
   */
  close(): Promise<unknown>;
}

/**
 * Takes the one iterator of a body, preferring `Symbol.asyncIterator`.
 *
 * @example
 * ```ts
 * const reader = openBody(['a', 'b']);
 * reader.next(); // { value: 'a', done: false }
 * ```
 *
 * @category Apps and bodies
 */
export function openBody(body: Body): BodyReader {
  const asyncFactory = (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator];
  const iterator: Iterator<Chunk> | AsyncIterator<Chunk> =
    typeof asyncFactory === 'function'
      ? asyncFactory.call(body)
      : (body as Iterable<Chunk>)[Symbol.iterator]();
  let closed = false;
  return {
    isAsync: typeof asyncFactory === 'function',
    next: () => iterator.next(),
    async close(): Promise<unknown> {
      if (closed) return undefined;
      closed = true;
      try {
        await iterator.return?.();
        return undefined;
      } catch (error) {
        return error ?? new Error('body return() threw undefined');
      }
    },
  };
}

/**
 * The UTF-8 bytes of a chunk.
 *
 * @example
 * ```ts
 * chunkBytes('é').length; // 2
 * ```
 */
export function chunkBytes(chunk: Chunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/**
 * The length in bytes of a chunk once encoded as UTF-8.
 *
 * @example
 * ```ts
 * chunkLength('é'); // 2
 * ```
 */
export function chunkLength(chunk: Chunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
}
