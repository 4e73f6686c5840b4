/**
 * What a multipart body is made of, as the streaming reader hands it out,
 * and the boundary that separates its parts.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { HttpError } from '../gateway/http-error.js';
import type { Environ } from '../gateway/types.js';
import { parseMediaType } from './media-type.js';

/** The media type of a form with files. */
export const MULTIPART = 'multipart/form-data';
// RFC 2046 §5.1.1: 1 to 70 bchars, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * A text field of a multipart body.
 *
 * @example
 * ```ts
 * if (part.kind === 'field') fields[part.name] = part.value;
 * ```
 *
 * @category Multipart and uploads
 */
export interface MultipartField {
  /** Tells fields from files. */
  kind: 'field';
  /** The field name (`''` when the part names none). */
  name: string;
  /** The value, decoded by the part's charset (UTF-8 by default). */
  value: string;
}

/**
 * A file part of a multipart body. Its data arrives through `stream`, with
 * backpressure: the body is read from the client only as fast as the stream
 * is consumed. A stream left unread when the iteration moves on is drained;
 * destroying it instead aborts the whole body.
 *
 * @example
 * ```ts
 * if (part.kind === 'file') await pipeline(part.stream, createWriteStream(target));
 * ```
 *
 * @category Multipart and uploads
 */
export interface MultipartFile {
  /** Tells files from fields. */
  kind: 'file';
  /** The form field name (`''` when the part names none). */
  name: string;
  /**
   * The file name the client gave, without any directory part, `''` if none.
   * It is the client's text: never use it as a path.
   */
  filename: string;
  /** The part's declared media type, `application/octet-stream` or `text/plain` by default. */
  mimeType: string;
  /** The part's Content-Transfer-Encoding, usually `7bit` (browsers send raw bytes). */
  encoding: string;
  /** The file's bytes. */
  stream: Readable;
}

/**
 * One part of a multipart body.
 *
 * @example
 * ```ts
 * const describe = (part: MultipartPart) => (part.kind === 'file' ? part.filename : part.value);
 * ```
 *
 * @category Multipart and uploads
 */
export type MultipartPart = MultipartField | MultipartFile;

/**
 * What {@link multipart} returns: an async iterator of parts whose
 * `return()` (called by `break` in a `for await` loop) stops reading.
 *
 * @example
 * ```ts
 * const parts: MultipartIterator = multipart(environ);
 * const first = await parts.next();
 * await parts.return(); // done with the body
 * ```
 *
 * @category Multipart and uploads
 */
export interface MultipartIterator extends AsyncIterableIterator<MultipartPart> {
  /** Stops reading the body and releases the parser; pending file streams are destroyed. */
  return(): Promise<IteratorResult<MultipartPart>>;
}

/**
 * The boundary of a `multipart/form-data` request.
 *
 * @throws {@link tsgi!HttpError} 415 for another type, 400 for a missing or invalid boundary.
 * @example
 * ```ts
 * multipartBoundary({ ...environ, CONTENT_TYPE: 'multipart/form-data; boundary=xyz' }); // 'xyz'
 * ```
 */
export function multipartBoundary(environ: Environ): string {
  const type = parseMediaType(environ.CONTENT_TYPE);
  if (type?.essence !== MULTIPART) {
    const got = environ.CONTENT_TYPE === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(environ.CONTENT_TYPE.slice(0, 100))}`;
    throw new HttpError(415, `Expected ${MULTIPART}, got ${got}`, { headers: [['Accept-Post', MULTIPART]] });
  }
  const boundary = type.params.boundary;
  if (boundary === undefined || boundary === '') throw new HttpError(400, `Malformed ${MULTIPART} request: the Content-Type has no boundary`);
  if (!BOUNDARY.test(boundary)) throw new HttpError(400, `Malformed ${MULTIPART} request: invalid boundary ${JSON.stringify(boundary.slice(0, 80))}`);
  return boundary;
}
