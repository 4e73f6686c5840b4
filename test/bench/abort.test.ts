/**
 * The bench's refusals, against real servers on loopback: a run that sees
 * failed requests stops, naming where, and a server that answers other
 * bytes than bare node fails the check before any load.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../bench/scenarios.js';
import { compareResponses } from '../../bench/verify/compare.js';
import { fetchRawResponses } from '../../bench/verify/raw-response.js';
import { LoadError, refuseFailures, runWrk, WRK, writeScript } from '../../bench/wrk.js';

const servers: Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tsgi-bench-'));
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  rmSync(dir, { recursive: true, force: true });
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

const hello: RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 13 });
  res.end('Hello world!\n');
};

// .ci/run installs wrk; elsewhere this part says why it does not run.
const haveWrk = existsSync(WRK) || process.env.CI === 'true';
if (!haveWrk) console.warn(`bench abort tests skipped: ${WRK} not found (apt-get install wrk)`);

describe.runIf(haveWrk)('a wrk run that sees failed requests', () => {
  const script = join(dir, 'hello.lua');
  writeScript(script, SCENARIOS['hello-function'].request, undefined);

  it('is refused with the place named when the server answers 500', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(500, { 'Content-Length': 0 });
      res.end();
    });
    const result = await runWrk({ port, path: '/', script, seconds: 1, connections: 2 });
    expect(result.non2xx).toBeGreaterThan(0);
    expect(() => refuseFailures(result, 'scenario hello-function, server bare')).toThrow(LoadError);
    expect(() => refuseFailures(result, 'scenario hello-function, server bare')).toThrow(/^scenario hello-function, server bare: \d+ non-2xx\/3xx responses/);
  });

  it('is refused when the server drops its connections', async () => {
    const port = await listen((req) => req.socket.destroy());
    const result = await runWrk({ port, path: '/', script, seconds: 1, connections: 2 });
    expect(() => refuseFailures(result, 'scenario hello-function, server tsgi')).toThrow(/^scenario hello-function, server tsgi: (Socket errors|no requests completed)/);
  });

  it('passes a run whose every response is a 200', async () => {
    const port = await listen(hello);
    const result = await runWrk({ port, path: '/', script, seconds: 1, connections: 2 });
    expect(result.requests).toBeGreaterThan(0);
    expect(() => refuseFailures(result, 'scenario hello-function, server bare')).not.toThrow();
  });
});

describe('the check before load', () => {
  const scenario = SCENARIOS['hello-function'];

  it('refuses a server whose bytes differ from bare node, with a diff', async () => {
    const bare = await listen(hello);
    const other = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 13 });
      res.end('Hello there!\n');
    });
    const [reference] = await fetchRawResponses(bare, scenario.request, 1);
    const [candidate] = await fetchRawResponses(other, scenario.request, 1);
    const verdict = compareResponses(reference!, candidate!, scenario);
    expect(verdict.diff).toContain('Hello there!');
  });

  it('excuses header-name case alone, and says so', async () => {
    const bare = await listen(hello);
    const lower = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 13 });
      res.end('Hello world!\n');
    });
    const [reference] = await fetchRawResponses(bare, scenario.request, 1);
    const [candidate] = await fetchRawResponses(lower, scenario.request, 1);
    const verdict = compareResponses(reference!, candidate!, scenario);
    expect(verdict.diff).toBeUndefined();
    expect(verdict.note).toBe('header names differ in case only');
  });
});
