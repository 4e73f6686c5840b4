/**
 * The options of the reference server and their defaults.
 *
 * @module
 */
import type { SecureContextOptions } from 'node:tls';
import type { ErrorStream } from '../gateway/types.js';
import type { WebSocketOptions } from './websocket/options.js';

/**
 * Where the server writes its own messages (the startup line). Any Node
 * writable stream fits, as does a plain object with `write`.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const log: LogSink = { write: (text) => lines.push(text) };
 * ```
 *
 * @category Server
 */
export interface LogSink {
  /** Writes text as given; the server ends its lines with `\n` itself. */
  write(text: string): unknown;
}

/**
 * Options for {@link makeServer}. Every field is optional; the defaults are
 * listed with each.
 *
 * @example
 * ```ts
 * const options: ServerOptions = {
 *   requestTimeout: 30_000,
 *   errors: streamErrors(createWriteStream('errors.log', { flags: 'a' })),
 *   log: null, // no startup line
 * };
 * makeServer('127.0.0.1', 8080, app, options);
 * ```
 *
 * @category Server
 */
export interface ServerOptions {
  /**
   * Milliseconds a client has to send the complete request head; after that
   * the connection gets `408` and is closed. Default: 30 000 (or
   * `requestTimeout` if smaller). Must not exceed `requestTimeout`.
   */
  headersTimeout?: number;
  /**
   * Milliseconds a client may send no byte of a request body it announced
   * (the time between two reads, not for the whole body). Then it gets
   * `408` if nothing of the response went out yet, else the connection is
   * dropped. A body the app has not read yet never counts against the
   * client. Default: 30 000; 0 disables it.
   */
  bodyTimeout?: number;
  /**
   * Milliseconds a client may accept no byte of a response. Then the
   * connection is destroyed and the body's `return()` called. A client that
   * reads slowly but reads is not cut. Default: 30 000; 0 disables it.
   */
  sendTimeout?: number;
  /** Milliseconds a client has to send the whole request, body included. Node's default: 300 000; 0 disables it. */
  requestTimeout?: number;
  /** Milliseconds an idle keep-alive connection is kept open. Node's default: 5 000. */
  keepAliveTimeout?: number;
  /**
   * How often, in milliseconds, Node checks connections against
   * `headersTimeout` and `requestTimeout`, and so how late a timeout may
   * fire. Default: 5 000.
   */
  connectionsCheckingInterval?: number;
  /**
   * Pipelined requests a connection may have waiting behind the one being
   * answered. The app runs for one request of a connection at a time; with
   * this many waiting, the server stops reading the connection until
   * responses go out, so a client that sends without reading is held back
   * by TCP. Default: 16.
   */
  maxPipelined?: number;
  /**
   * Connections open at once; more are closed as soon as they are accepted.
   * Default: 1024; 0 means no cap.
   */
  maxConnections?: number;
  /** The error log, `environ['tsgi.errors']`. Default: {@link "tsgi/gateway"!streamErrors} on `process.stderr`. */
  errors?: ErrorStream;
  /**
   * The host names requests may name in `Host` (or an absolute-form
   * target); any other gets `400 Bad Request: host "…" is not allowed`
   * before the app runs, so links and `Location` headers built from
   * `HTTP_HOST` name only these. Entries are names or addresses without a
   * port (`example.com`, `[::1]`), `*.example.com` for subdomains, or `*`
   * for any host. Default: the bound host, `localhost`, `127.0.0.1` and
   * `[::1]`; bound to all interfaces, also the machine's host name and
   * interface addresses, with a warning in `errors`.
   */
  allowedHosts?: readonly string[];
  /** `environ['tsgi.url_scheme']`, e.g. `https` behind a TLS-terminating proxy. Default: `http`. */
  urlScheme?: string;
  /** `environ['tsgi.multiprocess']`: whether other processes serve the same app. Default: false. */
  multiprocess?: boolean;
  /**
   * Where the app is mounted: `''` or a `/`-led path without a trailing `/`,
   * e.g. `/blog`. Requests outside it get `404` without reaching the app.
   * Default: `''`.
   */
  scriptName?: string;
  /** Where the startup line goes; `null` silences it. Default: `process.stdout`. */
  log?: LogSink | null;
  /** The app's name in the startup line. Default: the app function's or class's name. */
  name?: string;
  /**
   * Milliseconds {@link TsgiServer.close} waits for requests in flight before
   * destroying their connections. Default: 10 000.
   */
  closeTimeout?: number;
  /**
   * Limits of the WebSocket connections apps accept through
   * `environ['tsgi.websocket']`: message size, outgoing queue, keep-alive
   * pings and the origins allowed. Default: see {@link WebSocketOptions}.
   */
  webSocket?: WebSocketOptions;
  /** Whether {@link TsgiServer.serveForever} stops the server on SIGINT and SIGTERM. Default: true. */
  handleSignals?: boolean;
  /**
   * Serve HTTPS with this certificate and key (PEM strings or buffers, as
   * `node:tls` takes them). `urlScheme` then defaults to `https`. Default:
   * none, plain HTTP.
   */
  tls?: Pick<SecureContextOptions, 'cert' | 'key' | 'ca' | 'passphrase'>;
  /**
   * Serve HTTP/2 as well, on the same port: TLS clients that offer `h2` in
   * ALPN (browsers, `curl`) get it, the rest HTTP/1.1, served exactly as
   * without this option. Needs `tls`, since clients speak HTTP/2 only over
   * TLS. The app is the same; its environ differs only in
   * `SERVER_PROTOCOL`, `HTTP/2.0`. A client may have up to 100 streams open
   * at once; `keepAliveTimeout` closes a connection idle without one, and
   * `bodyTimeout` and `sendTimeout` apply per stream. Default: false.
   *
   * @example
   * ```ts
   * makeServer('', 8443, app, { http2: true, tls: { cert: readFileSync('cert.pem'), key: readFileSync('key.pem') } });
   * ```
   */
  http2?: boolean;
  /**
   * With `http2`, whether clients that do not offer `h2` are served
   * HTTP/1.1. If false, a client offering only `http/1.1` in ALPN fails
   * the TLS handshake (`no_application_protocol`) and one without ALPN
   * gets `505 HTTP Version Not Supported`. Default: true.
   */
  allowHTTP1?: boolean;
}

/**
 * How long {@link TsgiServer.close} waits for requests in flight by default.
 *
 * @example
 * ```ts
 * makeServer('', 8080, app, { closeTimeout: 2 * DEFAULT_CLOSE_TIMEOUT });
 * ```
 *
 * @category Server
 */
export const DEFAULT_CLOSE_TIMEOUT = 10_000;

/**
 * Checks a mount prefix: `''`, or `/`-led without a trailing `/`.
 *
 * @throws RangeError when the prefix is malformed.
 * @internal
 */
export function checkScriptName(scriptName: string): string {
  if (scriptName !== '' && (!scriptName.startsWith('/') || scriptName.endsWith('/'))) {
    throw new RangeError(`scriptName must be '' or start with '/' and not end with '/', got ${JSON.stringify(scriptName)}`);
  }
  return scriptName;
}
