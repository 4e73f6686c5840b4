/**
 * Environ assembly: a test request (method, path, options) turned into the
 * environ a real server would build for it, with every key a server provides,
 * so an app cannot tell the test client from a socket.
 *
 * @module
 */
import { MemoryErrors } from '../gateway/errors.js';
import { isToken } from '../gateway/spec.js';
import type { Environ } from '../gateway/types.js';
import { quotePath } from '../gateway/uri.js';
import type { Origin } from './origin.js';
import { TestClientError, type RequestHeaders, type RequestOptions } from './request.js';
import { prepareBody } from './request-body.js';
import { declaredLength, mergeHeaders } from './request-headers.js';
import { parseTarget } from './target.js';

/**
 * What the client knows when it builds an environ.
 *
 * @example
 * ```ts
 * const context: EnvironContext = { origin: parseBaseUrl('http://localhost'), environ: {}, headers: undefined, cookieHeader: () => undefined };
 * ```
 */
export interface EnvironContext {
  /** Where the server is. */
  readonly origin: Origin;
  /** Keys merged into every environ, before the request's own. */
  readonly environ: Partial<Environ>;
  /** Default headers. */
  readonly headers: RequestHeaders | undefined;
  /** The jar's `Cookie` value for a request path (encoded, with `SCRIPT_NAME`), if any. */
  readonly cookieHeader: (requestPath: string) => string | undefined;
}

/**
 * A built request: the environ plus what the client needs back.
 *
 * @example
 * ```ts
 * const { environ, errors } = buildRequest('GET', '/', {}, context);
 * ```
 */
export interface BuiltRequest {
  /** The environ to hand the app. */
  readonly environ: Environ;
  /** The error stream installed as `tsgi.errors`. */
  readonly errors: MemoryErrors;
  /** The request path as a browser would see it (encoded, with `SCRIPT_NAME`), for cookie matching. */
  readonly requestPath: string;
}

/**
 * Builds the environ for one request, with every key a server provides.
 *
 * @throws {@link TestClientError} for a malformed method, path, header or body.
 * @example
 * ```ts
 * const { environ } = buildRequest('GET', '/hello?x=1', {}, context);
 * environ.PATH_INFO;    // '/hello'
 * environ.QUERY_STRING; // 'x=1'
 * ```
 */
export function buildRequest(method: string, path: string, options: RequestOptions, context: EnvironContext): BuiltRequest {
  if (typeof method !== 'string' || !isToken(method)) {
    throw new TestClientError(`method ${JSON.stringify(method)} is not an HTTP token`);
  }
  const target = parseTarget(path);
  const overrides: Partial<Environ> = { ...context.environ, ...options.environ };

  const headers = mergeHeaders(context.headers, options.headers);
  const body = prepareBody(options, declaredLength(headers));

  const scriptName = typeof overrides.SCRIPT_NAME === 'string' ? overrides.SCRIPT_NAME : '';
  const requestPath = quotePath(scriptName) + target.rawPath;
  const errors = new MemoryErrors();
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: method,
    SCRIPT_NAME: '',
    PATH_INFO: target.pathInfo,
    QUERY_STRING: target.query,
    SERVER_NAME: context.origin.serverName,
    SERVER_PORT: context.origin.serverPort,
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_URI: quotePath(scriptName) + target.target,
    HTTP_HOST: context.origin.host,
    'tsgi.version': [1, 0] as const,
    'tsgi.url_scheme': context.origin.scheme,
    'tsgi.input': body.input,
    'tsgi.errors': errors,
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    'tsgi.input_terminated': true,
  };
  if (body.length !== undefined) environ.CONTENT_LENGTH = String(body.length);
  if (body.contentType !== undefined) environ.CONTENT_TYPE = body.contentType;
  if (body.chunked) environ.HTTP_TRANSFER_ENCODING = 'chunked';

  const fromHeaders = new Map<string, string>();
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue; // already CONTENT_LENGTH
    // As the reference server does: a name with `_` would be
    // indistinguishable from one with `-` once in the environ, so it is
    // dropped rather than let spoof another header.
    if (name.includes('_')) continue;
    const key = lower === 'content-type' ? 'CONTENT_TYPE' : `HTTP_${name.toUpperCase().replace(/-/g, '_')}`;
    const previous = fromHeaders.get(key);
    if (previous === undefined) fromHeaders.set(key, value);
    else if (key === 'CONTENT_TYPE') continue; // the first wins
    else fromHeaders.set(key, previous + (key === 'HTTP_COOKIE' ? '; ' : ', ') + value);
  }
  const jarCookies = context.cookieHeader(requestPath);
  if (jarCookies !== undefined) {
    const own = fromHeaders.get('HTTP_COOKIE');
    fromHeaders.set('HTTP_COOKIE', own === undefined ? jarCookies : `${own}; ${jarCookies}`);
  }
  for (const [key, value] of fromHeaders) environ[key] = value;

  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete environ[key];
    else environ[key] = value;
  }
  return { environ: environ as Environ, errors, requestPath };
}
