/**
 * Running one request through an app in memory, with the same response
 * lifecycle as every server: the {@link Transport} that collects the
 * response instead of writing it to a socket.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { chunkBytes } from '../gateway/body.js';
import { logError } from '../gateway/errors.js';
import type { BodyOutcome } from '../gateway/response/body-proxy.js';
import type { ResponseHead } from '../gateway/response/head.js';
import { runResponse } from '../gateway/response/lifecycle.js';
import type { Transport } from '../gateway/response/transport.js';
import type { App, Chunk, Environ, ErrorStream, ResponseHeaders } from '../gateway/types.js';

/**
 * What came of running an app in memory: the response as a client would
 * have received it, and how it ended.
 *
 * @example
 * ```ts
 * const result = await runInMemory(app, environ, errors, 'GET /');
 * if (result.outcome === 'complete') console.log(result.status, result.body.length);
 * ```
 */
export interface MemoryResponse {
  /** The status line sent, `undefined` when nothing was. */
  readonly status: string | undefined;
  /** The headers sent, with the Content-Length a server would have framed the body with. */
  readonly headers: ResponseHeaders;
  /** The body bytes received. */
  readonly body: Uint8Array;
  /** Whether the response was cut short, as a dropped connection would show it. */
  readonly aborted: boolean;
  /** How the response ended. */
  readonly outcome: BodyOutcome;
  /** The error that ended it, for `error`. */
  readonly error: unknown;
}

/**
 * Runs `app` with `environ` through the gateway's response lifecycle,
 * logging failures to `errors` under `context`, and resolves once the
 * body's `return()` has run. Never rejects.
 *
 * @example
 * ```ts
 * const { status, body } = await runInMemory(app, environ, new MemoryErrors(), 'GET /');
 * ```
 */
export function runInMemory(app: App, environ: Environ, errors: ErrorStream, context: string, gone?: () => boolean): Promise<MemoryResponse> {
  return new Promise((resolve) => {
    runResponse(app, environ, new MemoryTransport(errors, context, resolve, gone));
  });
}

class MemoryTransport implements Transport {
  readonly #errors: ErrorStream;
  readonly #context: string;
  readonly #resolve: (response: MemoryResponse) => void;
  #status: string | undefined;
  #headers: ResponseHeaders = [];
  #parts: Uint8Array[] = [];
  #aborted = false;
  // An accepted WebSocket takes the connection over, as a client leaving would.
  readonly #gone: (() => boolean) | undefined;

  constructor(errors: ErrorStream, context: string, resolve: (response: MemoryResponse) => void, gone?: () => boolean) {
    this.#errors = errors;
    this.#context = context;
    this.#resolve = resolve;
    this.#gone = gone;
  }

  gone(): boolean {
    return this.#gone?.() ?? false;
  }

  head(head: ResponseHead, length: number): void {
    this.#status = head.status;
    // A copy: the app may reuse its list, but the response is what was sent.
    this.#headers = head.headers.map(([name, value]): [string, string] => [name, value]);
    if (length >= 0) this.#headers.push(['Content-Length', String(length)]);
  }

  send(chunk: Chunk): boolean {
    // Not copied: a chunk handed over belongs to the host on every host.
    this.#parts.push(chunkBytes(chunk));
    return true;
  }

  end(last: Chunk | undefined): void {
    if (last !== undefined) this.send(last);
  }

  abort(): void {
    this.#aborted = true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  finished(outcome: BodyOutcome, error: unknown): void {
    this.#resolve({
      status: this.#status,
      headers: this.#headers,
      body: Buffer.concat(this.#parts),
      aborted: this.#aborted,
      outcome,
      error,
    });
  }

  log(error: unknown, what: string): void {
    try {
      logError(this.#errors, error, `${this.#context}${what === '' ? '' : ` ${what}`}`);
    } catch {
      // A broken error stream must not hide the response.
    }
  }
}
