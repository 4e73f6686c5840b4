/**
 * Answering what Node's parser refuses (its `clientError` event) and
 * `CONNECT` (its `connect` event), each with a status and a one-line body
 * that names the problem, and only after the responses already owed on
 * the connection.
 *
 * Node's own answer to a parse error is a bare `400` written at once,
 * after which it destroys the socket: a request that had been read and is
 * being served (a complete PUT followed by junk) ran, yet its client never
 * learns the outcome. Here the responses in flight go out first, complete;
 * then the error response, and the connection closes.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { connectionOf } from './connection.js';
import { versionRefusal, type Refusal } from './refusals.js';

/** What Node's parser attaches to the error it reports. */
interface ParseError extends Error {
  code?: string;
  reason?: string;
  bytesParsed?: number;
  rawPacket?: Buffer;
}

/** Node's server state on a socket: the response it is writing now. */
interface ServedSocket extends Duplex {
  _httpMessage?: ServerResponse | null;
}

const answered = new WeakSet<Duplex>();
// What the server answered (or meant to) for a connection's parse error.
const refusals = new WeakMap<Duplex, Refusal>();
// How long a connection may stay open after its error response, for the
// client to read it, before it is cut.
const LINGER_MS = 5_000;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Makes `server` answer parse errors and `CONNECT` itself. The responses
 * owed on the connection are found when the error comes, at no cost per
 * request: the one Node is writing, and those the pipelining gate of
 * `makeServer` holds. On a server of your own, pipelined responses queued
 * behind the current one are not known, and are not waited for.
 *
 * @example
 * ```ts
 * const server = http.createServer(toNodeListener(app));
 * answerClientErrors(server);
 * ```
 *
 * @category Node adapters
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', onClientError);
  // Node hands CONNECT to its own event, and closes the socket silently
  // when nobody listens; the gateway has no tunnels, so it is a 400.
  server.on('connect', refuseConnect);
}

/**
 * The refusal for the parse error (or head timeout) that ended the
 * connection's requests, if one did. A request whose body was cut by it
 * ends the same way as one whose client left (its body read fails with
 * `ECONNRESET` when the socket closes), yet its client did not go away.
 *
 * @example
 * ```ts
 * parseRefusalOn(req.socket)?.code; // 400 after a chunk size past 64 bits
 * ```
 */
export function parseRefusalOn(socket: Duplex): Refusal | undefined {
  return refusals.get(socket);
}

/** The responses the connection still owes: not yet closed, in flight or waiting their turn. */
function owedOn(socket: Duplex): ServerResponse[] {
  const owed: ServerResponse[] = [];
  const current = (socket as ServedSocket)._httpMessage;
  if (current != null && !current.closed) owed.push(current);
  const waiting = connectionOf(socket as Socket)?.waiting;
  if (waiting !== undefined) for (const res of waiting) if (!res.closed) owed.push(res);
  return owed;
}

function onClientError(error: ParseError, socket: Duplex): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  socket.on('error', () => socket.destroy());
  const code = error.code ?? '';
  if (!code.startsWith('HPE_') && code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
    // A broken connection (ECONNRESET, EPIPE): there is nobody to answer.
    socket.destroy();
    return;
  }
  const refusal = describe(error);
  refusals.set(socket, refusal);
  // Whatever else the client sends cannot be parsed any more.
  socket.pause();
  const watched = new WeakSet<ServerResponse>();
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    const open = owedOn(socket);
    for (const res of open) {
      if (watched.has(res)) continue;
      watched.add(res);
      res.once('close', settle);
    }
    // A request cut off by the error (junk inside its chunked body) never
    // completes, so its response is not waited for; the others are.
    if (open.some((res) => res.req.complete)) return;
    settled = true;
    if (open.length === 0) send(socket, refusal);
    else if (open.every((res) => !res.headersSent)) {
      // Its app waits for a body that will not come; the client still
      // learns why, as long as nothing of its response went out yet.
      send(socket, refusal);
    } else socket.destroy();
  };
  settle();
}

