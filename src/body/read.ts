/**
 * Reading a whole request body under a size limit.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { HttpError } from '../gateway/http-error.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { Environ } from '../gateway/types.js';
import { refuseEncodedBody } from './content-encoding.js';

/**
 * The default limit, in bytes, for bodies that are buffered whole: 1 MiB.
 *
 * @example
 * ```ts
 * await readBody(environ, { limit: DEFAULT_BODY_LIMIT * 4 });
 * ```
 *
 * @category Whole bodies
 */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The size limit shared by every body helper that buffers the body whole.
 *
 * @example
 * ```ts
 * const options: BodyOptions = { limit: 64 * 1024 };
 * const text = await readText(environ, options);
 * ```
 *
 * @category Whole bodies
 */
export interface BodyOptions {
  /**
   * The most bytes to accept; a larger body gets a 413, before any of it is
   * read when its `Content-Length` says so, else as soon as it passes the
   * limit. Default {@link DEFAULT_BODY_LIMIT} (1 MiB).
   */
  limit?: number;
}

/**
 * Options for {@link readBody}.
 *
 * @example
 * ```ts
 * const options: ReadBodyOptions = { limit: 64 * 1024 };
 * ```
 *
 * @category Whole bodies
 */
export interface ReadBodyOptions extends BodyOptions {}

/**
 * The declared `CONTENT_LENGTH` as a number, `undefined` when absent.
 *
 * @throws {@link tsgi!HttpError} 400 when it is not a decimal number.
 * @example
 * ```ts
 * declaredLength({ ...environ, CONTENT_LENGTH: '12' }); // 12
 * ```
 */
export function declaredLength(environ: Environ): number | undefined {
  const raw = environ.CONTENT_LENGTH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `Content-Length must be a decimal number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * Reads the whole request body from `tsgi.input`. A body whose declared
 * length exceeds the limit is refused before any of it is read; a chunked
 * body is refused as soon as it passes the limit, so neither is buffered.
 *
 * A body in a content coding (`Content-Encoding: gzip`…) is refused with 415
 * unless a decoder such as `decompress` has decoded it.
 *
 * @throws {@link tsgi!HttpError} 413 when the body is too large, 400 for a bad
 *   `Content-Length`, 415 for a body still in a content coding.
 * @example
 * ```ts
 * const bytes = await readBody(environ, { limit: 10_000 });
 * const text = Buffer.from(bytes).toString('utf8');
 * ```
 *
 * @category Whole bodies
 */
export async function readBody(environ: Environ, options: ReadBodyOptions = {}): Promise<Buffer> {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  refuseEncodedBody(environ);
  const declared = declaredLength(environ);
  if (declared !== undefined && declared > limit) throw tooLarge(limit, `${declared} bytes`);
  if (!hasRequestBody(environ)) return Buffer.alloc(0);
  // Without a length, only a stream the host ends itself can be read to
  // its end; anything else could wait forever on a client.
  if (declared === undefined && environ['tsgi.input_terminated'] !== true) return Buffer.alloc(0);
  // A declared length within the limit bounds what can arrive (the host
  // frames the body by it), so it is read in one call, which stops at that
  // length rather than waiting for the end to be signalled.
  if (declared !== undefined) return asBuffer(await environ['tsgi.input'].read(declared));
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of environ['tsgi.input']) {
    total += chunk.length;
    if (total > limit) throw tooLarge(limit, 'more');
    chunks.push(chunk);
  }
  // Most bodies arrive in one chunk; hand it over rather than copy it.
  if (chunks.length === 1) return asBuffer(chunks[0]!);
  return Buffer.concat(chunks, total);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Reads the whole request body as bytes: {@link readBody} under the name the
 * other `read*` helpers share.
 *
 * @throws {@link tsgi!HttpError} 413 when the body is over `options.limit`
 *   (default 1 MiB), 400 for a bad `Content-Length`.
 * @example
 * ```ts
 * const bytes = await readBytes(environ, { limit: 256 * 1024 });
 * bytes.length; // the body's size in bytes
 * ```
 *
 * @category Whole bodies
 */
export function readBytes(environ: Environ, options: BodyOptions = {}): Promise<Buffer> {
  return readBody(environ, options);
}

/**
 * The 413 for a body over `limit`; `size` says how big it was, as far as known.
 *
 * @example
 * ```ts
 * throw bodyTooLarge(1024, '4096 bytes');
 * ```
 */
export function bodyTooLarge(limit: number, size: string): HttpError {
  return tooLarge(limit, size);
}

function tooLarge(limit: number, size: string): HttpError {
  return new HttpError(413, `Request body of ${size} exceeds the limit of ${limit} bytes`);
}
