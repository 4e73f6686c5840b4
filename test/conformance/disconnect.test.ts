/**
 * A client that leaves mid-body: every host must call the body's return()
 * exactly once, stop pulling it, and go on serving.
 *
 * Socket hosts (makeServer, makeServer under validate(), toNodeListener in a
 * plain node:http server) see the client destroy its socket after the first
 * bytes; the Fetch host sees its Response body cancelled by the reader. The
 * TestClient has no client that could leave (it collects the whole body in
 * process), so it has no case here.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServer, toNodeListener, type TsgiServer } from '../../src/server/index.js';
import { toFetchHandler } from '../../src/server/fetch.js';
import { MemoryErrors, type App } from '../../src/gateway/index.js';
import { TEXT, type Case } from './case.js';
import { dispatcher } from './hosts.js';
import { asyncBody, closeProbe, openProbe, probeOf, syncBody, type Probe } from './probe.js';

const ENDLESS = 2000;

const slowAsync: App = (environ, startResponse) => {
  const probe = probeOf(environ);
  return asyncBody(probe, async function* () {
    startResponse('200 OK', TEXT);
    for (let i = 0; i < ENDLESS; i++) {
      probe.notes.push('pulled');
      yield `tick ${i}\n`;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
};

// Past the 64 KiB a host may gather, so the socket fills and the client's exit is what stops it.
const endlessSync: App = (environ, startResponse) => {
  const probe = probeOf(environ);
  startResponse('200 OK', TEXT);
  return syncBody(probe, function* () {
    for (let i = 0; i < ENDLESS; i++) {
      probe.notes.push('pulled');
      yield 'y'.repeat(16 * 1024);
    }
  });
};

const cases: Case[] = [
  { name: 'leave-slow-async', note: 'a slow async body the client abandons after its first chunk', app: slowAsync, expect: { aborted: true, rules: [], returns: { body: 1 } } },
  { name: 'leave-endless-sync', note: 'an endless sync body the client abandons after its first bytes', app: endlessSync, expect: { aborted: true, rules: [], returns: { body: 1 } } },
];

let runs = 0;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function closedOnce(probe: Probe): Promise<void> {
  const deadline = Date.now() + 2000;
  while ((probe.returns.body ?? 0) < 1 && Date.now() < deadline) await sleep(10);
  // Room for a second, wrong return() to arrive.
  await sleep(50);
}

/** Reads the first bytes over a fresh connection, then destroys the socket. */
function leaveSocket(port: number, caseName: string, runId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { 'x-conformance-case': caseName, 'x-conformance-run': runId } });
    req.on('response', (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => {});
    setTimeout(() => reject(new Error('no bytes arrived')), 3000);
    req.end();
  });
}

function answers(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { 'x-conformance-case': 'alive' } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

const server: TsgiServer = makeServer('127.0.0.1', 0, dispatcher(cases, false), { errors: new MemoryErrors(), log: null, handleSignals: false });
const validated: TsgiServer = makeServer('127.0.0.1', 0, dispatcher(cases, true), { errors: new MemoryErrors(), log: null, handleSignals: false });
const listener: Server = createServer(toNodeListener(dispatcher(cases, false), { errors: new MemoryErrors() }));
const fetchHandler = toFetchHandler(dispatcher(cases, false), { errors: new MemoryErrors() });

beforeAll(async () => {
  await Promise.all([server.listen(), validated.listen(), new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))]);
});

afterAll(async () => {
  listener.closeAllConnections();
  await Promise.all([server.close(), validated.close(), new Promise<void>((resolve) => listener.close(() => resolve()))]);
});

const socketHosts: Array<[string, () => number]> = [
  ['server', () => server.port],
  ['validate', () => validated.port],
  ['listener', () => (listener.address() as AddressInfo).port],
];

for (const entry of cases) {
  describe(`${entry.name}: ${entry.note}`, () => {
    for (const [name, port] of socketHosts) {
      it(`${name}: return() once, pulling stops, the server stays up`, async () => {
        const runId = `leave${++runs}`;
        const probe = openProbe(runId);
        try {
          await leaveSocket(port(), entry.name, runId);
          await closedOnce(probe);
          const pulled = probe.notes.length;
          await sleep(50);
          expect({ returns: probe.returns, pullingStopped: probe.notes.length === pulled && pulled < ENDLESS }).toEqual({ returns: { body: 1 }, pullingStopped: true });
          expect(await answers(port())).toBe(200);
        } finally {
          closeProbe(runId);
        }
      });
    }
    it('fetch: return() once when the reader cancels, pulling stops', async () => {
      const runId = `leave${++runs}`;
      const probe = openProbe(runId);
      try {
        const response = await fetchHandler(new Request('http://127.0.0.1/', { headers: { 'x-conformance-case': entry.name, 'x-conformance-run': runId } }));
        const reader = response.body!.getReader();
        await reader.read();
        await reader.cancel();
        await closedOnce(probe);
        const pulled = probe.notes.length;
        await sleep(50);
        expect({ returns: probe.returns, pullingStopped: probe.notes.length === pulled && pulled < ENDLESS }).toEqual({ returns: { body: 1 }, pullingStopped: true });
      } finally {
        closeProbe(runId);
      }
    });
  });
}