/** The status and message for a parse error, from Node's code and the offending line. */
function describe(error: ParseError): Refusal {
  const line = failingLine(error);
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refusal(408, 'Request Timeout', 'Request Timeout: the request was not received in time');
    case 'HPE_HEADER_OVERFLOW': {
      // A request line has its first space before any colon; a header line
      // has its colon first.
      const space = line.indexOf(' ');
      const colon = line.indexOf(':');
      return space > 0 && (colon === -1 || space < colon) && TOKEN.test(line.slice(0, space))
        ? refusal(414, 'URI Too Long', 'URI Too Long: the request target is longer than this server accepts')
        : refusal(431, 'Request Header Fields Too Large', 'Request Header Fields Too Large: the request head is larger than this server accepts');
    }
    case 'HPE_INVALID_VERSION':
      return versionProblem(error);
    case 'HPE_PAUSED_H2_UPGRADE':
      // The HTTP/2 connection preface (`PRI * HTTP/2.0`): the parser stops
      // on it so that an HTTP/2 server could take over, and there is none.
      return versionRefusal('HTTP/2.0');
    case 'HPE_INVALID_METHOD': {
      const parts = line.split(' ');
      // A well-formed request line with a method Node does not know (RFC
      // 9110 §9.1: 501); anything else is not a request line at all.
      if (parts.length === 3 && TOKEN.test(parts[0]!) && /^HTTP\/\d\.\d$/.test(parts[2]!)) {
        return refusal(501, 'Not Implemented', `Not Implemented: method ${JSON.stringify(parts[0]!.slice(0, 40))} is not supported by this server`);
      }
      return refusal(400, 'Bad Request', 'Bad Request: malformed request line');
    }
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_URL':
      return refusal(400, 'Bad Request', 'Bad Request: malformed request line');
    default:
      return refusal(400, 'Bad Request', `Bad Request: ${(error.reason ?? error.code ?? 'malformed request').slice(0, 100)}`);
  }
}

/**
 * The refusal for a version error. The parser reports a version it does
 * not know and a request line that goes on after a good version (a bare LF,
 * junk after `HTTP/1.1`) under the same code; only the first is a 505.
 */
function versionProblem(error: ParseError): Refusal {
  const { line, bareLf } = requestLine(error);
  const spoken = /^\S+ \S+ HTTP\/1\.[01](?![0-9.])/.exec(line);
  if (spoken !== null) {
    // RFC 9112 §2.2 lets a server refuse a bare LF with 400 instead of
    // guessing where the line ends.
    return spoken[0].length === line.length && bareLf ? bareLfRefusal() : refusal(400, 'Bad Request', 'Bad Request: malformed request line');
  }
  // The LF came in a packet of its own, after the version was read.
  if (line === '' && bareLf) return bareLfRefusal();
  const named = / (HTTP\/[0-9.]{1,8})$/.exec(line)?.[1];
  return named === undefined ? versionRefusal('an unknown HTTP version') : versionRefusal(named);
}

/**
 * The request line the parser stopped in, and whether a bare LF ended it.
 * A version error is reported at the byte past the version, or past the LF
 * that ended the line, so the line is the one holding the byte before.
 */
function requestLine(error: ParseError): { line: string; bareLf: boolean } {
  const raw = error.rawPacket;
  if (raw === undefined || raw.length === 0) return { line: '', bareLf: false };
  const at = Math.max(0, Math.min((error.bytesParsed ?? 0) - 1, raw.length - 1));
  const start = at === 0 ? 0 : raw.lastIndexOf(0x0a, at - 1) + 1;
  const end = raw.indexOf(0x0a, at);
  const stop = end === -1 ? raw.length : end;
  const bareLf = end !== -1 && (end === 0 || raw[end - 1] !== 0x0d);
  return { line: raw.subarray(start, Math.min(stop, start + 32_768)).toString('latin1').replace(/\r$/, ''), bareLf };
}

function bareLfRefusal(): Refusal {
  return refusal(400, 'Bad Request', 'Bad Request: the request line ends with a bare LF; lines must end with CRLF');
}

/** The line of the raw packet where the parser stopped, without its line break. */
function failingLine(error: ParseError): string {
  const raw = error.rawPacket;
  if (raw === undefined) return '';
  const at = Math.min(error.bytesParsed ?? 0, raw.length);
  const start = raw.lastIndexOf(0x0a, at - 1) + 1;
  let end = raw.indexOf(0x0a, at);
  if (end === -1) end = raw.length;
  return raw.subarray(start, Math.min(end, start + 32_768)).toString('latin1').replace(/\r$/, '');
}

function refusal(code: number, reason: string, message: string): Refusal {
  return { code, reason, text: `${message}\n`, close: true };
}

function send(socket: Duplex, refusal: Refusal): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${refusal.code} ${refusal.reason}\r\nDate: ${new Date().toUTCString()}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(refusal.text)}\r\n` +
      `Connection: close\r\n\r\n${refusal.text}`,
  );
  // The end half-closes; what the client sends meanwhile is read and
  // dropped (the parser, already failed, ignores it), as an unread receive
  // buffer would turn the close into a reset that can take the response
  // with it.
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

const CONNECT_REFUSAL = 'Bad Request: CONNECT is not supported by this server\n';

function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(CONNECT_REFUSAL)}\r\n` +
      `Connection: close\r\n\r\n${CONNECT_REFUSAL}`,
  );
}
