/**
 * A file's bytes as a response body, read as the server pulls.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import type { Chunk } from '../../gateway/types.js';

/**
 * Streams `[start, end]` of an open file. The read stream is created on the
 * first `next()`, so a body closed unread costs one `close()`; its iterator
 * reads one block per pull, so a slow client slows the reads. `return()`
 * always closes the file.
 */
export class FileBody implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
  readonly #handle: FileHandle;
  readonly #start: number;
  readonly #end: number;
  #stream: ReadStream | undefined;
  #iterator: AsyncIterator<Buffer> | undefined;
  #closed = false;

  constructor(handle: FileHandle, start: number, end: number) {
    this.#handle = handle;
    this.#start = start;
    this.#end = end;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    return this;
  }

  async next(): Promise<IteratorResult<Chunk>> {
    if (this.#closed) return { done: true, value: undefined };
    if (this.#iterator === undefined) {
      if (this.#end < this.#start) return { done: true, value: undefined };
      this.#stream = this.#handle.createReadStream({ start: this.#start, end: this.#end, highWaterMark: 64 * 1024, autoClose: true });
      this.#iterator = this.#stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    }
    return this.#iterator.next();
  }

  async return(): Promise<IteratorResult<Chunk>> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#iterator !== undefined) await this.#iterator.return?.();
      if (this.#stream === undefined || !this.#stream.closed) await this.#handle.close().catch(() => undefined);
    }
    return { done: true, value: undefined };
  }
}
