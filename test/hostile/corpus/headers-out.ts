/**
 * Headers out: request input reflected towards `Location` and `Set-Cookie`
 * (the runner fails any header line with a CR, LF or control byte, and any
 * `X-Injected` field), links built only from vetted hosts, and the
 * security headers on every page of the site, error pages included.
 */
import { CLOSE, get, HOST, http, SECURITY_HEADERS, withBody, type HostileCase } from './types.js';

const secured = (name: string, target: string, status: number, extra: string[] = []): HostileCase => ({
  name: `security headers: ${name}`,
  category: 'headers-out',
  send: get(target, ...extra),
  expect: [{ status, headers: SECURITY_HEADERS }],
});

export const headersOut: readonly HostileCase[] = [
  secured('the index', '/', 200),
  secured('hello', '/hello/', 200),
  secured('the guessing game', '/guess/', 200),
  secured('the upload page', '/upload/', 200),
  secured('the session page', '/session/', 200),
  secured('the blog list', '/blog/', 200),
  secured('the Atom feed', '/blog/?type=atom', 200),
  secured('the stylesheet', '/blog/_static/blog.css', 200),
  secured('the login prompt', '/private/', 401),
  secured('a 404 of the index', '/nothing-here', 404),
  secured('a 404 of the blog', '/blog/no-such-entry', 404),
  secured('a 400 of the blog', '/blog/.hidden', 400),
  { name: 'security headers: a 405 of the session page', category: 'headers-out', send: withBody('POST', '/session/', [], 'x'), expect: [{ status: 405, headers: { ...SECURITY_HEADERS, allow: 'GET, HEAD' } }] },
  {
    name: 'security headers: a 415 of the game',
    category: 'headers-out',
    send: withBody('POST', '/guess/', ['Content-Type: text/plain'], 'myparam=5'),
    expect: [{ status: 415, headers: SECURITY_HEADERS }],
  },
  {
    name: 'security headers: a 403 of csrf',
    category: 'headers-out',
    send: withBody('POST', '/guess/', ['Origin: http://evil.example', 'Content-Type: application/x-www-form-urlencoded'], 'myparam=5'),
    expect: [{ status: 403, headers: SECURITY_HEADERS }],
  },
  { name: 'no HSTS over plain http', category: 'headers-out', send: get('/'), expect: [{ status: 200, headers: { 'strict-transport-security': null } }] },
  { name: 'X-Forwarded-Proto: https from an untrusted client gives no HSTS', category: 'headers-out', send: get('/', 'X-Forwarded-Proto: https'), expect: [{ status: 200, headers: { 'strict-transport-security': null } }] },
  { name: 'a text 404 is not sniffed as HTML', category: 'headers-out', send: get('/upload/<script>alert(1)</script>'), expect: [{ status: 404, headers: { 'content-type': /^text\/plain/, 'x-content-type-options': 'nosniff' } }] },
  // Reflection into Location.
  { name: 'PUT with %0d%0a in the entry name', category: 'headers-out', send: withBody('PUT', '/blog/a%0d%0aX-Injected:%201', [], 'abc'), expect: [{ status: 400, body: 'Invalid entry name', headers: { location: null } }] },
  { name: 'PUT with %0a in the entry name', category: 'headers-out', send: withBody('PUT', '/blog/a%0aX-Injected:1', [], 'abc'), expect: [{ status: 400, headers: { location: null } }] },
  { name: 'PUT with %0d in the entry name', category: 'headers-out', send: withBody('PUT', '/blog/a%0dX-Injected:1', [], 'abc'), expect: [{ status: 400, headers: { location: null } }] },
  { name: 'PUT with U+2028 and U+0085 in the entry name', category: 'headers-out', send: withBody('PUT', '/blog/a%e2%80%a8%c2%85b', [], 'abc'), expect: [{ status: 400, headers: { location: null } }] },
  {
    name: 'PUT of a non-ASCII name: the Location is percent-encoded',
    category: 'headers-out',
    send: withBody('PUT', '/blog/%c3%a9t%c3%a9', [], 'summer'),
    expect: [{ status: 201, headers: { location: 'http://127.0.0.1/blog/%C3%A9t%C3%A9' } }],
    writes: { blog: ['été.txt'] },
  },
  {
    name: 'PUT under an allowed host with a port: the Location keeps both',
    category: 'headers-out',
    send: http(['PUT /blog/with-port HTTP/1.1', 'Host: LOCALHOST:8080', 'Content-Length: 3', CLOSE], 'abc'),
    expect: [{ status: 201, headers: { location: 'http://localhost:8080/blog/with-port' } }],
    writes: { blog: ['with-port.txt'] },
  },
  {
    name: 'PUT in absolute form with Host: evil.example: the Location names the target authority',
    category: 'headers-out',
    send: http(['PUT http://localhost/blog/absolute HTTP/1.1', 'Host: evil.example', 'Content-Length: 3', CLOSE], 'abc'),
    expect: [{ status: 201, headers: { location: 'http://localhost/blog/absolute' } }],
    writes: { blog: ['absolute.txt'] },
    check: (result) => {
      if (result.bytes.includes('evil.example')) throw new Error('the answer names the Host header it should ignore');
    },
  },
  {
    name: 'PUT with X-Forwarded-Host from an untrusted client: the Location ignores it',
    category: 'headers-out',
    send: withBody('PUT', '/blog/forwarded', ['X-Forwarded-Host: evil.example', 'X-Forwarded-Proto: https'], 'abc'),
    expect: [{ status: 201, headers: { location: 'http://127.0.0.1/blog/forwarded' } }],
    writes: { blog: ['forwarded.txt'] },
  },
  {
    name: 'the Atom feed with X-Forwarded-Host links only the vetted host',
    category: 'headers-out',
    send: get('/blog/?type=atom', 'X-Forwarded-Host: evil.example'),
    expect: [{ status: 200, body: 'http://127.0.0.1/blog/' }],
    check: (result) => {
      if (result.bytes.includes('evil.example')) throw new Error('the feed links a forwarded host');
    },
  },
  {
    name: 'an upload redirect after a path with %0d%0a',
    category: 'headers-out',
    send: withBody('POST', '/upload/%0d%0aX-Injected:%201', ['Content-Type: multipart/form-data; boundary=XX'], '--XX--\r\n'),
    expect: [{ status: 405, headers: { location: null } }],
  },
  { name: 'a query with %0d%0a on the session page', category: 'headers-out', send: get('/session/?%0d%0aX-Injected:%201=%0d%0a'), expect: [{ status: 200, headers: { 'set-cookie': /^tsgi_sid=[A-Za-z0-9_-]+; / } }] },
  { name: 'a session cookie with %0d%0a', category: 'headers-out', send: get('/session/', 'Cookie: tsgi_sid=%0d%0aX-Injected:%201'), expect: [{ status: 200, headers: { 'set-cookie': /^tsgi_sid=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax$/ } }] },
  { name: 'an Accept header asking for a type with CR-like escapes', category: 'headers-out', send: get('/blog/', 'Accept: text/html%0d%0aX-Injected: 1'), expect: [{ status: 406, body: 'Nothing here matches Accept', headers: { vary: 'Accept' } }] },
  { name: 'a blog ?type= with %0d%0a', category: 'headers-out', send: get('/blog/?type=atom%0d%0aX-Injected:%201'), expect: [{ status: 400 }] },
  { name: 'a 404 body echoing a long path is cut', category: 'headers-out', send: get(`/upload/${'x'.repeat(5000)}`), expect: [{ status: 404 }], check: (result) => {
    if (result.responses[0]!.body.length > 400) throw new Error(`a ${result.responses[0]!.body.length}-byte 404 echoing the path`);
  } },
  { name: 'a disallowed Origin gets no CORS headers', category: 'headers-out', send: get('/blog/', 'Origin: http://evil.example'), expect: [{ status: 200, headers: { 'access-control-allow-origin': null, 'access-control-allow-credentials': null } }] },
  {
    name: 'a preflight from a disallowed origin gets no CORS headers',
    category: 'headers-out',
    send: http(['OPTIONS /blog/x HTTP/1.1', HOST, 'Origin: http://evil.example', 'Access-Control-Request-Method: PUT', CLOSE]),
    expect: [{ status: 204, headers: { allow: 'DELETE, GET, HEAD, OPTIONS, PUT', 'access-control-allow-origin': null, 'access-control-allow-methods': null } }],
  },
  {
    name: 'the server\u2019s own refusals carry a short text body and no app headers',
    category: 'headers-out',
    send: http(['GET / HTTP/1.1', 'Host: evil.example', CLOSE]),
    expect: [{ status: 400, body: 'is not allowed', headers: { 'set-cookie': null, 'content-type': 'text/plain; charset=utf-8' } }],
  },
];
