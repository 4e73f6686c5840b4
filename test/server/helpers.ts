/**
 * Shared fixtures for the server tests: servers on ephemeral ports that are
 * always closed, raw-socket clients, and bounded polling.
 */
import { Buffer } from 'node:buffer';
import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { MemoryErrors } from '../../src/gateway/errors.js';
import type { AppLike } from '../../src/gateway/types.js';
import type { ServerOptions } from '../../src/server/options.js';
import { makeServer, type TsgiServer } from '../../src/server/server.js';

export interface Served {
  server: TsgiServer;
  errors: MemoryErrors;
  port: number;
  url: string;
}

const open: TsgiServer[] = [];

afterEach(async () => {
  const servers = open.splice(0);
  await Promise.all(servers.map((server) => server.close()));
});

/** Starts `app` on 127.0.0.1 with an ephemeral port; closed after the test. */
export async function serve(app: AppLike, options: ServerOptions = {}): Promise<Served> {
  const errors = new MemoryErrors();
  // The raw-socket tests name hosts `x` and `example.com` (absolute form),
  // so those are allowed on top of the defaults.
  const allowedHosts = ['localhost', '127.0.0.1', '[::1]', 'x', 'example.com'];
  const server = makeServer('127.0.0.1', 0, app, { log: null, errors, closeTimeout: 2_000, allowedHosts, ...options });
  open.push(server);
  const info = await server.listen();
  return { server, errors, port: info.port, url: info.url };
}

/** Polls `condition` up to `tries` times, `intervalMs` apart; throws if it never holds. */
export async function waitFor(condition: () => boolean, what: string, tries = 500, intervalMs = 10): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface RawResult {
  /** Everything received until the server closed the connection (or it broke). */
  bytes: Buffer;
  text: string;
  /** The socket error, e.g. ECONNRESET, if the connection broke. */
  error: Error | undefined;
}

/** Opens a raw connection to 127.0.0.1:port. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Collects what a socket receives until it ends or breaks. */
export function collect(socket: Socket): Promise<RawResult> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: Error | undefined;
    socket.on('data', (data: Buffer) => parts.push(data));
    socket.on('error', (e) => {
      error = e;
    });
    socket.on('close', () => {
      const bytes = Buffer.concat(parts);
      resolve({ bytes, text: bytes.toString('latin1'), error });
    });
  });
}

/** Sends raw bytes and returns all that comes back until the server closes. */
export async function rawRequest(port: number, request: string | Buffer): Promise<RawResult> {
  const socket = await openSocket(port);
  const result = collect(socket);
  socket.write(request);
  return result;
}

export interface ParsedResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Header lines as received. */
  rawHead: string;
  body: Buffer;
}

/** Parses one HTTP/1.1 response (the first in `bytes`), de-chunking its body. */
export function parseResponse(bytes: Buffer): ParsedResponse {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new Error(`no complete response head in ${JSON.stringify(bytes.toString('latin1'))}`);
  const rawHead = bytes.subarray(0, headEnd).toString('latin1');
  const [statusLine, ...lines] = rawHead.split('\r\n');
  const status = Number(statusLine!.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(headEnd + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status, headers, rawHead, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) throw new Error('truncated chunked body');
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Counts occurrences of `needle` in `haystack`. */
export function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}
