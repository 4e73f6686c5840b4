/**
 * An {@link InputStream} over any async source of byte chunks.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { InputStream } from './types.js';

const EMPTY: Uint8Array = Buffer.alloc(0);
const LF = 0x0a;

/**
 * An {@link InputStream} that pulls from an async iterable of chunks only as
 * it is read, so backpressure reaches the source. The source is opened on the
 * first read, so an unread body costs nothing.
 *
 * @example
 * ```ts
 * async function* parts() { yield Buffer.from('a=1\n'); yield Buffer.from('b=2'); }
 * const input = new ChunkInput(parts());
 * await input.readline(); // bytes of 'a=1\n'
 * await input.read();     // bytes of 'b=2'
 * ```
 *
 * @category Streams
 */
export class ChunkInput implements InputStream, AsyncIterator<Uint8Array, undefined> {
  #source: AsyncIterable<Uint8Array> | (() => AsyncIterable<Uint8Array>);
  #iterator: AsyncIterator<Uint8Array> | undefined;
  #pending: Uint8Array = EMPTY;
  #ended = false;

  /**
   * @param source The chunks, or a function returning them, called on the first read.
   */
  constructor(source: AsyncIterable<Uint8Array> | (() => AsyncIterable<Uint8Array>)) {
    this.#source = source;
  }

  async read(size?: number): Promise<Uint8Array> {
    if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
      throw new RangeError(`read size must be a non-negative integer, got ${size}`);
    }
    if (size === 0) return EMPTY;
    const parts: Uint8Array[] = [];
    let have = 0;
    while (size === undefined || have < size) {
      const chunk = await this.#next(size === undefined ? Infinity : size - have);
      if (chunk === undefined) break;
      parts.push(chunk);
      have += chunk.length;
    }
    return concat(parts, have);
  }

  async readline(limit?: number): Promise<Uint8Array> {
    const max = limit === undefined || limit < 0 ? Infinity : limit;
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < max) {
      if (this.#pending.length === 0 && !(await this.#fill())) break;
      const pending = this.#pending;
      const newline = pending.indexOf(LF);
      const take = Math.min(newline === -1 ? pending.length : newline + 1, max - have);
      parts.push(pending.subarray(0, take));
      this.#pending = pending.subarray(take);
      have += take;
      if (newline !== -1 && take === newline + 1) break;
    }
    return concat(parts, have);
  }

  /**
   * Yields the body's chunks as they arrive, after any bytes already buffered.
   * The input is its own iterator, as a generator is: each chunk then costs
   * one promise on top of the source's, and no object, which matters for
   * small bodies.
   */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next chunk of the body, after any bytes already buffered. */
  next(): Promise<IteratorResult<Uint8Array, undefined>> {
    const pending = this.#pending;
    if (pending.length > 0) {
      this.#pending = EMPTY;
      return Promise.resolve({ done: false, value: asBuffer(pending) });
    }
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return this.#pull();
  }

  /** The source's next non-empty chunk, as a Buffer. */
  #pull(): Promise<IteratorResult<Uint8Array, undefined>> {
    return this.#open()
      .next()
      .then((result): IteratorResult<Uint8Array, undefined> | Promise<IteratorResult<Uint8Array, undefined>> => {
        if (result.done === true) {
          this.#ended = true;
          return { done: true, value: undefined };
        }
        const chunk = toBytes(result.value);
        if (chunk.length === 0) return this.#pull();
        return { done: false, value: asBuffer(chunk) };
      });
  }

  #open(): AsyncIterator<Uint8Array> {
    if (this.#iterator === undefined) {
      const source = typeof this.#source === 'function' ? this.#source() : this.#source;
      this.#iterator = source[Symbol.asyncIterator]();
    }
    return this.#iterator;
  }

  /** Takes up to `max` buffered bytes, pulling a chunk when none are buffered. */
  async #next(max: number): Promise<Uint8Array | undefined> {
    if (this.#pending.length === 0 && !(await this.#fill())) return undefined;
    const pending = this.#pending;
    if (pending.length <= max) {
      this.#pending = EMPTY;
      return asBuffer(pending);
    }
    this.#pending = pending.subarray(max);
    return asBuffer(pending.subarray(0, max));
  }

  async #fill(): Promise<boolean> {
    while (!this.#ended) {
      const result = await this.#open().next();
      if (result.done === true) {
        this.#ended = true;
        return false;
      }
      const chunk = toBytes(result.value);
      if (chunk.length > 0) {
        this.#pending = chunk;
        return true;
      }
    }
    return false;
  }
}

// Sources typed as bytes may still hand over strings at run time.
function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

// Buffers rather than bare Uint8Arrays, so callers can `.toString()` what they read.
function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return asBuffer(parts[0]!);
  return Buffer.concat(parts, total);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * An input stream with no body, for requests that carry none.
 *
 * @example
 * ```ts
 * const environ = { ...base, 'tsgi.input': emptyInput() };
 * ```
 *
 * @category Streams
 */
export function emptyInput(): InputStream {
  return new ChunkInput(() => (async function* () {})());
}
