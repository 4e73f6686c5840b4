/**
 * A streaming compressor with an awaitable, pull-sized interface over
 * `node:zlib`.
 *
 * @module
 */
import {
  brotliCompress,
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  deflate,
  gzip,
  type BrotliCompress,
  type BrotliOptions,
  type Deflate,
  type Gzip,
} from 'node:zlib';
import type { Encoding } from './negotiate.js';

/**
 * Compression levels for {@link compress}; the defaults favour speed, since
 * responses are compressed on every request.
 *
 * @example
 * ```ts
 * const levels: CompressionLevels = { gzip: 6, brotli: 4 };
 * ```
 *
 * @category Helpers
 */
export interface CompressionLevels {
  /** zlib level for gzip and deflate, 1–9. Default 6. */
  gzip?: number;
  /** Brotli quality, 0–11. Default 4 (11 is far too slow for dynamic responses). */
  brotli?: number;
}

/**
 * Feeds chunks through one zlib stream and hands back what came out. Each
 * call waits until zlib has consumed its input, so at most one input chunk
 * and its output are in memory: the caller's pace (and so the client's) sets
 * the pace of compression.
 */
export class Encoder {
  readonly #stream: Gzip | Deflate | BrotliCompress;
  readonly #flushKind: number;
  #output: Buffer[] = [];
  #failure: Error | undefined;
  #ended: Promise<void> | undefined;

  constructor(encoding: Encoding, levels: CompressionLevels = {}) {
    if (encoding === 'br') {
      this.#stream = createBrotliCompress(brotliOptions(levels));
      this.#flushKind = constants.BROTLI_OPERATION_FLUSH;
    } else {
      const options = { level: levels.gzip ?? 6 };
      this.#stream = encoding === 'gzip' ? createGzip(options) : createDeflate(options);
      this.#flushKind = constants.Z_SYNC_FLUSH;
    }
    this.#stream.on('data', (data: Buffer) => this.#output.push(data));
    this.#stream.on('error', (error: Error) => {
      this.#failure ??= error;
    });
  }

  /**
   * Compresses `input`; with `flush`, also forces out everything so far so
   * the client can decode it now (a streamed response must not stall in the
   * compressor).
   */
  async push(input: Uint8Array, flush: boolean): Promise<Buffer[]> {
    if (input.byteLength > 0) {
      await new Promise<void>((resolve, reject) => {
        this.#stream.write(input, (error) => (error ? reject(error) : resolve()));
      });
    }
    if (flush) await new Promise<void>((resolve) => this.#stream.flush(this.#flushKind, () => resolve()));
    return this.#take();
  }

  /** Ends the stream and returns the last of the output. */
  async end(): Promise<Buffer[]> {
    this.#ended ??= new Promise<void>((resolve, reject) => {
      this.#stream.once('end', resolve);
      this.#stream.once('error', reject);
      this.#stream.end();
    });
    await this.#ended;
    return this.#take();
  }

  /** Frees zlib's memory now rather than at collection; safe to call twice. */
  destroy(): void {
    this.#output = [];
    this.#stream.destroy();
  }

  #take(): Buffer[] {
    if (this.#failure !== undefined) throw this.#failure;
    const out = this.#output;
    this.#output = [];
    return out;
  }
}

/**
 * Compresses a whole body in one call to zlib, with the same settings as an
 * {@link Encoder}. For small bodies this is cheaper than a stream: one trip
 * to the thread pool instead of two, and a Content-Length to send.
 */
export function encodeWhole(encoding: Encoding, input: Uint8Array, levels: CompressionLevels = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, output: Buffer): void => (error === null ? resolve(output) : reject(error));
    if (encoding === 'br') brotliCompress(input, brotliOptions(levels), done);
    else if (encoding === 'gzip') gzip(input, { level: levels.gzip ?? 6 }, done);
    else deflate(input, { level: levels.gzip ?? 6 }, done);
  });
}

function brotliOptions(levels: CompressionLevels): BrotliOptions {
  return { params: { [constants.BROTLI_PARAM_QUALITY]: levels.brotli ?? 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
}
