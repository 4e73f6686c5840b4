/**
 * The reference server: a tsgi app on `node:http`, in the spirit of
 * wsgiref's `simple_server` but meant for production use.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { appName, toApp } from '../gateway/app.js';
import { streamErrors } from '../gateway/errors.js';
import type { App, AppLike } from '../gateway/types.js';
import type { ServerContext } from './environ.js';
import { gateRequests, installLimits, resolveLimits, DEFAULT_LIMITS } from './limits.js';
import { createListener } from './listener.js';
import { serverHostCheck } from './allowed-hosts.js';
import { answerClientErrors } from './client-error.js';
import { checkScriptName, DEFAULT_CLOSE_TIMEOUT, type LogSink, type ServerOptions } from './options.js';
import { WebSocketsOnDemand } from './websocket/on-demand.js';
import { alpnProtocols, routeByProtocol } from './http2/alpn.js';
import { Http2OnDemand } from './http2/on-demand.js';

/**
 * Where a server is listening, as {@link TsgiServer.listen} reports it.
 *
 * @example
 * ```ts
 * const { url, port } = await makeServer('127.0.0.1', 0, app).listen();
 * console.log(`listening on ${url} (port ${port})`);
 * ```
 *
 * @category Server
 */
export interface ListenInfo {
  /** A URL to reach the server, e.g. `http://127.0.0.1:8080/`; `localhost` stands for all interfaces. */
  url: string;
  /** The host the server was asked to bind, `''` for all interfaces. */
  host: string;
  /** The bound port (the one picked, when 0 was asked for). */
  port: number;
}

const ANY_HOST = new Set(['', '0.0.0.0', '::']);
// Node's own keep-alive timeout, so that both protocols idle alike.
const DEFAULT_H2_IDLE_TIMEOUT = 5_000;

// node:https brings node:tls with it (about 1 MiB of resident memory), so
// it is required only by a server given `tls`.
function secureServer(options: Https.ServerOptions): Https.Server {
  return (createRequire(import.meta.url)('node:https') as typeof Https).createServer(options);
}

/**
 * Makes a server for `app` on `host:port`; call {@link TsgiServer.listen} or
 * {@link TsgiServer.serveForever} to start it. `host` `''` means all
 * interfaces and port 0 an ephemeral port.
 *
 * @example
 * ```ts
 * const server = makeServer('127.0.0.1', 8080, (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *   return ['Hello world!\n'];
 * });
 * await server.serveForever(); // until Ctrl-C
 * ```
 *
 * @category Server
 */
export function makeServer(host: string, port: number, app: AppLike, options: ServerOptions = {}): TsgiServer {
  return new TsgiServer(host, port, app, options);
}

/**
 * A tsgi app served over HTTP/1.1 by `node:http` (HTTPS with `tls`, and
 * HTTP/2 beside it with `http2`). Made by {@link makeServer}.
 *
 * @example
 * ```ts
 * const server = makeServer('127.0.0.1', 0, app, { log: null });
 * await server.listen();
 * const response = await fetch(server.url);
 * await server.close();
 * ```
 *
 * @category Server
 */
export class TsgiServer {
  /**
   * The Node server underneath, for settings this class does not cover (an
   * `https.Server` with `tls`; with `http2` it also accepts the HTTP/2
   * connections, which its HTTP/1.1 settings do not reach).
   */
  readonly httpServer: Server;
  /** The app being served, as a function. */
  readonly app: App;
  /** The host asked for, `''` for all interfaces. */
  readonly host: string;
  readonly #requestedPort: number;
  readonly #context: ServerContext;
  readonly #log: LogSink | null;
  readonly #name: string;
  readonly #closeTimeout: number;
  readonly #handleSignals: boolean;
  readonly #secure: boolean;
  /** The HTTP/2 sessions, with `http2`. */
  readonly #http2: Http2OnDemand | undefined;
  readonly #webSockets: WebSocketsOnDemand;
  #info: ListenInfo | undefined;
  #listening: Promise<ListenInfo> | undefined;
  #closing: Promise<void> | undefined;
  readonly #closed: Promise<void>;
  #markClosed: () => void = () => {};

