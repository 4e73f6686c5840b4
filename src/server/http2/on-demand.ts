/**
 * The HTTP/2 side of a server, loaded with node:http2 on the first
 * connection that chose `h2`: a server that offers HTTP/2 but is only ever
 * reached over HTTP/1.1 does not hold it in memory.
 *
 * @module
 */
import type { TLSSocket } from 'node:tls';
import type { App } from '../../gateway/types.js';
import type { ServerContext } from '../environ.js';
import type { Limits } from '../limits.js';
import { OnDemand } from '../on-demand.js';
import type { Http2Sessions } from './sessions.js';

/**
 * Every HTTP/2 session of a server, once there is one.
 *
 * @example
 * ```ts
 * const http2 = new Http2OnDemand(app, context, limits, 5_000);
 * routeByProtocol(httpsServer, (socket) => http2.accept(socket), true);
 * ```
 */
export class Http2OnDemand {
  readonly #context: ServerContext;
  readonly #sessions: OnDemand<Http2Sessions>;
  #closing = false;

  /** Takes the arguments of {@link Http2Sessions}. */
  constructor(app: App, context: ServerContext, limits: Limits, idleTimeout: number) {
    this.#context = context;
    this.#sessions = new OnDemand(async () => {
      const sessions = new (await import('./sessions.js')).Http2Sessions(app, context, limits, idleTimeout);
      if (this.#closing) sessions.close();
      return sessions;
    });
  }

  /** Speaks HTTP/2 on a TLS socket whose ALPN chose `h2`. */
  accept(socket: TLSSocket): void {
    this.#sessions.withSocket(socket, this.#context, (sessions) => sessions.accept(socket));
  }

  /** Sends GOAWAY on every session, and on any opened from now on. */
  close(): void {
    this.#closing = true;
    this.#sessions.value?.close();
  }

  /** Destroys every session, cutting its streams. */
  destroy(): void {
    this.#sessions.value?.destroy();
  }
}
