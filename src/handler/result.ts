/**
 * What a `doX` method hands back.
 *
 * @module
 */
import type { Chunk } from '../gateway/types.js';

/**
 * What a `doX` method may return, directly or through a promise: the whole
 * body as a string or bytes, an iterable or async iterable of chunks for a
 * streamed body, or nothing for an empty body.
 *
 * @example
 * ```ts
 * class Feed extends BaseHandler {
 *   doGET(): HandlerResult { return '<p>hi</p>'; }
 * }
 * ```
 *
 * @category Handler
 */
export type HandlerResult = string | Uint8Array | Iterable<Chunk> | AsyncIterable<Chunk> | void | null;