  /**
   * Prefer {@link makeServer}, which takes the same arguments.
   */
  constructor(host: string, port: number, app: AppLike, options: ServerOptions = {}) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
    }
    if (options.http2 === true && options.tls === undefined) {
      throw new TypeError('http2 needs tls: { cert, key } (clients speak HTTP/2 only over TLS)');
    }
    this.host = host;
    this.#requestedPort = port;
    this.app = toApp(app);
    this.#log = options.log === undefined ? process.stdout : options.log;
    this.#name = options.name ?? appName(app);
    this.#closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.#handleSignals = options.handleSignals ?? true;
    this.#closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
    const limits = resolveLimits(options);
    const serverOptions = {
      headersTimeout: limits.headersTimeout,
      requestTimeout: options.requestTimeout,
      keepAliveTimeout: options.keepAliveTimeout,
      connectionsCheckingInterval: options.connectionsCheckingInterval ?? DEFAULT_LIMITS.connectionsCheckingInterval,
      // The listener answers a missing Host itself, with a body saying so.
      requireHostHeader: false,
    };
    // An https.Server is an http.Server underneath (same request handling,
    // timeouts and connection tracking); only its typings part ways.
    const httpServer =
      options.tls === undefined
        ? createServer(serverOptions)
        : (secureServer({
            ...serverOptions,
            ...options.tls,
            ...(options.http2 === true ? { ALPNProtocols: alpnProtocols(options.allowHTTP1 ?? true) } : {}),
          }) as unknown as Server);
    this.httpServer = httpServer;
    this.#secure = options.tls !== undefined;
    const errors = options.errors ?? streamErrors();
    this.#context = {
      errors,
      urlScheme: options.urlScheme ?? (this.#secure ? 'https' : 'http'),
      multiprocess: options.multiprocess ?? false,
      scriptName: checkScriptName(options.scriptName ?? ''),
      serverName: host === '' ? hostname() : host,
      serverPort: String(port),
      closing: false,
      closeIdle: () => httpServer.closeIdleConnections(),
      allowsHost: serverHostCheck(host, options.allowedHosts, errors),
    };
    installLimits(httpServer, limits, this.#secure);
    httpServer.on('request', gateRequests(createListener(this.app, this.#context, false)));
    httpServer.on('checkContinue', gateRequests(createListener(this.app, this.#context, true)));
    // Node answers any other expectation with a bodiless 417 of its own
    // unless this event is heard; the listener refuses it with a body.
    httpServer.on('checkExpectation', gateRequests(createListener(this.app, this.#context, false)));
    answerClientErrors(httpServer);
    this.#webSockets = new WebSocketsOnDemand(this.app, options.webSocket);
    httpServer.on('upgrade', this.#webSockets.listener(this.#context));
    if (options.http2 === true) {
      const sessions = new Http2OnDemand(this.app, this.#context, limits, options.keepAliveTimeout ?? DEFAULT_H2_IDLE_TIMEOUT);
      this.#http2 = sessions;
      routeByProtocol(httpServer as unknown as Https.Server, (socket) => sessions.accept(socket), options.allowHTTP1 ?? true);
    }
  }

  /**
   * The URL the server is reachable at, e.g. `http://127.0.0.1:8080/`.
   * Throws before {@link listen} has resolved.
   *
   * @example
   * ```ts
   * await server.listen();
   * await fetch(new URL('health', server.url));
   * ```
   */
  get url(): string {
    if (this.#info === undefined) throw new Error('the server is not listening yet; await listen() first');
    return this.#info.url;
  }

  /**
   * The bound port once listening (the one picked, for port 0), else the
   * port asked for.
   *
   * @example
   * ```ts
   * const server = makeServer('127.0.0.1', 0, app);
   * await server.listen();
   * console.log(server.port); // e.g. 43817
   * ```
   */
  get port(): number {
    return this.#info?.port ?? this.#requestedPort;
  }

  /**
   * Binds the socket and starts accepting connections; resolves once bound.
   * Calling it again returns the same promise.
   *
   * @example
   * ```ts
   * const { url } = await makeServer('127.0.0.1', 0, app).listen();
   * ```
   */
  listen(): Promise<ListenInfo> {
    if (this.#closing !== undefined) return Promise.reject(new Error('the server has been closed'));
    this.#listening ??= new Promise<ListenInfo>((resolve, reject) => {
      const server = this.httpServer;
      const onError = (error: Error): void => {
        server.off('listening', onListening);
        this.#listening = undefined;
        reject(error);
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve(this.#bound());
      };
      server.once('error', onError);
      server.once('listening', onListening);
      if (this.host === '') server.listen(this.#requestedPort);
      else server.listen(this.#requestedPort, this.host);
    });
    return this.#listening;
  }

  /**
   * Listens if needed, prints one startup line with the URL, and resolves
   * once the server has been closed: by {@link close}, or by SIGINT or
   * SIGTERM unless `handleSignals` is false. A second signal while closing
   * cuts the connections still open.
   *
   * @example
   * ```ts
   * await makeServer('', 8080, app).serveForever();
   * // tsgi: serving app on http://localhost:8080/ (Ctrl-C to stop)
   * ```
   */
  async serveForever(): Promise<void> {
    const info = await this.listen();
    this.#log?.write(`tsgi: serving ${this.#name} on ${info.url} (Ctrl-C to stop)\n`);
    if (!this.#handleSignals) return this.#closed;
    const onSignal = (): void => {
      if (this.#closing === undefined) void this.close();
      else this.#cutConnections();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await this.#closed;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  /**
   * Stops accepting connections, closes idle keep-alive connections, lets
   * requests in flight finish (their responses then close their connections)
   * for up to `closeTimeout` milliseconds, and then destroys what is left.
   * Resolves once every connection is gone; calling it again returns the
   * same promise.
   *
   * @example
   * ```ts
   * process.once('SIGUSR2', () => void server.close());
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    if (this.#listening !== undefined) await this.#listening.catch(() => undefined);
    this.#context.closing = true;
    const server = this.httpServer;
    if (server.listening) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.#cutConnections(), this.#closeTimeout);
        this.#http2?.close();
        // Upgraded sockets are no longer Node's HTTP connections: they hear 1001 Going Away.
        this.#webSockets.closeAll();
        // close() also closes idle connections; busy ones close after their
        // response, because `closing` makes them drop keep-alive.
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#markClosed();
  }

  #cutConnections(): void {
    this.httpServer.closeAllConnections();
    this.#http2?.destroy();
    this.#webSockets.terminateAll();
  }

  #bound(): ListenInfo {
    const address = this.httpServer.address() as AddressInfo;
    const port = address.port;
    this.#context.serverPort = String(port);
    const shown = ANY_HOST.has(this.host) ? 'localhost' : this.host.includes(':') ? `[${this.host}]` : this.host;
    this.#info = { url: `${this.#secure ? 'https' : 'http'}://${shown}:${port}/`, host: this.host, port };
    return this.#info;
  }
}
