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
import type { createUpgradeListener as CreateUpgradeListener, UpgradeListener } from './upgrade-listener.js';

interface Loaded {
  readonly host: WebSocketHost;
  readonly createUpgradeListener: typeof CreateUpgradeListener;
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
  readonly #app: App;
  readonly #loaded: OnDemand<Loaded>;
  #closing = false;

  /** Resolves `options` now, so that bad ones are refused when the server is made. */
  constructor(app: App, options: WebSocketOptions | undefined) {
    this.#app = app;
    const limits = resolveWebSocketOptions(options);
    this.#loaded = new OnDemand(async () => {
      const [{ WebSocketHost }, { createUpgradeListener }] = await Promise.all([import('./host.js'), import('./upgrade-listener.js')]);
      const host = new WebSocketHost(limits);
      if (this.#closing) host.closeAll();
      return { host, createUpgradeListener };
    });
  }

  /** A listener for Node's `upgrade` event, for requests in `context`; `this` is the server. */
  listener(context: ServerContext): UpgradeListener {
    const app = this.#app;
    const loaded = this.#loaded;
    let handle: UpgradeListener | undefined;
    return function onUpgrade(this: unknown, req: IncomingMessage, socket: Duplex, head: Buffer): void {
      loaded.withSocket(socket, context, (side) => {
        handle ??= side.createUpgradeListener(app, context, side.host);
        handle.call(this, req, socket, head);
      });
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
