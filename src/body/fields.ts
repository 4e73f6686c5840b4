/**
 * Form fields from a request body.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { Environ } from '../gateway/types.js';
import { collectMultipart } from './form-collect.js';
import { parseMediaType } from './media-type.js';
import type { MultipartLimits } from './multipart-limits.js';
import { readBody, type ReadBodyOptions } from './read.js';
import { parseUrlEncoded, parseUrlEncodedBytes, type FieldRecord, type UrlEncodedOptions } from './urlencoded.js';

/**
 * Options for {@link parseFields}.
 *
 * @example
 * ```ts
 * const options: ParseFieldsOptions = { limit: 16 * 1024, maxFields: 50 };
 * ```
 *
 * @category Forms
 */
export interface ParseFieldsOptions extends ReadBodyOptions, UrlEncodedOptions {
  /** Limits on a multipart body's parts; see {@link MultipartLimits}. */
  limits?: MultipartLimits;
}

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const TEXT_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * Reads the fields of an `application/x-www-form-urlencoded` or
 * `multipart/form-data` body into a null-prototype {@link FieldRecord}. The
 * files of a multipart body are read and dropped (use {@link readForm} or
 * {@link saveFiles} to keep them), and count towards `options.limit`. A
 * request with no body gives no fields.
 *
 * @throws {@link tsgi!HttpError} 415 for another Content-Type or charset, 413 for a
 *   body over the limit (default 1 MiB), too many fields or another multipart
 *   limit, 400 for malformed percent-encoding or a field that is not UTF-8
 *   (naming it).
 * @example
 * ```ts
 * const fields = await parseFields(environ);
 * const guess = fields.myparam?.[0];
 * ```
 *
 * @category Forms
 */
export async function parseFields(environ: Environ, options: ParseFieldsOptions = {}): Promise<FieldRecord> {
  const type = parseMediaType(environ.CONTENT_TYPE);
  if (type?.essence === MULTIPART) return (await collectMultipart(environ, options, false)).fields;
  // Refuse a wrong type before reading, so a large upload of the wrong kind
  // costs nothing; an absent type is judged once we know a body came.
  if (type !== undefined && type.essence !== FORM && hasRequestBody(environ)) throw unsupported(environ.CONTENT_TYPE);
  const charset = type?.params.charset?.toLowerCase();
  if (charset !== undefined && !TEXT_CHARSETS.has(charset)) {
    throw new HttpError(415, `Unsupported charset ${JSON.stringify(charset)}: form bodies must be UTF-8`);
  }
  const body = await readBody(environ, options);
  if (body.length === 0) return parseUrlEncoded('');
  if (type === undefined) throw unsupported(undefined);
  return parseUrlEncodedBytes(body, options);
}

function unsupported(contentType: string | undefined): HttpError {
  const got = contentType === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(contentType)}`;
  return new HttpError(415, `Expected ${FORM} or ${MULTIPART}, got ${got}`, { headers: [['Accept-Post', `${FORM}, ${MULTIPART}`]] });
}
