/**
 * The one rule for whether a request carries a body, from its framing
 * (RFC 9112 §6.3), shared by every host, the body readers and parameter
 * binding so that they can never disagree.
 *
 * @module
 */
import type { Environ } from './types.js';

/**
 * Whether the request has a body: it was sent with a transfer coding
 * (`HTTP_TRANSFER_ENCODING`, which hosts also set for a body of unknown
 * length, such as a Fetch `Request` with a stream), or with a
 * `CONTENT_LENGTH` above zero. Without either, a request has no body
 * (RFC 9112 §6.3, rule 7), whatever its method or `CONTENT_TYPE`.
 *
 * @example
 * ```ts
 * hasRequestBody({ ...environ, CONTENT_LENGTH: '7' });               // true
 * hasRequestBody({ ...environ, HTTP_TRANSFER_ENCODING: 'chunked' }); // true
 * hasRequestBody({ ...environ, CONTENT_LENGTH: '0' });               // false
 * ```
 *
 * @category Apps and bodies
 */
export function hasRequestBody(environ: Environ): boolean {
  if (environ.HTTP_TRANSFER_ENCODING !== undefined) return true;
  const length = environ.CONTENT_LENGTH;
  return length !== undefined && length !== '' && !/^0+$/.test(length);
}
