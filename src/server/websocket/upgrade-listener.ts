/**
 * The `upgrade` listener: a WebSocket handshake becomes an ordinary app
 * call with `environ['tsgi.websocket']`, answered over the same socket by
 * whatever the app responds unless it accepts; any other upgrade goes back
 * to the HTTP server as a plain request.
 *
 * @module
 */
import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { isThenable } from '../../gateway/thenable.js';
import type { App, Body, Environ, StartResponse } from '../../gateway/types.js';
import { WEBSOCKET_KEY } from '../../gateway/websocket.js';
import { afterAccept } from '../../gateway/websocket-body.js';
import type { ServerContext } from '../environ.js';
import { createListener, type Mount } from '../listener.js';
import { SocketTransport } from '../socket-transport.js';
import { asksForWebSocket, handshakeProblem, originAllowed } from './handshake.js';
import type { WebSocketHost } from './host.js';
import { ServerUpgrade } from './upgrade.js';

/**
 * A listener for Node's `upgrade` event; `this` is the server that emitted
 * it, which takes back upgrades other than WebSocket ones.
 *
 * @example
 * ```ts
 * httpServer.on('upgrade', createUpgradeListener(app, context, host));
 * ```
 */
export type UpgradeListener = (this: unknown, req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Makes the `upgrade` listener serving `app`.
 *
 * @example
 * ```ts
 * httpServer.on('upgrade', createUpgradeListener(app, context, new WebSocketHost(resolveWebSocketOptions(options.webSocket))));
 * ```
 */
export function createUpgradeListener(
  app: App,
  context: ServerContext,
  host: WebSocketHost,
  mountOf?: (req: IncomingMessage) => Mount | undefined,
): UpgradeListener {
  // The listener runs the app synchronously, so the handshake can be handed
  // to the app's wrapper through this slot without a map keyed by request.
  let handshake: ServerUpgrade | undefined;
  const withUpgrade = (environ: Environ, startResponse: StartResponse): Body | Promise<Body> => {
    const upgrade = handshake;
    handshake = undefined;
    if (upgrade === undefined) return app(environ, startResponse);
    environ[WEBSOCKET_KEY] = upgrade;
    let result: Body | Promise<Body>;
    try {
      result = afterAccept(app, upgrade)(environ, startResponse);
    } catch (error) {
      upgrade.appFailed();
      throw error;
    }
    if (!isThenable(result)) return result;
    return Promise.resolve(result).catch((error: unknown) => {
      upgrade.appFailed();
      throw error;
    });
  };
  const handle = createListener(withUpgrade, context, false, mountOf);
  return function onUpgrade(this: unknown, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!asksForWebSocket(req)) {
      handBack(this, req, socket as Socket, head);
      return;
    }
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => (socket as Socket).destroySoon());
    upgradeOn426(res);
    const problem = handshakeProblem(req);
    if (problem !== undefined) {
      // The version this server speaks, as RFC 6455 §4.4 asks of a refusal.
      res.setHeader('Sec-WebSocket-Version', '13');
      new SocketTransport(req, res, context, false).reply(400, 'Bad Request', problem);
      return;
    }
    if (!originAllowed(req, host.limits)) {
      const text = `Forbidden: WebSocket connections from ${JSON.stringify(req.headers.origin)} are not allowed here (list the origin in webSocket.allowedOrigins)\n`;
      new SocketTransport(req, res, context, false).reply(403, 'Forbidden', text);
      return;
    }
    handshake = new ServerUpgrade(req, socket, head, res, host);
    try {
      handle(req, res);
    } finally {
      handshake = undefined;
    }
  };
}

/**
 * A 426 must name the protocol to upgrade to (RFC 9110 §15.5.22), in a
 * hop-by-hop header the app may not send: the server adds it.
 */
function upgradeOn426(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, code: number, ...rest: unknown[]) {
    if (code === 426) this.setHeader('Upgrade', 'websocket');
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, code, ...rest);
  } as ServerResponse['writeHead'];
}

/**
 * Gives an upgrade the app does not take (`h2c`, …) back to the server as
 * an ordinary request: its head is rebuilt without the upgrade and parsed
 * again, so its body goes the usual way; the connection closes after it.
 */
function handBack(server: unknown, req: IncomingMessage, socket: Socket, head: Buffer): void {
  if (!isHttpServer(server)) {
    socket.destroy();
    return;
  }
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'upgrade') continue;
    if (lower === 'connection') continue;
    lines.push(`${name}: ${raw[i + 1] as string}`);
  }
  // Each hand-back re-runs the server's connection setup on this socket, adding
  // its listeners again; closing after this request bounds that to once per
  // socket, so a client repeating Upgrade on a keep-alive connection cannot pile them up.
  lines.push('Connection: close');
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  // An https server parses what arrives on 'secureConnection', not on the TCP 'connection'.
  server.emit((socket as Partial<TLSSocket>).encrypted === true ? 'secureConnection' : 'connection', socket);
}

function isHttpServer(value: unknown): value is Server {
  return typeof value === 'object' && value !== null && typeof (value as Server).emit === 'function' && typeof (value as Server).closeAllConnections === 'function';
}
