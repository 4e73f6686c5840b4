/**
 * Framing refused by the server itself, over raw sockets: each case gets
 * its status and a one-line text body, the app never sees it, and the
 * server keeps serving. When junk follows a request being served, that
 * request's response comes first, complete, then the error, then the close.
 */
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { collect, openSocket, parseResponse, rawRequest, serve, waitFor, type ParsedResponse } from './helpers.js';

interface Seen {
  method: string;
  path: string;
  body: string;
}

/** An app that records what reached it and answers after a short pause, so a late response would show. */
function recorder(): { app: App; seen: Seen[] } {
  const seen: Seen[] = [];
  const app: App = async function* recording(environ, start) {
    let body = '';
    for await (const chunk of environ['tsgi.input']) body += Buffer.from(chunk).toString('latin1');
    seen.push({ method: environ.REQUEST_METHOD, path: environ.PATH_INFO, body });
    await new Promise((resolve) => setTimeout(resolve, 30));
    start('200 OK', [['Content-Type', 'text/plain']]);
    yield `done ${environ.REQUEST_METHOD} ${body.length}\n`;
  };
  return { app, seen };
}

/** Splits a connection's bytes into the responses on it (bodies by Content-Length or chunked). */
function responses(bytes: Buffer): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const response = parseResponse(rest);
    out.push(response);
    const headEnd = rest.indexOf('\r\n\r\n') + 4;
    let size = response.body.length;
    if (response.headers['transfer-encoding'] === 'chunked') {
      size = rest.indexOf('0\r\n\r\n', headEnd) + 5 - headEnd;
    }
    rest = rest.subarray(headEnd + size);
  }
  return out;
}

