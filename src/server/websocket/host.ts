/**
 * One server's WebSocket side: the `ws` library's handshake, loaded on the
 * first accepted upgrade, and the open connections, which the server's
 * `close()` closes with `1001 Going Away`.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { ResponseHeaders } from '../../gateway/types.js';
import type { WebSocketLimits } from './options.js';
import { ServerWebSocket } from './socket.js';

/** What the app chose at accept, for the handshake's answer. */
interface Choice {
  readonly protocol: string | undefined;
  readonly headers: ResponseHeaders;
}

/**
 * The handshake and the open connections of one server or listener.
 *
 * @example
 * ```ts
 * const host = new WebSocketHost(resolveWebSocketOptions({ maxMessageSize: 65536 }));
 * const socket = await host.open(req, socket, head, { protocol: undefined, headers: [] });
 * await host.closeAll();
 * ```
 */
export class WebSocketHost {
  readonly limits: WebSocketLimits;
  readonly #open = new Set<ServerWebSocket>();
  readonly #choices = new WeakMap<IncomingMessage, Choice>();
  #server: Promise<WebSocketServer> | undefined;
  #closing = false;

  /** @param limits Resolved, so that bad options were refused when the server was made. */
  constructor(limits: WebSocketLimits) {
    this.limits = limits;
  }

  /**
   * Answers the handshake with `101` and resolves to the open connection;
   * rejects when the client left before that.
   */
  async open(req: IncomingMessage, socket: Duplex, head: Buffer, choice: Choice): Promise<ServerWebSocket> {
    const server = await (this.#server ??= this.#makeServer());
    if (socket.destroyed || !socket.writable) throw new Error('the client left before the WebSocket handshake completed');
    this.#choices.set(req, choice);
    let opened: ServerWebSocket | undefined;
    server.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ServerWebSocket(ws, this.limits, () => this.#open.delete(connection));
      this.#open.add(connection);
      opened = connection;
    });
    // ws answers synchronously; no connection means it refused the handshake (and answered 400).
    if (opened === undefined) throw new Error('the WebSocket handshake failed');
    if (this.#closing) void opened.close(1001, 'server shutting down').catch(() => undefined);
    return opened;
  }

  /** Starts the closing handshake of every open connection (and of any opened from now on). */
  closeAll(): void {
    this.#closing = true;
    for (const connection of this.#open) void connection.close(1001, 'server shutting down').catch(() => undefined);
  }

  /** Cuts every connection still open, for a close that has waited long enough. */
  terminateAll(): void {
    for (const connection of this.#open) connection.terminate();
  }

  /** How many connections are open. */
  get size(): number {
    return this.#open.size;
  }

  async #makeServer(): Promise<WebSocketServer> {
    const { WebSocketServer } = await import('ws');
    const server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.limits.maxMessageSize,
      handleProtocols: (_offered, req) => this.#choices.get(req)?.protocol ?? false,
    });
    server.on('headers', (lines: string[], req: IncomingMessage) => {
      for (const [name, value] of this.#choices.get(req)?.headers ?? []) lines.push(`${name}: ${value}`);
    });
    return server;
  }
}
