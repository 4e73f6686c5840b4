/**
 * Sessions, with the site on a FileStore (SESSION_STORE=file) so that a
 * stored session is a file the runner can see: forged, tampered, truncated,
 * oversized and foreign cookies each read as a fresh session (never a 5xx),
 * and visitors without a cookie, however many, store nothing.
 */
import { Buffer } from 'node:buffer';
import { VisitCounter } from '../../../examples/session/app.js';
import { CookieStore, sessions } from '../../../src/middleware/session/index.js';
import { TestClient } from '../../../src/testing/index.js';
import { exchange } from '../../support/raw-exchange.js';
import type { CaseContext } from './types.js';
import { CLOSE, get, HOST, http, type HostileCase } from './types.js';

const FRESH = 'You have been here 1 times!';
const NEW_COOKIE = /^tsgi_sid=[A-Za-z0-9_-]+; /;
const fresh = [{ status: 200, body: FRESH, headers: { 'set-cookie': NEW_COOKIE } }];

/** A cookie the site itself issued to a first visit, left in `vars` as `cookie` (`name=value`). */
async function siteCookie({ site, vars }: CaseContext): Promise<void> {
  const result = await exchange(site.port, [get('/session/')], { responses: 1, graceMs: 0 });
  const header = result.responses[0]?.headers['set-cookie'] ?? '';
  const cookie = /^(tsgi_sid=[^;]+)/.exec(header)?.[1];
  if (cookie === undefined) throw new Error(`no session cookie from the site: ${header}`);
  vars.set('cookie', cookie);
}

/** A well-formed session cookie sealed under a secret the site does not have. */
async function foreignCookie({ vars }: CaseContext): Promise<void> {
  const client = new TestClient(sessions(VisitCounter, { secrets: ['another-secret-of-at-least-32-characters'], store: new CookieStore() }));
  const response = await client.request('GET', '/');
  const cookie = /^(tsgi_sid=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (cookie === undefined) throw new Error('no cookie from the foreign site');
  vars.set('cookie', cookie);
}

const withCookie = (cookie: (value: string) => string) => (context: CaseContext) => [get('/session/', `Cookie: ${cookie(context.vars.get('cookie')!)}`)];

// Flips one character in the middle of the cookie's value.
const flipped = (cookie: string): string => {
  const at = Math.floor(cookie.length * 0.6);
  return cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1);
};

