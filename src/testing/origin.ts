/**
 * Where the test client pretends the server is. A `baseUrl` stands in for the
 * listening socket, so it may hold nothing a socket address would not: a
 * mount point belongs in `SCRIPT_NAME`, not in the URL.
 *
 * @module
 */
import { TestClientError } from './request.js';

/**
 * Where the test client pretends the server is, parsed from its `baseUrl`.
 *
 * @example
 * ```ts
 * parseBaseUrl('https://example.test:8443');
 * // { scheme: 'https', serverName: 'example.test', serverPort: '8443', host: 'example.test:8443' }
 * ```
 */
export interface Origin {
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /** The host name, without IPv6 brackets. */
  readonly serverName: string;
  /** The port in decimal, the scheme's default when the URL has none. */
  readonly serverPort: string;
  /** The `Host` header value: host name plus port when not the default. */
  readonly host: string;
}

/**
 * Parses a `baseUrl` such as `http://localhost:8080`.
 *
 * @throws {@link TestClientError} when it is not an http(s) URL, or has a
 *   path, query, fragment or credentials.
 * @example
 * ```ts
 * parseBaseUrl('http://localhost').serverPort; // '80'
 * ```
 */
export function parseBaseUrl(baseUrl: string): Origin {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TestClientError(`baseUrl ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TestClientError(`baseUrl must be http: or https:, got ${JSON.stringify(baseUrl)}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TestClientError(
      `baseUrl must be just scheme, host and port, got ${JSON.stringify(baseUrl)}; set a mount point with environ: { SCRIPT_NAME: '/app' }`,
    );
  }
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    scheme,
    serverName: hostname,
    serverPort: url.port !== '' ? url.port : scheme === 'https' ? '443' : '80',
    host: url.host,
  };
}
