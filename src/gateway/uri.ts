/**
 * URL helpers over an environ, after PEP 3333's "URL Reconstruction".
 *
 * @module
 */
import type { Environ } from './types.js';

/**
 * Moves the first segment of `PATH_INFO` to the end of `SCRIPT_NAME` and
 * returns it, for apps that dispatch one segment at a time. Returns
 * `undefined` when `PATH_INFO` is empty, and `''` (changing nothing) when it
 * is just `/` (or only slashes).
 *
 * @example
 * ```ts
 * // SCRIPT_NAME '/app', PATH_INFO '/users/42'
 * shiftPathInfo(environ); // 'users'; now SCRIPT_NAME '/app/users', PATH_INFO '/42'
 * ```
 *
 * @category Helpers
 */
export function shiftPathInfo(environ: Environ): string | undefined {
  const pathInfo = environ.PATH_INFO;
  if (pathInfo === '') return undefined;
  // Leading empty segments ('//b') are skipped, as wsgiref does: shifting one
  // would leave SCRIPT_NAME ending in '/', which the gateway forbids.
  const start = pathInfo.search(/[^/]/);
  if (start === -1) return '';
  const end = pathInfo.indexOf('/', start);
  const segment = end === -1 ? pathInfo.slice(start) : pathInfo.slice(start, end);
  environ.SCRIPT_NAME = `${environ.SCRIPT_NAME}/${segment}`;
  environ.PATH_INFO = end === -1 ? '' : pathInfo.slice(end);
  return segment;
}

/**
 * The scheme, host and mount point of the app: where `SCRIPT_NAME` begins.
 * Uses the `Host` header when present, else `SERVER_NAME` and `SERVER_PORT`.
 *
 * @example
 * ```ts
 * applicationUri(environ); // 'http://localhost:8080/blog'
 * ```
 *
 * @category Helpers
 */
export function applicationUri(environ: Environ): string {
  return hostUri(environ) + (quotePath(environ.SCRIPT_NAME) || '/');
}

/**
 * The full URL of the request, re-encoded from `SCRIPT_NAME` and `PATH_INFO`,
 * with the query string unless `includeQuery` is false.
 *
 * @example
 * ```ts
 * requestUri(environ);        // 'http://localhost:8080/blog/my%20entry?type=atom'
 * requestUri(environ, false); // 'http://localhost:8080/blog/my%20entry'
 * ```
 *
 * @category Helpers
 */
export function requestUri(environ: Environ, includeQuery = true): string {
  const path = quotePath(environ.SCRIPT_NAME + environ.PATH_INFO) || '/';
  const query = includeQuery && environ.QUERY_STRING !== '' ? `?${environ.QUERY_STRING}` : '';
  return hostUri(environ) + path + query;
}

function hostUri(environ: Environ): string {
  const scheme = environ['tsgi.url_scheme'];
  const host = environ.HTTP_HOST;
  if (host !== undefined && host !== '') return `${scheme}://${host}`;
  const port = environ.SERVER_PORT;
  const defaultPort = scheme === 'https' ? '443' : '80';
  const name = environ.SERVER_NAME.includes(':') ? `[${environ.SERVER_NAME}]` : environ.SERVER_NAME;
  return `${scheme}://${name}${port === defaultPort ? '' : `:${port}`}`;
}

const PATH_SAFE = /%(?:3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/g;

/**
 * Percent-encodes a decoded path for use in a URL, keeping `/` and the
 * characters RFC 3986 allows unencoded in a path segment.
 *
 * @example
 * ```ts
 * quotePath('/my entry/ü'); // '/my%20entry/%C3%BC'
 * ```
 *
 * @category Helpers
 */
export function quotePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(PATH_SAFE, decodeURIComponent))
    .join('/');
}
