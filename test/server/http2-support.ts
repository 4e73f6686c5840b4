/**
 * Shared fixtures for the HTTP/2 tests: servers with the test certificate,
 * Node's own HTTP/2 client, and curl.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';
import type { AppLike } from '../../src/gateway/types.js';
import type { ServerOptions } from '../../src/server/options.js';
import { serve, type Served } from './helpers.js';

/** The self-signed certificate for 127.0.0.1 that the `--cert` tests use too. */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../cli/fixtures');
export const CERT_FILE = join(FIXTURES, 'tls-cert.pem');
export const KEY_FILE = join(FIXTURES, 'tls-key.pem');
export const CERT = readFileSync(CERT_FILE);
export const KEY = readFileSync(KEY_FILE);

/** Starts `app` with HTTP/2 (and HTTP/1.1 by ALPN) on 127.0.0.1; closed after the test. */
export function serveH2(app: AppLike, options: ServerOptions = {}): Promise<Served> {
  return serve(app, { http2: true, tls: { cert: CERT, key: KEY }, ...options });
}

const sessions: ClientHttp2Session[] = [];

afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
});

/** An HTTP/2 client session trusting the test certificate; destroyed after the test. */
export function h2connect(url: string, settings: Record<string, number> = {}): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(url, { ca: CERT, settings });
    sessions.push(session);
    session.once('error', reject);
    session.once('connect', () => {
      session.off('error', reject);
      session.on('error', () => {});
      resolve(session);
    });
  });
}

export interface H2Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request on `session`; `body` undefined sends END_STREAM with the headers. */
export function h2request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body?: string | Buffer): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let head: IncomingHttpHeaders = {};
    const parts: Buffer[] = [];
    stream.on('response', (received) => (head = received));
    stream.on('data', (data: Buffer) => parts.push(data));
    stream.on('end', () => resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(parts) }));
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

export interface CurlResult {
  /** The status line and headers curl printed (`-i`), then the body. */
  stdout: string;
  /** `%{http_version}` as curl reports it: `2` or `1.1`. */
  version: string;
}

const run = promisify(execFile);

/** Runs curl against the test server, trusting the test certificate; `-w` appends the protocol version. */
export async function curl(args: readonly string[]): Promise<CurlResult> {
  const { stdout } = await run('curl', ['-s', '--cacert', CERT_FILE, '--max-time', '10', '-w', '\n%{http_version}', ...args], {
    timeout: 15_000,
  });
  const cut = stdout.lastIndexOf('\n');
  return { stdout: stdout.slice(0, cut), version: stdout.slice(cut + 1) };
}
