/**
 * Content negotiation on the `Accept` header, through the `negotiator`
 * package.
 *
 * @module
 */
import Negotiator from 'negotiator';
import { HttpError } from '../gateway/http-error.js';

/**
 * The most preferred of `available` for an `Accept` header value, or
 * `undefined` when none is acceptable. A missing `Accept` accepts anything,
 * so the first available type wins; ties also go to the earlier type.
 *
 * @example
 * ```ts
 * preferredMediaType('text/html,application/json;q=0.9', ['application/json', 'text/html']); // 'text/html'
 * preferredMediaType(undefined, ['text/plain', 'text/html']);                               // 'text/plain'
 * preferredMediaType('image/png', ['text/plain']);                                           // undefined
 * ```
 *
 * @category Negotiation
 */
export function preferredMediaType(accept: string | undefined, available: readonly string[]): string | undefined {
  const headers = accept === undefined ? {} : { accept };
  return new Negotiator({ headers }).mediaType(available);
}

/**
 * Like {@link preferredMediaType}, but refuses with a 406 that lists the
 * available types when none is acceptable.
 *
 * @throws {@link tsgi!HttpError} 406 when nothing in `available` is acceptable.
 * @example
 * ```ts
 * const type = negotiateMediaType(environ.HTTP_ACCEPT, ['text/html', 'application/json']);
 * ```
 *
 * @category Negotiation
 */
export function negotiateMediaType(accept: string | undefined, available: readonly string[]): string {
  if (available.length === 0) throw new TypeError('negotiate needs at least one available media type');
  const chosen = preferredMediaType(accept, available);
  if (chosen === undefined) {
    throw new HttpError(406, `None of the available media types is acceptable: ${available.join(', ')}`, {
      headers: [['Vary', 'Accept']],
      extensions: { available: [...available] },
    });
  }
  return chosen;
}
