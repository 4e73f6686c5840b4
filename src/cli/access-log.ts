/**
 * The CLI's access log: one Common Log Format line per request, written
 * once the response body is done (so the byte count is what was produced).
 *
 * @module
 */
import { chunkLength, isBody } from '../gateway/body.js';
import type { App, Body, Chunk, StartResponse } from '../gateway/types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Wraps `app` so each request writes a line like
 * `127.0.0.1 - - [25/Nov/2026:15:29:05 +0000] "GET /x HTTP/1.1" 200 13`
 * to `write`. Bodies stay sync or async as they were, and `return()` still
 * reaches the app's iterator.
 *
 * @example
 * ```ts
 * const logged = withAccessLog(app, (line) => process.stdout.write(line));
 * ```
 */
export function withAccessLog(app: App, write: (line: string) => void): App {
  return async function accessLogged(environ, startResponse) {
    const started = new Date();
    const request = `${environ.REQUEST_METHOD} ${environ.REQUEST_URI} ${environ.SERVER_PROTOCOL}`;
    let status = '-';
    const recording: StartResponse = (line, headers, excInfo) => {
      const write = startResponse(line, headers, excInfo);
      status = line.slice(0, 3);
      return write;
    };
    let bytes = 0;
    const done = (): void => {
      try {
        write(`${environ.REMOTE_ADDR || '-'} - - [${clfDate(started)}] "${escape(request)}" ${status} ${bytes === 0 ? '-' : bytes}\n`);
      } catch {
        // Logging must never break a response.
      }
    };
    let body: Body;
    try {
      body = await app(environ, recording);
    } catch (error) {
      status = '500';
      done();
      throw error;
    }
    // Not a body: left as it is for the server to refuse with its own message.
    if (!isBody(body)) return body;
    const count = (chunk: Chunk): void => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) bytes += chunkLength(chunk);
    };
    if (typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function') {
      return (async function* () {
        try {
          for await (const chunk of body as AsyncIterable<Chunk>) {
            count(chunk);
            yield chunk;
          }
        } finally {
          done();
        }
      })();
    }
    return (function* () {
      try {
        for (const chunk of body as Iterable<Chunk>) {
          count(chunk);
          yield chunk;
        }
      } finally {
        done();
      }
    })();
  };
}

function clfDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

// Request lines are client-controlled: no quotes or control characters may
// forge log fields or lines.
function escape(text: string): string {
  return text.replace(/["\\\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
