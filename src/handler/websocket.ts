/**
 * A handler's side of the `tsgi.websocket` extension: accepting the
 * handshake from `doWEBSOCKET`, and knowing afterwards that the response
 * is no longer the handler's to send.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import type { Environ } from '../gateway/types.js';
import { webSocketOf, type WebSocketAcceptOptions, type WebSocketConnection } from '../gateway/websocket.js';

/**
 * Accepts the request's WebSocket handshake; rejects with a 426
 * {@link HttpError} when the request is no handshake (or the server offers
 * no WebSockets).
 *
 * @example
 * ```ts
 * const socket = await acceptWebSocket(this.environ, { protocol: 'chat.v1' });
 * ```
 */
export function acceptWebSocket(environ: Environ, options?: WebSocketAcceptOptions): Promise<WebSocketConnection> {
  const upgrade = webSocketOf(environ);
  if (upgrade === undefined) {
    return Promise.reject(new HttpError(426, 'this resource speaks WebSocket; open it with a WebSocket client'));
  }
  return upgrade.accept(options);
}

/**
 * Whether the handler's request was accepted as a WebSocket, after which
 * it answers no status and no body.
 *
 * @example
 * ```ts
 * if (webSocketAccepted(handler)) return [];
 * ```
 */
export function webSocketAccepted(handler: { readonly environ: Environ }): boolean {
  return webSocketOf(handler.environ)?.accepted === true;
}
