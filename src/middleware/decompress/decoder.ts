/**
 * Decoding a request body's content codings as it is read, through
 * `node:zlib`, under a cap on the bytes sent and the bytes decoded.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { HttpError } from '../../gateway/http-error.js';

/**
 * A content coding {@link decompress} can decode.
 *
 * @example
 * ```ts
 * const offered: RequestCoding[] = ['gzip', 'br'];
 * ```
 *
 * @category Helpers
 */
export type RequestCoding = 'gzip' | 'deflate' | 'br';

// Source errors (a client that went away) travel through the zlib streams
// too; wrapped, they can be told from the decoder's own complaints.
class SourceFailure extends Error {}

/**
 * The decoded bytes of `source`, whose codings are listed in the order
 * they were applied (as `Content-Encoding` lists them): the last is undone
 * first. Nothing is decoded ahead of the reader beyond zlib's own buffers.
 * Both the bytes sent and the bytes decoded are held to `limit`, so a small
 * body that inflates without end (a "zip bomb") stops at the cap.
 *
 * @throws {@link HttpError} (from the iteration) 413 past `limit`, 400 for
 *   data that is not in the coding it claims; a failure of `source` as it is.
 * @example
 * ```ts
 * for await (const chunk of decodeBody(environ['tsgi.input'], ['gzip'], 1024 * 1024)) use(chunk);
 * ```
 */
export async function* decodeBody(source: AsyncIterable<Uint8Array>, codings: readonly RequestCoding[], limit: number): AsyncGenerator<Uint8Array> {
  let layer: AsyncIterable<Uint8Array> = capped(source, limit, 'compressed request body');
  for (let i = codings.length - 1; i >= 0; i--) layer = decodeLayer(layer, codings[i] as RequestCoding);
  let total = 0;
  try {
    for await (const chunk of layer) {
      total += chunk.length;
      if (total > limit) throw new HttpError(413, `decompressed request body exceeds the limit of ${limit} bytes`);
      yield chunk;
    }
  } catch (error) {
    throw error instanceof SourceFailure ? error.cause : error;
  }
}

async function* capped(source: AsyncIterable<Uint8Array>, limit: number, what: string): AsyncGenerator<Uint8Array> {
  let total = 0;
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    let result: IteratorResult<Uint8Array>;
    try {
      result = await iterator.next();
    } catch (error) {
      throw new SourceFailure('request body failed', { cause: error });
    }
    if (result.done === true) return;
    total += result.value.length;
    // Thrown as a source failure too, so that it reaches the reader unchanged.
    if (total > limit) throw new SourceFailure(what, { cause: new HttpError(413, `${what} exceeds the limit of ${limit} bytes`) });
    yield result.value;
  }
}

async function* decodeLayer(source: AsyncIterable<Uint8Array>, coding: RequestCoding): AsyncGenerator<Uint8Array> {
  let input = source;
  let decoder: Transform;
  if (coding === 'deflate') {
    const sniffed = await sniff(source);
    input = sniffed.input;
    decoder = sniffed.zlibWrapped ? createInflate() : createInflateRaw();
  } else decoder = coding === 'gzip' ? createGunzip() : createBrotliDecompress();
  const stream = pipeline(Readable.from(input, { objectMode: false }), decoder, () => undefined);
  try {
    // Iterating a stream reads it only as fast as this loop is pulled, and
    // leaving the loop destroys the chain.
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof SourceFailure || error instanceof HttpError) throw error;
    throw new HttpError(400, `request body is not valid ${coding} data (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Whether a `deflate` body carries the zlib wrapper RFC 9110 §8.4.1.2 asks
 * for, judged by its first two bytes (a zlib header names method 8 and is a
 * multiple of 31); some senders omit it and send raw deflate, which is
 * accepted too. The bytes looked at are handed on with the rest.
 */
async function sniff(source: AsyncIterable<Uint8Array>): Promise<{ input: AsyncIterable<Uint8Array>; zlibWrapped: boolean }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  while (have < 2) {
    const result = await iterator.next();
    if (result.done === true) {
      ended = true;
      break;
    }
    head.push(result.value);
    have += result.value.length;
  }
  const first = Buffer.concat(head, have);
  const zlibWrapped = have >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0;
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (have > 0) yield first;
    if (ended) return;
    for (let result = await iterator.next(); result.done !== true; result = await iterator.next()) yield result.value;
  }
  return { input: rest(), zlibWrapped };
}
