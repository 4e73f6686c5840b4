/**
 * Turning a test request (method, path, options) into the environ a real
 * server would build for it.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { MemoryErrors } from '../gateway/errors.js';
import { ChunkInput, emptyInput } from '../gateway/input.js';
import { isFieldValue, isToken } from '../gateway/spec.js';
import type { Chunk, Environ, InputStream } from '../gateway/types.js';
import { quotePath } from '../gateway/uri.js';

/**
 * A request the test client refuses to send because it is malformed: a path
 * not starting with `/`, bad percent-encoding, an invalid header, conflicting
 * body options, a bad `baseUrl`. A real server would answer such requests with
 * `400 Bad Request`, or a real client would refuse them; the test client
 * rejects instead, so the mistake surfaces in the test.
 *
 * @example
 * ```ts
 * await expect(client.get('/%zz')).rejects.toThrow(TestClientError);
 * ```
 */
export class TestClientError extends TypeError {
  constructor(message: string) {
    super(`TestClient: ${message}`);
    this.name = 'TestClientError';
  }
}

/**
 * Request headers: a record (an array value sends the header once per item)
 * or a list of `[name, value]` pairs.
 *
 * @example
 * ```ts
 * const a: RequestHeaders = { Accept: 'text/html', 'X-Tag': ['one', 'two'] };
 * const b: RequestHeaders = [['Accept', 'text/html'], ['X-Tag', 'one']];
 * ```
 */
export type RequestHeaders =
  | Readonly<Record<string, string | readonly string[]>>
  | ReadonlyArray<readonly [name: string, value: string]>;

/**
 * A request body. A string (sent as UTF-8) or byte array is sent with a
 * `Content-Length`; an iterable or async iterable of chunks is sent with
 * chunked transfer coding, so the app sees no `CONTENT_LENGTH`.
 *
 * @example
 * ```ts
 * const fixed: RequestBody = 'name=ada';
 * async function* parts() { yield 'line 1\n'; yield 'line 2\n'; }
 * const streamed: RequestBody = parts();
 * ```
 */
export type RequestBody = string | Uint8Array | Iterable<Chunk> | AsyncIterable<Chunk>;

/**
 * One form field's value: an array repeats the field, `undefined` leaves it
 * out, numbers and booleans are sent in their string form.
 *
 * @example
 * ```ts
 * const tags: FormValue = ['a', 'b'];
 * ```
 */
export type FormValue = string | number | boolean | undefined | ReadonlyArray<string | number | boolean>;

/**
 * Form fields for {@link RequestOptions.form}, by name, or a `URLSearchParams`.
 *
 * @example
 * ```ts
 * const form: FormFields = { name: 'Ada', age: 36, tag: ['a', 'b'], nickname: undefined };
 * ```
 */
export type FormFields = Readonly<Record<string, FormValue>> | URLSearchParams;

/**
 * Options for one request. At most one of `body`, `form` and `json` may be
 * given.
 *
 * @example
 * ```ts
 * await client.post('/entries', { json: { title: 'Hi' }, headers: { Accept: 'application/json' } });
 * await client.put('/upload', { body: bytes, chunked: true });
 * await client.get('/', { environ: { REMOTE_ADDR: '10.0.0.7' } });
 * ```
 */
export interface RequestOptions {
  /**
   * Request headers; a name given here replaces a client default of the same
   * name. As on the reference server, a name containing `_` is dropped, and
   * of several `Content-Type` headers the first wins. The client frames the
   * body itself, so `Transfer-Encoding` is
   * refused; a `Content-Length` header is sent as given (even if it is wrong,
   * to test how an app copes) and the app can then read at most that many
   * bytes of the body, as from a server framing the body by it.
   */
  headers?: RequestHeaders;
  /** The raw body. */
  body?: RequestBody;
  /** Fields sent as `application/x-www-form-urlencoded`. */
  form?: FormFields;
  /** A value sent as `application/json` (`undefined` means no body). */
  json?: unknown;
  /**
   * Send a string or byte body with chunked transfer coding (no
   * `CONTENT_LENGTH`). Iterable bodies are chunked unless a `Content-Length`
   * header is given; `false` with one and no such header is an error.
   */
  chunked?: boolean;
  /**
   * Environ keys for this request only, applied last; a key set to
   * `undefined` is removed.
   */
  environ?: Partial<Environ>;
}

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

