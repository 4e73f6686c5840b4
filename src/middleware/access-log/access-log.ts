/**
 * Logging every request in Common or Combined Log Format.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { toApp, wrapApp } from '../../gateway/app.js';
import { chunkLength } from '../../gateway/body.js';
import { proxyBody, type BodyHooks, type BodyOutcome } from '../../gateway/response/body-proxy.js';
import { parseHead, type ResponseHead } from '../../gateway/response/head.js';
import { hasExcInfo } from '../../gateway/response/start.js';
import { statusAllowsBody } from '../../gateway/spec.js';
import type { App, AppLike, Body, Chunk, Environ, ResponseHeaders, StartResponse, Write } from '../../gateway/types.js';
import { formatAccessLine, type AccessLogEntry, type AccessLogFormat } from './format.js';

/**
 * Where {@link accessLog} writes: any Node writable stream, or an object
 * with `write(text)`.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const sink: AccessLogSink = { write: (line) => lines.push(line) };
 * ```
 *
 * @category Middleware
 */
export interface AccessLogSink {
  /** Writes one line (ending in `\n`). */
  write(line: string): unknown;
}

/**
 * Options for {@link accessLog}.
 *
 * @example
 * ```ts
 * const options: AccessLogOptions = { format: 'combined', stream: createWriteStream('access.log', { flags: 'a' }) };
 * ```
 *
 * @category Middleware
 */
export interface AccessLogOptions {
  /** `common` (the default) or `combined`. */
  format?: AccessLogFormat;
  /** Where lines go. Default: `process.stdout`. */
  stream?: AccessLogSink;
  /** The clock for the timestamp field. Default: `() => new Date()`. */
  now?: () => Date;
}

/**
 * Writes one line per request once its response is finished, with the status
 * actually sent and the body bytes handed to the server, in Common (default)
 * or Combined Log Format; see {@link formatAccessLine} for the layout.
 *
 * The last field is the **response time in milliseconds** (three decimals),
 * measured from the call into the app until the body was exhausted, failed
 * or was closed, so it includes streaming the whole body. A response counts
 * as complete once its body is exhausted or every byte of its
 * `Content-Length` was sent (the server may close the body then). Requests
 * the client abandoned mid-body are logged too, with the bytes sent so far
 * and ` aborted` at the end; a body that failed ends with ` error`, and an
 * app that threw before answering is logged with status 500 (what the server
 * sends) and ` error`.
 *
 * An array body, already in memory and sent by the server in one write, is
 * logged as soon as the app returns it.
 *
 * Wrap it outermost so it sees the final status and bytes.
 *
 * @example
 * ```ts
 * const app = accessLog(site, { format: 'combined' });
 * // 127.0.0.1 - ada [25/Nov/2026:15:30:00 +0000] "GET /blog/ HTTP/1.1" 200 5120 "-" "curl/8.5.0" 1.234
 * ```
 *
 * @category Middleware
 */
export function accessLog(app: AppLike, options: AccessLogOptions = {}): App {
  const inner = toApp(app);
  const format = options.format ?? 'common';
  const stream = options.stream ?? process.stdout;
  const now = options.now ?? ((): Date => new Date());

  return wrapApp(app, function logged(environ: Environ, startResponse: StartResponse) {
    const record = new AccessRecord(environ, startResponse, now(), format, stream);
    let body: Body | Promise<Body>;
    try {
      body = inner(environ, record.startResponse);
    } catch (error) {
      record.end('error');
      throw error;
    }
    if (body instanceof Promise) return body.then((resolved) => record.observe(resolved), (error: unknown) => record.rejected(error));
    return record.observe(body);
  });
}

/**
 * One request's log line in the making. A class, so that a request costs
 * one object and two small functions rather than a handful of closures; it
 * is also the body's hooks.
 */
