/**
 * Telling a client that went away from a failure of the app, so that the
 * first costs the log one short line and the second keeps its stack.
 *
 * @module
 */

/**
 * The error `tsgi.input` fails with when the client disconnects before the
 * request body is complete.
 *
 * @example
 * ```ts
 * try { await readBody(environ); } catch (error) { if (error instanceof ClientGoneError) return; throw error; }
 * ```
 */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  /** The same code Node gives a request aborted by its client. */
  readonly code = 'ECONNRESET';
}

// What a socket, a stream or the lifecycle fail with when the peer is gone.
const ABORT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);
const ABORT_MESSAGES = new Set(['the client disconnected', 'aborted']);

/**
 * Whether `error` (or an error it wraps as its `cause`) says the client
 * went away, rather than that the app failed.
 *
 * @example
 * ```ts
 * isClientAbort(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })); // true
 * isClientAbort(new TypeError('x is undefined')); // false
 * ```
 */
export function isClientAbort(error: unknown): boolean {
  for (let depth = 0; depth < 4 && error instanceof Error; depth++) {
    if (error instanceof ClientGoneError) return true;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && ABORT_CODES.has(code)) return true;
    if (ABORT_MESSAGES.has(error.message)) return true;
    error = error.cause;
  }
  return false;
}

/**
 * A byte count for a log line: bytes below 1 KiB, else whole KiB.
 *
 * @example
 * ```ts
 * formatSize(12_345); // '12 KiB'
 * ```
 */
export function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KiB`;
}
