/**
 * Building the environ of one request from a Fetch-API `Request`.
 *
 * @module
 */
import { ChunkInput, emptyInput } from '../gateway/input.js';
import { isContentLengthValue } from '../gateway/spec.js';
import type { Environ, ErrorStream } from '../gateway/types.js';
import type { HostCheck } from '../gateway/host.js';
import { headerKey } from './environ.js';
import { notAllowed, type Refusal } from './refusals.js';
import { decodePath } from './target.js';

/**
 * What every request through one Fetch handler shares.
 *
 * @example
 * ```ts
 * const settings: FetchSettings = { errors: streamErrors(), scriptName: '', multiprocess: false, remoteAddress: () => undefined };
 * ```
 */
export interface FetchSettings {
  /** `tsgi.errors`. */
  readonly errors: ErrorStream;
  /** The mount prefix. */
  readonly scriptName: string;
  /** `tsgi.multiprocess`. */
  readonly multiprocess: boolean;
  /** `REMOTE_ADDR` for a request and what the runtime passed with it. */
  readonly remoteAddress: (request: Request, context: unknown) => string | undefined;
  /** The allowed hosts, or `undefined` to take the runtime's word for the host. */
  readonly allowsHost?: HostCheck | undefined;
}

const VERSION: readonly [number, number] = Object.freeze([1, 0] as const);

/**
 * The environ for `request`, or the status to answer instead: 400 for a
 * malformed path, 404 for a path outside the mount prefix.
 *
 * @example
 * ```ts
 * const environ = fetchEnviron(new Request('http://x/a?b=1'), undefined, settings);
 * ```
 */
export function fetchEnviron(request: Request, context: unknown, settings: FetchSettings): Environ | 400 | 404 {
  const url = new URL(request.url);
  let pathInfo = decodePath(url.pathname);
  if (pathInfo === undefined) return 400;
  const prefix = settings.scriptName;
  if (prefix !== '') {
    if (pathInfo !== prefix && !(pathInfo.startsWith(prefix) && pathInfo.charCodeAt(prefix.length) === 0x2f)) return 404;
    pathInfo = pathInfo.slice(prefix.length);
  }
  const scheme = url.protocol.slice(0, -1);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const body = request.body;
  const environ: Environ = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: prefix,
    PATH_INFO: pathInfo,
    QUERY_STRING: url.search.slice(1),
    SERVER_NAME: hostname,
    SERVER_PORT: url.port !== '' ? url.port : scheme === 'https' ? '443' : '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: settings.remoteAddress(request, context) ?? '',
    REQUEST_URI: url.pathname + url.search,
    'tsgi.version': VERSION,
    'tsgi.url_scheme': scheme,
    'tsgi.input': body === null ? emptyInput() : new ChunkInput(() => readStream(body)),
    'tsgi.errors': settings.errors,
    'tsgi.multithread': false,
    'tsgi.multiprocess': settings.multiprocess,
    'tsgi.run_once': false,
    'tsgi.input_terminated': true,
  };
  const headers = environ as unknown as Record<string, string | undefined>;
  // Headers yields lower-cased names with repeats already joined: by `, `,
  // and cookies by `; `, as the gateway wants them.
  for (const [name, value] of request.headers) {
    const key = headerKey(name);
    if (key !== '' && key !== 'CONTENT_LENGTH' && key !== 'HTTP_TRANSFER_ENCODING') headers[key] = value;
  }
  headers.HTTP_HOST ??= url.host;
  if (body !== null) frameBody(environ, request.headers);
  return environ;
}

/**
 * What the server answers instead of the app: a host outside the allowed
 * hosts (400), and `TRACE` (501), which a Fetch runtime should never pass
 * on; `undefined` for a request the app may see.
 *
 * @example
 * ```ts
 * const refusal = fetchRefusal(new Request('http://evil.example/'), settings); // the 400
 * ```
 */
export function fetchRefusal(request: Request, settings: FetchSettings): Refusal | undefined {
  if (request.method === 'TRACE') {
    return { code: 501, reason: 'Not Implemented', text: 'Not Implemented: TRACE is not supported by this server\n', close: false };
  }
  if (settings.allowsHost === undefined) return undefined;
  // The runtime built the URL from the Host header, whose syntax it
  // checked; the hostname is lower-cased, IPv6 in brackets.
  const name = new URL(request.url).hostname;
  return settings.allowsHost(name) ? undefined : notAllowed(name);
}

/**
 * Says how the body of a `Request` is framed, so that it has one by the
 * gateway's rule (RFC 9112 §6.3): its valid Content-Length, or else a
 * transfer coding, since a stream of unknown length is what a chunked body
 * is. A `Request` built with a body rarely carries a Content-Length: the
 * Fetch API adds one only when the request is sent.
 */
function frameBody(environ: Environ, headers: Headers): void {
  const length = headers.get('content-length');
  const coding = headers.get('transfer-encoding');
  if (coding === null && length !== null && isContentLengthValue(length)) environ.CONTENT_LENGTH = length;
  else environ.HTTP_TRANSFER_ENCODING = coding ?? 'chunked';
}

/**
 * Reads a body stream chunk by chunk, cancelling it if reading stops early:
 * a request body for `tsgi.input`, or a Fetch response body as a tsgi body.
 */
export async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
