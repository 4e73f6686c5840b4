/**
 * The one short line a response logs when its client went away, or when
 * the parser cut its request off: never a stack, never twice.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatSize } from './client-abort.js';
import { parseRefusalOn } from './client-error.js';
import type { Connection } from './connection.js';
import type { ServerContext } from './environ.js';

/**
 * The log of one response's client leaving. Made only when there is
 * something to say, so a normal response costs nothing here.
 *
 * @example
 * ```ts
 * new ClientGoneLog(req, res, connectionOf(req.socket), context).gone(false, 0);
 * ```
 */
export class ClientGoneLog {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #connection: Connection | undefined;
  readonly #context: ServerContext;
  #logged = false;

  constructor(req: IncomingMessage, res: ServerResponse, connection: Connection | undefined, context: ServerContext) {
    this.#req = req;
    this.#res = res;
    this.#connection = connection;
    this.#context = context;
  }

  /** Why the client went away, when the socket or request said so. */
  knownReason(): string | undefined {
    return this.#connection?.reason ?? (this.#req.errored as NodeJS.ErrnoException | null | undefined)?.code;
  }

  /**
   * One short line, instead of the client-gone one, when this request was
   * cut by the parser refusing the rest of it (junk in its chunked body):
   * the client is still there, reading the refusal. False when it was not.
   */
  refused(): boolean {
    const refusal = parseRefusalOn(this.#req.socket);
    if (refusal === undefined || this.#req.complete) return false;
    this.#line(`request refused mid-way (${refusal.code} ${refusal.text.trimEnd()})`);
    return true;
  }

  /**
   * The line for a client that went away: after how much of the response,
   * counted from `startBytes` (the connection's byte count when the head
   * went out), or that the server answered 408 for it (`timedOut`).
   */
  gone(timedOut: boolean, startBytes: number): void {
    const sent = timedOut
      ? '; answered 408'
      : this.#res.headersSent
        ? ` after ${formatSize(Math.max(0, (this.#req.socket.bytesWritten ?? 0) - startBytes))} of the response`
        : ' before the response';
    this.#line(`client went away (${this.knownReason() ?? 'connection closed'})${sent}`);
  }

  /**
   * Writes the line, unless this response or its connection has one
   * already: a reset seen by the socket and by the response's own cycle is
   * one event.
   */
  #line(what: string): void {
    const connection = this.#connection;
    if (this.#logged || connection?.goneLogged === true) return;
    this.#logged = true;
    if (connection !== undefined) connection.goneLogged = true;
    try {
      this.#context.errors.write(`[${new Date().toISOString()}] ${this.#req.method} ${this.#req.url}: ${what}\n`);
    } catch {
      // A broken error stream must not stop the server from answering.
    }
  }
}
