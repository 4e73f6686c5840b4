/**
 * The server's `environ['tsgi.websocket']`: the {@link WebSocketUpgrade}
 * of one handshake, whose `accept()` hands the socket from the HTTP
 * response to the WebSocket.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptProblem } from '../../gateway/websocket-checks.js';
import type { WebSocketAcceptOptions, WebSocketConnection, WebSocketUpgrade } from '../../gateway/websocket.js';
import type { Socket } from 'node:net';
import { connectionOf } from '../connection.js';
import type { WebSocketHost } from './host.js';
import type { ServerWebSocket } from './socket.js';

/**
 * One handshake waiting for the app's decision.
 *
 * @example
 * ```ts
 * environ['tsgi.websocket'] = new ServerUpgrade(req, socket, head, res, host);
 * ```
 */
export class ServerUpgrade implements WebSocketUpgrade {
  readonly protocols: readonly string[];
  readonly #req: IncomingMessage;
  readonly #socket: Duplex;
  readonly #head: Buffer;
  readonly #res: ServerResponse;
  readonly #host: WebSocketHost;
  #accepted = false;
  #opening: Promise<ServerWebSocket> | undefined;
  #failed = false;

  constructor(req: IncomingMessage, socket: Duplex, head: Buffer, res: ServerResponse, host: WebSocketHost) {
    this.#req = req;
    this.#socket = socket;
    this.#head = head;
    this.#res = res;
    this.#host = host;
    const offered = req.headers['sec-websocket-protocol'];
    this.protocols = offered === undefined ? [] : offered.split(',').map((name) => name.trim()).filter((name) => name !== '');
  }

  get accepted(): boolean {
    return this.#accepted;
  }

  accept(options: WebSocketAcceptOptions = {}): Promise<WebSocketConnection> {
    const problem = acceptProblem(this.protocols, options, this.#accepted);
    if (problem !== undefined) return Promise.reject(problem);
    if (this.#res.headersSent) return Promise.reject(new Error('accept() came after the HTTP response was sent; accept before answering'));
    const { protocol, headers = [] } = options;
    this.#accepted = true;
    // The HTTP response gives the socket up: the lifecycle sees it gone, and
    // sends nothing more on it.
    this.#res.detachSocket(this.#socket as ServerResponse['socket'] & object);
    this.#res.destroy();
    // Nor is the connection's failure this response's to log any more.
    const connection = connectionOf(this.#socket as Socket);
    if (connection !== undefined) connection.current = undefined;
    this.#opening = this.#host.open(this.#req, this.#socket, this.#head, { protocol, headers });
    if (this.#failed) void this.#opening.then((socket) => socket.close(1011, 'internal error'), () => undefined);
    return this.#opening;
  }

  /** The app failed after accepting: its peer hears `1011 Internal Error`. */
  appFailed(): void {
    this.#failed = true;
    void this.#opening?.then((socket) => socket.close(1011, 'internal error'), () => undefined);
  }
}
