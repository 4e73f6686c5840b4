/**
 * Request targets: what a test writes as a path, turned into the target an
 * HTTP client would put on the wire and the decoded `PATH_INFO` a server would
 * derive from it, failing where a server would answer 400.
 *
 * @module
 */
import { TestClientError } from './request.js';

/**
 * A request target split and decoded the way a server does it.
 *
 * @example
 * ```ts
 * parseTarget('/a%20b?x=1'); // { target: '/a%20b?x=1', rawPath: '/a%20b', query: 'x=1', pathInfo: '/a b' }
 * ```
 */
export interface Target {
  /** The target as sent: characters that may not appear in one are percent-encoded. */
  readonly target: string;
  /** The path part of `target`, still encoded. */
  readonly rawPath: string;
  /** The query string without `?`, undecoded. */
  readonly query: string;
  /** The path percent-decoded as UTF-8. */
  readonly pathInfo: string;
}

// What may appear unencoded in an origin-form request target (RFC 3986
// pchar, plus `/`, `?` and `%` itself).
const TARGET_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits a path such as `/a%20b?x=1` into path and query and percent-decodes
 * the path as UTF-8. Characters that may not appear in a request target
 * (spaces, non-ASCII, …) are percent-encoded first, as an HTTP client does.
 *
 * @throws {@link TestClientError} when the path does not start with `/`,
 *   holds a fragment (`#`), or is not valid percent-encoded UTF-8 (a server
 *   answers such a request with 400).
 * @example
 * ```ts
 * parseTarget('/caf%C3%A9').pathInfo; // '/café'
 * parseTarget('/café').target;        // '/caf%C3%A9'
 * ```
 */
export function parseTarget(path: string): Target {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TestClientError(`the path must start with "/", got ${JSON.stringify(path)}`);
  }
  if (path.includes('#')) {
    throw new TestClientError(`the path ${JSON.stringify(path)} holds a fragment ("#…"), which is never sent to a server`);
  }
  let target = '';
  for (const char of path) {
    if (TARGET_CHAR.test(char)) {
      target += char;
      continue;
    }
    try {
      target += encodeURIComponent(char);
    } catch {
      throw new TestClientError(`the path ${JSON.stringify(path)} holds a lone surrogate, which has no UTF-8 encoding`);
    }
  }
  const mark = target.indexOf('?');
  const rawPath = mark === -1 ? target : target.slice(0, mark);
  const query = mark === -1 ? '' : target.slice(mark + 1);
  return { target, rawPath, query, pathInfo: percentDecode(rawPath) };
}

function percentDecode(rawPath: string): string {
  if (!rawPath.includes('%')) return rawPath;
  const bytes: number[] = [];
  for (let i = 0; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code !== 0x25) {
      bytes.push(code);
      continue;
    }
    const hex = rawPath.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      throw new TestClientError(
        `bad percent-encoding ${JSON.stringify(rawPath.slice(i, i + 3))} in path ${JSON.stringify(rawPath)}: "%" must be followed by two hex digits (a server answers 400 Bad Request)`,
      );
    }
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    throw new TestClientError(`path ${JSON.stringify(rawPath)} is not valid UTF-8 once percent-decoded (a server answers 400 Bad Request)`);
  }
}
