/**
 * Framing: smuggling attempts, CR/LF games, bad versions, hosts and
 * targets, and junk after a request. Each write attempt names a blog entry,
 * so a request that slipped through would leave a file behind.
 */
import { CLOSE, HOST, http, type HostileCase } from './types.js';

const BAD = 'Bad Request';
const put = (name: string, ...lines: string[]): string[] => [`PUT /blog/${name} HTTP/1.1`, HOST, ...lines];
const refused = (status: number, body: string) => [{ status, body, headers: { 'content-type': 'text/plain; charset=utf-8' } }];

export const framing: readonly HostileCase[] = [
  // Smuggling: two ways to frame one body.
  { name: 'CL then TE', category: 'framing', send: http(put('cl-te', 'Content-Length: 3', 'Transfer-Encoding: chunked'), '3\r\nabc\r\n0\r\n\r\n'), expect: refused(400, "Transfer-Encoding can't be present with Content-Length"), closes: true },
  { name: 'TE then CL', category: 'framing', send: http(put('te-cl', 'Transfer-Encoding: chunked', 'Content-Length: 30'), '3\r\nabc\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n'), expect: refused(400, "Content-Length can't be present with Transfer-Encoding"), closes: true },
  { name: 'CL 0 with TE chunked hiding a request', category: 'framing', send: http(put('cl0-te', 'Content-Length: 0', 'Transfer-Encoding: chunked'), `1e\r\nDELETE /blog/x HTTP/1.1\r\n\r\n\r\n0\r\n\r\n`), expect: refused(400, 'Transfer-Encoding'), closes: true },
  { name: 'two equal Content-Lengths', category: 'framing', send: http(put('cl-cl', 'Content-Length: 3', 'Content-Length: 3'), 'abc'), expect: refused(400, 'Duplicate Content-Length'), closes: true },
  { name: 'two different Content-Lengths', category: 'framing', send: http(put('cl-cl2', 'Content-Length: 3', 'Content-Length: 13'), 'abcGET / HTTP/1.1\r\n'), expect: refused(400, 'Duplicate Content-Length'), closes: true },
  { name: 'a Content-Length list', category: 'framing', send: http(put('cl-list', 'Content-Length: 3, 3'), 'abc'), expect: refused(400, 'Content-Length'), closes: true },
  { name: 'Transfer-Encoding: chunked, identity', category: 'framing', send: http(put('te-identity', 'Transfer-Encoding: chunked, identity'), '3\r\nabc\r\n0\r\n\r\n'), expect: refused(400, 'Transfer-Encoding'), closes: true },
  { name: 'Transfer-Encoding: identity alone', category: 'framing', send: http(put('te-only-identity', 'Transfer-Encoding: identity'), 'abc'), expect: refused(400, 'Transfer-Encoding'), closes: true },
  { name: 'Transfer-Encoding: xchunked', category: 'framing', send: http(put('te-x', 'Transfer-Encoding: xchunked'), '3\r\nabc\r\n0\r\n\r\n'), expect: refused(400, 'Transfer-Encoding'), closes: true },
  { name: 'two Transfer-Encoding: chunked fields', category: 'framing', send: http(put('te-te', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'), '3\r\nabc\r\n0\r\n\r\n'), expect: refused(400, 'Transfer-Encoding'), closes: true },
  {
    // RFC 9112 §6.1: a transfer coding the server does not understand gets
    // 501. The server decodes only chunked, so gzip's bytes must not be
    // stored as if they were the entry.
    name: 'Transfer-Encoding: gzip, chunked (a coding the server does not decode)',
    category: 'framing',
    send: http(put('te-gzip', 'Transfer-Encoding: gzip, chunked', CLOSE), '3\r\nabc\r\n0\r\n\r\n'),
    expect: [{ status: 501, body: 'gzip' }],
  },
  { name: 'a space before the colon of Transfer-Encoding', category: 'framing', send: http(put('te-space', 'Transfer-Encoding : chunked'), '3\r\nabc\r\n0\r\n\r\n'), expect: refused(400, 'Invalid header field char'), closes: true },
  { name: 'a tab before the colon of Content-Length', category: 'framing', send: http(put('cl-tab', 'Content-Length\t: 3'), 'abc'), expect: refused(400, BAD), closes: true },
  { name: 'Transfer-Encoding folded onto a second line (obs-fold)', category: 'framing', send: http(put('te-fold', 'Transfer-Encoding:', ' chunked'), '3\r\nabc\r\n0\r\n\r\n'), expect: refused(400, BAD), closes: true },
  { name: 'an obs-fold continuation line', category: 'framing', send: http(['GET / HTTP/1.1', HOST, 'X-A: a', ' b', CLOSE]), expect: refused(400, 'whitespace'), closes: true },
  { name: 'a header line led by a space right after the request line', category: 'framing', send: http(['GET / HTTP/1.1', ' X-Lead: 1', HOST, CLOSE]), expect: refused(400, 'space after start line'), closes: true },
  {
    // RFC 9112 §2.2 lets a server take a bare LF as a line end or refuse
    // the message with 400; either way the version is HTTP/1.1, so 505
    // ("an unknown HTTP version") names the wrong problem.
    name: 'bare LF line endings throughout',
    category: 'framing',
    send: 'GET / HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n',
    expect: refused(400, BAD),
    closes: true,
  },
  { name: 'a bare LF ending one header line', category: 'framing', send: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\nConnection: close\r\n\r\n', expect: refused(400, 'Missing expected CR'), closes: true },
  { name: 'a bare LF ending the head', category: 'framing', send: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\n\n', expect: refused(400, 'Missing expected CR'), closes: true },
  { name: 'a bare CR inside a header value', category: 'framing', send: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rb\r\nConnection: close\r\n\r\n', expect: refused(400, BAD), closes: true },
  { name: 'a NUL in a header value', category: 'framing', send: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n', expect: refused(400, 'Invalid header value char'), closes: true },
  { name: 'a NUL in a header name', category: 'framing', send: 'GET / HTTP/1.1\r\nHo\x00st: 127.0.0.1\r\nConnection: close\r\n\r\n', expect: refused(400, 'Invalid header token'), closes: true },
  { name: 'a header line without a colon', category: 'framing', send: http(['GET / HTTP/1.1', HOST, 'NoColon', CLOSE]), expect: refused(400, 'Invalid header token'), closes: true },
  { name: 'a space inside a header name', category: 'framing', send: http(['GET / HTTP/1.1', HOST, 'X Y: z', CLOSE]), expect: refused(400, 'Invalid header token'), closes: true },
  {
    // The server refused the body itself: its log must not blame a client
    // that is still there, reading the 400.
    name: 'a chunk size past 64 bits',
    category: 'framing',
    send: http(put('chunk-huge', 'Transfer-Encoding: chunked'), 'ffffffffffffffffff\r\nabc\r\n0\r\n\r\n'),
    expect: refused(400, 'Chunk size overflow'),
    closes: true,
    logAbsent: /client went away/,
  },
  { name: 'a chunk size that is not hex', category: 'framing', send: http(put('chunk-zz', 'Transfer-Encoding: chunked'), 'zz\r\nabc\r\n0\r\n\r\n'), expect: refused(400, 'Invalid character in chunk size'), closes: true },
  { name: 'a chunk longer than its size', category: 'framing', send: http(put('chunk-long', 'Transfer-Encoding: chunked'), '3\r\nabcdef\r\n0\r\n\r\n'), expect: refused(400, BAD), closes: true },
  { name: 'a NUL in a chunk extension', category: 'framing', send: http(put('chunk-ext-nul', 'Transfer-Encoding: chunked'), '3;\x00\r\nabc\r\n0\r\n\r\n'), expect: refused(400, 'chunk extensions'), closes: true },
  {
    name: 'a chunk extension (allowed, ignored)',
    category: 'framing',
    send: http(put('chunk-ext', 'Transfer-Encoding: chunked', CLOSE), '3;name=value\r\nabc\r\n0\r\n\r\n'),
    expect: [{ status: 201, headers: { location: 'http://127.0.0.1/blog/chunk-ext' } }],
    writes: { blog: ['chunk-ext.txt'] },
  },
  { name: 'a negative Content-Length', category: 'framing', send: http(put('cl-negative', 'Content-Length: -3'), 'abc'), expect: refused(400, 'Invalid character in Content-Length'), closes: true },
  { name: 'a Content-Length with a plus sign', category: 'framing', send: http(put('cl-plus', 'Content-Length: +3'), 'abc'), expect: refused(400, 'Invalid character in Content-Length'), closes: true },
  { name: 'a Content-Length in hex', category: 'framing', send: http(put('cl-hex', 'Content-Length: 0x3'), 'abc'), expect: refused(400, 'Content-Length'), closes: true },
  { name: 'a Content-Length past 64 bits', category: 'framing', send: http(put('cl-overflow', 'Content-Length: 99999999999999999999'), 'abc'), expect: refused(400, 'Content-Length overflow'), closes: true },
  {
    name: 'a Content-Length with leading zeros (1*DIGIT, allowed)',
    category: 'framing',
    send: http(put('cl-zeros', 'Content-Length: 003', CLOSE), 'abc'),
    expect: [{ status: 201 }],
    writes: { blog: ['cl-zeros.txt'] },
  },
  { name: 'HTTP/2.0 on an HTTP/1 connection', category: 'framing', send: http(['GET /blog/ HTTP/2.0', HOST]), expect: refused(505, 'HTTP/2.0; use HTTP/1.1'), closes: true },
  { name: 'HTTP/1.9', category: 'framing', send: http(['PUT /blog/v19 HTTP/1.9', HOST, 'Content-Length: 3'], 'abc'), expect: refused(505, 'HTTP/1.9'), closes: true },
  { name: 'HTTP/0.9 (no version)', category: 'framing', send: 'GET /blog/\r\n\r\n', expect: refused(505, 'HTTP/0.9'), closes: true },
  { name: 'the HTTP/2 preface', category: 'framing', send: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', expect: refused(505, 'HTTP/2.0'), closes: true },
  { name: 'a lower-case method', category: 'framing', send: http(['get / HTTP/1.1', HOST, CLOSE]), expect: refused(400, 'malformed request line'), closes: true },
  { name: 'tabs between the parts of the request line', category: 'framing', send: http(['GET\t/\tHTTP/1.1', HOST, CLOSE]), expect: refused(400, 'malformed request line'), closes: true },
  {
    name: 'HTTP/1.0 with Transfer-Encoding',
    category: 'framing',
    send: http(['PUT /blog/te-10 HTTP/1.0', HOST, 'Connection: keep-alive', 'Transfer-Encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n'),
    expect: refused(400, 'Transfer-Encoding in an HTTP/1.0 request'),
    closes: true,
  },
  { name: 'two Host headers', category: 'framing', send: http(['PUT /blog/two-hosts HTTP/1.1', HOST, 'Host: evil.example', 'Content-Length: 3', CLOSE], 'abc'), expect: refused(400, 'two Host headers') },
  { name: 'no Host in HTTP/1.1', category: 'framing', send: http(['GET /blog/ HTTP/1.1', CLOSE]), expect: refused(400, 'no Host header') },
  { name: 'an empty Host', category: 'framing', send: http(['GET / HTTP/1.1', 'Host: ', CLOSE]), expect: refused(400, 'is not allowed') },
  { name: 'a Host port above 65535', category: 'framing', send: http(['GET / HTTP/1.1', 'Host: 127.0.0.1:99999', CLOSE]), expect: refused(400, 'has an invalid port') },
  { name: 'a Host port that is not digits', category: 'framing', send: http(['GET / HTTP/1.1', 'Host: 127.0.0.1:http', CLOSE]), expect: refused(400, 'has an invalid port') },
  { name: 'a Host with user info', category: 'framing', send: http(['GET / HTTP/1.1', 'Host: evil.example@127.0.0.1', CLOSE]), expect: refused(400, 'is not a valid host') },
  { name: 'a Host outside the allowed hosts, on a write', category: 'framing', send: http(['PUT /blog/evil-host HTTP/1.1', 'Host: evil.example', 'Content-Length: 3', CLOSE], 'abc'), expect: refused(400, 'host "evil.example" is not allowed') },
  { name: 'a Host that is a subdomain of an allowed one', category: 'framing', send: http(['GET / HTTP/1.1', 'Host: evil.127.0.0.1', CLOSE]), expect: refused(400, 'is not allowed') },
  { name: 'an absolute-form target naming an evil host', category: 'framing', send: http(['PUT http://evil.example/blog/abs-evil HTTP/1.1', HOST, 'Content-Length: 3', CLOSE], 'abc'), expect: refused(400, 'host "evil.example" is not allowed') },
  { name: 'an absolute-form https target naming an evil host', category: 'framing', send: http(['GET https://evil.example/ HTTP/1.1', HOST, CLOSE]), expect: refused(400, 'evil.example') },
  { name: 'an absolute-form target with user info', category: 'framing', send: http(['GET http://evil@127.0.0.1/ HTTP/1.1', HOST, CLOSE]), expect: refused(400, 'request target') },
  { name: 'an absolute-form target with a bad port', category: 'framing', send: http(['GET http://127.0.0.1:70000/ HTTP/1.1', HOST, CLOSE]), expect: refused(400, 'invalid port') },
  { name: '* with GET', category: 'framing', send: http(['GET * HTTP/1.1', HOST, CLOSE]), expect: refused(400, 'unsupported request target') },
  { name: '* with DELETE', category: 'framing', send: http(['DELETE * HTTP/1.1', HOST, CLOSE]), expect: refused(400, 'unsupported request target') },
  { name: 'CONNECT to another host', category: 'framing', send: http(['CONNECT evil.example:443 HTTP/1.1', 'Host: evil.example:443']), expect: refused(400, 'CONNECT is not supported'), closes: true },
  {
    name: 'TRACE with a cookie and credentials (never echoed)',
    category: 'framing',
    send: http(['TRACE /blog/ HTTP/1.1', HOST, 'Cookie: secret=tracecookie', 'Authorization: Basic dHJhY2U6dHJhY2U=', CLOSE]),
    expect: refused(501, 'TRACE is not supported'),
    check: (result) => {
      if (result.bytes.includes('tracecookie') || result.bytes.includes('dHJhY2U6dHJhY2U=')) throw new Error('TRACE echoed the request');
    },
  },
  { name: 'a method nobody knows', category: 'framing', send: http(['BREW /blog/pot HTTP/1.1', HOST, 'Content-Length: 3'], 'abc'), expect: refused(501, 'method "BREW" is not supported'), closes: true },
  { name: 'a fragment in the target', category: 'framing', send: http(['PUT /blog/frag#x HTTP/1.1', HOST, 'Content-Length: 3', CLOSE], 'abc'), expect: refused(400, 'a fragment (#) in the request target') },
  { name: 'an Expect the server cannot meet', category: 'framing', send: http(['PUT /blog/expect-tea HTTP/1.1', HOST, 'Expect: tea', 'Content-Length: 3', CLOSE], 'abc'), expect: [{ status: 417, body: 'Expectation Failed' }] },
  {
    name: 'junk after a complete PUT: its response, then 400',
    category: 'framing',
    send: http(put('junk-after', 'Content-Length: 3'), 'abcGARBAGE LINE\r\n\r\n'),
    expect: [{ status: 201 }, { status: 400, body: 'malformed request line', headers: { connection: 'close' } }],
    closes: true,
    writes: { blog: ['junk-after.txt'] },
  },
  {
    name: 'a Content-Length shorter than the body: the request, then 400 for the rest',
    category: 'framing',
    send: http(put('short-cl', 'Content-Length: 2'), 'abcdef\r\n\r\n'),
    expect: [{ status: 201 }, { status: 400, body: BAD }],
    closes: true,
    writes: { blog: ['short-cl.txt'] },
    check: async (_result, { site }) => {
      const { readFile } = await import('node:fs/promises');
      if ((await readFile(`${site.data.blog}/short-cl.txt`, 'latin1')) !== 'ab') throw new Error('the entry holds more than its Content-Length');
    },
  },
  {
    name: 'a pipelined GET, then a bad version',
    category: 'framing',
    send: http(['GET /hello/ HTTP/1.1', HOST]) + http(['GET / HTTP/1.7', HOST]),
    expect: [{ status: 200, body: 'Hello world!' }, { status: 505, body: 'HTTP/1.7' }],
    closes: true,
  },
  {
    name: 'a pipelined PUT smuggled behind a GET body',
    category: 'framing',
    send: http(['GET /hello/ HTTP/1.1', HOST, 'Content-Length: 44'], 'PUT /blog/smuggled HTTP/1.1\r\nHost: 127.0.0.1') + `\r\n${CLOSE}\r\n\r\n`,
    expect: [{ status: 200, body: 'Hello world!' }, { status: 400, body: BAD }],
    closes: true,
  },
  {
    name: 'empty lines before the request line (ignored, RFC 9112 §2.2)',
    category: 'framing',
    send: `\r\n\r\n${http(['GET /hello/ HTTP/1.1', HOST, CLOSE])}`,
    expect: [{ status: 200, body: 'Hello world!' }],
  },
  {
    name: 'an oversized head (a 20 KB header)',
    category: 'framing',
    send: http(['GET / HTTP/1.1', HOST, `X-Big: ${'a'.repeat(20_000)}`]),
    expect: refused(431, 'Request Header Fields Too Large'),
    closes: true,
  },
  {
    name: 'a thousand small headers',
    category: 'framing',
    send: http(['GET /hello/ HTTP/1.1', HOST, ...Array.from({ length: 1000 }, (_, i) => `X-${i}: ${i}`), CLOSE]),
    expect: [{ status: 200 }],
  },
  { name: 'an upgrade to h2c (not offered, served as HTTP/1.1)', category: 'framing', send: http(['GET /hello/ HTTP/1.1', HOST, 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQAAP__', 'Connection: Upgrade, HTTP2-Settings, close']), expect: [{ status: 200, headers: { upgrade: null } }] },
  // The handshake reaches the app (tsgi.websocket); a handler class without doWEBSOCKET answers 426, and the server names the protocol.
  { name: 'an upgrade to websocket on a page that does not speak it', category: 'framing', send: http(['GET /blog/ HTTP/1.1', HOST, 'Upgrade: websocket', 'Connection: Upgrade, close', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13']), expect: [{ status: 426, headers: { upgrade: 'websocket' } }] },
];
