/**
 * What a host supplies to the response lifecycle: where the bytes go. The
 * rules of the response live in the lifecycle; a host only moves bytes, as
 * each transport of a WSGI server overrides only its writes.
 *
 * @module
 */
import type { Chunk } from '../types.js';
import type { BodyOutcome } from './body-proxy.js';
import type { ResponseHead } from './head.js';

/**
 * A host's side of one response. The lifecycle calls `head` once, then
 * `send` any number of times, then `end` or `abort` once, and `finished`
 * once at the very end, after the body's `return()` has run.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const transport: Transport = {
 *   gone: () => false,
 *   head: (head, length) => console.log(head.code, length),
 *   send: (chunk) => { parts.push(chunkBytes(chunk)); return true; },
 *   end: (last) => { if (last !== undefined) parts.push(chunkBytes(last)); },
 *   abort: () => console.log('cut short'),
 *   drained: () => Promise.resolve(),
 *   finished: (outcome) => console.log(outcome),
 *   log: (error) => console.error(error),
 * };
 * ```
 *
 * @category Response lifecycle
 */
export interface Transport {
  /** Whether the client has gone away, so that nothing more can reach it. */
  gone(): boolean;
  /**
   * Sends the status and headers. `length` is the size of the whole body
   * when the lifecycle knows it and the app declared none (the host should
   * then frame it with a Content-Length), else -1.
   */
  head(head: ResponseHead, length: number): void;
  /** Sends body bytes; returns false when more should wait for {@link Transport.drained}. */
  send(chunk: Chunk): boolean;
  /** Ends the response, after `last` when given. */
  end(last: Chunk | undefined): void;
  /** Cuts the response short, so that the client sees it truncated. */
  abort(): void;
  /** Resolves once more can be sent, or once the client is gone. */
  drained(): Promise<void>;
  /** How the response ended, with the error for `error`; called once. */
  finished(outcome: BodyOutcome, error: unknown): void;
  /** Writes a failure to the server's log, with `what` naming where it came from. */
  log(error: unknown, what: string): void;
}
