/**
 * A tsgi app as a Fetch-API handler, `(request) => Promise<Response>`, for
 * runtimes and servers built on `Request` and `Response`: Deno, Bun,
 * Cloudflare Workers, `@hono/node-server`.
 *
 * @module
 */
import { toApp } from '../gateway/app.js';
import { chunkBytes } from '../gateway/body.js';
import { logError, streamErrors } from '../gateway/errors.js';
import type { ResponseHead } from '../gateway/response/head.js';
import { runResponse } from '../gateway/response/lifecycle.js';
import type { Transport } from '../gateway/response/transport.js';
import type { AppLike, Chunk, ErrorStream } from '../gateway/types.js';
import { compileAllowedHosts } from '../gateway/host.js';
import { fetchEnviron, fetchRefusal } from './fetch-environ.js';
import { checkScriptName } from './options.js';

/**
 * Options for {@link toFetchHandler}; every field is optional.
 *
 * @example
 * ```ts
 * const options: FetchHandlerOptions = {
 *   scriptName: '/app',
 *   remoteAddress: (request) => request.headers.get('cf-connecting-ip') ?? undefined, // Workers
 * };
 * const forDeno: FetchHandlerOptions = {
 *   remoteAddress: (_request, info) => (info as { remoteAddr: { hostname: string } }).remoteAddr.hostname,
 * };
 * ```
 *
 * @category Fetch adapters
 */
export interface FetchHandlerOptions {
  /** `environ['tsgi.errors']`, also where failures are logged. Default: {@link streamErrors} on `process.stderr`. */
  errors?: ErrorStream;
  /**
   * Where the app is mounted: `''` or `/`-led without a trailing `/`.
   * Requests outside it get `404`. Default: `''`.
   */
  scriptName?: string;
  /** `environ['tsgi.multiprocess']`. Default: false. */
  multiprocess?: boolean;
  /**
   * `REMOTE_ADDR` for a request, which a `Request` does not carry; each
   * runtime offers it its own way, often as the handler's second argument
   * (Deno's `info`, `@hono/node-server`'s bindings), passed here as
   * `context`. Default: `''`.
   */
  remoteAddress?: (request: Request, context: unknown) => string | undefined;
  /**
   * The host names requests may name, as for `makeServer`: any other gets
   * `400` before the app runs. Default: none, every host is taken as the
   * runtime reports it, since Fetch runtimes usually route by host already;
   * give the list when yours does not (a self-hosted `Deno.serve`).
   */
  allowedHosts?: readonly string[];
}

/**
 * A Fetch-API request handler.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = async (request) => new Response(`you asked for ${request.url}`);
 * // The second argument is whatever the runtime passes along (Deno's `info`).
 * ```
 *
 * @category Fetch adapters
 */
export type FetchHandler = (request: Request, context?: unknown) => Promise<Response>;

// The statuses for which `new Response()` refuses a body.
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Returns a Fetch handler serving `app`. Both directions stream: the app
 * reads `request.body` only as it reads `tsgi.input`, and the response body
 * is a `ReadableStream` that pulls the app's body one chunk at a time as the
 * runtime sends it. The body's `return()` is called when it ends, fails, or
 * the client goes away (the stream is cancelled).
 *
 * @example
 * ```ts
 * // Deno
 * Deno.serve(toFetchHandler(simpleApp));
 * // Bun
 * export default { fetch: toFetchHandler(simpleApp) };
 * // Node, through @hono/node-server
 * serve({ fetch: toFetchHandler(simpleApp), port: 8080 });
 * ```
 *
 * @category Fetch adapters
 */
export function toFetchHandler(app: AppLike, options: FetchHandlerOptions = {}): FetchHandler {
  const target = toApp(app);
  const settings = {
    errors: options.errors ?? streamErrors(),
    scriptName: checkScriptName(options.scriptName ?? ''),
    multiprocess: options.multiprocess ?? false,
    remoteAddress: options.remoteAddress ?? (() => undefined),
    allowsHost: options.allowedHosts === undefined ? undefined : compileAllowedHosts(options.allowedHosts),
  };
  return async function tsgiFetchHandler(request: Request, context?: unknown): Promise<Response> {
    const refused = fetchRefusal(request, settings);
    if (refused !== undefined) return plain(refused.code, refused.reason, refused.text);
    const built = fetchEnviron(request, context, settings);
    if (typeof built === 'number') {
      return built === 400
        ? plain(400, 'Bad Request', 'Bad Request: malformed percent-encoding in the path\n')
        : plain(404, 'Not Found', 'Not Found\n');
    }
    const transport = new FetchTransport((error, what) => {
      try {
        logError(settings.errors, error, `${request.method} ${built.REQUEST_URI}${what === '' ? '' : ` ${what}`}`);
      } catch {
        // A broken error stream must not stop the answer.
      }
    });
    runResponse(target, built, transport);
    return transport.response;
  };
}

/**
 * The Fetch side of one response: the head becomes a `Response`, the body a
 * `ReadableStream` that takes one chunk per read, so the runtime's reads are
 * the backpressure.
 */
class FetchTransport implements Transport {
  /** Settles once the head is known. */
  readonly response: Promise<Response>;
  readonly log: (error: unknown, what: string) => void;
  #resolve!: (response: Response) => void;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #cancelled = false;
  #nullBody = false;
  #pulled = false;
  #waiting: (() => void) | undefined;

  constructor(log: (error: unknown, what: string) => void) {
    this.log = log;
    this.response = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  gone(): boolean {
    return this.#cancelled;
  }

  head(head: ResponseHead, length: number): void {
    const headers = new Headers();
    for (const [name, value] of head.headers) headers.append(name, value);
    if (length >= 0) headers.set('Content-Length', String(length));
    const init: ResponseInit = { status: head.code, statusText: head.reason, headers };
    if (!head.sendsBody || NULL_BODY.has(head.code)) {
      this.#nullBody = true;
      this.#resolve(new Response(null, init));
      return;
    }
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.#pulled = true;
          this.#wake();
        },
        cancel: () => {
          this.#cancelled = true;
          this.#wake();
        },
      },
      // Pull only when the runtime asks for bytes: that is the backpressure.
      { highWaterMark: 0 },
    );
    this.#resolve(new Response(stream, init));
  }

  send(chunk: Chunk): boolean {
    if (this.#nullBody || this.#cancelled) return true;
    this.#controller!.enqueue(chunkBytes(chunk));
    this.#pulled = false;
    return false;
  }

  end(last: Chunk | undefined): void {
    if (this.#nullBody || this.#cancelled) return;
    if (last !== undefined) this.#controller!.enqueue(chunkBytes(last));
    this.#controller!.close();
  }

  abort(): void {
    if (this.#nullBody || this.#cancelled) return;
    this.#controller?.error(new Error('the response was cut short'));
  }

  drained(): Promise<void> {
    if (this.#pulled || this.#cancelled) return RESOLVED;
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  finished(): void {
    // Every failure is logged already; the Response is all the runtime needs.
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }
}

function plain(status: number, statusText: string, text: string): Response {
  return new Response(text, { status, statusText, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
