/**
 * One TLS port for HTTP/2 and HTTP/1.1: ALPN picks, per connection.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';

/**
 * What the server offers in ALPN, best first: the server's order decides.
 *
 * @example
 * ```ts
 * https.createServer({ cert, key, ALPNProtocols: alpnProtocols(true) }); // ['h2', 'http/1.1']
 * ```
 */
export function alpnProtocols(allowHTTP1: boolean): string[] {
  return allowHTTP1 ? ['h2', 'http/1.1'] : ['h2'];
}

const HTTP2_ONLY_TEXT = 'HTTP Version Not Supported: this server speaks only HTTP/2 (h2 in ALPN)\n';
const HTTP2_ONLY =
  'HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n' +
  `Content-Length: ${Buffer.byteLength(HTTP2_ONLY_TEXT)}\r\n\r\n${HTTP2_ONLY_TEXT}`;

/**
 * Routes each TLS connection of `server` by the protocol its ALPN chose:
 * `h2` to `http2`, anything else to the listeners the server already had
 * (Node's HTTP/1.1 handling and the server's own bookkeeping), so HTTP/1.1
 * on this port is served exactly as on a plain HTTPS server. Without
 * `allowHTTP1`, a client that did not choose `h2` gets a 505 saying why.
 * Call it after every `secureConnection` listener has been added.
 *
 * @example
 * ```ts
 * routeByProtocol(httpsServer, (socket) => sessions.accept(socket), true);
 * ```
 */
export function routeByProtocol(server: Server, http2: (socket: TLSSocket) => void, allowHTTP1: boolean): void {
  const http1 = server.listeners('secureConnection') as ((socket: TLSSocket) => void)[];
  server.removeAllListeners('secureConnection');
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') {
      http2(socket);
    } else if (allowHTTP1) {
      for (const listener of http1) listener.call(server, socket);
    } else {
      socket.on('error', () => socket.destroy());
      // No HTTP server tracks this socket, so nothing else would cut a
      // client that keeps it open after the answer.
      socket.setTimeout(1_000, () => socket.destroy());
      socket.end(HTTP2_ONLY);
    }
  });
}
