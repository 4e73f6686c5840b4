/**
 * HTTP/1.1 on an HTTP/2 server's port (ALPN `http/1.1`) answers byte for
 * byte as a plain HTTPS server does, `Date` aside: the same handling serves it.
 */
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/body/index.js';
import type { App } from '../../src/gateway/types.js';
import { serve } from './helpers.js';
import { CERT, KEY, serveH2 } from './http2-support.js';

const app: App = async (environ, startResponse) => {
  const body = await readBody(environ);
  if (environ.PATH_INFO === '/stream') {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield 'one ';
      yield 'two';
    })();
  }
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Protocol', environ.SERVER_PROTOCOL]]);
  return [`${environ.REQUEST_METHOD} ${environ.PATH_INFO} ${body.length}\n`];
};

/** Sends raw bytes over TLS with ALPN http/1.1 and returns all that comes back until the server closes. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: CERT, ALPNProtocols: ['http/1.1'] }, () => {
      if (socket.alpnProtocol !== 'http/1.1') reject(new Error(`ALPN chose ${String(socket.alpnProtocol)}`));
      socket.write(bytes);
    });
    const parts: Buffer[] = [];
    socket.on('data', (data: Buffer) => parts.push(data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1').replace(/Date: [^\r]+/g, 'Date: -')));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

const H = 'Host: 127.0.0.1\r\n';
const EXCHANGES: Array<[string, string]> = [
  ['two pipelined GETs, the second closing', `GET /a HTTP/1.1\r\n${H}\r\nGET /b HTTP/1.1\r\n${H}Connection: close\r\n\r\n`],
  ['a chunked POST, then a streamed response', `POST /p HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /stream HTTP/1.1\r\n${H}Connection: close\r\n\r\n`],
  ['Expect: 100-continue', `POST /c HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`],
  ['HTTP/1.0', 'GET /old HTTP/1.0\r\n\r\n'],
  ['no Host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'],
  ['TRACE', `TRACE / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`],
  ['a version the server does not speak', `GET / HTTP/2.0\r\n${H}\r\n`],
  ['a malformed head', `GET / HTTP/1.1\r\n${H}Bad Header\r\n\r\n`],
  ['a disallowed host', 'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n'],
];

describe('HTTP/1.1 by ALPN on an HTTP/2 server', () => {
  it.each(EXCHANGES)('%s: the same bytes as from a plain HTTPS server', async (_name, bytes) => {
    const plain = await serve(app, { tls: { cert: CERT, key: KEY } });
    const both = await serveH2(app);
    const expected = await exchange(plain.port, bytes);
    expect(expected).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(await exchange(both.port, bytes)).toBe(expected);
    expect(both.errors.text.replace(/\[[^\]]+\]/g, '')).toBe(plain.errors.text.replace(/\[[^\]]+\]/g, ''));
  });
});
