/**
 * The HTTP/2 part of the bench (`h2-hello`): the hello function app on tsgi
 * with `http2`, and bare `node:http2` for reference, each measured over
 * HTTP/2 and over HTTP/1.1 on the same TLS port with the same load
 * generator; CPU per request from `/proc`, as for the wrk groups.
 *
 * `BENCH_H2_STREAMS` (default 10) sets the concurrent streams per HTTP/2
 * connection; duration, rounds and connections are the bench's own.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { join } from 'node:path';
import { CLK_TCK, cpuTicks } from '../launch.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { median, shuffled } from '../report.js';
import { VerificationError } from '../verify/verify.js';
import { h2loadFlags, refuseH2Failures, requireH2load, runH2load, type Protocol } from './h2load.js';
import { startH2Server, type H2Server, type H2ServerId } from './launch.js';
import { BENCH_CERT_FILE, H2_BENCH_HOST } from './tls.js';

/** What the section needs of the bench's settings. */
export interface H2BenchConfig {
  duration: number;
  rounds: number;
  connections: number;
  streams: number;
  logDir: string;
}

const LABELS: Record<H2ServerId, string> = { bare: 'bare node:http2 (compat API, allowHTTP1)', tsgi: 'tsgi, function app, `http2: true`' };
const PROTOCOLS: readonly Protocol[] = ['h2', 'http/1.1'];
// A counted run shorter than this says little about CPU per request.
const MIN_REQUESTS = 1_000;

interface Cell {
  server: H2Server;
  protocol: Protocol;
  /** Requests per second in the warm-up, which sizes the counted runs. */
  rate: number;
  cpuMicros: number[];
  requestsPerSecond: number[];
}

/** One answer from `server` over `protocol`: status, Content-Type and body. */
function fetchHello(port: number, protocol: Protocol): Promise<{ status: number; type: string; body: string }> {
  const ca = readFileSync(BENCH_CERT_FILE);
  const url = `https://${H2_BENCH_HOST}:${port}/`;
  return new Promise((resolve, reject) => {
    if (protocol === 'h2') {
      const session = connect(url, { ca });
      session.on('error', reject);
      const stream = session.request({ ':path': '/' });
      let head: Record<string, unknown> = {};
      let body = '';
      stream.on('response', (headers) => (head = headers));
      stream.setEncoding('utf8').on('data', (data: string) => (body += data));
      stream.on('end', () => {
        session.close();
        resolve({ status: Number(head[':status']), type: String(head['content-type']), body });
      });
      stream.on('error', reject);
      return;
    }
    // node:https offers no ALPN, which both servers answer with HTTP/1.1.
    request(url, { ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (data: string) => (body += data));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Every server must answer the hello response over both protocols before any load. */
async function verify(server: H2Server): Promise<void> {
  for (const protocol of PROTOCOLS) {
    const answer = await fetchHello(server.port, protocol);
    if (answer.status !== 200 || answer.type !== HELLO_CONTENT_TYPE || answer.body !== HELLO_BODY) {
      throw new VerificationError(`h2-hello, ${LABELS[server.id]} over ${protocol}: answered ${JSON.stringify(answer)}`);
    }
  }
}

async function measure(cell: Cell, config: H2BenchConfig, load: { requests: number } | { seconds: number }): Promise<{ cpuMicros: number; rps: number }> {
  const before = cpuTicks(cell.server.pid);
  const result = await runH2load({
    url: `https://${H2_BENCH_HOST}:${cell.server.port}/`,
    protocol: cell.protocol,
    connections: config.connections,
    streams: config.streams,
    load,
  });
  const ticks = cpuTicks(cell.server.pid) - before;
  const where = `h2-hello, ${LABELS[cell.server.id]} over ${cell.protocol}`;
  if ('requests' in load) {
    refuseH2Failures(result, cell.protocol, where);
  } else if (result.non2xx > 0 || result.protocol !== cell.protocol) {
    // A timed warm-up abandons the requests in flight when it stops; only those may fail.
    refuseH2Failures({ ...result, failed: 0, errored: 0, timedOut: 0, total: result.succeeded }, cell.protocol, where);
  }
  return { cpuMicros: ((ticks / CLK_TCK) * 1e6) / result.succeeded, rps: result.requestsPerSecond };
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const integer = (value: number): string => Math.round(value).toLocaleString('en-US').replace(/,/g, ' ');

function table(cells: readonly Cell[], config: H2BenchConfig): string {
  const lines = [
    '## HTTP/2: hello world over TLS (`h2-hello`)',
    '',
    `Load: \`${h2loadFlags(config.connections, config.streams)}\`, each counted run sized from a 1 s warm-up to last about ${config.duration} s; ` +
      'both protocols on the same server process and port. Ratio: CPU per request against bare node:http2 over the same protocol.',
    '',
    '| server | protocol | CPU µs/req | min–max | req/s | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const cell of cells) {
    const cpu = median(cell.cpuMicros);
    const bare = cells.find((other) => other.server.id === 'bare' && other.protocol === cell.protocol);
    const ratio = bare === undefined || cell === bare ? '' : `${fixed(cpu / median(bare.cpuMicros), 2)}×`;
    const range = `${fixed(Math.min(...cell.cpuMicros))}–${fixed(Math.max(...cell.cpuMicros))}`;
    lines.push(`| ${LABELS[cell.server.id]} | ${cell.protocol} | ${fixed(cpu)} | ${range} | ${integer(median(cell.requestsPerSecond))} | ${ratio} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Runs the HTTP/2 bench and returns its Markdown section; any failed request aborts it. */
export async function h2Section(config: H2BenchConfig, log: (line: string) => void): Promise<string> {
  requireH2load();
  log(`h2-hello: starting ${Object.keys(LABELS).join(', ')}`);
  const servers: H2Server[] = [];
  try {
    for (const id of ['bare', 'tsgi'] as const) servers.push(await startH2Server(id, join(config.logDir, 'logs')));
    for (const server of servers) await verify(server);
    const cells: Cell[] = [];
    for (const server of servers) {
      for (const protocol of PROTOCOLS) {
        const cell: Cell = { server, protocol, rate: 0, cpuMicros: [], requestsPerSecond: [] };
        cell.rate = (await measure(cell, config, { seconds: 1 })).rps;
        cells.push(cell);
      }
    }
    for (let round = 1; round <= config.rounds; round++) {
      for (const cell of shuffled(cells)) {
        const requests = Math.max(MIN_REQUESTS, Math.round(cell.rate * config.duration));
        const { cpuMicros, rps } = await measure(cell, config, { requests });
        cell.cpuMicros.push(cpuMicros);
        cell.requestsPerSecond.push(rps);
        log(`h2-hello round ${round}/${config.rounds} ${cell.server.id} ${cell.protocol}: ${fixed(cpuMicros)} µs/req, ${integer(rps)} req/s`);
      }
    }
    return table(cells, config);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
