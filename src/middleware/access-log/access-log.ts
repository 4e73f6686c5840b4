/**
 * Logging every request in Common or Combined Log Format.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { toApp } from '../../gateway/app.js';
import { chunkLength } from '../../gateway/body.js';
import type { App, AppLike, Body, Chunk, Environ, StartResponse } from '../../gateway/types.js';
import { tapBody } from '../stack/body-tap.js';
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
 * or was closed, so it includes streaming the whole body. Requests the client
 * abandoned mid-body are logged too, with the bytes sent so far and
 * ` aborted` at the end; a body that failed ends with ` error`, and an app
 * that threw before answering is logged with status 500 (what the server
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
 */
export function accessLog(app: AppLike, options: AccessLogOptions = {}): App {
  const inner = toApp(app);
  const format = options.format ?? 'common';
  const stream = options.stream ?? process.stdout;
  const now = options.now ?? ((): Date => new Date());

  return function logged(environ: Environ, startResponse: StartResponse) {
    const started = performance.now();
    const entry: AccessLogEntry = {
      remoteAddr: environ.REMOTE_ADDR,
      user: undefined,
      time: now(),
      requestLine: `${environ.REQUEST_METHOD} ${environ.REQUEST_URI} ${environ.SERVER_PROTOCOL}`,
      status: undefined,
      bytes: 0,
      referer: environ.HTTP_REFERER,
      userAgent: environ.HTTP_USER_AGENT,
      durationMs: 0,
      outcome: 'complete',
    };
    const finish = (outcome: AccessLogEntry['outcome']): void => {
      entry.durationMs = performance.now() - started;
      entry.outcome = outcome;
      // Inner middleware (basicAuth) sets REMOTE_USER on the shared environ.
      entry.user = typeof environ.REMOTE_USER === 'string' ? environ.REMOTE_USER : undefined;
      if (outcome === 'error' && entry.bytes === 0) entry.status = 500;
      try {
        stream.write(formatAccessLine(entry, format));
      } catch {
        // A broken log sink must not break the response.
      }
    };
    const countingStart: StartResponse = (status, headers, excInfo) => {
      const write = excInfo === undefined ? startResponse(status, headers) : startResponse(status, headers, excInfo);
      entry.status = Number(status.slice(0, 3));
      return (chunk: Chunk) => {
        entry.bytes += chunkLength(chunk);
        return write(chunk);
      };
    };
    const tap = (body: Body): Body => {
      if (Array.isArray(body)) {
        // Already in memory: the server sends it in one go, so the line can
        // be written now, and the server keeps its fast path for arrays.
        for (const chunk of body as unknown[]) if (typeof chunk === 'string' || chunk instanceof Uint8Array) entry.bytes += chunkLength(chunk);
        if (environ.REQUEST_METHOD === 'HEAD') entry.bytes = 0;
        finish(entry.status === undefined ? 'error' : 'complete');
        return body;
      }
      return tapBody(body, {
        chunk: (chunk) => {
          entry.bytes += chunkLength(chunk);
        },
        end: finish,
      });
    };
    let body: Body | Promise<Body>;
    try {
      body = inner(environ, countingStart);
    } catch (error) {
      finish('error');
      throw error;
    }
    if (body instanceof Promise) {
      return body.then(tap, (error: unknown) => {
        finish('error');
        throw error;
      });
    }
    return tap(body);
  };
}
