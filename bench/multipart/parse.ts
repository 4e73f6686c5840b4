/**
 * The parse half of the bench: `multipart()` against busboy alone on the
 * same bytes, in process.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ChunkInput, type Environ } from '../../src/gateway/index.js';
import { multipart, type MultipartLimits } from '../../src/body/index.js';
import { CONTENT_TYPE } from './body.js';

/** One way of parsing a body: resolves with the payload bytes it saw. */
export type Parser = (chunks: readonly Buffer[], length: number, limits: MultipartLimits) => Promise<number>;

/**
 * busboy alone, written to with backpressure, file data counted on 'data'.
 * It gets the same write buffer as `multipart()` gives it, so the ratio
 * measures tsgi's layer and not a setting.
 */
export const busboyAlone: Parser = async (chunks, _length, limits) => {
  let bytes = 0;
  const parser = busboy({
    headers: { 'content-type': CONTENT_TYPE },
    defParamCharset: 'utf8',
    highWaterMark: 256 * 1024,
    limits: { fileSize: limits.fileSize, files: limits.files, fields: limits.fields, fieldSize: limits.fieldSize },
  });
  parser.on('field', (_name: string, value: string) => {
    bytes += value.length;
  });
  parser.on('file', (_name: string, stream: Readable) => {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
  });
  const closed = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    parser.once('error', reject);
  });
  for (const chunk of chunks) if (!parser.write(chunk)) await once(parser, 'drain');
  parser.end();
  await closed;
  return bytes;
};

/** tsgi's `multipart()` over a `tsgi.input`, as an app would call it. */
export const tsgiMultipart: Parser = async (chunks, length, limits) => {
  let bytes = 0;
  async function* source(): AsyncGenerator<Uint8Array> {
    yield* chunks;
  }
  const environ = {
    REQUEST_METHOD: 'POST',
    CONTENT_TYPE,
    CONTENT_LENGTH: String(length),
    'tsgi.input': new ChunkInput(source()),
    'tsgi.input_terminated': true,
  } as unknown as Environ;
  for await (const part of multipart(environ, { limits })) {
    if (part.kind === 'field') {
      bytes += part.value.length;
    } else {
      part.stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
    }
  }
  return bytes;
};
