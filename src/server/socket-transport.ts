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
import type { ServerContext } from './environ.js';
import { RequestChunks } from './request-chunks.js';

const RESOLVED: Promise<void> = Promise.resolve();
const NON_ASCII = /[\u0080-\u00ff]/;

/**
 * One request on a Node HTTP connection, from the host's side.
 *
 * @example
 * ```ts
 * const transport = new SocketTransport(req, res, context, false);
 * runResponse(app, makeEnviron(req, context, '', '/', '', undefined, new ChunkInput(transport)), transport);
 * ```
 */
export class SocketTransport implements Transport, AsyncIterable<Uint8Array> {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #context: ServerContext;
  readonly #expectContinue: boolean;
  /** Whether the request announced a body; set once the environ is known. */
  bodyPending = false;
  #inputOpened = false;
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
  }

  /** Opens the request body for `tsgi.input`: only now is `100 Continue` sent. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#inputOpened = true;
    if (this.#expectContinue && !this.#res.headersSent) this.#res.writeContinue();
    return new RequestChunks(this.#req);
  }

  /**
   * Whether the connection is gone. The socket is asked as well as the
   * response: a pipelined response still queued behind another never hears
   * that its connection closed.
   */
  gone(): boolean {
    return this.#res.destroyed || this.#req.socket.destroyed;
  }

  head(head: ResponseHead, length: number): void {
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
    if (this.bodyPending && (head.code >= 400 || this.#inputOpened) && !this.#req.complete) this.#markClose(flat);
    if (this.#context.closing) this.#res.shouldKeepAlive = false;
    this.#res.writeHead(head.code, head.reason, flat);
  }

  send(chunk: Chunk): boolean {
    return this.#res.write(this.#firstBytes(chunk));
  }

  end(last: Chunk | undefined): void {
    const res = this.#res;
    if (last === undefined) res.end();
    else res.end(this.#firstBytes(last));
    if (this.#context.closing) res.once('finish', this.#context.closeIdle);
    if (this.#inputOpened && this.bodyPending && !this.#closeSent && !this.#req.complete) {
      // The app read part of the body and left the rest: the connection
      // cannot find the next request, so close it once the response is out.
      const socket = this.#req.socket;
      res.once('finish', () => socket.destroySoon());
    }
  }

  abort(): void {
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

  finished(_outcome: BodyOutcome, _error: unknown): void {
    // The log already has every failure; a socket needs nothing more.
  }

  log(error: unknown, what: string): void {
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
    const flat = text === '' ? [] : ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(text))];
    if (this.bodyPending && !this.#req.complete) this.#markClose(flat);
    if (this.#context.closing) res.shouldKeepAlive = false;
    res.writeHead(code, reason, flat);
    this.end(text === '' ? undefined : text);
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
