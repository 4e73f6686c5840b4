/**
 * {@link TestClient}: drives an app in process, with no socket, exactly as a
 * server would, and hands back fully collected responses.
 *
 * @module
 */
import { isAppLike, toApp } from '../gateway/app.js';
import type { App, AppLike, Environ } from '../gateway/types.js';
import { validate, ValidationError } from '../gateway/validator/index.js';
import { CookieJar } from './cookies.js';
import { buildRequest } from './environ.js';
import { randomBytes } from 'node:crypto';
import type { MemoryErrors } from '../gateway/errors.js';
import { WEBSOCKET_KEY } from '../gateway/websocket.js';
import { afterAccept } from '../gateway/websocket-body.js';
import { runInMemory, type MemoryResponse } from './memory-transport.js';
import { MemoryUpgrade, TestWebSocket, TestWebSocketRefused, type TestWebSocketOptions } from './websocket.js';
import { parseBaseUrl, type Origin } from './origin.js';
import { TestClientError, type RequestHeaders, type RequestOptions } from './request.js';
import { TestResponse } from './response.js';

/**
 * Options for a {@link TestClient}.
 *
 * @example
 * ```ts
 * const client = new TestClient(app, {
 *   baseUrl: 'https://example.test:8443',
 *   environ: { SCRIPT_NAME: '/blog', REMOTE_ADDR: '10.0.0.7' },
 *   headers: { Accept: 'application/json' },
 * });
 * ```
 *
 * @category Client
 */
export interface TestClientOptions {
  /**
   * Run the app under `validate()` (default `true`): any gateway violation,
   * thrown or reported, makes the request reject with its `ValidationError`.
   */
  validate?: boolean;
  /**
   * Scheme, host and port of the pretend server (default
   * `http://localhost`): gives `SERVER_NAME`, `SERVER_PORT`,
   * `tsgi.url_scheme` and `HTTP_HOST`.
   */
  baseUrl?: string;
  /**
   * Keys merged into every environ (before per-request ones), e.g.
   * `SCRIPT_NAME` or `REMOTE_ADDR`; a key set to `undefined` is removed.
   */
  environ?: Partial<Environ>;
  /** Headers sent with every request, unless a request gives the same name. */
  headers?: RequestHeaders;
  /**
   * Answer an error thrown before any output with the server's own
   * `500 Internal Server Error` (its body and the `tsgi.errors` line sharing
   * a reference), exactly as every host does (default `false`: the request
   * rejects with the error). An error after output has started always
   * rejects, since a real client would see the connection drop.
   */
  catchErrors?: boolean;
  /** Keep cookies from `Set-Cookie` and send them back (default `true`). */
  cookies?: boolean;
}

/**
 * Sends requests to an app in process, with no socket, the way a server
 * would: it builds a complete environ, enforces `startResponse`'s rules at
 * call time, collects `write()` output and the body, always calls the body
 * iterator's `return()`, and drops body bytes of HEAD responses and of 1xx,
 * 204 and 304 responses (the validator, on by default, rejects an app that
 * sends them at all). Errors the app throws reject the request rather than
 * becoming a silent 500, unless `catchErrors` is set. It runs the same
 * response lifecycle as every server, so what passes here passes there: the
 * response headers are the app's own plus the `Content-Length` a server
 * frames a whole sync body with; the client adds no `Date` or connection
 * headers.
 *
 * Each method resolves to a {@link TestResponse} once the body has been
 * consumed, and rejects with a {@link TestClientError} for a malformed
 * request, with the `ValidationError` for a gateway violation, or with the
 * app's own error.
 *
 * @example
 * ```ts
 * const client = new TestClient(app);
 * const res = await client.post('/entries?draft=1', { json: { title: 'Hi' } });
 * expect(res.status).toBe(201);
 * expect(res.headers.get('Location')).toBe('/entries/1');
 * expect((await client.get('/entries/1')).json()).toEqual({ title: 'Hi' });
 * ```
 *
 * @category Client
 */
export class TestClient {
  /** The cookie jar, filled from `Set-Cookie` and sent as `Cookie`. */
  readonly cookies: CookieJar = new CookieJar();
  readonly #app: AppLike;
  readonly #origin: Origin;
  readonly #validate: boolean;
  readonly #catchErrors: boolean;
  readonly #useCookies: boolean;
  readonly #environ: Partial<Environ>;
  readonly #headers: RequestHeaders | undefined;

  /**
   * @param app The App or app class to drive.
   * @param options See {@link TestClientOptions}.
   * @throws {@link TestClientError} when `app` is not a function or `baseUrl` is malformed.
   */
  constructor(app: AppLike, options: TestClientOptions = {}) {
    if (!isAppLike(app)) throw new TestClientError(`the app must be a function or an app class, got ${typeof app}`);
    this.#app = app;
    this.#origin = parseBaseUrl(options.baseUrl ?? 'http://localhost');
    this.#validate = options.validate ?? true;
    this.#catchErrors = options.catchErrors ?? false;
    this.#useCookies = options.cookies ?? true;
    this.#environ = { ...options.environ };
    this.#headers = options.headers;
  }

