/**
 * Small helpers on response header lists.
 *
 * @module
 */
import type { ResponseHeaders } from '../gateway/types.js';

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
