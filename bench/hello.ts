/**
 * The one response every benchmarked server must send, byte for byte (apart
 * from the connection headers and `Date`, which the HTTP layer owns).
 *
 * @module
 */

/**
 * The response body. A trailing newline keeps `curl` output tidy and makes the
 * body length (13) distinct from header-sized numbers in a diff.
 *
 * @example
 * ```ts
 * res.end(HELLO_BODY);
 * ```
 */
export const HELLO_BODY = 'Hello world!\n';

/**
 * The response's `Content-Type`, spelled exactly as each server must send it.
 *
 * @example
 * ```ts
 * startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
 * ```
 */
export const HELLO_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * The body's length in bytes, for servers that want an explicit
 * `Content-Length` rather than computing it per request.
 *
 * @example
 * ```ts
 * res.writeHead(200, { 'Content-Length': HELLO_LENGTH });
 * ```
 */
export const HELLO_LENGTH = Buffer.byteLength(HELLO_BODY);
