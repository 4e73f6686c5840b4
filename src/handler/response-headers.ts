/**
 * Small helpers on response header lists.
 *
 * @module
 */
import type { ResponseHeaders } from '../gateway/types.js';

// Adds a token to Vary, merging with a Vary already there.
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

export function hasHeader(headers: ResponseHeaders, lowerName: string): boolean {
  for (const [name] of headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

// 1xx, 204 and 304 carry no content, so they must not describe any.
export function withoutContentHeaders(headers: ResponseHeaders): ResponseHeaders {
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'content-type' && lower !== 'content-length';
  });
}
