/**
 * What a body proxy is told and asks: the hooks a middleware gives
 * `proxyBody`, and how a body ended.
 *
 * @module
 */
import type { Chunk } from '../types.js';

/**
 * How a body ended: sent whole (`complete`: its iterator was exhausted, or
 * every byte the response declared was sent), failed (`error`), or closed
 * early because the client went away (`gone`).
 *
 * @example
 * ```ts
 * const outcome: BodyOutcome = 'gone'; // the client left mid-stream
 * ```
 *
 * @category Response lifecycle
 */
export type BodyOutcome = 'complete' | 'error' | 'gone';

/**
 * What {@link proxyBody} calls. Every hook is optional. For a sync body the
 * hooks must answer synchronously, so that the body stays sync and hosts
 * keep their fast path; pass `{ async: true }` to use promises.
 *
 * @example
 * ```ts
 * let bytes = 0;
 * const hooks: BodyHooks = {
 *   chunk: (chunk) => { bytes += chunkLength(chunk); return chunk; },
 *   end: (outcome) => console.log(outcome, bytes),
 * };
 * ```
 *
 * @category Response lifecycle
 */
export interface BodyHooks {
  /** Each chunk on its way out; returns what to send instead: the chunk, several, or none (`[]`). */
  chunk?(chunk: Chunk): Chunk | readonly Chunk[] | Promise<Chunk | readonly Chunk[]>;
  /** When the body is exhausted, before that is reported: chunks to send after it. */
  flush?(): readonly Chunk[] | undefined | Promise<readonly Chunk[] | undefined>;
  /** An error from the body: chunks to send in its place, or `undefined` to let it propagate. */
  fail?(error: unknown): readonly Chunk[] | undefined;
  /**
   * The bytes that complete the response (its declared Content-Length, or 0
   * for one without a body), or -1 when only the body's end decides; a
   * `return()` once they have been sent counts as `complete`, not `gone`.
   */
  limit?(): number;
  /**
   * Called once, after the inner iterator's `return()` has run. An async
   * proxy waits for the promise it returns before it reports its own end,
   * and a rejection becomes the body's error: work that must be done before
   * the host finishes the response (saving a session) goes here.
   */
  end?(outcome: BodyOutcome, error?: unknown): void | Promise<void>;
}

/**
 * Options for {@link proxyBody}.
 *
 * @example
 * ```ts
 * const options: ProxyOptions = { async: true }; // the hooks return promises
 * ```
 *
 * @category Response lifecycle
 */
export interface ProxyOptions {
  /** Make the proxy async even for a sync body, so that hooks may return promises. */
  async?: boolean;
  /**
   * Chunks to yield before the body's own: one already pulled from it, say,
   * to learn the status of an app that calls `startResponse` late.
   */
  prefix?: readonly Chunk[];
}
