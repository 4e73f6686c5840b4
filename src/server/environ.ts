/**
 * Building the environ of one request from Node's `IncomingMessage`.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Environ, ErrorStream, InputStream } from '../gateway/types.js';

/**
 * What every request of one server shares: fixed environ values and the
 * server's state as request handling needs it.
 *
 * @example
 * ```ts
 * const context: ServerContext = {
 *   errors: streamErrors(), urlScheme: 'http', multiprocess: false, scriptName: '',
 *   serverName: '127.0.0.1', serverPort: '8080', closing: false, closeIdle: () => {},
 *   allowsHost: () => true,
 * };
 * ```
 */
export interface ServerContext {
  /** `tsgi.errors`, also where the server logs app failures. */
  readonly errors: ErrorStream;
  /** `tsgi.url_scheme`. */
  readonly urlScheme: string;
  /** `tsgi.multiprocess`. */
  readonly multiprocess: boolean;
  /** The mount prefix, `SCRIPT_NAME`. */
  readonly scriptName: string;
  /** `SERVER_NAME`. */
  serverName: string;
  /** `SERVER_PORT`, known once the server listens. */
  serverPort: string;
  /** Set once the server is closing, so responses stop offering keep-alive. */
  closing: boolean;
  /** Closes the server's idle connections. */
  readonly closeIdle: () => void;
  /**
   * Whether a request may name this host: its name lower-cased, without
   * the port. The request is passed for checks that depend on the
   * connection, such as the address it reached.
   */
  readonly allowsHost: (name: string, req: IncomingMessage) => boolean;
}

const VERSION: readonly [number, number] = Object.freeze([1, 0] as const);

// Header names repeat endlessly (and in few spellings), so each is converted
// once. The cap keeps a client inventing names from growing the map forever.
const KEYS = new Map<string, string>();
const MAX_CACHED_KEYS = 1024;

/**
 * The environ key for a request header name: `HTTP_` plus the name upper-cased
 * with `-` as `_`; `CONTENT_TYPE` and `CONTENT_LENGTH` for those two. Names
 * containing `_` map to `''` (dropped): `X_Forwarded_For` would otherwise
 * be indistinguishable from `X-Forwarded-For`, a header a proxy in front may
 * have vetted.
 *
 * @example
 * ```ts
 * headerKey('User-Agent');   // 'HTTP_USER_AGENT'
 * headerKey('content-type'); // 'CONTENT_TYPE'
 * headerKey('X_Sneaky');     // ''
 * ```
 */
export function headerKey(name: string): string {
  let key = KEYS.get(name);
  if (key === undefined) {
    key = convertName(name);
    if (KEYS.size < MAX_CACHED_KEYS) KEYS.set(name, key);
  }
  return key;
}

function convertName(name: string): string {
  if (name.includes('_')) return '';
  const upper = name.toUpperCase().replaceAll('-', '_');
  return upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`;
}

/**
 * Builds the environ of a request whose target has already been decoded.
 *
 * @param host The authority of an absolute-form target, which replaces `Host`.
 * @example
 * ```ts
 * const environ = makeEnviron(req, context, '', '/café', 'x=1', undefined, input);
 * ```
 */
export function makeEnviron(
  req: IncomingMessage,
  context: ServerContext,
  scriptName: string,
  pathInfo: string,
  query: string,
  host: string | undefined,
  input: InputStream,
): Environ {
  const environ: Environ = {
    REQUEST_METHOD: req.method as string,
    SCRIPT_NAME: scriptName,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    SERVER_NAME: context.serverName,
    SERVER_PORT: context.serverPort,
    SERVER_PROTOCOL: req.httpVersionMajor === 1 && req.httpVersionMinor === 1 ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    REQUEST_URI: req.url as string,
    'tsgi.version': VERSION,
    'tsgi.url_scheme': context.urlScheme,
    'tsgi.input': input,
    'tsgi.errors': context.errors,
    'tsgi.multithread': false,
    'tsgi.multiprocess': context.multiprocess,
    'tsgi.run_once': false,
    'tsgi.input_terminated': true,
  };
  const raw = req.rawHeaders;
  // Keyed writes through a record type: the Environ index signatures accept
  // them, but TypeScript cannot see which key a computed name is.
  const headers = environ as unknown as Record<string, string | undefined>;
  for (let i = 0; i < raw.length; i += 2) {
    const key = headerKey(raw[i] as string);
    if (key === '') continue;
    const value = raw[i + 1] as string;
    const previous = headers[key];
    if (previous === undefined) {
      headers[key] = value;
    } else if (key === 'HTTP_COOKIE') {
      // RFC 9113 §8.2.3 and RFC 6265: cookie pairs are separated by `; `, and
      // a comma could be part of a value.
      headers[key] = `${previous}; ${value}`;
    } else if (key !== 'CONTENT_TYPE' && key !== 'CONTENT_LENGTH') {
      // Node's parser refuses conflicting Content-Lengths; for Content-Type
      // the first wins, as in `req.headers`.
      headers[key] = `${previous}, ${value}`;
    }
  }
  if (host !== undefined) headers.HTTP_HOST = host;
  return environ;
}
