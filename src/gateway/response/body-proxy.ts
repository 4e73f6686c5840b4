/**
 * The one way middleware wraps a response body: see each chunk, add to the
 * end, answer an error, and learn exactly once how the body ended.
 *
 * @module
 */
import { openBody } from '../body.js';
import type { Body, Chunk } from '../types.js';
import type { BodyHooks, ProxyOptions } from './body-hooks.js';
import { AsyncProxy, SyncProxy } from './proxies.js';

export type { BodyHooks, BodyOutcome, ProxyOptions } from './body-hooks.js';

/**
 * Returns a body that yields what `body` yields, through `hooks`. It takes
 * the inner iterator only when its own is taken, calls the inner `return()`
 * exactly once however the body ends (even when closed before its first
 * `next()`), and calls `hooks.end` once after it. A sync body stays sync
 * unless `options.async` is set.
 *
 * @example
 * ```ts
 * const timed: App = async (environ, startResponse) => {
 *   const started = performance.now();
 *   const body = await app(environ, startResponse);
 *   return proxyBody(body, { end: (outcome) => console.log(outcome, performance.now() - started) });
 * };
 * ```
 *
 * @category Response lifecycle
 */
export function proxyBody(body: Body, hooks: BodyHooks, options: ProxyOptions = {}): Body {
  const isAsync = typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function';
  const prefix = options.prefix ?? [];
  return isAsync || options.async === true ? new AsyncProxy(body, hooks, prefix) : new SyncProxy(body as Iterable<Chunk>, hooks, prefix);
}

/**
 * Closes a body that will not be sent: takes its iterator and calls its
 * `return()`, so a generator's `finally` blocks run. Resolves to the error
 * `return()` threw, if any, rather than rejecting.
 *
 * @example
 * ```ts
 * const failure = await closeBody(body); // this answer was dropped
 * ```
 *
 * @category Response lifecycle
 */
export async function closeBody(body: Body): Promise<unknown> {
  try {
    return await openBody(body).close();
  } catch (error) {
    // Taking the iterator threw; close() itself never rejects.
    return error ?? new Error('body iterator threw undefined');
  }
}
