/**
 * Slow clients, against the site served with short limits (see
 * {@link SLOW_LIMITS}): a head or a body that stops arriving gets 408, a
 * client that reads nothing is dropped, and a slow client that keeps
 * sending in time is served. Each case is over within 4 s; the long runs
 * with slowhttptest are in test/server/slow-clients.test.ts.
 */
import { exchange } from '../../support/raw-exchange.js';
import type { CaseContext } from './types.js';
import { CLOSE, HOST, http, type HostileCase } from './types.js';

/** The server options the slow cases run under (the examples take no timeouts from the environment). */
export const SLOW_LIMITS = {
  headersTimeout: 1_000,
  bodyTimeout: 1_000,
  sendTimeout: 1_000,
  keepAliveTimeout: 1_000,
  connectionsCheckingInterval: 200,
} as const;

const MiB = 1024 * 1024;
const TIMEOUT = { status: 408, body: 'Request Timeout' };
const trickle = (text: string, everyMs: number) => [...text].flatMap((ch) => [ch, { pause: everyMs }]);

async function bigEntry({ site }: CaseContext): Promise<void> {
  const text = 'y'.repeat(MiB - 100);
  const result = await exchange(site.port, [http(['PUT /blog/big HTTP/1.1', HOST, `Content-Length: ${text.length}`, CLOSE], text)], { responses: 1 });
  if (![200, 201].includes(result.responses[0]?.status ?? 0)) throw new Error('could not store the big entry');
}

export const slow: readonly HostileCase[] = [
  {
    name: 'slowloris: a header line every 300 ms, past the head timeout',
    category: 'slow',
    send: ['GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n', ...Array.from({ length: 10 }, (_, i) => [`X-Slow-${i}: 1\r\n`, { pause: 300 }]).flat()],
    expect: [TIMEOUT],
    closes: true,
    check: (result) => {
      if (result.ms > 3_500) throw new Error(`the head timeout took ${result.ms} ms`);
    },
  },
  { name: 'a request line cut in the middle and held', category: 'slow', send: ['GET /blo', { pause: 2_500 }], expect: [TIMEOUT], closes: true },
  { name: 'a head held without its blank line', category: 'slow', send: ['PUT /blog/held HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n', { pause: 2_500 }], expect: [TIMEOUT], closes: true },
  { name: 'a connection that sends nothing', category: 'slow', send: [{ pause: 2_500 }], expect: 'closed' },
  {
    name: 'a blog body that stops after 10 of 100 bytes',
    category: 'slow',
    send: [http(['PUT /blog/stalled HTTP/1.1', HOST, 'Content-Length: 100']), 'x'.repeat(10), { pause: 2_500 }],
    expect: [TIMEOUT],
    closes: true,
    log: /client went away \(body timeout\)|body timeout/,
  },
  {
    name: 'a chunked blog body that stops mid-chunk',
    category: 'slow',
    send: [http(['PUT /blog/stalled-chunked HTTP/1.1', HOST, 'Transfer-Encoding: chunked']), '10\r\nabc', { pause: 2_500 }],
    expect: [TIMEOUT],
    closes: true,
  },
  {
    name: 'an upload that stops mid-file',
    category: 'slow',
    send: [http(['POST /upload/ HTTP/1.1', HOST, 'Content-Type: multipart/form-data; boundary=XX', 'Content-Length: 100000']), '--XX\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\n\r\n', 's'.repeat(5000), { pause: 2_500 }],
    expect: [TIMEOUT],
    closes: true,
  },
  {
    name: 'a guess form that stops mid-body',
    category: 'slow',
    send: [http(['POST /guess/ HTTP/1.1', HOST, 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 50']), 'myparam=', { pause: 2_500 }],
    expect: [TIMEOUT],
    closes: true,
  },
  {
    name: 'an announced 100-continue body that never comes',
    category: 'slow',
    send: [http(['PUT /blog/never HTTP/1.1', HOST, 'Content-Length: 10', 'Expect: 100-continue']), { pause: 2_500 }],
    expect: [TIMEOUT],
    closes: true,
  },
  {
    name: 'a body trickled a byte every 300 ms, each within the idle timeout, is served',
    category: 'slow',
    send: [http(['PUT /blog/trickled HTTP/1.1', HOST, 'Content-Length: 6', CLOSE]), ...trickle('abcdef', 300)],
    expect: [{ status: 201 }],
    writes: { blog: ['trickled.txt'] },
  },
  {
    name: 'a head trickled within the head timeout is served',
    category: 'slow',
    send: trickle('GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 10),
    expect: [{ status: 200, body: 'Hello world!' }],
  },
  {
    name: 'a client that reads none of 20 pipelined 1 MB entries is dropped',
    category: 'slow',
    setup: bigEntry,
    send: [{ reading: false }, Array.from({ length: 20 }, () => http(['GET /blog/big HTTP/1.1', HOST])).join(''), { pause: 3_500 }, { reading: true }],
    expect: 'dropped',
    timeoutMs: 6_000,
    log: /send timeout/,
    check: (result) => {
      const whole = result.responses.filter((r) => r.complete).length;
      if (whole >= 20) throw new Error('every response went out to a client that read nothing');
    },
  },
  {
    name: 'an idle keep-alive connection is closed after its timeout',
    category: 'slow',
    send: [http(['GET /hello/ HTTP/1.1', HOST]), { pause: 2_500 }],
    expect: [{ status: 200, body: 'Hello world!' }],
    closes: true,
  },
];
