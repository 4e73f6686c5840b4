/**
 * The socket side of one request: the {@link Transport} that puts a
 * response on Node's `ServerResponse`, and the source of `tsgi.input`, so
 * that what the app read of the request decides how the connection ends.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logError } from '../gateway/errors.js';
import type { BodyOutcome } from '../gateway/response/body-proxy.js';
import type { ResponseHead } from '../gateway/response/head.js';
import type { Transport } from '../gateway/response/transport.js';
import type { Chunk } from '../gateway/types.js';
import { ClientGoneError, isClientAbort } from './client-abort.js';
import { ClientGoneLog } from './client-gone-log.js';
import { connectionOf, type Connection, type ConnectionUser } from './connection.js';
import type { ServerContext } from './environ.js';
import { RequestChunks } from './request-chunks.js';

const RESOLVED: Promise<void> = Promise.resolve();
const NON_ASCII = /[\u0080-\u00ff]/;
const BODY_TIMEOUT_TEXT = 'Request Timeout: the request body stopped arriving\n';

/**
 * One request on a Node HTTP connection, from the host's side.
 *
 * @example
 * ```ts
 * const transport = new SocketTransport(req, res, context, false);
 * runResponse(app, makeEnviron(req, context, '', '/', '', undefined, new ChunkInput(transport)), transport);
 * ```
 */
export class SocketTransport implements Transport, AsyncIterable<Uint8Array>, ConnectionUser {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #context: ServerContext;
  readonly #expectContinue: boolean;
  /** The server's state for the connection; none under a framework's server. */
  readonly #connection: Connection | undefined;
  #bodyPending = false;
  #inputOpened = false;
  /** The request body as the app reads it, once it does. */
  #chunks: RequestChunks | undefined;
  /** Whether the response was ended or cut short. */
  #ended = false;
  /** Whether the body timed out and the server answered 408 in the app's place. */
  #timedOut = false;
  /** Whether the socket's timer runs on the body timeout. */
  #bodyClock = false;
  /** Whether the socket's timer runs on the send timeout. */
  #sendClock = false;
  #clientGoneLog: ClientGoneLog | undefined;
  /** The connection's byte count when this response's head went out. */
  #startBytes = 0;
  #closeSent = false;
  // Node writes the head in the encoding of a string chunk sent with it, so
  // a Latin-1 header value would go out as UTF-8; such a chunk goes as bytes.
  #headNeedsBytes = false;

  /**
   * @param expectContinue Whether the client sent `Expect: 100-continue` and
   *   waits for `100` before the body.
   */
  constructor(req: IncomingMessage, res: ServerResponse, context: ServerContext, expectContinue: boolean) {
    this.#req = req;
    this.#res = res;
    this.#context = context;
    this.#expectContinue = expectContinue;
    const connection = connectionOf(req.socket);
    this.#connection = connection;
    if (connection !== undefined) connection.current = this;
  }

  /** Whether the request announced a body; set once the environ is known. */
  get bodyPending(): boolean {
    return this.#bodyPending;
  }

