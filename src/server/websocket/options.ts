/**
 * The server's WebSocket limits, their defaults and their checks.
 *
 * @module
 */

/**
 * The `webSocket` field of the server's options, for connections accepted
 * through the `tsgi.websocket` extension. Every field is optional.
 *
 * @example
 * ```ts
 * makeServer('127.0.0.1', 8080, app, {
 *   webSocket: { maxMessageSize: 64 * 1024, pingInterval: 15_000, allowedOrigins: ['https://example.com'] },
 * });
 * ```
 *
 * @category WebSocket
 */
export interface WebSocketOptions {
  /**
   * The largest message, in bytes, a peer may send; a bigger one closes the
   * connection with `1009 Message Too Big`. Default: 1 MiB.
   */
  maxMessageSize?: number;
  /**
   * Bytes of outgoing messages that may wait to be sent; a `send` that
   * would queue more while others wait rejects (see
   * {@link "tsgi/gateway"!WebSocketConnection}). Default: 1 MiB.
   */
  maxQueuedBytes?: number;
  /**
   * Milliseconds between the server's pings. A peer that has not answered
   * the last ping with a pong when the next one is due is cut off, so a
   * dead peer goes within two intervals. Default: 30 000; 0 disables pings.
   */
  pingInterval?: number;
  /**
   * The origins (`https://example.com`, `http://localhost:8080`) whose
   * pages may open WebSockets, or `['*']` for any. A handshake with any
   * other `Origin` gets `403 Forbidden` before the app runs. Default: the
   * same origin as the request's `Host` (as a browser's own same-origin
   * check would see it), so another site's page cannot open a connection
   * that carries the visitor's cookies. A handshake without `Origin` (not
   * a browser) is allowed either way.
   */
  allowedOrigins?: readonly string[];
}

/**
 * The WebSocket limits one server applies, every field resolved.
 *
 * @example
 * ```ts
 * const limits: WebSocketLimits = resolveWebSocketOptions({ pingInterval: 0 });
 * ```
 */
export interface WebSocketLimits {
  /** See {@link WebSocketOptions.maxMessageSize}. */
  readonly maxMessageSize: number;
  /** See {@link WebSocketOptions.maxQueuedBytes}. */
  readonly maxQueuedBytes: number;
  /** See {@link WebSocketOptions.pingInterval}; 0 disables pings. */
  readonly pingInterval: number;
  /** Lower-cased origins, `undefined` for same-origin only. */
  readonly allowedOrigins: ReadonlySet<string> | undefined;
}

/**
 * The defaults of {@link WebSocketOptions}.
 *
 * @example
 * ```ts
 * makeServer('', 8080, app, { webSocket: { maxMessageSize: 4 * DEFAULT_WEBSOCKET_LIMITS.maxMessageSize } });
 * ```
 *
 * @category WebSocket
 */
export const DEFAULT_WEBSOCKET_LIMITS = Object.freeze({
  /** Bytes of the largest incoming message. */
  maxMessageSize: 1024 * 1024,
  /** Bytes of outgoing messages waiting to be sent. */
  maxQueuedBytes: 1024 * 1024,
  /** Milliseconds between pings. */
  pingInterval: 30_000,
});

/**
 * Fills in the defaults and checks the values, so a wrong setup fails at
 * startup naming the option.
 *
 * @throws RangeError for a size or interval that is not a non-negative integer, or a malformed origin.
 * @example
 * ```ts
 * resolveWebSocketOptions({}).maxMessageSize; // 1048576
 * ```
 */
export function resolveWebSocketOptions(options: WebSocketOptions = {}): WebSocketLimits {
  return {
    maxMessageSize: count('maxMessageSize', options.maxMessageSize ?? DEFAULT_WEBSOCKET_LIMITS.maxMessageSize, 1),
    maxQueuedBytes: count('maxQueuedBytes', options.maxQueuedBytes ?? DEFAULT_WEBSOCKET_LIMITS.maxQueuedBytes, 1),
    pingInterval: count('pingInterval', options.pingInterval ?? DEFAULT_WEBSOCKET_LIMITS.pingInterval, 0),
    allowedOrigins: options.allowedOrigins === undefined ? undefined : new Set(options.allowedOrigins.map(checkOrigin)),
  };
}

function count(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`webSocket.${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

function checkOrigin(origin: string): string {
  if (origin === '*') return origin;
  if (!/^https?:\/\/[^/?#\s]+$/i.test(origin)) {
    throw new RangeError(
      `webSocket.allowedOrigins entries are origins such as 'https://example.com' (scheme and host, no path) or '*', got ${JSON.stringify(origin)}`,
    );
  }
  return origin.toLowerCase();
}
