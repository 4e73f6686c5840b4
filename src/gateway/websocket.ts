/**
 * The `tsgi.websocket` server extension: what a server puts in the environ
 * of a WebSocket upgrade request, and the socket an app gets by accepting
 * it. `docs/gateway.md` ("Extension: tsgi.websocket") is the contract.
 *
 * @module
 */
import type { Environ, ResponseHeaders } from './types.js';

/**
 * The environ key of the extension.
 *
 * @example
 * ```ts
 * const upgrade = environ[WEBSOCKET_KEY] as WebSocketUpgrade | undefined;
 * ```
 *
 * @category WebSocket
 */
export const WEBSOCKET_KEY = 'tsgi.websocket';

/**
 * One WebSocket message: a text frame arrives as a string, a binary frame
 * as bytes; `send` picks the frame type the same way.
 *
 * @example
 * ```ts
 * const describe = (message: WebSocketMessage) => (typeof message === 'string' ? 'text' : `${message.byteLength} bytes`);
 * ```
 *
 * @category WebSocket
 */
export type WebSocketMessage = string | Uint8Array;

/**
 * What the app may choose when it accepts.
 *
 * @example
 * ```ts
 * const socket = await upgrade.accept({ protocol: 'chat.v1', headers: [['X-Room', 'lobby']] });
 * ```
 *
 * @category WebSocket
 */
export interface WebSocketAcceptOptions {
  /**
   * The subprotocol to answer with (`Sec-WebSocket-Protocol`); it must be
   * one of {@link WebSocketUpgrade.protocols}. Default: none.
   */
  protocol?: string;
  /** Extra headers for the `101 Switching Protocols` answer. */
  headers?: ResponseHeaders;
}

/**
 * How a WebSocket connection ended: the close code and reason the peer
 * sent (or the server chose), `1006` when the connection simply broke.
 *
 * @example
 * ```ts
 * const { code, reason } = await socket.closed;
 * ```
 *
 * @category WebSocket
 */
export interface WebSocketClose {
  /** The close code, e.g. `1000` (normal), `1001` (going away), `1009` (message too big). */
  readonly code: number;
  /** The reason text, possibly empty. */
  readonly reason: string;
}

/**
 * An open WebSocket connection, as {@link WebSocketUpgrade.accept} gives it.
 * Iterating it yields each message as it arrives and ends when the
 * connection closes; only one iteration may run at a time.
 *
 * `send` resolves once the message has been handed to the network. Unsent
 * messages are capped (the server's `maxQueuedBytes`): a `send` that would
 * queue more while earlier ones are still waiting rejects at once, and the
 * message is not sent, so a peer that does not read cannot make the server
 * hold an unbounded backlog. An app that awaits each `send` never meets the cap.
 *
 * @example
 * ```ts
 * const socket = await upgrade.accept();
 * for await (const message of socket) await socket.send(message); // echo
 * ```
 *
 * @category WebSocket
 */
export interface WebSocketConnection extends AsyncIterable<WebSocketMessage> {
  /** The subprotocol agreed on at accept, `''` for none. */
  readonly protocol: string;
  /** Resolves once the connection has closed, with its close code and reason; never rejects. */
  readonly closed: Promise<WebSocketClose>;
  /**
   * Sends one message: a string as a text frame, bytes as a binary frame.
   * Rejects when the connection is closed, or when the outgoing queue is
   * over the cap.
   */
  send(data: WebSocketMessage): Promise<void>;
  /**
   * Starts the closing handshake with `code` (default 1000) and `reason`
   * (at most 123 bytes of UTF-8); resolves with {@link closed}.
   */
  close(code?: number, reason?: string): Promise<WebSocketClose>;
}

/**
 * `environ['tsgi.websocket']`: present only on a valid WebSocket upgrade
 * request (a GET over HTTP/1.1 with `Upgrade: websocket`,
 * `Connection: upgrade`, a `Sec-WebSocket-Key` and
 * `Sec-WebSocket-Version: 13`). The app either accepts, and then returns an
 * empty body without calling `startResponse`, or answers with an ordinary
 * response, which the server sends as usual.
 *
 * @example
 * ```ts
 * const app: App = async (environ, startResponse) => {
 *   const upgrade = webSocketOf(environ);
 *   if (upgrade === undefined) {
 *     startResponse('426 Upgrade Required', [['Upgrade', 'websocket'], ['Content-Type', 'text/plain']]);
 *     return ['WebSocket only\n'];
 *   }
 *   const socket = await upgrade.accept();
 *   void (async () => { for await (const message of socket) await socket.send(message); })();
 *   return [];
 * };
 * ```
 *
 * @category WebSocket
 */
export interface WebSocketUpgrade {
  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`), in its order. */
  readonly protocols: readonly string[];
  /** Whether {@link accept} has been called. */
  readonly accepted: boolean;
  /**
   * Completes the handshake (`101 Switching Protocols`) and resolves to the
   * open connection. May be called once, and only before any response has
   * been started.
   */
  accept(options?: WebSocketAcceptOptions): Promise<WebSocketConnection>;
}

/**
 * The request's {@link WebSocketUpgrade}, or `undefined` when it is not a
 * WebSocket upgrade (or the server does not offer the extension).
 *
 * @example
 * ```ts
 * if (webSocketOf(environ) !== undefined) console.log('a WebSocket handshake');
 * ```
 *
 * @category WebSocket
 */
export function webSocketOf(environ: Environ): WebSocketUpgrade | undefined {
  const value = environ[WEBSOCKET_KEY];
  return value === undefined || value === null ? undefined : (value as WebSocketUpgrade);
}
