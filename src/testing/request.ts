/**
 * The public vocabulary of a test request: the options a test may pass and
 * the error it gets back when they describe a request no server would accept.
 * Kept apart from the code that turns them into an environ so importers of
 * the types do not pull in the whole request builder.
 *
 * @module
 */
import type { Chunk, Environ } from '../gateway/types.js';

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
 *
 * @category Client
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
 *
 * @category Client
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
 *
 * @category Client
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
 *
 * @category Client
 */
export type FormValue = string | number | boolean | undefined | ReadonlyArray<string | number | boolean>;

/**
 * Form fields for {@link RequestOptions.form}, by name, or a `URLSearchParams`.
 *
 * @example
 * ```ts
 * const form: FormFields = { name: 'Ada', age: 36, tag: ['a', 'b'], nickname: undefined };
 * ```
 *
 * @category Client
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
 *
 * @category Client
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
