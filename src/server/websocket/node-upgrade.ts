/**
 * The WebSocket half of {@link "tsgi/server"!toNodeListener}: a listener for
 * the `upgrade` event of a `node:http` server made elsewhere.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { toApp } from '../../gateway/app.js';
import type { AppLike } from '../../gateway/types.js';
import { encryptedFor, listenerContexts, type NodeListenerOptions } from '../node-listener.js';
import { WebSocketsOnDemand } from './on-demand.js';
import type { WebSocketOptions } from './options.js';

/**
 * Options for {@link toNodeUpgradeListener}: those of `toNodeListener`, and
 * the WebSocket limits.
 *
 * @example
 * ```ts
 * const options: NodeUpgradeOptions = { allowedHosts: ['example.com'], webSocket: { pingInterval: 10_000 } };
 * ```
 *
 * @category Node adapters
 */
export interface NodeUpgradeOptions extends NodeListenerOptions {
  /** The limits of accepted connections, as for `makeServer`'s `webSocket`. */
  webSocket?: WebSocketOptions;
}

/**
 * An `upgrade` listener serving `app`, made by {@link toNodeUpgradeListener}.
 * Call it as Node does, with the server as `this`.
 *
 * @example
 * ```ts
 * const upgrade: NodeUpgradeListener = toNodeUpgradeListener(app);
 * server.on('upgrade', upgrade);
 * upgrade.closeAll(); // when shutting down
 * ```
 *
 * @category Node adapters
 */
export interface NodeUpgradeListener {
  /** Handles one `upgrade` event. */
  (this: unknown, req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection it accepted with `1001 Going Away`, and any it accepts later. */
  closeAll(): void;
}

/**
 * Returns a listener for a `node:http` (or `node:https`) server's `upgrade`
 * event: a WebSocket handshake reaches `app` with `environ['tsgi.websocket']`,
 * answered as on `makeServer` (400 for a malformed one, 403 for an origin not
 * allowed, the app's own response unless it accepts). Any other upgrade
 * (`h2c`) goes back to the server as an ordinary request, so
 * `toNodeListener` answers it.
 *
 * @example
 * ```ts
 * const server = http.createServer(toNodeListener(ChatRoom));
 * server.on('upgrade', toNodeUpgradeListener(ChatRoom));
 * server.listen(8080);
 * ```
 *
 * @category Node adapters
 */
export function toNodeUpgradeListener(app: AppLike, options: NodeUpgradeOptions = {}): NodeUpgradeListener {
  const target = toApp(app);
  const contexts = listenerContexts(options);
  const webSockets = new WebSocketsOnDemand(target, options.webSocket);
  const handlePlain = webSockets.listener(contexts.plain);
  const handleSecure = webSockets.listener(contexts.secure);
  const listener = function tsgiUpgrade(this: unknown, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    (encryptedFor(contexts, req) ? handleSecure : handlePlain).call(this, req, socket, head);
  } as NodeUpgradeListener;
  listener.closeAll = () => webSockets.closeAll();
  return listener;
}
