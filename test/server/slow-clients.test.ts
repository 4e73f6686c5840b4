/**
 * Slow clients from Debian's `slowhttptest` against a server in a child
 * process: slow readers (-X), slowloris (-H) and slow bodies (-B). Each run
 * is bounded by the tool's own -l; the server must stay small, keep
 * answering, and drop what its timeouts say it should.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChildServer, type ChildServer, startChildServer } from './child-server.js';

const installed = spawnSync('which', ['slowhttptest']).status === 0;
// Under CI the tool is installed by .ci/run; a missing one is a failure there.
const skip = !installed && process.env.CI !== 'true';
if (skip) console.warn('slow-clients: skipped, slowhttptest is not installed (apt-get install slowhttptest)');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  /** The tool's last status line, e.g. `... closed: 120 ... service available: YES`. */
  status: string;
  /** Why it stopped: `Hit test time limit`, or `No open connections left` once the server dropped them all. */
  exit: string;
  /** The second the test ended on. */
  endedOn: number;
  output: string;
}

function slowhttptest(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('slowhttptest', [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (output += data));
    child.stderr.setEncoding('utf8').on('data', (data: string) => (output += data));
    child.on('error', reject);
    child.on('exit', () => {
      // The tool redraws its status; the last one holds the totals.
      const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
      const statuses = plain.match(/slow HTTP test status on \d+\w* second:[\s\S]*?service available:\s*\w+/g) ?? [];
      resolve({
        status: (statuses.at(-1) ?? '').replace(/\s+/g, ' '),
        exit: (/Exit status:\s*(.+)/.exec(plain)?.[1] ?? '').trim(),
        endedOn: Number(/Test ended on (\d+)/.exec(plain)?.[1] ?? NaN),
        output: plain,
      });
    });
  });
}

/** Times a normal request over a fresh connection. */
async function timedRequest(server: ChildServer): Promise<number> {
  const started = performance.now();
  const response = await fetch(server.url, { headers: { connection: 'close' } });
  expect(await response.text()).toBe('hi\n');
  return performance.now() - started;
}

describe.skipIf(skip)('slow clients (slowhttptest)', () => {
  let build: ReturnType<typeof buildChildServer>;
  beforeAll(() => {
    build = buildChildServer();
  });
  afterAll(() => build.remove());

  it('300 slow readers keep RSS growth under 64 MiB, and a normal request answers in under 50 ms', async () => {
    const server = await startChildServer(build.folder, { sendTimeout: 3000 });
    try {
      // Warmed up as a server that has run a while: 40 MiB streamed first, so
      // V8's young generation has grown to its working size and the growth
      // measured is what the slow readers hold, not the heap's first growth
      // (with 3 MiB of warm-up the same run measured about twice as much).
      for (let i = 0; i < 40; i++) await (await fetch(new URL('stream?chunk=16384', server.url))).arrayBuffer();
      await timedRequest(server);
      const before = server.rss();
      // Three pipelined requests each for a 1 MiB file streamed in 16 KiB
      // chunks, read 32 bytes a second
      // through a window of at most 512 bytes.
      const run = slowhttptest([
        '-X', '-c', '300', '-r', '300', '-l', '12', '-k', '3', '-n', '1', '-z', '32', '-w', '128', '-y', '512', '-p', '3',
        '-u', new URL('stream?chunk=16384', server.url).href,
      ]);
      let peak = before;
      const latencies: number[] = [];
      const started = Date.now();
      while (Date.now() - started < 11_000) {
        await sleep(500);
        peak = Math.max(peak, server.rss());
        if (Date.now() - started > 2000) latencies.push(await timedRequest(server));
      }
      const result = await run;
      const growth = peak - before;
      const sorted = [...latencies].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] as number;
      console.log(
        `300 slow readers: RSS growth ${(growth / 1048576).toFixed(1)} MiB; normal requests meanwhile: median ${median.toFixed(1)} ms, ` +
          `max ${(sorted.at(-1) as number).toFixed(1)} ms over ${sorted.length}; slowhttptest: ${result.status}`,
      );
      expect(result.status, result.output.slice(-2000)).toMatch(/connected:/);
      expect(growth).toBeLessThan(64 * 1024 * 1024);
      // A functional bound, not a benchmark: a normal request is not queued
      // behind the slow readers. The median, so that one scheduling hiccup
      // of a shared machine does not decide.
      expect(median).toBeLessThan(50);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await server.stop();
    }
  }, 29_000);

  it('drops slowloris connections after headersTimeout and keeps answering', async () => {
    const server = await startChildServer(build.folder, { headersTimeout: 2000, requestTimeout: 4000, connectionsCheckingInterval: 250 });
    try {
      // A header line every 1 s: never idle, never complete.
      const run = slowhttptest(['-H', '-c', '200', '-r', '200', '-i', '1', '-l', '10', '-p', '3', '-u', server.url]);
      await sleep(1200);
      const latency = await timedRequest(server);
      const result = await run;
      console.log(`slowloris: ${result.exit} on second ${result.endedOn}; a normal request meanwhile took ${latency.toFixed(1)} ms`);
      // Every connection dropped, well before the tool's own limit.
      expect(result.exit, result.output.slice(-1500)).toBe('No open connections left');
      expect(result.endedOn).toBeLessThanOrEqual(6);
      expect(latency).toBeLessThan(1000);
      expect(await server.connections()).toBeLessThanOrEqual(5);
    } finally {
      await server.stop();
    }
  }, 29_000);

  it('answers 408 to slow bodies after bodyTimeout and keeps answering', async () => {
    const server = await startChildServer(build.folder, { bodyTimeout: 1500 });
    try {
      // A few body bytes every 3 s: idle for longer than the body timeout.
      const run = slowhttptest([
        '-B', '-c', '200', '-r', '200', '-i', '3', '-s', '100000', '-l', '10', '-p', '3', '-u', new URL('upload', server.url).href,
      ]);
      await sleep(1000);
      const latency = await timedRequest(server);
      const result = await run;
      console.log(`slow body: ${result.exit} on second ${result.endedOn}; a normal request meanwhile took ${latency.toFixed(1)} ms`);
      expect(result.exit, result.output.slice(-1500)).toBe('No open connections left');
      expect(result.endedOn).toBeLessThanOrEqual(6);
      expect(latency).toBeLessThan(1000);
      const log = server.stderr();
      expect(log).toContain('POST /upload: client went away (body timeout); answered 408');
      expect(log).not.toContain('    at ');
      expect(await server.connections()).toBeLessThanOrEqual(5);
    } finally {
      await server.stop();
    }
  }, 29_000);
});
