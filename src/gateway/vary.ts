/**
 * The `Vary` response header, kept as one field as responses are assembled.
 *
 * @module
 */
import type { ResponseHeaders } from './types.js';

/**
 * Adds `token` to the `Vary` header in `headers`, merging it into a `Vary`
 * already there (case-insensitively, once) and leaving `Vary: *` alone.
 *
 * @example
 * ```ts
 * const headers: ResponseHeaders = [['Vary', 'Cookie']];
 * addVary(headers, 'Accept'); // headers: [['Vary', 'Cookie, Accept']]
 * ```
 */
export function addVary(headers: ResponseHeaders, token: string): void {
  const lower = token.toLowerCase();
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    if (name.toLowerCase() !== 'vary') continue;
    const tokens = value.split(',').map((item) => item.trim().toLowerCase());
    // A fresh pair: the list may share its pairs with the app's own arrays.
    if (!tokens.includes(lower) && !tokens.includes('*')) headers[i] = [name, `${value}, ${token}`];
    return;
  }
  headers.push(['Vary', token]);
}
