/**
 * Reading the request target: splitting path from query, decoding the path,
 * and the rarer absolute form.
 *
 * @module
 */

/**
 * A request target taken apart. `host` is set only for the absolute form,
 * whose authority replaces the `Host` header (RFC 9112 §3.2.2).
 *
 * @example
 * ```ts
 * const target: Target = { path: '/a%20b', query: 'x=1', host: undefined };
 * ```
 */
export interface Target {
  /** The raw, still percent-encoded path. */
  path: string;
  /** The raw query without `?`, possibly empty. */
  query: string;
  /** The authority of an absolute-form target. */
  host: string | undefined;
}

/**
 * Splits an absolute-form target (`http://host/path?query`, as sent to
 * proxies). Returns `undefined` for anything else that is not origin form
 * (`/path?query`), which the server answers with 400.
 *
 * @example
 * ```ts
 * splitAbsoluteTarget('http://example.com/a?b'); // { path: '/a', query: 'b', host: 'example.com' }
 * splitAbsoluteTarget('example.com');            // undefined
 * ```
 */
export function splitAbsoluteTarget(target: string): Target | undefined {
  const schemeEnd = target.indexOf('://');
  if (schemeEnd === -1) return undefined;
  const scheme = target.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const rest = target.slice(schemeEnd + 3);
  let authorityEnd = rest.search(/[/?]/);
  if (authorityEnd === -1) authorityEnd = rest.length;
  const host = rest.slice(0, authorityEnd);
  if (host === '' || host.includes('@')) return undefined;
  const pathAndQuery = rest.slice(authorityEnd);
  const question = pathAndQuery.indexOf('?');
  const path = question === -1 ? pathAndQuery : pathAndQuery.slice(0, question);
  return {
    // `http://host?q` names the root, like `http://host/?q`.
    path: path === '' ? '/' : path,
    query: question === -1 ? '' : pathAndQuery.slice(question + 1),
    host,
  };
}

/**
 * Percent-decodes a path as UTF-8. Returns `undefined` when the encoding is
 * malformed (`%zz`, a truncated `%A`) or the bytes are not UTF-8 (`%C3%28`),
 * which the server answers with 400 rather than guessing.
 *
 * @example
 * ```ts
 * decodePath('/caf%C3%A9'); // '/café'
 * decodePath('/%zz');       // undefined
 * ```
 */
export function decodePath(path: string): string | undefined {
  if (path.indexOf('%') === -1) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