export const sessionCases: readonly HostileCase[] = [
  { name: 'a first visit gets a sealed cookie and stores nothing', category: 'sessions', send: get('/session/'), expect: fresh },
  { name: 'HEAD on a first visit sets no cookie', category: 'sessions', send: http(['HEAD /session/ HTTP/1.1', HOST, CLOSE]), headless: [0], expect: [{ status: 200, headers: { 'set-cookie': null } }] },
  { name: 'a cookie of garbage', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=garbage'), expect: fresh },
  { name: 'an empty session cookie', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid='), expect: fresh },
  { name: 'a session cookie with only a signature separator', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=.'), expect: fresh },
  { name: 'a cookie naming a file outside the store', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=..%2F..%2Fcanary'), expect: fresh },
  { name: 'a cookie naming another id, unsigned', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=00000000000000000000000000000000'), expect: fresh },
  { name: 'a 4 KB cookie of base64url', category: 'sessions', send: get('/session/', `Cookie: tsgi_sid=${'A'.repeat(4096)}`), expect: fresh },
  { name: 'a 12 KB cookie', category: 'sessions', send: get('/session/', `Cookie: tsgi_sid=${'z'.repeat(12_000)}`), expect: fresh },
  { name: 'a cookie header over the head limit', category: 'sessions', send: get('/session/', `Cookie: tsgi_sid=${'z'.repeat(20_000)}`), expect: [{ status: 431 }], closes: true },
  { name: 'fifty cookies with the session name', category: 'sessions', send: get('/session/', `Cookie: ${Array.from({ length: 50 }, (_, i) => `tsgi_sid=forged${i}`).join('; ')}`), expect: fresh },
  { name: 'the session name in two Cookie fields', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=one', 'Cookie: tsgi_sid=two'), expect: fresh },
  { name: 'a cookie with bytes that are not UTF-8', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=\xff\xfe\x80'), expect: fresh },
  { name: 'a cookie with percent-escapes of invalid UTF-8', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid=%ff%fe'), expect: fresh },
  { name: 'a cookie with a quoted value', category: 'sessions', send: get('/session/', 'Cookie: tsgi_sid="abc"'), expect: fresh },
  { name: 'a cookie string with no name', category: 'sessions', send: get('/session/', 'Cookie: =tsgi_sid; ;;; =='), expect: fresh },
  { name: 'a cookie named __proto__', category: 'sessions', send: get('/session/', 'Cookie: __proto__=x; constructor=y; tsgi_sid=z'), expect: fresh },
  { name: 'the session name in another letter case', category: 'sessions', send: get('/session/', 'Cookie: TSGI_SID=abc'), expect: fresh },
  { name: 'a tampered site cookie (one character flipped)', category: 'sessions', setup: siteCookie, send: withCookie(flipped), expect: fresh },
  { name: 'a truncated site cookie', category: 'sessions', setup: siteCookie, send: withCookie((c) => c.slice(0, c.length - 10)), expect: fresh },
  { name: 'a site cookie cut to its first half', category: 'sessions', setup: siteCookie, send: withCookie((c) => c.slice(0, Math.floor(c.length / 2))), expect: fresh },
  { name: 'a site cookie with junk appended', category: 'sessions', setup: siteCookie, send: withCookie((c) => `${c}AAAA`), expect: fresh },
  { name: 'a site cookie re-encoded as standard base64', category: 'sessions', setup: siteCookie, send: withCookie((c) => c.replaceAll('-', '+').replaceAll('_', '/')), expect: fresh },
  { name: 'a cookie sealed under another secret', category: 'sessions', setup: foreignCookie, send: withCookie((c) => c), expect: fresh },
  {
    name: "a site cookie sent back (control: it counts and is stored)",
    category: 'sessions',
    setup: siteCookie,
    send: withCookie((c) => c),
    expect: [{ status: 200, body: 'You have been here 2 times!' }],
    writes: { sessions: [/\.json$/] },
  },
  {
    name: 'a forged cookie beside a real one',
    category: 'sessions',
    setup: siteCookie,
    send: withCookie((c) => `tsgi_sid=forged; ${c}`),
    expect: [{ status: 200, body: 'You have been here' }],
    writes: { sessions: [/\.json$/] },
  },
  {
    name: '200 cookieless visits, pipelined, store nothing',
    category: 'sessions',
    send: Array.from({ length: 200 }, () => http(['GET /session/ HTTP/1.1', HOST])).join(''),
    expect: Array.from({ length: 200 }, () => ({ status: 200, body: FRESH })),
    timeoutMs: 8_000,
  },
  {
    name: '100 cookieless guesses, pipelined, store nothing',
    category: 'sessions',
    send: Array.from({ length: 100 }, () => http(['POST /guess/ HTTP/1.1', HOST, 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 9'], 'myparam=5')).join(''),
    expect: Array.from({ length: 100 }, () => ({ status: 200 })),
    timeoutMs: 8_000,
  },
  {
    name: '100 visits each with a different garbage cookie store nothing',
    category: 'sessions',
    send: Array.from({ length: 100 }, (_, i) => http(['GET /session/ HTTP/1.1', HOST, `Cookie: tsgi_sid=${Buffer.from(`forged-${i}`).toString('base64url')}`])).join(''),
    expect: Array.from({ length: 100 }, () => ({ status: 200, body: FRESH })),
    timeoutMs: 8_000,
  },
];