class AccessRecord implements AccessLogEntry, BodyHooks {
  remoteAddr: string;
  user: string | undefined = undefined;
  time: Date;
  requestLine: string;
  status: number | undefined = undefined;
  bytes = 0;
  referer: string | undefined;
  userAgent: string | undefined;
  durationMs = 0;
  outcome: BodyOutcome = 'complete';
  readonly #environ: Environ;
  readonly #startResponse: StartResponse;
  readonly #format: AccessLogFormat;
  readonly #stream: AccessLogSink;
  readonly #started = performance.now();
  #write: Write | undefined;
  /** The accepted status and headers, parsed only when a streamed body needs its length. */
  #accepted: { status: string; headers: ResponseHeaders } | undefined;
  #head: ResponseHead | undefined | null;
  #sendsBody = true;
  /** Bytes sent by `write()`, which count towards the Content-Length too. */
  #written = 0;

  constructor(environ: Environ, startResponse: StartResponse, time: Date, format: AccessLogFormat, stream: AccessLogSink) {
    this.#environ = environ;
    this.#startResponse = startResponse;
    this.#format = format;
    this.#stream = stream;
    this.remoteAddr = environ.REMOTE_ADDR;
    this.time = time;
    this.requestLine = `${environ.REQUEST_METHOD} ${environ.REQUEST_URI} ${environ.SERVER_PROTOCOL}`;
    this.referer = environ.HTTP_REFERER;
    this.userAgent = environ.HTTP_USER_AGENT;
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    // The next startResponse judges the call; what it accepted is logged.
    this.#write = hasExcInfo(excInfo) ? this.#startResponse(status, headers, excInfo) : this.#startResponse(status, headers);
    // Accepted outside, so the code is three digits; the head is parsed
    // only if a streamed body asks for its length (see limit()).
    const code = Number(status.slice(0, 3));
    this.status = code;
    this.#sendsBody = this.#environ.REQUEST_METHOD !== 'HEAD' && statusAllowsBody(code);
    this.#accepted = { status, headers };
    this.#head = undefined;
    return this.#countingWrite;
  };

  readonly #countingWrite: Write = (chunk) => {
    const length = chunkLength(chunk);
    this.bytes += length;
    this.#written += length;
    return this.#write!(chunk);
  };

  /** The body to hand on: the app's, watched until it ends. */
  observe(body: Body): Body {
    if (Array.isArray(body)) {
      // Already in memory: the server sends it in one go, so the line can
      // be written now, and the server keeps its fast path for arrays.
      for (const chunk of body as unknown[]) this.chunk(chunk as Chunk);
      this.end(this.status === undefined ? 'error' : 'complete');
      return body;
    }
    return proxyBody(body, this);
  }

  /** The app failed before it returned a body. */
  rejected(error: unknown): never {
    this.end('error');
    throw error;
  }

  chunk(chunk: Chunk): Chunk {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) this.bytes += chunkLength(chunk);
    return chunk;
  }

  /** The body bytes that complete the response, so a close after them is no abort. */
  limit(): number {
    if (this.#head === undefined && this.#accepted !== undefined) {
      try {
        this.#head = parseHead(this.#accepted.status, this.#accepted.headers, this.#environ.REQUEST_METHOD === 'HEAD');
      } catch {
        // Accepted by a lenient layer outside: judge no length.
        this.#head = null;
      }
    }
    const limit = this.#head?.bodyLimit ?? -1;
    return limit < 0 ? -1 : Math.max(0, limit - this.#written);
  }

  end(outcome: BodyOutcome): void {
    this.durationMs = performance.now() - this.#started;
    this.outcome = outcome;
    // Inner middleware (basicAuth) sets REMOTE_USER on the shared environ.
    const user = this.#environ.REMOTE_USER;
    this.user = typeof user === 'string' ? user : undefined;
    // HEAD, 204 and 304 send no body, whatever the app produced.
    if (this.#accepted !== undefined && !this.#sendsBody) this.bytes = 0;
    if (outcome === 'error' && this.bytes === 0) this.status = 500;
    try {
      this.#stream.write(formatAccessLine(this, this.#format));
    } catch {
      // A broken log sink must not break the response.
    }
  }
}
