/**
 * Refusing request bodies in a content coding nothing has decoded.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { Environ } from '../gateway/types.js';

/**
 * The content codings of the request body, outermost last, as its
 * `Content-Encoding` lists them (lowercased, `identity` left out): `[]` for a
 * body sent as it is.
 *
 * @example
 * ```ts
 * requestCodings({ ...environ, HTTP_CONTENT_ENCODING: 'gzip, BR' }); // ['gzip', 'br']
 * ```
 */
export function requestCodings(environ: Environ): string[] {
  const header = environ.HTTP_CONTENT_ENCODING;
  if (header === undefined) return [];
  const codings: string[] = [];
  for (const item of header.split(',')) {
    const coding = item.trim().toLowerCase();
    if (coding !== '' && coding !== 'identity') codings.push(coding);
  }
  return codings;
}

/**
 * Throws a 415 when the request has a body in a content coding: the body
 * readers see only the bytes as sent, and reading compressed bytes as the
 * body would store or parse what the client never meant. A decoder such as
 * the `decompress` middleware removes `HTTP_CONTENT_ENCODING` once it has
 * decoded the body, so its bodies pass. The answer carries
 * `Accept-Encoding: identity` (RFC 9110 §15.5.16).
 *
 * @throws {@link tsgi!HttpError} 415 naming the coding.
 * @example
 * ```ts
 * refuseEncodedBody({ ...environ, CONTENT_LENGTH: '20', HTTP_CONTENT_ENCODING: 'gzip' });
 * // throws 415 request bodies encoded with "gzip" are not accepted here
 * ```
 */
export function refuseEncodedBody(environ: Environ): void {
  const codings = requestCodings(environ);
  if (codings.length === 0 || !hasRequestBody(environ)) return;
  throw new HttpError(415, `request bodies encoded with ${JSON.stringify(codings.join(', ').slice(0, 100))} are not accepted here`, {
    headers: [['Accept-Encoding', 'identity']],
  });
}
