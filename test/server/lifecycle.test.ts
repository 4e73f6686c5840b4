import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryErrors } from '../../src/gateway/errors.js';
import type { App } from '../../src/gateway/types.js';
import { makeServer, type TsgiServer } from '../../src/server/server.js';
import { transpileServerLayers } from './child-server.js';
import { collect, openSocket, parseResponse, serve, waitFor } from './helpers.js';

const hello: App = function hello(_environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hi'];
};

describe('options', () => {
  it('passes the timeouts to the Node server', async () => {
    const { server } = await serve(hello, { headersTimeout: 1234, requestTimeout: 5678, keepAliveTimeout: 910 });
    expect(server.httpServer.headersTimeout).toBe(1234);
    expect(server.httpServer.requestTimeout).toBe(5678);
    expect(server.httpServer.keepAliveTimeout).toBe(910);
  });

  it('keeps Node\'s request and keep-alive timeouts, and a header timeout of 30 s, when none are given', async () => {
    const { server } = await serve(hello);
    expect(server.httpServer.requestTimeout).toBe(300_000);
    expect(server.httpServer.headersTimeout).toBe(30_000);
    expect(server.httpServer.keepAliveTimeout).toBe(5_000);
  });

  it('cuts off a client that is too slow to send its headers', async () => {
    let called = false;
    const { port } = await serve(
      () => {
        called = true;
        return [];
      },
      { headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 20 },
    );
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
    const { text } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(called).toBe(false);
  });

  it('rejects a malformed scriptName and port', () => {
    expect(() => makeServer('127.0.0.1', 0, hello, { scriptName: 'blog' })).toThrow(RangeError);
    expect(() => makeServer('127.0.0.1', 0, hello, { scriptName: '/blog/' })).toThrow(RangeError);
    expect(() => makeServer('127.0.0.1', 70000, hello)).toThrow(RangeError);
  });
});

describe('listen', () => {
  it('binds an ephemeral port and reports it', async () => {
    const server = makeServer('127.0.0.1', 0, hello, { log: null });
    try {
      expect(server.port).toBe(0);
      expect(() => server.url).toThrow(/not listening/);
      const first = server.listen();
      expect(server.listen()).toBe(first);
      const info = await first;
      expect(info.port).toBeGreaterThan(0);
      expect(server.port).toBe(info.port);
      expect(info.url).toBe(`http://127.0.0.1:${info.port}/`);
      expect(server.url).toBe(info.url);
      expect(await (await fetch(server.url)).text()).toBe('hi');
    } finally {
      await server.close();
    }
  });

  it('listens on all interfaces for host ""', async () => {
    const server = makeServer('', 0, hello, { log: null, errors: new MemoryErrors() });
    try {
      const { port, url } = await server.listen();
      expect(url).toBe(`http://localhost:${port}/`);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hi');
    } finally {
      await server.close();
    }
  });

  it('rejects when the port is taken, and can try again', async () => {
    const { port } = await serve(hello);
    const second = makeServer('127.0.0.1', port, hello, { log: null });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
    await second.close();
  });
});

describe('serveForever and close', () => {
  it('prints one startup line with the URL and resolves after close()', async () => {
    const lines: string[] = [];
    const server = makeServer('127.0.0.1', 0, hello, { log: { write: (text) => lines.push(text) }, handleSignals: false });
    let resolved = false;
    const serving = server.serveForever().then(() => {
      resolved = true;
    });
    await waitFor(() => lines.length > 0, 'the startup line');
    expect(lines).toEqual([`tsgi: serving hello on ${server.url} (Ctrl-C to stop)\n`]);
    expect(await (await fetch(server.url)).text()).toBe('hi');
    expect(resolved).toBe(false);
    await server.close();
    await serving;
    expect(resolved).toBe(true);
  });

  it('installs signal handlers only while serving', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const server = makeServer('127.0.0.1', 0, hello, { log: null, name: 'named' });
    const serving = server.serveForever();
    await waitFor(() => process.listenerCount('SIGTERM') === before[1]! + 1, 'the SIGTERM handler');
    expect(process.listenerCount('SIGINT')).toBe(before[0]! + 1);
    await server.close();
    await serving;
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });

  it('closes idle keep-alive connections', async () => {
    const { server, port } = await serve(hello);
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => socket.bytesRead > 0, 'the response');
    await server.close();
    const { text } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('lets a request in flight finish, with Connection: close, and refuses new connections', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const { server, port } = await serve(async (_e, start) => {
      started = true;
      await released;
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['finished'];
    });
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => started, 'the request to reach the app');
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await waitFor(() => !server.httpServer.listening, 'the server to stop listening');
    await expect(openSocket(port)).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);
    release();
    const response = parseResponse((await received).bytes);
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(response.body.toString()).toBe('finished');
    await closing;
  });

  it('closes a streaming response\'s connection once it completes', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { server, port } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'first ';
        await released;
        yield 'second';
      })();
    });
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => socket.bytesRead > 0, 'the first chunk');
    const closing = server.close();
    release();
    const response = parseResponse((await received).bytes);
    expect(response.body.toString()).toBe('first second');
    await closing;
  });

  it('destroys connections still busy after closeTimeout, closing their bodies', async () => {
    let finalized = false;
    const { server, port } = await serve(
      (_e, start) => {
        start('200 OK', [['Content-Type', 'text/plain']]);
        return (async function* () {
          try {
            for (;;) {
              await new Promise((resolve) => setTimeout(resolve, 5));
              yield 'tick\n';
            }
          } finally {
            finalized = true;
          }
        })();
      },
      { closeTimeout: 50 },
    );
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => socket.bytesRead > 0, 'the first tick');
    await server.close();
    const { text } = await received;
    expect(text).toContain('tick');
    await waitFor(() => finalized, 'the body to be closed');
  });

  it('makes close() idempotent and listen() after close() fail', async () => {
    const { server } = await serve(hello);
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(server.listen()).rejects.toThrow(/closed/);
  });

  it('closes a server that never listened', async () => {
    const server: TsgiServer = makeServer('127.0.0.1', 0, hello, { log: null });
    await server.close();
  });
});

describe('signals', () => {
  let out: string;

  // The child runs the server from plain JavaScript, transpiled here with
  // the swc the tests already use, so no build step is needed.
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'tsgi-server-'));
    transpileServerLayers(out);
    writeFileSync(
      join(out, 'main.js'),
      `import { makeServer } from './server/server.js';
function hello(environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hi'];
}
await makeServer('127.0.0.1', 0, hello).serveForever();
console.log('closed cleanly');
`,
    );
  });

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops cleanly on %s', async (signal) => {
    const child = spawn(process.execPath, [join(out, 'main.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (stdout += data));
    child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr += data));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stdout.includes('\n') || child.exitCode !== null, 'the startup line', 1000);
      const match = /^tsgi: serving hello on (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)\n$/.exec(stdout);
      expect(match, stderr).not.toBeNull();
      expect(await (await fetch(match![1]!)).text()).toBe('hi');
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(stdout).toContain('closed cleanly');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
