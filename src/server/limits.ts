/**
 * The server's limits on slow, stalled and greedy clients: their defaults,
 * and how they are put on a Node HTTP server.
 *
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { connectionOf, trackConnection } from './connection.js';
import type { ServerOptions } from './options.js';

/**
 * The limits' defaults, chosen on a par with nginx (60 s for each of
 * `client_header_timeout`, `client_body_timeout` and `send_timeout`) and
 * gunicorn (`timeout` 30 s, `worker_connections` 1000), and well under
 * Node's own 300 s. `docs/deploy.md` lists them with what each does.
 *
 * @example
 * ```ts
 * makeServer('', 8080, app, { sendTimeout: 2 * DEFAULT_LIMITS.sendTimeout });
 * ```
 */
export const DEFAULT_LIMITS = Object.freeze({
  /** Requests parsed and waiting behind the one being answered, per connection. */
  maxPipelined: 16,
  /** Milliseconds a client may accept no bytes of a response. */
  sendTimeout: 30_000,
  /** Milliseconds a client may send no bytes of a request body. */
  bodyTimeout: 30_000,
  /** Milliseconds a client has for the request head. */
  headersTimeout: 30_000,
  /** Open connections at once. */
  maxConnections: 1024,
  /** Milliseconds between Node's checks of the head and request deadlines. */
  connectionsCheckingInterval: 5_000,
});

/**
 * The limits one server applies, every field resolved.
 *
 * @example
 * ```ts
 * const limits: Limits = resolveLimits({ sendTimeout: 10_000 });
 * ```
 */
export interface Limits {
  /** See {@link ServerOptions.maxPipelined}. */
  readonly maxPipelined: number;
  /** See {@link ServerOptions.sendTimeout}; 0 disables it. */
  readonly sendTimeout: number;
  /** See {@link ServerOptions.bodyTimeout}; 0 disables it. */
  readonly bodyTimeout: number;
  /** See {@link ServerOptions.headersTimeout}. */
  readonly headersTimeout: number;
  /** See {@link ServerOptions.maxConnections}; 0 means no cap. */
  readonly maxConnections: number;
}

/**
 * Fills in the defaults and checks the values.
 *
 * @throws RangeError for a negative or fractional count, or a bad timeout.
 * @example
 * ```ts
 * resolveLimits({}).maxPipelined; // 16
 * ```
 */
export function resolveLimits(options: ServerOptions): Limits {
  const requestTimeout = options.requestTimeout;
  // Node refuses a head deadline past the whole-request one, so the default
  // follows a shorter requestTimeout down.
  const headersDefault =
    requestTimeout !== undefined && requestTimeout > 0 ? Math.min(DEFAULT_LIMITS.headersTimeout, requestTimeout) : DEFAULT_LIMITS.headersTimeout;
  return {
    maxPipelined: count('maxPipelined', options.maxPipelined ?? DEFAULT_LIMITS.maxPipelined, 1),
    sendTimeout: count('sendTimeout', options.sendTimeout ?? DEFAULT_LIMITS.sendTimeout, 0),
    bodyTimeout: count('bodyTimeout', options.bodyTimeout ?? DEFAULT_LIMITS.bodyTimeout, 0),
    headersTimeout: count('headersTimeout', options.headersTimeout ?? headersDefault, 0),
    maxConnections: count('maxConnections', options.maxConnections ?? DEFAULT_LIMITS.maxConnections, 0),
  };
}

function count(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer of at least ${min}, got ${value}`);
  return value;
}

/**
 * Puts the limits on `server`: the connection cap, the inactivity timer of
 * each socket (Node's own, which a write the kernel is still taking keeps
 * alive), and the bookkeeping the pipelining bound and the abort log lines
 * need. The timer runs only while the server waits on the client: for a
 * request body, or for a response the client is slow to take (see the
 * transport); between requests Node's keep-alive timeout runs it.
 *
 * @example
 * ```ts
 * installLimits(httpServer, resolveLimits(options), false);
 * ```
 */
export function installLimits(server: Server, limits: Limits, secure: boolean): void {
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  // No timer while the app works or the kernel takes the bytes at once:
  // a timer Node refreshes on every read and write cost about 2 µs of a
  // hello world. The transport starts it when the server waits on the client.
  server.timeout = 0;
  // Over TLS the requests arrive on the TLS socket, not the TCP one.
  server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => trackConnection(socket, limits));
  // With a listener here Node no longer destroys a socket that timed out;
  // this decides, so that an app still working on a response is not cut.
  server.on('timeout', (socket: Socket) => onTimeout(server, socket));
}

function onTimeout(server: Server, socket: Socket): void {
  const connection = connectionOf(socket);
  if (connection === undefined) {
    socket.destroy();
    return;
  }
  // A head that stopped arriving is the head deadline's to judge: Node's
  // check answers it with a 408 saying so (see client-error.ts), where a
  // drop here would leave the client without a word. The idle timer often
  // comes first: with equal durations it runs from the last byte, and the
  // check only every connectionsCheckingInterval.
  if (connection.headArriving() && (server.headersTimeout > 0 || server.requestTimeout > 0)) return;
  if (socket.writableLength > 0) {
    // Bytes are waiting that the client has not taken for a whole period.
    if (connection.limits.sendTimeout > 0) connection.drop('send timeout');
    return;
  }
  const current = connection.current;
  if (current !== undefined) {
    const verdict = current.onIdle();
    if (verdict === 'handled' || verdict === 'working') return;
  }
  // Nothing in flight: an idle keep-alive connection, or one that never
  // sent a request.
  socket.destroy();
}

/**
 * Wraps a request listener so that a connection runs one response at a
 * time: a pipelined request waits, parsed but not yet handed to the app,
 * until the responses before it are out. Once `maxPipelined` wait, the
 * socket is no longer read, so TCP backpressure reaches the client.
 *
 * Node would otherwise run the app for every pipelined request at once and
 * hold each whole response in memory until the client reads the earlier ones.
 *
 * @example
 * ```ts
 * server.on('request', gateRequests(createListener(app, context, false)));
 * ```
 */
export function gateRequests(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function gated(req: IncomingMessage, res: ServerResponse): void {
    // The common case: nothing ahead of this request on its connection.
    if (res.socket !== null) {
      listener(req, res);
      return;
    }
    const connection = connectionOf(req.socket);
    if (connection === undefined) {
      listener(req, res);
      return;
    }
    connection.hold(res);
    res.once('socket', (socket: Socket) => {
      connection.release(res);
      // Its turn can come as the connection is torn down; nobody would hear.
      if (!socket.destroyed) listener(req, res);
    });
  };
}
