/**
 * The WebSocket side of a server or listener, loaded with the `ws` library
 * on the first upgrade: until a client asks, neither the handshake code nor
 * the connection code is in memory.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { App } from '../../gateway/types.js';
import type { ServerContext } from '../environ.js';
import { OnDemand } from '../on-demand.js';
import type { WebSocketHost } from './host.js';
import { resolveWebSocketOptions, type WebSocketOptions } from './options.js';
import type { UpgradeListener } from './upgrade-listener.js';

interface Loaded {
  readonly host: WebSocketHost;
  readonly listenerFor: (context: ServerContext) => UpgradeListener;
}

/**
 * The `upgrade` listeners of one server, sharing one set of open
 * connections.
 *
 * @example
 * ```ts
 * const webSockets = new WebSocketsOnDemand(app, options.webSocket);
 * httpServer.on('upgrade', webSockets.listener(context));
 * webSockets.closeAll(); // on shutdown
 * ```
 */
export class WebSocketsOnDemand {
  readonly #loaded: OnDemand<Loaded>;
  #closing = false;

  /** Resolves `options` now, so that bad ones are refused when the server is made. */
  constructor(app: App, options: WebSocketOptions | undefined) {
    const limits = resolveWebSocketOptions(options);
    this.#loaded = new OnDemand(async () => {
      const [{ WebSocketHost }, { createUpgradeListener }] = await Promise.all([import('./host.js'), import('./upgrade-listener.js')]);
      const host = new WebSocketHost(limits);
      if (this.#closing) host.closeAll();
      const listeners = new Map<ServerContext, UpgradeListener>();
      const listenerFor = (context: ServerContext): UpgradeListener => {
        let listener = listeners.get(context);
        if (listener === undefined) listeners.set(context, (listener = createUpgradeListener(app, context, host)));
        return listener;
      };
      return { host, listenerFor };
    });
  }

  /** A listener for Node's `upgrade` event, for requests in `context`; `this` is the server. */
  listener(context: ServerContext): UpgradeListener {
    const loaded = this.#loaded;
    return function onUpgrade(this: unknown, req: IncomingMessage, socket: Duplex, head: Buffer): void {
      loaded.withSocket(socket, context, (side) => side.listenerFor(context).call(this, req, socket, head));
    };
  }

  /** Closes every open connection with `1001 Going Away`, and any opened from now on. */
  closeAll(): void {
    this.#closing = true;
    this.#loaded.value?.host.closeAll();
  }

  /** Cuts every connection still open. */
  terminateAll(): void {
    this.#loaded.value?.host.terminateAll();
  }
}