  /**
   * Sends a request with any method (case-sensitive, as sent).
   *
   * `path` is relative to the app's mount point: its percent-decoded path
   * becomes `PATH_INFO`, `SCRIPT_NAME` comes from the `environ` options
   * (`''` by default), and `REQUEST_URI` is the two joined, as a server
   * mounting the app there would have received it.
   *
   * @param method E.g. `'GET'` or `'PROPFIND'`.
   * @param path The request target: `/`-led path, optionally with `?query`.
   * @param options Headers, body and environ overrides.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const secure = this.#origin.scheme === 'https';
    const { environ, errors, requestPath } = buildRequest(method, path, options, {
      origin: this.#origin,
      environ: this.#environ,
      headers: this.#headers,
      cookieHeader: (at) => (this.#useCookies ? this.cookies.header(at, secure) : undefined),
    });

    const violations: ValidationError[] = [];
    const app = this.#appFor(violations);
    const context = `${String(environ.REQUEST_METHOD)} ${String(environ.REQUEST_URI ?? path)}`;
    const outcome = await runInMemory(app, environ, errors, context);
    return this.#respond(outcome, violations, errors, requestPath);
  }

  /**
   * Opens a WebSocket to `path` in process: the app gets a handshake's
   * environ with `tsgi.websocket`, and once it accepts, the returned
   * {@link TestWebSocket} talks to the connection it got. An app that
   * answers with an HTTP response instead rejects with
   * {@link TestWebSocketRefused} carrying it (a 426 with `Upgrade:
   * websocket`, as the server adds). Under the validator, a breach of the
   * extension's rules rejects here or, after accept, makes
   * {@link TestWebSocket.done} reject.
   *
   * @example
   * ```ts
   * const socket = await client.websocket('/rooms/lobby');
   * await socket.send('hello');
   * expect(await socket.receive()).toBe('lobby: hello');
   * await socket.close();
   * ```
   */
  async websocket(path: string, options: TestWebSocketOptions = {}): Promise<TestWebSocket> {
    const protocols = options.protocols ?? [];
    const headers: RequestHeaders = {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      ...(protocols.length > 0 ? { 'Sec-WebSocket-Protocol': protocols.join(', ') } : {}),
      ...options.headers,
    };
    const secure = this.#origin.scheme === 'https';
    const { environ, errors, requestPath } = buildRequest('GET', path, { headers, environ: options.environ }, {
      origin: this.#origin,
      environ: this.#environ,
      headers: this.#headers,
      cookieHeader: (at) => (this.#useCookies ? this.cookies.header(at, secure) : undefined),
    });
    const upgrade = new MemoryUpgrade(protocols);
    environ[WEBSOCKET_KEY] = upgrade;
    const violations: ValidationError[] = [];
    const app = afterAccept(this.#appFor(violations), upgrade);
    const run = runInMemory(app, environ, errors, `GET ${String(environ.REQUEST_URI ?? path)} (WebSocket)`, () => upgrade.accepted);
    const first = await Promise.race([upgrade.opened, run]);
    if (first instanceof TestWebSocket) {
      first.done = run.then((outcome) => {
        if (violations.length > 0) throw violations[0];
        if (outcome.outcome === 'error') throw outcome.error;
      });
      first.done.catch(() => undefined);
      return first;
    }
    if (first.status?.startsWith('426') === true) first.headers.push(['Upgrade', 'websocket']);
    throw new TestWebSocketRefused(this.#respond(first, violations, errors, requestPath));
  }

  #appFor(violations: ValidationError[]): App {
    return this.#validate ? validate(this.#app, { onViolation: (violation) => void violations.push(violation) }) : toApp(this.#app);
  }

  #respond(outcome: MemoryResponse, violations: readonly ValidationError[], errors: MemoryErrors, requestPath: string): TestResponse {
    if (violations.length > 0) throw violations[0];
    if (outcome.outcome === 'error') {
      const { error } = outcome;
      if (error instanceof ValidationError || !this.#catchErrors || outcome.aborted || outcome.status === undefined) throw error;
    }

    const response = new TestResponse({
      status: outcome.status as string,
      headers: outcome.headers,
      body: outcome.body,
      errors: errors.text,
    });
    if (this.#useCookies) {
      for (const setCookie of response.headers.getAll('Set-Cookie')) this.cookies.receive(setCookie, requestPath);
    }
    return response;
  }

  /** Sends a GET request. See {@link TestClient.request}. */
  get(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('GET', path, options);
  }

  /**
   * Sends a HEAD request; the response keeps its headers but has no body.
   * Under the validator the app must itself send no body for HEAD.
   */
  head(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('HEAD', path, options);
  }

  /** Sends a POST request. See {@link TestClient.request}. */
  post(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('POST', path, options);
  }

  /** Sends a PUT request. See {@link TestClient.request}. */
  put(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, options);
  }

  /** Sends a PATCH request. See {@link TestClient.request}. */
  patch(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, options);
  }

  /** Sends a DELETE request. See {@link TestClient.request}. */
  delete(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, options);
  }

  /** Sends an OPTIONS request. See {@link TestClient.request}. */
  options(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', path, options);
  }
}
