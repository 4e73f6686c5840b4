/**
 * The hello response every hello server must send, byte for byte (apart from
 * `Date` and the connection headers, which the HTTP layer owns).
 *
 * @module
 */

/** The body; its trailing newline keeps `curl` output tidy. */
export const HELLO_BODY = 'Hello world!\n';
/** The `Content-Type`, spelled exactly as each server must send it. */
export const HELLO_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** The body's length in bytes, for servers that set `Content-Length` themselves. */
export const HELLO_LENGTH = Buffer.byteLength(HELLO_BODY);
