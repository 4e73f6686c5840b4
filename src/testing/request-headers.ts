/**
 * Request headers as a test gives them, checked and merged the way they would
 * have to be to go on the wire. The client frames the body itself, so the
 * framing headers get their own rules here rather than being passed through.
 *
 * @module
 */
import { isFieldValue, isToken } from '../gateway/spec.js';
import { TestClientError, type RequestHeaders } from './request.js';

/**
 * Normalizes {@link RequestHeaders} to a list of pairs, checking each name
 * and value.
 *
 * @throws {@link TestClientError} for a name that is not a token or a value
 *   with CR, LF or other control characters.
 * @example
 * ```ts
 * headerPairs({ 'X-Tag': ['a', 'b'] }); // [['X-Tag', 'a'], ['X-Tag', 'b']]
 * ```
 */
export function headerPairs(headers: RequestHeaders | undefined): Array<[string, string]> {
  if (headers === undefined) return [];
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TestClientError(`each header must be a [name, value] pair, got ${JSON.stringify(pair)}`);
      }
      pairs.push([pair[0], pair[1]]);
    }
  } else {
    for (const [name, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[]>>)) {
      if (Array.isArray(value)) for (const item of value as readonly string[]) pairs.push([name, item]);
      else pairs.push([name, value as string]);
    }
  }
  for (const [name, value] of pairs) {
    if (typeof name !== 'string' || !isToken(name)) {
      throw new TestClientError(`header name ${JSON.stringify(name)} is not an HTTP token`);
    }
    if (typeof value !== 'string') {
      throw new TestClientError(`header ${name} must have a string value, got ${typeof value}`);
    }
    if (!isFieldValue(value)) {
      throw new TestClientError(`header ${name} has a control character (CR, LF, NUL, …) in its value`);
    }
  }
  return pairs;
}

/**
 * The headers one request sends: the client's defaults, less any name the
 * request gives itself, followed by the request's own. Names compare without
 * case, as HTTP field names do.
 *
 * @throws {@link TestClientError} for a malformed header in either set.
 * @example
 * ```ts
 * mergeHeaders({ Accept: 'text/html', 'X-Tag': 'a' }, { accept: 'application/json' });
 * // [['X-Tag', 'a'], ['accept', 'application/json']]
 * ```
 */
export function mergeHeaders(defaults: RequestHeaders | undefined, own: RequestHeaders | undefined): Array<[string, string]> {
  const requestHeaders = headerPairs(own);
  const replaced = new Set(requestHeaders.map(([name]) => name.toLowerCase()));
  return [...headerPairs(defaults).filter(([name]) => !replaced.has(name.toLowerCase())), ...requestHeaders];
}

/**
 * The body length the headers declare, if any. A test may send a wrong
 * `Content-Length` on purpose, so only what a server would reject outright
 * (not digits, or two that disagree) is refused.
 *
 * @throws {@link TestClientError} for a `Transfer-Encoding` header, or a
 *   `Content-Length` that is not decimal digits or conflicts with another.
 * @example
 * ```ts
 * declaredLength([['Content-Length', ' 12 ']]); // 12
 * declaredLength([['Accept', 'text/html']]);     // undefined
 * ```
 */
export function declaredLength(headers: ReadonlyArray<readonly [string, string]>): number | undefined {
  let declared: string | undefined;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') {
      throw new TestClientError('do not set Transfer-Encoding; pass an iterable body or chunked: true to send a chunked body');
    }
    if (lower === 'content-length') {
      const length = value.trim();
      if (!/^\d+$/.test(length)) {
        throw new TestClientError(`Content-Length must be decimal digits, got ${JSON.stringify(value)} (a server answers 400 Bad Request)`);
      }
      if (declared !== undefined && declared !== length) {
        throw new TestClientError(`conflicting Content-Length headers ${declared} and ${length} (a server answers 400 Bad Request)`);
      }
      declared = length;
    }
  }
  return declared === undefined ? undefined : Number(declared);
}