/** A request body, ready to become `tsgi.input`. */
interface PreparedBody {
  /** The `CONTENT_LENGTH` to send, if any. */
  length: number | undefined;
  /** Whether it is sent with chunked transfer coding. */
  chunked: boolean;
  /** The content type implied by `form` or `json`. */
  contentType: string | undefined;
  input: InputStream;
}

/**
 * Encodes the body options. `declared` is a Content-Length header the test
 * gave: it is sent as is, and the input then ends after that many bytes, as a
 * server framing the body by Content-Length reads no further.
 */
function prepareBody(options: RequestOptions, declared: number | undefined): PreparedBody {
  const given = (['body', 'form', 'json'] as const).filter((key) => options[key] !== undefined);
  if (given.length > 1) {
    throw new TestClientError(`pass only one of body, form and json, got ${given.join(' and ')}`);
  }
  let bytes: Uint8Array | undefined;
  let contentType: string | undefined;
  let chunks: (() => AsyncIterable<Uint8Array>) | undefined;
  if (options.json !== undefined) {
    const text = JSON.stringify(options.json) as string | undefined;
    if (text === undefined) throw new TestClientError(`json ${typeof options.json} has no JSON form`);
    bytes = Buffer.from(text, 'utf8');
    contentType = 'application/json';
  } else if (options.form !== undefined) {
    bytes = Buffer.from(encodeForm(options.form), 'utf8');
    contentType = 'application/x-www-form-urlencoded';
  } else if (typeof options.body === 'string') {
    bytes = Buffer.from(options.body, 'utf8');
  } else if (options.body instanceof Uint8Array) {
    bytes = Buffer.from(options.body);
  } else if (options.body !== undefined) {
    const body = options.body;
    if (!isIterable(body)) {
      throw new TestClientError(`body must be a string, a Uint8Array or an iterable of chunks, got ${typeof body}`);
    }
    if (options.chunked === false && declared === undefined) {
      throw new TestClientError(
        'an iterable body has no length, so it is sent chunked; drop chunked: false, pass the bytes, or give a Content-Length header',
      );
    }
    chunks = () => byteChunks(body);
  }
  if (bytes !== undefined) {
    const data = bytes;
    chunks = () => byteChunks([data]);
  }

  if (declared !== undefined) {
    if (options.chunked === true) {
      throw new TestClientError('chunked: true and a Content-Length header contradict each other; pick one');
    }
    const source = chunks;
    const input = source === undefined ? emptyInput() : new ChunkInput(() => limited(source(), declared));
    return { length: declared, chunked: false, contentType, input };
  }
  const input = chunks === undefined ? emptyInput() : new ChunkInput(chunks);
  if (options.chunked === true || bytes === undefined) {
    return { length: undefined, chunked: options.chunked === true || chunks !== undefined, contentType, input };
  }
  return { length: bytes.length, chunked: false, contentType, input };
}

async function* limited(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  if (limit === 0) return;
  let left = limit;
  for await (const chunk of source) {
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
}

function encodeForm(form: FormFields): string {
  if (form instanceof URLSearchParams) return form.toString();
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form as Readonly<Record<string, FormValue>>)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as ReadonlyArray<string | number | boolean>) params.append(name, String(item));
    else params.append(name, String(value));
  }
  return params.toString();
}

function isIterable(value: unknown): value is Iterable<Chunk> | AsyncIterable<Chunk> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const candidate = value as Partial<Record<symbol, unknown>>;
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function';
}

async function* byteChunks(body: Iterable<Chunk> | AsyncIterable<Chunk>): AsyncGenerator<Uint8Array> {
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TestClientError(`request body chunks must be strings or Uint8Arrays, got ${typeof chunk}`);
  }
}

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

  const requestHeaders = headerPairs(options.headers);
  const replaced = new Set(requestHeaders.map(([name]) => name.toLowerCase()));
  const headers = [...headerPairs(context.headers).filter(([name]) => !replaced.has(name.toLowerCase())), ...requestHeaders];
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
  const body = prepareBody(options, declared === undefined ? undefined : Number(declared));

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
