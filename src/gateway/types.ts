/**
 * The types of the tsgi gateway interface. `docs/gateway.md` is the normative
 * text; these declarations are its machine-checked half.
 *
 * @module
 */

/**
 * One piece of a response body. Strings are sent as UTF-8.
 *
 * @example
 * ```ts
 * const chunks: Chunk[] = ['Hello, ', new TextEncoder().encode('world')];
 * ```
 *
 * @category Interface
 */
export type Chunk = Uint8Array | string;

/**
 * A response body: any iterable or async iterable of chunks, but never a bare
 * string (which would iterate character by character).
 *
 * The server takes one iterator from the body and always calls its `return()`
 * when it is done with it, which is where an app releases resources (WSGI's
 * `close()`).
 *
 * @example
 * ```ts
 * const body: Body = ['Hello world!\n'];
 * async function* streamed(): AsyncGenerator<Chunk> {
 *   try { yield 'tick\n'; } finally { console.log('closed'); }
 * }
 * const alsoBody: Body = streamed();
 * ```
 *
 * @category Interface
 */
export type Body = Iterable<Chunk> | AsyncIterable<Chunk>;

/**
 * The response headers an app passes to {@link StartResponse}: an ordered list
 * of `[name, value]` pairs. Repeating a name (e.g. `Set-Cookie`) sends it twice.
 *
 * @example
 * ```ts
 * const headers: ResponseHeaders = [['Content-Type', 'text/plain; charset=utf-8']];
 * ```
 *
 * @category Interface
 */
export type ResponseHeaders = Array<[name: string, value: string]>;

/**
 * Sends a chunk ahead of the returned body, for apps that must push output
 * imperatively. The promise settles once the chunk has been handed to the
 * transport (awaiting it honours backpressure). Prefer returning a body.
 *
 * @example
 * ```ts
 * const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
 * await write('early output\n');
 * ```
 *
 * @category Interface
 */
export type Write = (chunk: Chunk) => Promise<void>;

/**
 * Begins the response. `status` is `"NNN Reason"`; headers are checked when
 * this is called, not when they are sent. A second call is allowed only with
 * `excInfo` (the caught error): it replaces the status and headers if nothing
 * has been sent yet, and rethrows `excInfo` otherwise.
 *
 * @example
 * ```ts
 * const app: App = (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return ['ok'];
 * };
 * ```
 *
 * @category Interface
 */
export type StartResponse = (status: string, headers: ResponseHeaders, excInfo?: unknown) => Write;

/**
 * The request body stream, `environ['tsgi.input']`. It reports end of input at
 * the end of the request body, whether that was framed by `Content-Length` or
 * by chunked transfer coding. Data is pulled from the connection only as it is
 * read, so a slow reader slows the client rather than filling memory.
 *
 * @example
 * ```ts
 * const first = await environ['tsgi.input'].read(1024); // up to 1024 bytes
 * const line = await environ['tsgi.input'].readline();
 * for await (const chunk of environ['tsgi.input']) console.log(chunk.length);
 * ```
 *
 * @category Interface
 */
export interface InputStream extends AsyncIterable<Uint8Array> {
  /**
   * Reads `size` bytes, or fewer only at end of input; with no `size`, reads
   * to the end. Resolves to an empty array at end of input.
   */
  read(size?: number): Promise<Uint8Array>;
  /**
   * Reads up to and including the next `\n`, or to end of input. With `limit`,
   * returns at most `limit` bytes.
   */
  readline(limit?: number): Promise<Uint8Array>;
}

/**
 * The error stream, `environ['tsgi.errors']`: text written here reaches the
 * server's log, never the client.
 *
 * @example
 * ```ts
 * environ['tsgi.errors'].write('cache miss for /entries\n');
 * ```
 *
 * @category Interface
 */
export interface ErrorStream {
  /** Writes text, without adding a newline. */
  write(text: string): void;
  /** Writes each string in turn. */
  writelines(lines: Iterable<string>): void;
  /** Flushes buffered text, where the stream buffers at all. */
  flush(): void;
}

/**
 * The request, as a plain object of CGI-style keys plus `tsgi.*` keys.
 * Middleware may add keys of its own under a prefix it owns
 * (`tsgi.session`, `myapp.user`, …).
 *
 * @example
 * ```ts
 * const app: App = (environ, startResponse) => {
 *   const who = environ.HTTP_USER_AGENT ?? 'unknown';
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [`${environ.REQUEST_METHOD} ${environ.PATH_INFO} from ${who}`];
 * };
 * ```
 *
 * @category Interface
 */
