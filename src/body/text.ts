/**
 * Request bodies as text, decoded by the charset their `Content-Type` names.
 *
 * @module
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { HttpError } from '../gateway/http-error.js';
import type { Environ } from '../gateway/types.js';
import { parseMediaType } from './media-type.js';
import { readBody, type BodyOptions } from './read.js';

/**
 * Decodes `bytes` as `charset` (any WHATWG encoding label, e.g. `utf-8`,
 * `iso-8859-1`, `shift_jis`). A UTF-8 byte-order mark is dropped. Bytes that
 * are not valid in that charset are a client error rather than silently
 * replaced, so nothing the client meant is lost unnoticed.
 *
 * @throws {@link tsgi!HttpError} 415 for a charset this runtime cannot decode,
 *   400 for bytes that are not valid in it.
 * @example
 * ```ts
 * decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1'); // 'café'
 * ```
 *
 * @category Whole bodies
 */
export function decodeText(bytes: Uint8Array, charset = 'utf-8'): string {
  // UTF-8 is nearly every body: checked and decoded in C++ by Buffer,
  // several times cheaper than a fatal TextDecoder for the small bodies
  // most requests carry. Invalid bytes take the decoder's path for its error.
  if ((charset === 'utf-8' || charset === 'utf8') && isUtf8(bytes)) {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bom = view.length >= 3 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf;
    return view.toString('utf8', bom ? 3 : 0);
  }
  const decoder = decoderFor(charset);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new HttpError(400, `Request body is not valid ${decoder.encoding}`);
  }
}

// A non-streaming decode() leaves a decoder as it found it, even when it
// throws, so one decoder per label serves every request. Only labels the
// runtime knows are kept, and few exist, but the map is capped all the same.
const decoders = new Map<string, TextDecoder>();
const MAX_DECODERS = 64;

function decoderFor(charset: string): TextDecoder {
  const cached = decoders.get(charset);
  if (cached !== undefined) return cached;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new HttpError(415, `Unsupported charset ${JSON.stringify(charset.slice(0, 40))}; send UTF-8`);
  }
  if (decoders.size < MAX_DECODERS) decoders.set(charset, decoder);
  return decoder;
}

/**
 * Reads the whole body as a string, decoded by the `charset` parameter of
 * its `Content-Type` (UTF-8 when there is none). Any media type is accepted;
 * check it yourself, or use {@link readJson} or {@link parseBody}.
 *
 * @throws {@link tsgi!HttpError} 415 for an unknown charset, 400 for bytes invalid
 *   in it, 413 for a body over `options.limit` (default 1 MiB).
 * @example
 * ```ts
 * const note = await readText(environ, { limit: 16 * 1024 });
 * ```
 *
 * @category Whole bodies
 */
export async function readText(environ: Environ, options: BodyOptions = {}): Promise<string> {
  const charset = parseMediaType(environ.CONTENT_TYPE)?.params.charset ?? 'utf-8';
  // Checked first, so a body in a charset we cannot read is never buffered.
  decodeText(new Uint8Array(0), charset);
  const bytes: Buffer = await readBody(environ, options);
  return decodeText(bytes, charset);
}
