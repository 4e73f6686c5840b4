/**
 * Recognising a promise, or anything that behaves as one.
 *
 * @module
 */

/**
 * Whether `value` is a thenable in the Promises/A+ sense: an object or a
 * function with a `then` method. Hosts, the validator and the handler layer
 * all await what this accepts, so they agree on what an app's answer is.
 *
 * @example
 * ```ts
 * isThenable(Promise.resolve([]));       // true
 * isThenable({ then: (ok) => ok([]) });  // true
 * isThenable(['Hello world!\n']);        // false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    ((typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function')
  );
}