  set bodyPending(pending: boolean) {
    this.#bodyPending = pending;
    // Under Expect: 100-continue the client waits for the app to ask.
    if (pending && !this.#expectContinue) this.#watchBody();
  }

  /** Opens the request body for `tsgi.input`: only now is `100 Continue` sent. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#inputOpened = true;
    if (this.#expectContinue && !this.#res.headersSent) {
      this.#res.writeContinue();
      if (this.#bodyPending) this.#watchBody();
    }
    this.#chunks = new RequestChunks(this.#req);
    return this.#chunks;
  }

  /**
   * Whether the connection is gone. The socket is asked as well as the
   * response: a pipelined response still queued behind another never hears
   * that its connection closed.
   */
  gone(): boolean {
    return this.#timedOut || this.#res.destroyed || this.#req.socket.destroyed;
  }

  head(head: ResponseHead, length: number): void {
    if (this.#timedOut) return;
    this.#sendPhase();
    const headers = head.headers;
    const flat: string[] = [];
    let nonAscii = false;
    for (let i = 0; i < headers.length; i++) {
      const header = headers[i] as [string, string];
      flat.push(header[0], header[1]);
      if (!nonAscii && NON_ASCII.test(header[1])) nonAscii = true;
    }
    this.#headNeedsBytes = nonAscii;
    if (length >= 0) flat.push('Content-Length', String(length));
    // An unread upload would otherwise be drained to keep the connection:
    // for an error, or when the app reads the body itself, closing is cheaper.
    if (this.bodyPending && (head.code >= 400 || this.#inputOpened) && !this.#bodyWhole()) this.#markClose(flat);
    if (this.#context.closing) this.#res.shouldKeepAlive = false;
    this.#res.writeHead(head.code, head.reason, flat);
  }

  send(chunk: Chunk): boolean {
    if (this.#timedOut) return true;
    const flowing = this.#res.write(this.#firstBytes(chunk));
    if (!flowing) this.#startSendClock();
    return flowing;
  }

  end(last: Chunk | undefined): void {
    if (this.#timedOut) return;
    this.#ended = true;
    const res = this.#res;
    if (last === undefined) res.end();
    else res.end(this.#firstBytes(last));
    // More than a socket buffer's worth is waiting for the client to take.
    const socket = this.#req.socket;
    if (socket.writableLength > socket.writableHighWaterMark) this.#startSendClock();
    if (this.#context.closing) res.once('finish', this.#context.closeIdle);
    if (this.#inputOpened && this.bodyPending && !this.#closeSent && !this.#bodyWhole()) {
      // The app read part of the body and left the rest: the connection
      // cannot find the next request, so close it once the response is out.
      const socket = this.#req.socket;
      res.once('finish', () => socket.destroySoon());
    }
  }

  abort(): void {
    this.#ended = true;
    if (this.#timedOut) return;
    // Node corks the socket until the next tick; hand what was already
    // written to the kernel first, or the client would not see even that.
    const socket = this.#res.socket;
    if (socket !== null) while (socket.writableCorked > 0) socket.uncork();
    this.#res.destroy();
  }

  drained(): Promise<void> {
    const res = this.#res;
    const socket = this.#req.socket;
    if (this.gone()) return RESOLVED;
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      res.on('drain', done);
      socket.on('close', done);
    });
  }

  finished(outcome: BodyOutcome, _error: unknown): void {
    // Failures are already in the log. A body stopped because the client
    // left gets its one line here when something went wrong on the way (a
    // reset, a broken pipe, a timeout); a client that simply closed is normal.
    if (outcome !== 'gone' || this.#goneLog().refused()) return;
    if (this.#goneLog().knownReason() !== undefined) this.#logGone();
  }

  log(error: unknown, what: string): void {
    // Whatever the app made of a client that left (a failed write, a body
    // read cut short) is that one event, not a failure of the app.
    if (this.gone() && isClientAbort(error)) {
      if (!this.#goneLog().refused()) this.#logGone();
      return;
    }
    try {
      logError(this.#context.errors, error, `${this.#req.method} ${this.#req.url}${what === '' ? '' : ` ${what}`}`);
    } catch {
      // A broken error stream must not stop the server from answering.
    }
  }

  /**
   * Answers with a response of the server's own, before any app runs:
   * plain text, or nothing at all when `text` is empty (for 204).
   */
  reply(code: number, reason: string, text: string): void {
    const res = this.#res;
    if (res.headersSent || this.gone()) return;
    this.#sendPhase();
    const flat = text === '' ? [] : ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(text))];
    if (this.bodyPending && !this.#bodyWhole()) this.#markClose(flat);
    if (this.#context.closing) res.shouldKeepAlive = false;
    res.writeHead(code, reason, flat);
    this.end(text === '' ? undefined : text);
  }

  /**
   * Judges an idle period of the connection while this is its response: a
   * body that stopped arriving gets 408 (or, once the head is out, the
   * connection is dropped); an app still working is left alone.
   */
  onIdle(): 'handled' | 'working' | 'idle' {
    const req = this.#req;
    if (this.#bodyPending && !req.complete && (!this.#expectContinue || this.#inputOpened)) {
      // Bytes the app has not read yet mean the app is behind, not the client.
      if (req.readableLength > 0 || this.#connection === undefined || this.#connection.limits.bodyTimeout === 0) return 'working';
      this.#bodyStalled(this.#connection);
      return 'handled';
    }
    return this.#ended ? 'idle' : 'working';
  }

  dropped(): void {
    this.#logGone();
  }

  #bodyStalled(connection: Connection): void {
    connection.reason ??= 'body timeout';
    const res = this.#res;
    if (res.headersSent) {
      connection.drop('body timeout');
      return;
    }
    // The app may still answer later; nothing of that can go out now.
    this.#timedOut = true;
    res.shouldKeepAlive = false;
    res.writeHead(408, 'Request Timeout', [
      'Content-Type',
      'text/plain; charset=utf-8',
      'Content-Length',
      String(Buffer.byteLength(BODY_TIMEOUT_TEXT)),
      'Connection',
      'close',
    ]);
    res.end(BODY_TIMEOUT_TEXT);
    // Node forgets a request once its response is out; a read still waiting
    // for the rest of the body must fail instead of waiting for ever.
    const req = this.#req;
    res.once('finish', () => req.destroy(new ClientGoneError('the request body timed out')));
  }

  /**
   * The body phase: the socket's idle timer runs on the body timeout, for a
   * body still to come once Node has parsed what arrived with the head (the
   * microtask runs after that pass); a small body is complete by then.
   */
  #watchBody(): void {
    const connection = this.#connection;
    if (connection === undefined || this.#req.complete || connection.limits.bodyTimeout === 0) return;
    // Not queueMicrotask, which Node wraps in an async resource per call.
    void RESOLVED.then(() => this.#startBodyClock());
  }

  #startBodyClock(): void {
    const connection = this.#connection!;
    if (this.#bodyWhole() || this.#ended || this.#res.headersSent || this.#bodyClock) return;
    this.#bodyClock = true;
    this.#req.socket.setTimeout(connection.limits.bodyTimeout);
  }

  /** The response starts: its head's byte mark, and the send timeout for a body still arriving. */
  #sendPhase(): void {
    const socket = this.#req.socket;
    if (this.#connection !== undefined) this.#startBytes = socket.bytesWritten;
    if (!this.#bodyClock) return;
    this.#bodyClock = false;
    this.#sendClock = false;
    this.#startSendClock();
  }

  /**
   * The client is slow to take the response: the socket's idle timer runs
   * on the send timeout until Node hands the connection to its keep-alive
   * timer, once the response is out.
   */
  #startSendClock(): void {
    const connection = this.#connection;
    if (this.#sendClock || connection === undefined) return;
    this.#sendClock = true;
    this.#req.socket.setTimeout(connection.limits.sendTimeout);
  }

  /** The log of this response's client leaving, made on first need. */
  #goneLog(): ClientGoneLog {
    this.#clientGoneLog ??= new ClientGoneLog(this.#req, this.#res, this.#connection, this.#context);
    return this.#clientGoneLog;
  }

  #logGone(): void {
    this.#goneLog().gone(this.#timedOut, this.#startBytes);
  }

  /** Whether the whole request body has arrived (and, if the app reads it, been read). */
  #bodyWhole(): boolean {
    return this.#req.complete || this.#chunks?.whole === true;
  }

  #firstBytes(chunk: Chunk): Chunk {
    if (!this.#headNeedsBytes) return chunk;
    this.#headNeedsBytes = false;
    return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }

  #markClose(flat: string[]): void {
    flat.push('Connection', 'close');
    this.#closeSent = true;
  }
}