export interface Environ {
  /** The method, case-sensitive, e.g. `GET`. */
  REQUEST_METHOD: string;
  /** Where the app is mounted: empty, or `/`-led without a trailing `/`. */
  SCRIPT_NAME: string;
  /** The rest of the path, percent-decoded as UTF-8: empty or `/`-led. */
  PATH_INFO: string;
  /** The raw query string without `?`; always present, possibly empty. */
  QUERY_STRING: string;
  /** The request's `Content-Type`, when it has one. */
  CONTENT_TYPE?: string;
  /** The request's `Content-Length` in decimal, when it has one. */
  CONTENT_LENGTH?: string;
  /** The server's host name or address. */
  SERVER_NAME: string;
  /** The server's port, in decimal. */
  SERVER_PORT: string;
  /** E.g. `HTTP/1.1`. */
  SERVER_PROTOCOL: string;
  /** The peer's address. */
  REMOTE_ADDR: string;
  /** The request target exactly as received, undecoded. */
  REQUEST_URI: string;
  /** The interface version, `[1, 0]`. */
  'tsgi.version': readonly [number, number];
  /** `http` or `https`. */
  'tsgi.url_scheme': string;
  /** The request body. */
  'tsgi.input': InputStream;
  /** The server's error log. */
  'tsgi.errors': ErrorStream;
  /** Whether other requests may run concurrently in this process (they may, between awaits). */
  'tsgi.multithread': boolean;
  /** Whether other processes serve the same app. */
  'tsgi.multiprocess': boolean;
  /** Whether this process will serve only this one request. */
  'tsgi.run_once': boolean;
  /** Whether `tsgi.input` reports end of input at the end of the body (always true in tsgi servers). */
  'tsgi.input_terminated': boolean;
  /** Request headers, one key per header name: `HTTP_` + upper-cased name with `-` as `_`. */
  [header: `HTTP_${string}`]: string | undefined;
  /** The visitor's session, present when a session middleware wraps the app. */
  'tsgi.session'?: Session;
  /** Keys added by servers and middleware. */
  [extension: string]: unknown;
}

/**
 * The per-visitor session a session middleware places at
 * `environ['tsgi.session']`: a small dict of JSON-serialisable values.
 *
 * Changes are saved when the app's body ends, before the server finishes the
 * response, and only when something changed. `regenerate()` and `destroy()` take effect at that point too, so
 * they are synchronous to call.
 *
 * @example
 * ```ts
 * const app: App = (environ, startResponse) => {
 *   const session = environ['tsgi.session'];
 *   const visits = Number(session?.get('visits') ?? 0) + 1;
 *   session?.set('visits', visits);
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [`You have been here ${visits} times!`];
 * };
 * ```
 *
 * @category Interface
 */
export interface Session {
  /** The session id; a fresh session has one too, though no cookie carries it yet. */
  readonly id: string;
  /** True when this request brought no valid session cookie. */
  readonly isNew: boolean;
  /** True once anything was set, deleted, cleared, regenerated or destroyed. */
  readonly modified: boolean;
  /** The value stored under `key`, or `undefined`. */
  get(key: string): unknown;
  /** Stores a JSON-serialisable value under `key`. */
  set(key: string, value: unknown): void;
  /** Whether `key` is stored. */
  has(key: string): boolean;
  /** Removes `key`; true when it was there. */
  delete(key: string): boolean;
  /** Removes every key. */
  clear(): void;
  /** The stored keys. */
  keys(): string[];
  /** Issues a new id for the same data when the response completes, defeating session fixation (call it after login). */
  regenerate(): void;
  /** Ends the session: its data is deleted from the store and the cookie expired. */
  destroy(): void;
}

/**
 * A tsgi application: called once per request, it calls `startResponse` and
 * returns the body (or a promise of it).
 *
 * @example
 * ```ts
 * export const simpleApp: App = (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return ['Hello world!\n'];
 * };
 * ```
 *
 * @category Interface
 */
export type App = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>;

/**
 * A class whose instances are bodies: constructed once per request with
 * `(environ, startResponse)` and then iterated, as WSGI allows for classes.
 * `BaseHandler` subclasses are app classes.
 *
 * @example
 * ```ts
 * class Hello implements AsyncIterable<Chunk> {
 *   constructor(private environ: Environ, private start: StartResponse) {}
 *   async *[Symbol.asyncIterator]() {
 *     this.start('200 OK', [['Content-Type', 'text/plain']]);
 *     yield 'Hello';
 *   }
 * }
 * const cls: AppClass = Hello;
 * ```
 *
 * @category Interface
 */
export type AppClass = new (environ: Environ, startResponse: StartResponse) => Body;

/**
 * What servers, test clients and middleware accept: an {@link App} or an
 * {@link AppClass}. {@link toApp} turns either into an App.
 *
 * @example
 * ```ts
 * const hosted: AppLike = simpleApp;
 * ```
 *
 * @category Interface
 */
export type AppLike = App | AppClass;
