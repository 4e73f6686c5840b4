/**
 * The reverse adapter: a Fetch-API handler served as a tsgi app, so code
 * written for Deno, Bun or Workers can be mounted with `urlMap` or wrapped
 * in tsgi middleware.
 *
 * @module
 */
import { HOP_BY_HOP_HEADERS } from '../gateway/spec.js';
import { reasonPhrase } from '../gateway/status.js';
import { requestUri } from '../gateway/uri.js';
import { readStream } from './fetch-environ.js';
import type { App, Environ, InputStream, ResponseHeaders } from '../gateway/types.js';

const READ_SIZE = 64 * 1024;

/**
 * Returns an app that turns each request into a Fetch `Request` (URL from
 * the environ, headers, and `tsgi.input` as a streamed body), calls
 * `handler`, and sends its `Response` back, streaming the body and
 * cancelling it if the client goes away.
 *
 * @example
 * ```ts
 * const hello = fromFetchHandler(async (request) => new Response(`Hello from ${new URL(request.url).pathname}\n`));
 * makeServer('127.0.0.1', 8080, urlMap({ '/fetch': hello }));
 * ```
 *
 * @category Fetch adapters
 */
export function fromFetchHandler(handler: (request: Request) => Response | Promise<Response>): App {
  return async function fetchApp(environ, startResponse) {
    const response = await handler(toRequest(environ));
    const headers: ResponseHeaders = [];
    for (const [name, value] of response.headers) {
      if (name === 'set-cookie' || HOP_BY_HOP_HEADERS.has(name)) continue;
      headers.push([name, value]);
    }
    for (const cookie of response.headers.getSetCookie()) headers.push(['Set-Cookie', cookie]);
    const reason = response.statusText || reasonPhrase(response.status) || 'Unknown';
    startResponse(`${response.status} ${reason}`, headers);
    const body = response.body;
    if (body === null) return [];
    return readStream(body);
  };
}

function toRequest(environ: Environ): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value !== 'string') continue;
    let name: string;
    if (key === 'CONTENT_TYPE') name = 'content-type';
    else if (key.startsWith('HTTP_')) name = key.slice(5).toLowerCase().replaceAll('_', '-');
    else continue;
    // The body is re-framed as a stream; the host is in the URL.
    if (name === 'host' || name === 'content-length' || HOP_BY_HOP_HEADERS.has(name)) continue;
    headers.set(name, value);
  }
  const method = environ.REQUEST_METHOD;
  const length = environ.CONTENT_LENGTH;
  const hasBody =
    method !== 'GET' && method !== 'HEAD' && (environ.HTTP_TRANSFER_ENCODING !== undefined || (length !== undefined && length !== '' && length !== '0'));
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (hasBody) {
    init.body = inputStream(environ['tsgi.input']);
    // Node's fetch requires this for a streamed request body.
    init.duplex = 'half';
  }
  return new Request(requestUri(environ), init);
}

function inputStream(input: InputStream): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const bytes = await input.read(READ_SIZE);
        if (bytes.length === 0) controller.close();
        else controller.enqueue(bytes);
      },
    },
    { highWaterMark: 0 },
  );
}
