/**
 * Auth: `/private/` (basicAuth behind rateLimit, 5 wrong passwords a
 * minute per client) with malformed credentials, and password guessing.
 * The runner gives each case its own client address, so each starts with
 * a full budget.
 */
import { Buffer } from 'node:buffer';
import { DEMO } from '../../support/site-process.js';
import { CLOSE, get, HOST, http, type HostileCase } from './types.js';

const b64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64');
const UNAUTHORIZED = { status: 401, body: 'valid credentials are required', headers: { 'www-authenticate': 'Basic realm="tsgi private demo", charset="UTF-8"' } };
const asked = (authorization: string) => get('/private/', `Authorization: ${authorization}`);
const keepAlive = (authorization: string) => http(['GET /private/ HTTP/1.1', HOST, `Authorization: ${authorization}`]);
const WRONG = `Basic ${b64(`${DEMO.user}:wrong`)}`;
const RIGHT = `Basic ${b64(`${DEMO.user}:${DEMO.password}`)}`;

const malformed = (name: string, authorization: string): HostileCase => ({ name, category: 'auth', send: asked(authorization), expect: [UNAUTHORIZED] });

export const auth: readonly HostileCase[] = [
  { name: 'no credentials: the login prompt, and no budget used', category: 'auth', send: get('/private/'), expect: [{ ...UNAUTHORIZED, headers: { ...UNAUTHORIZED.headers, ratelimit: null } }] },
  malformed('Basic without a value', 'Basic'),
  malformed('Basic with only a space', 'Basic '),
  malformed('Basic with bad base64', 'Basic !!!!'),
  malformed('Basic with base64 padding only', 'Basic ===='),
  malformed('Basic without a colon', `Basic ${b64('nocolon')}`),
  malformed('Basic with an empty user and password', `Basic ${b64(':')}`),
  malformed('Basic with the right password and no user', `Basic ${b64(`:${DEMO.password}`)}`),
  malformed('Basic with the user and no password', `Basic ${b64(`${DEMO.user}:`)}`),
  malformed('Basic with bytes that are not UTF-8', `Basic ${b64('\xff\xfe:\xff')}`),
  malformed('Basic with a NUL after the user', `Basic ${b64(`${DEMO.user}\x00:${DEMO.password}`)}`),
  malformed('Basic with the password plus a NUL', `Basic ${b64(`${DEMO.user}:${DEMO.password}\x00`)}`),
  malformed('Basic with the user in another case', `Basic ${b64(`${DEMO.user.toUpperCase()}:${DEMO.password}`)}`),
  malformed('Basic with a 12 KB value', `Basic ${'A'.repeat(12_000)}`),
  malformed('Bearer instead of Basic', 'Bearer abc.def.ghi'),
  malformed('Digest instead of Basic', 'Digest username="demo", realm="x", nonce="1", uri="/private/", response="0"'),
  malformed('a scheme without a name', `${b64(`${DEMO.user}:${DEMO.password}`)}`),
  malformed('Basic twice in one field', `Basic ${b64('x:y')}, Basic ${b64('z:w')}`),
  { name: 'the right password with the scheme in lower case (schemes ignore case)', category: 'auth', send: asked(`basic ${b64(`${DEMO.user}:${DEMO.password}`)}`), expect: [{ status: 200, body: `Hello, ${DEMO.user}!` }] },
  { name: 'the right password (control)', category: 'auth', send: asked(RIGHT), expect: [{ status: 200, body: `Hello, ${DEMO.user}!`, headers: { 'cache-control': 'no-store' } }] },
  {
    name: 'password guessing: five 401s, then 429 with Retry-After, and then even the right password waits',
    category: 'auth',
    send: [...Array.from({ length: 6 }, () => keepAlive(WRONG)), http(['GET /private/ HTTP/1.1', HOST, `Authorization: ${RIGHT}`, CLOSE])].join(''),
    expect: [
      ...Array.from({ length: 5 }, () => UNAUTHORIZED),
      { status: 429, body: 'Too many requests', headers: { 'retry-after': /^[1-9]\d*$/ } },
      { status: 429, headers: { 'retry-after': /^[1-9]\d*$/ } },
    ],
  },
  {
    name: 'password guessing with a new X-Forwarded-For each time (not trusted, not a new client)',
    category: 'auth',
    send: Array.from({ length: 6 }, (_, i) => http(['GET /private/ HTTP/1.1', HOST, `X-Forwarded-For: 10.0.0.${i}`, `Authorization: ${WRONG}`, ...(i === 5 ? [CLOSE] : [])])).join(''),
    expect: [...Array.from({ length: 5 }, () => UNAUTHORIZED), { status: 429, headers: { 'retry-after': /^\d+$/ } }],
  },
  {
    name: 'password guessing with malformed credentials counts too',
    category: 'auth',
    send: Array.from({ length: 6 }, (_, i) => http(['GET /private/ HTTP/1.1', HOST, `Authorization: Basic ${'!'.repeat(i + 1)}`, ...(i === 5 ? [CLOSE] : [])])).join(''),
    expect: [...Array.from({ length: 5 }, () => UNAUTHORIZED), { status: 429 }],
  },
  {
    name: 'visits without credentials never reach the limit',
    category: 'auth',
    send: Array.from({ length: 10 }, (_, i) => http(['GET /private/ HTTP/1.1', HOST, ...(i === 9 ? [CLOSE] : [])])).join(''),
    expect: Array.from({ length: 10 }, () => UNAUTHORIZED),
  },
  {
    name: 'the right password never uses up the budget',
    category: 'auth',
    send: Array.from({ length: 8 }, (_, i) => http(['GET /private/ HTTP/1.1', HOST, `Authorization: ${RIGHT}`, ...(i === 7 ? [CLOSE] : [])])).join(''),
    expect: Array.from({ length: 8 }, () => ({ status: 200 })),
  },
  { name: 'a cross-origin guess is refused (csrf)', category: 'auth', send: http(['POST /guess/ HTTP/1.1', HOST, 'Origin: http://evil.example', 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 9', CLOSE], 'myparam=5'), expect: [{ status: 403, body: 'cross-origin POST refused' }] },
  { name: 'a cross-site upload by Sec-Fetch-Site is refused (csrf)', category: 'auth', send: http(['POST /upload/ HTTP/1.1', HOST, 'Sec-Fetch-Site: cross-site', 'Content-Type: multipart/form-data; boundary=XX', 'Content-Length: 8', CLOSE], '--XX--\r\n'), expect: [{ status: 403 }] },
  { name: 'a guess from Origin: null is refused (csrf)', category: 'auth', send: http(['POST /guess/ HTTP/1.1', HOST, 'Origin: null', 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 9', CLOSE], 'myparam=5'), expect: [{ status: 403 }] },
  { name: 'a guess from a same-site sibling is refused (csrf)', category: 'auth', send: http(['POST /guess/ HTTP/1.1', HOST, 'Sec-Fetch-Site: same-site', 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 9', CLOSE], 'myparam=5'), expect: [{ status: 403 }] },
  { name: 'a guess from its own origin passes (control)', category: 'auth', send: http(['POST /guess/ HTTP/1.1', HOST, 'Origin: http://127.0.0.1', 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 9', CLOSE], 'myparam=5'), expect: [{ status: 200 }] },
];
