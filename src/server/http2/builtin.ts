/**
 * node:http2, loaded on first use rather than with the server module: it
 * costs about 2 MiB of resident memory, which a server that never speaks
 * HTTP/2 should not pay. Only its types are imported statically.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as Http2 from 'node:http2';

let loaded: typeof Http2 | undefined;

/**
 * The node:http2 module, required synchronously the first time it is needed
 * (a builtin, so this never touches the file system).
 *
 * @example
 * ```ts
 * const session = http2().performServerHandshake(socket);
 * ```
 */
export function http2(): typeof Http2 {
  return (loaded ??= createRequire(import.meta.url)('node:http2') as typeof Http2);
}