async function stillServes(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/alive`);
  expect(response.status).toBe(200);
  await response.text();
}

const CLOSE = 'Connection: close\r\n';

describe('server framing refusals', () => {
  const cases: { name: string; request: string; status: number; body: string; closes?: boolean }[] = [
    {
      name: 'two Host headers',
      request: `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n${CLOSE}\r\n`,
      status: 400,
      body: 'Bad Request: two Host headers\n',
    },
    {
      name: 'two Host headers, differently cased',
      request: `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nhOST: 127.0.0.1\r\n${CLOSE}\r\n`,
      status: 400,
      body: 'Bad Request: two Host headers\n',
    },
    { name: 'no Host in HTTP/1.1', request: `GET / HTTP/1.1\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: no Host header (required in HTTP/1.1)\n' },
    { name: 'port above 65535', request: `GET / HTTP/1.1\r\nHost: x:99999\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "x:99999" has an invalid port\n' },
    { name: 'port not digits', request: `GET / HTTP/1.1\r\nHost: x:abc\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "x:abc" has an invalid port\n' },
    { name: 'empty port', request: `GET / HTTP/1.1\r\nHost: 127.0.0.1:\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "127.0.0.1:" has an invalid port\n' },
    { name: 'a space in the host', request: `GET / HTTP/1.1\r\nHost: a b\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "a b" is not a valid host\n' },
    { name: 'userinfo in the host', request: `GET / HTTP/1.1\r\nHost: user@127.0.0.1\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "user@127.0.0.1" is not a valid host\n' },
    { name: 'an unclosed IPv6 literal', request: `GET / HTTP/1.1\r\nHost: [::1\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "[::1" is not a valid host\n' },
    { name: 'a bad IPv6 literal', request: `GET / HTTP/1.1\r\nHost: [::g]\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: Host "[::g]" is not a valid host\n' },
    {
      name: 'absolute form with a bad authority port',
      request: `GET http://127.0.0.1:70000/ HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`,
      status: 400,
      body: 'Bad Request: the authority "127.0.0.1:70000" has an invalid port\n',
    },
    { name: 'HTTP/2.0 over HTTP/1', request: 'GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/2.0; use HTTP/1.1\n', closes: true },
    { name: 'HTTP/1.2', request: 'GET / HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/1.2; use HTTP/1.1\n', closes: true },
    { name: 'HTTP/3.0', request: 'GET / HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/3.0; use HTTP/1.1\n', closes: true },
    { name: 'HTTP/0.9, no version', request: 'GET /\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/0.9 (a request line without a version); use HTTP/1.1\n', closes: true },
    { name: 'HTTP/0.9 named', request: 'GET / HTTP/0.9\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/0.9 (a request line without a version); use HTTP/1.1\n', closes: true },
    // The parser reports these under its version error; the version is one
    // the server speaks, so the answer is 400, not 505.
    { name: 'bare LF line endings', request: 'GET / HTTP/1.1\nHost: 127.0.0.1\n\n', status: 400, body: 'Bad Request: the request line ends with a bare LF; lines must end with CRLF\n', closes: true },
    { name: 'a bare LF ending an HTTP/1.0 request line', request: 'GET / HTTP/1.0\nHost: 127.0.0.1\r\n\r\n', status: 400, body: 'Bad Request: the request line ends with a bare LF; lines must end with CRLF\n', closes: true },
    { name: 'junk after the version', request: 'GET / HTTP/1.1x\r\nHost: 127.0.0.1\r\n\r\n', status: 400, body: 'Bad Request: malformed request line\n', closes: true },
    { name: 'a space after the version', request: 'GET / HTTP/1.1 \r\nHost: 127.0.0.1\r\n\r\n', status: 400, body: 'Bad Request: malformed request line\n', closes: true },
    { name: 'HTTP/1.10', request: 'GET / HTTP/1.10\r\nHost: 127.0.0.1\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/1.10; use HTTP/1.1\n', closes: true },
    { name: 'the HTTP/2 connection preface', request: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 505, body: 'HTTP Version Not Supported: HTTP/2.0; use HTTP/1.1\n', closes: true },
    {
      name: 'HTTP/1.0 with Transfer-Encoding, even asking for keep-alive',
      request: 'POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      status: 400,
      body: 'Bad Request: Transfer-Encoding in an HTTP/1.0 request (faulty framing)\n',
      closes: true,
    },
    {
      // Node's parser refuses this pair in any version, before the listener.
      name: 'HTTP/1.0 with Transfer-Encoding and Content-Length',
      request: 'POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      status: 400,
      body: "Bad Request: Transfer-Encoding can't be present with Content-Length\n",
      closes: true,
    },
    {
      // RFC 9112 §6.1: only chunked is decoded; the app must not read gzip's bytes as the body.
      name: 'a transfer coding before chunked',
      request: 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      status: 501,
      body: 'Not Implemented: transfer coding "gzip" is not supported\n',
      closes: true,
    },
    {
      name: 'a transfer coding in a Transfer-Encoding field of its own',
      request: 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: Deflate;x=1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      status: 501,
      body: 'Not Implemented: transfer coding "deflate" is not supported\n',
      closes: true,
    },
    {
      // RFC 9112 §6.3: with chunked not last, nothing says where the body ends.
      name: 'a Transfer-Encoding without chunked',
      request: 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      status: 400,
      body: 'Bad Request: Transfer-Encoding without chunked last (the body length is unknown)\n',
      closes: true,
    },
    {
      name: 'an expectation other than 100-continue',
      request: 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: tea\r\nContent-Length: 3\r\n\r\nabc',
      status: 417,
      body: 'Expectation Failed: "tea" is not an expectation this server meets (only 100-continue)\n',
      closes: true,
    },
    {
      name: '100-continue with another expectation',
      request: `PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue, tea=1\r\nContent-Length: 3\r\n${CLOSE}\r\n`,
      status: 417,
      body: 'Expectation Failed: "tea=1" is not an expectation this server meets (only 100-continue)\n',
    },
    { name: 'TRACE', request: `TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: secret=1\r\n${CLOSE}\r\n`, status: 501, body: 'Not Implemented: TRACE is not supported by this server\n' },
    { name: 'CONNECT', request: 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n', status: 400, body: 'Bad Request: CONNECT is not supported by this server\n', closes: true },
    { name: 'a method Node does not know', request: 'BREW /pot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', status: 501, body: 'Not Implemented: method "BREW" is not supported by this server\n', closes: true },
    { name: 'a method that is not a token', request: 'G@T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', status: 400, body: 'Bad Request: malformed request line\n', closes: true },
    { name: 'a fragment in the target', request: `GET /a#b HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: a fragment (#) in the request target\n' },
    { name: 'a fragment in an absolute target', request: `GET http://127.0.0.1/a?x#b HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, status: 400, body: 'Bad Request: a fragment (#) in the request target\n' },
    { name: 'a lower-case version', request: 'GET / http/1.1\r\nHost: 127.0.0.1\r\n\r\n', status: 400, body: 'Bad Request: malformed request line\n', closes: true },
    { name: 'a space in the target', request: 'GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', status: 400, body: 'Bad Request: malformed request line\n', closes: true },
    {
      name: 'two Content-Lengths',
      request: 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      status: 400,
      body: 'Bad Request: Duplicate Content-Length\n',
      closes: true,
    },
    {
      name: 'an oversized header',
      request: `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      status: 431,
      body: 'Request Header Fields Too Large: the request head is larger than this server accepts\n',
      closes: true,
    },
    {
      name: 'an oversized request line',
      request: `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      status: 414,
      body: 'URI Too Long: the request target is longer than this server accepts\n',
      closes: true,
    },
  ];

  for (const { name, request, status, body, closes } of cases) {
    it(`${name}: ${status}`, async () => {
      const { app, seen } = recorder();
      const { port } = await serve(app);
      const { bytes } = await rawRequest(port, request);
      const [response, ...more] = responses(bytes);
      expect(response!.status).toBe(status);
      expect(response!.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response!.body.toString()).toBe(body);
      expect(more).toEqual([]);
      if (closes === true) expect(response!.headers.connection).toBe('close');
      expect(seen).toEqual([]);
      await stillServes(port);
      expect(seen.map((s) => s.path)).toEqual(['/alive']);
    });
  }

  it('answers IPv6 and IPvFuture literals with a port', async () => {
    const { app } = recorder();
    const { port } = await serve(app, { allowedHosts: ['[::1]', '[v1.x]'] });
    for (const host of [`[::1]:${port}`, '[0:0:0:0:0:0:0:1]', '[v1.x]:80']) {
      const [response] = responses((await rawRequest(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n${CLOSE}\r\n`)).bytes);
      expect(response!.status, host).toBe(200);
    }
  });

  it('a bare LF arriving in a packet of its own, after the version', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const socket = await openSocket(port);
    const result = collect(socket);
    socket.write('GET / HTTP/1.1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.end('\nHost: 127.0.0.1\n\n');
    const [response, ...more] = responses((await result).bytes);
    expect(response!.status).toBe(400);
    expect(response!.body.toString()).toBe('Bad Request: the request line ends with a bare LF; lines must end with CRLF\n');
    expect(more).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('a refused transfer coding with a large body: one whole answer, no reset', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    for (const [coding, status] of [['identity', 400], ['gzip, chunked', 501]] as const) {
      const { bytes, error } = await rawRequest(port, `PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: ${coding}\r\n\r\n${'a'.repeat(300_000)}`);
      expect(error, coding).toBeUndefined();
      const [response, ...more] = responses(bytes);
      expect(response!.status, coding).toBe(status);
      expect(more, coding).toEqual([]);
    }
    expect(seen).toEqual([]);
  });

  it('an unknown expectation without a body keeps the connection', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const request = 'GET /tea HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: tea\r\n\r\nGET /after HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
    const list = responses((await rawRequest(port, request)).bytes);
    expect(list.map((r) => r.status)).toEqual([417, 200]);
    expect(list[0]!.headers['content-length']).toBe(String(list[0]!.body.length));
    expect(seen.map((s) => s.path)).toEqual(['/after']);
  });

  it('an expectation in HTTP/1.0 is ignored', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const [response] = responses((await rawRequest(port, 'GET /old HTTP/1.0\r\nExpect: tea\r\n\r\n')).bytes);
    expect(response!.status).toBe(200);
    expect(seen.map((s) => s.path)).toEqual(['/old']);
  });

  it('serves HTTP/1.0 without Host', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const [response] = responses((await rawRequest(port, 'GET /old HTTP/1.0\r\n\r\n')).bytes);
    expect(response!.status).toBe(200);
    expect(seen.map((s) => s.path)).toEqual(['/old']);
  });
});

describe('junk after a request being served', () => {
  const cases: { name: string; request: string; first: string; status: number; body: string; bodies: string[] }[] = [
    {
      name: 'a garbage line after a complete PUT',
      request: 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabcGARBAGE LINE\r\n\r\n',
      first: 'done PUT 3\n',
      status: 400,
      body: 'Bad Request: malformed request line\n',
      bodies: ['abc'],
    },
    {
      name: 'a Content-Length shorter than the bytes sent',
      request: 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nabcdef\r\n\r\n',
      first: 'done PUT 2\n',
      status: 400,
      body: 'Bad Request: malformed request line\n',
      bodies: ['ab'],
    },
    {
      name: 'a pipelined request with an unknown method',
      request: 'GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nBREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      first: 'done GET 0\n',
      status: 501,
      body: 'Not Implemented: method "BREW" is not supported by this server\n',
      bodies: [''],
    },
    {
      name: 'a pipelined request with a bad version',
      request: 'GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET / HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n',
      first: 'done GET 0\n',
      status: 505,
      body: 'HTTP Version Not Supported: HTTP/1.7; use HTTP/1.1\n',
      bodies: [''],
    },
  ];

  for (const { name, request, first, status, body, bodies } of cases) {
    it(`${name}: the real response, then ${status}, then close`, async () => {
      const { app, seen } = recorder();
      const { port } = await serve(app);
      const { bytes, error } = await rawRequest(port, request);
      expect(error).toBeUndefined();
      const [real, refusal, ...more] = responses(bytes);
      expect(real!.status).toBe(200);
      expect(real!.body.toString()).toBe(first);
      expect(refusal!.status).toBe(status);
      expect(refusal!.body.toString()).toBe(body);
      expect(refusal!.headers.connection).toBe('close');
      expect(more).toEqual([]);
      expect(seen.map((s) => s.body)).toEqual(bodies);
      await stillServes(port);
    });
  }

  it('answers two pipelined requests before the junk, in order', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const request =
      'PUT /a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx' + 'GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' + '\u0001\u0002junk\r\n\r\n';
    const list = responses((await rawRequest(port, request)).bytes);
    expect(list.map((r) => [r.status, r.body.toString()])).toEqual([
      [200, 'done PUT 1\n'],
      [200, 'done GET 0\n'],
      [400, 'Bad Request: malformed request line\n'],
    ]);
    expect(seen.map((s) => s.path)).toEqual(['/a', '/b']);
  });

  it('a chunked body that turns to junk: the client still learns why', async () => {
    const { app } = recorder();
    const { port, errors } = await serve(app);
    const request = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nZZ\r\n\r\n';
    const [response, ...more] = responses((await rawRequest(port, request)).bytes);
    expect(response!.status).toBe(400);
    expect(response!.body.toString()).toBe('Bad Request: Invalid character in chunk size\n');
    expect(more).toEqual([]);
    await stillServes(port);
    // The app's read failed as if the client had left; it had not, it read the 400.
    await waitFor(() => errors.text !== '', 'the log line');
    expect(errors.text).toMatch(/^\[[^\]]+\] POST \/: request refused mid-way \(400 Bad Request: Invalid character in chunk size\)\n$/);
  });

  it('a chunk size past 64 bits: 400, logged as the refusal it is, not as a client gone', async () => {
    const { app } = recorder();
    const { port, errors } = await serve(app);
    const request = 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n';
    const [response] = responses((await rawRequest(port, request)).bytes);
    expect(response!.status).toBe(400);
    expect(response!.body.toString()).toBe('Bad Request: Chunk size overflow\n');
    await waitFor(() => errors.text !== '', 'the log line');
    expect(errors.text).toMatch(/^\[[^\]]+\] PUT \/entry: request refused mid-way \(400 Bad Request: Chunk size overflow\)\n$/);
  });
});
