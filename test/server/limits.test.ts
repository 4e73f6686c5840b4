/**
 * The server's limits over real sockets: pipelined requests wait their
 * turn and stop the reading, a client that accepts nothing is dropped, an
 * idle body gets 408, connections are capped, and a client that goes away
 * costs the log one short line.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { resolveLimits } from '../../src/server/limits.js';
import { buildChildServer, startChildServer } from './child-server.js';
import { collect, count, openSocket, parseResponse, serve, waitFor } from './helpers.js';

/** Writes `text` on a new connection and waits for the server to close it: the response, and how long that took. */
async function sendAndWait(port: number, text: string): Promise<{ response: ReturnType<typeof parseResponse>; elapsed: number }> {
  const socket = await openSocket(port);
  const received = collect(socket);
  socket.write(text);
  const started = Date.now();
  const { bytes } = await received;
  return { response: parseResponse(bytes), elapsed: Date.now() - started };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('pipelined requests', () => {
  it('run one at a time, and a connection with maxPipelined waiting is no longer read', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app: App = async (_environ, startResponse) => {
      calls++;
      await gate;
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [`answer ${calls}\n`];
    };
    const { server, port } = await serve(app, { maxPipelined: 4 });
    let serverSocket: Socket | undefined;
    server.httpServer.on('connection', (socket: Socket) => (serverSocket = socket));
    const socket = await openSocket(port);
    const received = collect(socket);
    // 4 KiB a request, 2 000 of them: far more than the kernel's buffers
    // hold, so only the server's reading decides how much it took.
    const padding = 'x'.repeat(4096);
    const total = 2000;
    const one = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${padding}\r\n\r\n`;
    for (let i = 0; i < total; i++) socket.write(one);
    await sleep(500);
    expect(calls).toBe(1);
    // Parsed: the one running, the 4 waiting, and what one read brought in.
    expect(serverSocket!.bytesRead).toBeLessThan(one.length * 40);
    release();
    await waitFor(() => calls === total, 'every request to run', 1000);
    socket.end();
    const { text } = await received;
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(total);
    // In order, one after the other.
    expect(text.indexOf('answer 1\n')).toBeLessThan(text.indexOf('answer 2\n'));
    expect(text).toContain(`answer ${total}\n`);
  });
});

describe('a client that reads nothing', () => {
  let build: ReturnType<typeof buildChildServer>;
  beforeAll(() => {
    build = buildChildServer();
  });
  afterAll(() => build.remove());

  it('pipelining 2 × 50 GETs of 1 MiB grows the RSS by under 16 MiB and is dropped after the send timeout', async () => {
    const server = await startChildServer(build.folder, { sendTimeout: 2000 });
    try {
      // Warm up: the first response pays for code and buffers once.
      for (let i = 0; i < 3; i++) await (await fetch(new URL('big', server.url))).arrayBuffer();
      const before = server.rss();
      const sockets = await Promise.all([openSocket(server.port), openSocket(server.port)]);
      for (const socket of sockets) {
        socket.pause();
        socket.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(50));
      }
      let peak = before;
      const started = Date.now();
      let open = 3;
      while (Date.now() - started < 8000) {
        peak = Math.max(peak, server.rss());
        await sleep(100);
        if (Date.now() - started > 1500) {
          open = await server.connections();
          if (open === 1) break;
        }
      }
      const growth = peak - before;
      console.log(`2 stalled pipelining connections: RSS growth ${(growth / 1048576).toFixed(1)} MiB, dropped after ${Date.now() - started} ms`);
      expect(growth).toBeLessThan(16 * 1024 * 1024);
      // Only the stats request's own connection is left.
      expect(open).toBe(1);
      expect(Date.now() - started).toBeGreaterThan(1900);
      for (const socket of sockets) socket.destroy();
      const log = server.stderr();
      expect(count(log, 'client went away (send timeout)')).toBe(2);
      expect(log).not.toContain('    at ');
    } finally {
      await server.stop();
    }
  }, 25_000);
});

describe('timeouts and caps', () => {
  it('drops a streaming response nobody reads after sendTimeout, and calls return()', async () => {
    let returned = false;
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      return {
        [Symbol.iterator]: () => ({
          next: () => ({ done: false, value: chunk }),
          return: () => {
            returned = true;
            return { done: true, value: undefined };
          },
        }),
      };
    };
    const { port, errors } = await serve(app, { sendTimeout: 500 });
    const socket = await openSocket(port);
    socket.pause();
    socket.write('GET /forever HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const started = Date.now();
    await waitFor(() => returned, 'the body to be closed', 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    socket.destroy();
    await waitFor(() => errors.text.includes('client went away'), 'the log line');
    expect(errors.text).toMatch(/^\[[^\]]+\] GET \/forever: client went away \(send timeout\) after \d+ KiB of the response\n$/);
  });

  it('keeps a connection whose app is still working, however long the socket is quiet', async () => {
    const app: App = async (_environ, startResponse) => {
      await sleep(800);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['late\n'];
    };
    const { url } = await serve(app, { sendTimeout: 200 });
    const response = await fetch(url);
    expect(await response.text()).toBe('late\n');
  });

  it('answers 408 to a body that stops arriving, and says so in one line', async () => {
    const app: App = async (environ, startResponse) => {
      const parts: Uint8Array[] = [];
      for await (const chunk of environ['tsgi.input'] as AsyncIterable<Uint8Array>) parts.push(chunk);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['read it all\n'];
    };
    const { port, errors } = await serve(app, { bodyTimeout: 300, sendTimeout: 5000 });
    const { response, elapsed } = await sendAndWait(port, 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly ten b');
    expect(response.status).toBe(408);
    expect(response.headers.connection).toBe('close');
    expect(response.body.toString()).toBe('Request Timeout: the request body stopped arriving\n');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    await waitFor(() => errors.text !== '', 'the log line');
    await sleep(50);
    expect(errors.text).toMatch(/^\[[^\]]+\] POST \/upload: client went away \(body timeout\); answered 408\n$/);
  });

  // The idle timer (sendTimeout) runs out first here; the head is still the
  // head deadline's to judge, with a 408. (Node stops the idle timer while
  // the next head of a kept-alive connection arrives, so that one is not raced.)
  const heads: [string, string][] = [
    ['a request line cut in the middle', 'GET /blo'],
    ['a head without its blank line', 'PUT /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n'],
  ];
  for (const [what, held] of heads) {
    it(`answers 408 to ${what}, held past the idle timer`, async () => {
      let calls = 0;
      const app: App = () => {
        calls++;
        return [];
      };
      const { port } = await serve(app, { sendTimeout: 200, headersTimeout: 800, connectionsCheckingInterval: 100 });
      const { response, elapsed } = await sendAndWait(port, held);
      expect(response.status).toBe(408);
      expect(response.headers.connection).toBe('close');
      expect(response.body.toString()).toBe('Request Timeout: the request was not received in time\n');
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(3000);
      expect(calls).toBe(0);
    });
  }

  it('still closes a connection that sends nothing, without a word, after the idle timer', async () => {
    const { port } = await serve(() => [], { sendTimeout: 200, headersTimeout: 5000 });
    const started = Date.now();
    const { bytes } = await collect(await openSocket(port));
    expect(bytes.length).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not count an unread body against the client', async () => {
    const app: App = async (environ, startResponse) => {
      // The body is all there, but the app takes its time before reading it.
      await sleep(700);
      let size = 0;
      for await (const chunk of environ['tsgi.input'] as AsyncIterable<Uint8Array>) size += chunk.byteLength;
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [`${size}\n`];
    };
    const { url } = await serve(app, { bodyTimeout: 200, sendTimeout: 200 });
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(200_000) });
    expect(await response.text()).toBe('200000\n');
  });

  it('caps connections with maxConnections', async () => {
    const { port, server } = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['hi'];
    }, { maxConnections: 2 });
    expect(server.httpServer.maxConnections).toBe(2);
    const kept = await Promise.all([openSocket(port), openSocket(port)]);
    const third = await openSocket(port);
    const { text } = await collect(third);
    expect(text).toBe('');
    for (const socket of kept) {
      const received = collect(socket);
      socket.end('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(parseResponse((await received).bytes).status).toBe(200);
    }
  });

  it('uses defaults on a par with nginx and gunicorn', async () => {
    const { server } = await serve(() => []);
    expect(server.httpServer.headersTimeout).toBe(30_000);
    // The idle timer is the transport's, set only while the server waits on
    // the client (and on a new connection), not Node's on every socket.
    expect(server.httpServer.timeout).toBe(0);
    expect(resolveLimits({})).toMatchObject({ sendTimeout: 30_000, bodyTimeout: 30_000 });
    expect(server.httpServer.maxConnections).toBe(1024);
  });

  it('refuses a negative limit', async () => {
    await expect(serve(() => [], { maxPipelined: 0 })).rejects.toThrow(/maxPipelined must be an integer of at least 1/);
    await expect(serve(() => [], { sendTimeout: -1 })).rejects.toThrow(/sendTimeout/);
  });
});

describe('the log of a client that went away', () => {
  it('is one short line for a reset mid-response, an upload cut mid-body and a failed write', async () => {
    const app: App = async (environ, startResponse) => {
      if (environ.PATH_INFO === '/upload') {
        for await (const _chunk of environ['tsgi.input'] as AsyncIterable<Uint8Array>) {
          // read until it fails
        }
        startResponse('200 OK', []);
        return [];
      }
      const write = startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      const chunk = Buffer.alloc(256 * 1024);
      for (;;) await write(chunk);
    };
    const { port, errors } = await serve(app);
    const reader = await openSocket(port);
    reader.write('GET /download HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((resolve) => reader.once('data', resolve));
    reader.resetAndDestroy();
    const uploader = await openSocket(port);
    uploader.write('POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\npartial');
    await sleep(100);
    uploader.resetAndDestroy();
    await waitFor(() => count(errors.text, '\n') >= 2, 'two log lines');
    await sleep(100);
    const lines = errors.text.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    expect(errors.text).not.toContain('    at ');
    expect(lines.find((line) => line.includes('GET /download'))).toMatch(/: client went away \(ECONNRESET\) after \d+ KiB of the response$/);
    expect(lines.find((line) => line.includes('POST /upload'))).toMatch(/: client went away \(ECONNRESET\) before the response$/);
  });

  // The app hands its body over whole and is done; the response waits in
  // the socket's buffer for a client that reads nothing, then resets. With
  // junk behind the request the parser has failed too, which is no excuse.
  for (const [what, after] of [['a reset', ''], ['a reset after junk behind the request', 'JUNK\r\n\r\n']] as const) {
    it(`is one line for ${what} while a finished response waits to be read`, async () => {
      const big = Buffer.alloc(8 * 1024 * 1024, 0x78);
      const { port, errors } = await serve((_environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
        return [big];
      });
      const socket = await openSocket(port);
      socket.on('error', () => {});
      socket.write(`GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n${after}`);
      await sleep(200);
      socket.resetAndDestroy();
      await waitFor(() => errors.text !== '', 'the log line');
      await sleep(100);
      expect(errors.text).toMatch(/^\[[^\]]+\] GET \/big: client went away \(ECONNRESET\) after \d+ KiB of the response\n$/);
    });
  }

  it('keeps the stack of a real app error, even when the client is gone', async () => {
    let failed = false;
    const app: App = async (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      await sleep(150);
      failed = true;
      throw new TypeError('the app broke');
    };
    const { port, errors } = await serve(app);
    const socket = await openSocket(port);
    socket.write('GET /broken HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await sleep(30);
    socket.resetAndDestroy();
    await waitFor(() => failed && errors.text.includes('the app broke'), 'the error');
    expect(errors.text).toContain('TypeError: the app broke\n    at ');
  });
});
