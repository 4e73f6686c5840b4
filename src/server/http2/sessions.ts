/**
 * The HTTP/2 connections of one server: the session on each TLS socket
 * that chose `h2`, its settings and idle timeout, and their shutdown.
 *
 * @module
 */
import { performServerHandshake, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { App } from '../../gateway/types.js';
import type { ServerContext } from '../environ.js';
import type { Limits } from '../limits.js';
import { serveStream, type StreamConnection } from './stream-request.js';

/**
 * Streams one client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS),
 * the HTTP/2 counterpart of the pipelining bound: each runs the app at
 * once, so the bound is what one connection can make the server do. nginx
 * allows 128 by default, browsers open at most about 100.
 *
 * @example
 * ```ts
 * performServerHandshake(socket, { settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } });
 * ```
 */
export const MAX_CONCURRENT_STREAMS = 100;

/**
 * Every HTTP/2 session of a server.
 *
 * @example
 * ```ts
 * const sessions = new Http2Sessions(app, context, limits, 5_000);
 * tlsServer.on('secureConnection', (socket) => sessions.accept(socket));
 * ```
 */
export class Http2Sessions {
  readonly #app: App;
  readonly #context: ServerContext;
  readonly #limits: Limits;
  readonly #idleTimeout: number;
  readonly #open = new Set<ServerHttp2Session>();
  #closing = false;

  /**
   * @param idleTimeout Milliseconds a session with no open stream is kept
   *   before it is closed with GOAWAY (the keep-alive timeout); 0 keeps it.
   */
  constructor(app: App, context: ServerContext, limits: Limits, idleTimeout: number) {
    this.#app = app;
    this.#context = context;
    this.#limits = limits;
    this.#idleTimeout = idleTimeout;
  }

  /** How many sessions are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Speaks HTTP/2 on a TLS socket whose ALPN chose `h2`. */
  accept(socket: TLSSocket): void {
    const session = performServerHandshake(socket, { settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } });
    this.#open.add(session);
    session.once('close', () => this.#open.delete(session));
    // A broken socket ends the session (and its streams) by itself.
    session.on('error', ignore);
    const connection: StreamConnection = {
      app: this.#app,
      context: this.#context,
      limits: this.#limits,
      remoteAddress: socket.remoteAddress ?? '',
    };
    const idle = this.#idleTimeout;
    let streams = 0;
    session.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
      streams++;
      stream.once('close', () => {
        streams--;
        // The idle period starts again with the last stream: the timer may
        // have fired, and been let go, while a long one was open.
        if (streams === 0 && idle > 0 && !session.destroyed) session.setTimeout(idle);
      });
      serveStream(connection, stream, headers, flags, rawHeaders);
    });
    if (idle > 0) {
      // Node fires this after a period without frames; a stream still open
      // (an app working, a long response) is not idleness.
      session.on('timeout', () => {
        if (streams === 0) session.close();
      });
      session.setTimeout(idle);
    }
    if (this.#closing) session.close();
  }

  /** Sends GOAWAY on every session: no new streams, those open finish, then each closes. */
  close(): void {
    this.#closing = true;
    for (const session of this.#open) session.close();
  }

  /** Destroys every session, cutting its streams. */
  destroy(): void {
    for (const session of this.#open) session.destroy();
  }
}

function ignore(): void {}
