/**
 * A tsgi app as a Fetch-API handler, `(request) => Promise<Response>`, for
 * runtimes and servers built on `Request` and `Response`: Deno, Bun,
 * Cloudflare Workers, `@hono/node-server`.
 *
 * @module
 */
import { toApp } from '../gateway/app.js';
import { chunkBytes, chunkLength, isBody, openBody, type BodyReader } from '../gateway/body.js';
import { logError, streamErrors } from '../gateway/errors.js';
import { GatewayError } from '../gateway/spec.js';
import type { App, AppLike, Body, Chunk, Environ, ErrorStream, StartResponse } from '../gateway/types.js';
import { checkChunk } from './checks.js';
import { fetchEnviron } from './fetch-environ.js';
import { checkScriptName } from './options.js';
import { ResponseState } from './response-state.js';

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
}

/**
 * A Fetch-API request handler.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = async (request) => new Response(`you asked for ${request.url}`);
 * // The second argument is whatever the runtime passes along (Deno's `info`).
 * ```
 */
export type FetchHandler = (request: Request, context?: unknown) => Promise<Response>;

// The statuses for which `new Response()` refuses a body.
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const ERROR_TEXT = 'Internal Server Error\n';

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
 */
export function toFetchHandler(app: AppLike, options: FetchHandlerOptions = {}): FetchHandler {
  const target = toApp(app);
  const settings = {
    errors: options.errors ?? streamErrors(),
    scriptName: checkScriptName(options.scriptName ?? ''),
    multiprocess: options.multiprocess ?? false,
    remoteAddress: options.remoteAddress ?? (() => undefined),
  };
  return async function tsgiFetchHandler(request: Request, context?: unknown): Promise<Response> {
    const built = fetchEnviron(request, context, settings);
    if (typeof built === 'number') {
      return built === 400
        ? plain(400, 'Bad Request', 'Bad Request: malformed percent-encoding in the path\n')
        : plain(404, 'Not Found', 'Not Found\n');
    }
    const state = new ResponseState(request.method === 'HEAD');
    const log = (error: unknown, what = ''): void => {
      try {
        logError(settings.errors, error, `${request.method} ${built.REQUEST_URI}${what}`);
      } catch {
        // A broken error stream must not stop the answer.
      }
    };
    return respond(target, built, state, log);
  };
}

async function respond(
  app: App,
  environ: Environ,
  state: ResponseState,
  log: (error: unknown, what?: string) => void,
): Promise<Response> {
  let body: Body;
  try {
    const startResponse: StartResponse = (status, headers, excInfo) => state.start(status, headers, excInfo);
    body = await app(environ, startResponse);
    if (!isBody(body)) {
      throw new GatewayError('body-type', 'the app must return an iterable of chunks (not a string)');
    }
  } catch (error) {
    log(error);
    return plain(500, 'Internal Server Error', ERROR_TEXT);
  }
  let reader: BodyReader;
  try {
    reader = openBody(body);
  } catch (error) {
    log(error);
    return plain(500, 'Internal Server Error', ERROR_TEXT);
  }
  const close = (): void => {
    void reader.close().then((error) => {
      if (error !== undefined) log(error, ' body return()');
    });
  };
  // Nothing is committed until the first non-empty chunk: until then an
  // error still becomes a clean 500, as with the reference server.
  let first: Uint8Array | undefined = state.takeWritten();
  let done = false;
  try {
    while (first === undefined && !done) {
      const result = await reader.next();
      if (state.code === 0) {
        throw new GatewayError('start-response-missing', 'the body produced output (or ended) before startResponse was called');
      }
      if (result.done === true) {
        done = true;
      } else {
        checkChunk(result.value);
        if (!state.sendsBody) done = true;
        else if (chunkLength(result.value) > 0) first = chunkBytes(result.value);
      }
    }
  } catch (error) {
    log(error);
    close();
    return plain(500, 'Internal Server Error', ERROR_TEXT);
  }
  state.committed = true;
  const init: ResponseInit = { status: state.code, statusText: state.reason, headers: state.headerObject() };
  if (!state.sendsBody || NULL_BODY.has(state.code)) {
    state.end();
    close();
    return new Response(null, init);
  }
  if (done && first === undefined) {
    state.end();
    close();
    if (state.declared > 0) {
      log(new GatewayError('content-length', `the body ended ${state.declared} bytes short of its Content-Length`));
      return plain(500, 'Internal Server Error', ERROR_TEXT);
    }
    return new Response(new Uint8Array(0), init);
  }
  return new Response(streamBody(reader, state, first as Uint8Array, close, log), init);
}

/** The response body: the first chunk, then one pull of the app's body per read. */
function streamBody(
  reader: BodyReader,
  state: ResponseState,
  first: Uint8Array,
  close: () => void,
  log: (error: unknown, what?: string) => void,
): ReadableStream<Uint8Array> {
  let finished = false;
  const finish = (): void => {
    finished = true;
    state.controller = undefined;
    state.end();
    close();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        state.controller = controller;
        if (state.enqueue(first, log) === 'complete') {
          controller.close();
          finish();
        }
      },
      async pull(controller) {
        try {
          for (;;) {
            const result = await reader.next();
            if (finished) return;
            if (result.done === true) {
              if (state.remaining > 0) {
                throw new GatewayError('content-length', `the body ended ${state.remaining} bytes short of its Content-Length (${state.declared})`);
              }
              controller.close();
              finish();
              return;
            }
            const chunk: Chunk = result.value;
            checkChunk(chunk);
            if (chunkLength(chunk) === 0) continue;
            if (state.enqueue(chunkBytes(chunk), log) === 'complete') {
              controller.close();
              finish();
            }
            return;
          }
        } catch (error) {
          // Headers are out: all that is left is to cut the body short.
          log(error);
          controller.error(error);
          finish();
        }
      },
      cancel() {
        finish();
      },
    },
    // Pull only when the runtime asks for bytes: that is the backpressure.
    { highWaterMark: 0 },
  );
}

function plain(status: number, statusText: string, text: string): Response {
  return new Response(text, { status, statusText, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
