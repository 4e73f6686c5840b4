/**
 * From an HTTP/2 request's pseudo-headers and fields to the app's call:
 * the same refusals, environ and lifecycle as an HTTP/1.1 request, read
 * from `:method`, `:path` and `:authority` instead of a request line.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { parseHost, type HostParts } from '../../gateway/host.js';
import { ChunkInput } from '../../gateway/input.js';
import { runResponse } from '../../gateway/response/lifecycle.js';
import type { App } from '../../gateway/types.js';
import { makeEnviron, type ServerContext } from '../environ.js';
import type { Limits } from '../limits.js';
import { hostRefusal, notAllowed, type Refusal } from '../refusals.js';
import { decodePath } from '../target.js';
import { StreamTransport } from './stream-transport.js';

/**
 * What every stream of one HTTP/2 connection shares.
 *
 * @example
 * ```ts
 * const connection: StreamConnection = { app, context, limits, remoteAddress: socket.remoteAddress ?? '' };
 * ```
 */
export interface StreamConnection {
  readonly app: App;
  readonly context: ServerContext;
  readonly limits: Limits;
  /** The client's address, `REMOTE_ADDR` of every request on the connection. */
  readonly remoteAddress: string;
}

/**
 * The parts of Node's HTTP/1 request that the environ is built from, as an
 * HTTP/2 request gives them, so that both build it with the same code.
 */
interface RequestParts {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: '2.0';
  readonly httpVersionMajor: 2;
  readonly httpVersionMinor: 0;
  readonly rawHeaders: string[];
  readonly socket: { readonly remoteAddress: string };
}

function badRequest(problem: string): Refusal {
  return { code: 400, reason: 'Bad Request', text: `Bad Request: ${problem}\n`, close: false };
}

/**
 * Serves one HTTP/2 request: refuses what the server refuses over HTTP/1.1
 * (TRACE, a target that is not a path, a missing, doubled, malformed or
 * disallowed host, a fragment, an unknown expectation, malformed
 * percent-encoding, a path outside the mount), answers `OPTIONS *`, and
 * runs everything else through the shared response lifecycle.
 *
 * @param flags The HEADERS frame's flags: END_STREAM means no body follows.
 * @param rawHeaders The fields as received, names and values alternating.
 * @example
 * ```ts
 * session.on('stream', (stream, headers, flags, rawHeaders) => serveStream(connection, stream, headers, flags, rawHeaders));
 * ```
 */
export function serveStream(
  connection: StreamConnection,
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  flags: number,
  rawHeaders: readonly string[],
): void {
  const { context } = connection;
  const method = headers[':method'] as string;
  const target = headers[':path'];
  const expect = typeof headers.expect === 'string' ? headers.expect.trim().toLowerCase() : undefined;
  const transport = new StreamTransport(stream, context, connection.limits, `${method} ${target ?? ''}`, expect === '100-continue');
  transport.bodyPending = (flags & constants.NGHTTP2_FLAG_END_STREAM) === 0;
  const refuse = (refusal: Refusal): void => transport.reply(refusal.code, refusal.text);
  if (method === 'TRACE') return refuse({ code: 501, reason: 'Not Implemented', text: 'Not Implemented: TRACE is not supported by this server\n', close: false });
  // CONNECT has no :path; its target is an authority, which no app can serve.
  if (target === undefined || target === '') return refuse(badRequest('unsupported request target'));
  if (expect !== undefined && expect !== '100-continue') {
    return refuse({
      code: 417,
      reason: 'Expectation Failed',
      text: `Expectation Failed: ${JSON.stringify(headers.expect)} is not an expectation this server meets (only 100-continue)\n`,
      close: false,
    });
  }
  const fields: string[] = [];
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.charCodeAt(0) === 0x3a /* ':' */) continue;
    const value = rawHeaders[i + 1] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (host !== undefined) return refuse(badRequest('two Host headers'));
      host = value;
    }
    fields.push(name, value);
  }
  const authority = headers[':authority'];
  // RFC 9113 §8.3.1: a Host naming another entity than :authority makes the request malformed.
  if (authority !== undefined && host !== undefined && authority !== host) return refuse(badRequest('Host differs from :authority'));
  const named = authority ?? host;
  if (named === undefined) return refuse(badRequest('no :authority or Host'));
  const malformed = hostRefusal(named, authority === undefined ? 'Host' : ':authority');
  if (malformed !== undefined) return refuse(malformed);
  // A client never sends the fragment (RFC 9110 §7.1).
  if (target.includes('#')) return refuse(badRequest('a fragment (#) in the request target'));
  const star = target === '*' && method === 'OPTIONS';
  if (!star && target.charCodeAt(0) !== 0x2f /* '/' */) return refuse(badRequest('unsupported request target'));
  const request: RequestParts = {
    method,
    url: target,
    httpVersion: '2.0',
    httpVersionMajor: 2,
    httpVersionMinor: 0,
    rawHeaders: fields,
    socket: { remoteAddress: connection.remoteAddress },
  };
  // makeEnviron and the host check read only the members RequestParts has.
  const parts = request as unknown as IncomingMessage;
  const name = (parseHost(named) as HostParts).name;
  if (!context.allowsHost(name, parts)) return refuse(notAllowed(name));
  if (star) return transport.reply(204, '');
  const question = target.indexOf('?');
  let pathInfo = decodePath(question === -1 ? target : target.slice(0, question));
  if (pathInfo === undefined) return refuse(badRequest('malformed percent-encoding in the path'));
  const prefix = context.scriptName;
  if (prefix !== '') {
    if (pathInfo !== prefix && !(pathInfo.startsWith(prefix) && pathInfo.charCodeAt(prefix.length) === 0x2f)) {
      return transport.reply(404, 'Not Found\n');
    }
    pathInfo = pathInfo.slice(prefix.length);
  }
  const query = question === -1 ? '' : target.slice(question + 1);
  const environ = makeEnviron(parts, context, prefix, pathInfo, query, named, new ChunkInput(transport));
  if (transport.bodyPending && environ.CONTENT_LENGTH === undefined) {
    // HTTP/2 frames a body of unknown length by DATA frames alone; the app
    // sees it as it would see the same body over HTTP/1.1, chunked, so
    // that "is there a body?" has one answer.
    (environ as unknown as Record<string, string>).HTTP_TRANSFER_ENCODING = 'chunked';
  }
  runResponse(connection.app, environ, transport);
}
