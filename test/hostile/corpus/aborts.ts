/**
 * Aborts: clients that reset the connection mid-upload, mid-body and
 * mid-response. No partial file may stay behind (neither an entry nor an
 * upload nor its temp file), the log gets one short line (the runner fails
 * any stack trace), and the site keeps serving.
 */
import { exchange } from '../../support/raw-exchange.js';
import type { CaseContext } from './types.js';
import { CLOSE, HOST, http, type HostileCase } from './types.js';

const MiB = 1024 * 1024;
const WENT_AWAY = /^\[[^\]]+\] [A-Z]+ \/\S*: client went away \([A-Z]+\)[^\n]*$/m;
const uploadHead = (length: number, extra: string[] = []) =>
  http(['POST /upload/ HTTP/1.1', HOST, 'Content-Type: multipart/form-data; boundary=XX', `Content-Length: ${length}`, ...extra]);
const filePart = '--XX\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n';

/** Stores a 1 MiB entry named `big` (before the case's snapshot), so that its reading takes a while. */
async function bigEntry({ site }: CaseContext): Promise<void> {
  const text = 'x'.repeat(MiB - 100);
  const result = await exchange(site.port, [http(['PUT /blog/big HTTP/1.1', HOST, `Content-Length: ${text.length}`, CLOSE], text)], { responses: 1 });
  if (![200, 201].includes(result.responses[0]?.status ?? 0)) throw new Error(`could not store the big entry: ${result.bytes.toString('latin1', 0, 300)}`);
}

export const aborts: readonly HostileCase[] = [
  {
    name: 'a reset after 256 KB of a 5 MB upload',
    category: 'aborts',
    send: [uploadHead(5 * MiB), filePart, 'u'.repeat(256 * 1024), { pause: 150 }, { reset: true }],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset after 4 MB of a 5 MB upload',
    category: 'aborts',
    send: [uploadHead(5 * MiB), filePart, ...Array.from({ length: 4 }, () => 'u'.repeat(MiB)), { pause: 150 }, { reset: true }],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset inside the part headers of an upload',
    category: 'aborts',
    send: [uploadHead(10_000), '--XX\r\nContent-Disposition: form-da', { pause: 100 }, { reset: true }],
    expect: 'dropped',
  },
  {
    name: 'a reset right after the head of an upload',
    category: 'aborts',
    send: [uploadHead(10_000), { pause: 100 }, { reset: true }],
    expect: 'dropped',
  },
  {
    name: 'a reset after 100 Continue, before the upload body',
    category: 'aborts',
    send: [uploadHead(10_000, ['Expect: 100-continue']), { pause: 150 }, { reset: true }],
    expect: 'dropped',
  },
  {
    name: 'a reset mid chunked upload',
    category: 'aborts',
    send: [
      http(['POST /upload/ HTTP/1.1', HOST, 'Content-Type: multipart/form-data; boundary=XX', 'Transfer-Encoding: chunked']),
      `${filePart.length.toString(16)}\r\n${filePart}\r\n`,
      `10000\r\n${'c'.repeat(0x10000)}\r\n`,
      { pause: 150 },
      { reset: true },
    ],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset mid blog PUT (Content-Length)',
    category: 'aborts',
    send: [http(['PUT /blog/cut HTTP/1.1', HOST, 'Content-Length: 500000']), 'p'.repeat(100_000), { pause: 150 }, { reset: true }],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset mid chunked blog PUT',
    category: 'aborts',
    send: [http(['PUT /blog/cut-chunked HTTP/1.1', HOST, 'Transfer-Encoding: chunked']), `8000\r\n${'p'.repeat(0x8000)}\r\n`, { pause: 150 }, { reset: true }],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset inside a chunk-size line',
    category: 'aborts',
    send: [http(['PUT /blog/cut-size HTTP/1.1', HOST, 'Transfer-Encoding: chunked']), '3\r\nabc\r\n1', { pause: 100 }, { reset: true }],
    expect: 'dropped',
  },
  {
    name: 'a half-close (FIN) mid blog PUT: no entry',
    category: 'aborts',
    send: [http(['PUT /blog/half HTTP/1.1', HOST, 'Content-Length: 1000']), 'h'.repeat(100), { finish: true }, { pause: 300 }],
    expect: 'dropped',
  },
  {
    name: 'a half-close mid upload: no file',
    category: 'aborts',
    send: [uploadHead(100_000), filePart, 'f'.repeat(10_000), { finish: true }, { pause: 300 }],
    expect: 'dropped',
  },
  {
    name: 'a half-close after a complete request still gets its answer',
    category: 'aborts',
    send: [http(['GET /hello/ HTTP/1.1', HOST]), { finish: true }],
    expect: [{ status: 200, body: 'Hello world!' }],
  },
  {
    // The server is blocked writing (the client reads nothing), so the
    // reset is one of a response being sent: one line, as for any reset.
    name: 'a reset while 16 pipelined 1 MB entries wait to be read',
    category: 'aborts',
    setup: bigEntry,
    send: [{ reading: false }, Array.from({ length: 16 }, () => http(['GET /blog/big HTTP/1.1', HOST])).join(''), { pause: 600 }, { reset: true }],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset while 16 pipelined Atom feeds of a 1 MB entry wait to be read',
    category: 'aborts',
    setup: bigEntry,
    send: [{ reading: false }, Array.from({ length: 16 }, () => http(['GET /blog/?type=atom HTTP/1.1', HOST])).join(''), { pause: 600 }, { reset: true }],
    expect: 'dropped',
    log: WENT_AWAY,
  },
  {
    name: 'a reset while 16 pipelined entries are being read',
    category: 'aborts',
    setup: bigEntry,
    send: [Array.from({ length: 16 }, () => http(['GET /blog/big HTTP/1.1', HOST])).join(''), { pause: 30 }, { reset: true }],
    expect: 'dropped',
  },
  {
    name: 'a reset between pipelined requests',
    category: 'aborts',
    send: [http(['GET /hello/ HTTP/1.1', HOST]), { awaitResponses: 1 }, 'GET /hel', { reset: true }],
    expect: 'dropped',
  },
  {
    name: 'a reset right after sending a guess',
    category: 'aborts',
    send: [http(['POST /guess/ HTTP/1.1', HOST, 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 9'], 'myparam=5'), { reset: true }],
    expect: 'dropped',
  },
];
