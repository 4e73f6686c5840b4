import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { App, Body, Chunk } from '../../src/gateway/types.js';
import { collect, openSocket, parseResponse, rawRequest, serve, waitFor } from './helpers.js';

const KIB64 = 64 * 1024;
const MIB = 1024 * 1024;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads from `socket` until `predicate(received)` holds. */
function readUntil(socket: Socket, predicate: (received: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      received = Buffer.concat([received, data]);
      if (predicate(received)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(received);
      }
    };
    const onClose = (): void => reject(new Error(`connection closed after ${JSON.stringify(received.toString('latin1').slice(0, 200))}`));
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

describe('client disconnects', () => {
  it.each([
    ['async', true],
    ['sync', false],
  ])('closes an infinite %s body when the client goes away mid-response', async (_kind, isAsync) => {
    let finalized = false;
    let produced = 0;
    const piece = 'x'.repeat(4096);
    const body: Body = isAsync
      ? (async function* () {
          try {
            for (;;) {
              await new Promise((resolve) => setImmediate(resolve));
              produced++;
              yield piece;
            }
          } finally {
            finalized = true;
          }
        })()
      : (function* () {
          try {
            for (;;) {
              produced++;
              yield piece;
            }
          } finally {
            finalized = true;
          }
        })();
    const { port, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const socket = await openSocket(port);
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await readUntil(socket, (received) => received.length > 64 * 1024);
    socket.destroy();
    await waitFor(() => finalized, 'the body to be closed after the disconnect');
    const producedAtClose = produced;
    expect(producedAtClose).toBeGreaterThan(0);
    // A reset mid-stream is one short line, never a stack trace.
    expectOneAbortLine(errors.text);
  });

  it('closes the body when the client left while the app was still computing it', async () => {
    let finalized = false;
    let pulled = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const { port, server } = await serve(async (_e, start) => {
      started = true;
      await released;
      start('200 OK', [['Content-Type', 'text/plain']]);
      // Not a generator: an unstarted generator's return() would skip its finally.
      return {
        [Symbol.asyncIterator]: () => ({
          next: async (): Promise<IteratorResult<Chunk>> => {
            pulled = true;
            return { value: 'late', done: false };
          },
          return: async (): Promise<IteratorResult<Chunk>> => {
            finalized = true;
            return { value: undefined, done: true };
          },
        }),
      };
    });
    let closedResponses = 0;
    server.httpServer.on('request', (_req, res) => res.on('close', () => closedResponses++));
    const socket = await openSocket(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => started, 'the app to be called');
    socket.destroy();
    await waitFor(() => closedResponses === 1, 'the server to see the disconnect');
    release();
    await waitFor(() => finalized, 'the body to be closed');
    expect(pulled).toBe(false);
  });
});

describe('client disconnects while pipelining', () => {
  it('runs a pipelined request only once the one before it is answered, and not at all when the client left first', async () => {
    let secondCalls = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { port } = await serve(async (environ, start) => {
      if (environ.PATH_INFO === '/first') {
        await released;
        start('200 OK', [['Content-Type', 'text/plain']]);
        return ['first'];
      }
      secondCalls++;
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['second'];
    });
    const socket = await openSocket(port);
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Queued, not run: a client that never reads cannot make the app work ahead.
    expect(secondCalls).toBe(0);
    socket.destroy();
    // Once the server has seen the client go, the queued request never runs.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondCalls).toBe(0);
    // In order, on a connection that stays: both answered, one after the other.
    const kept = await openSocket(port);
    kept.write('GET /second HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const all = await readUntil(kept, (received) => received.toString().split('second').length - 1 >= 2);
    expect(all.toString().match(/HTTP\/1\.1 200 OK/g)?.length).toBe(2);
    expect(secondCalls).toBe(2);
    kept.destroy();
  });
});

describe('request bodies', () => {
  const text = 'first line\nsecond line\n' + 'rest '.repeat(5000);

  /** An app that reads the input with readline, read and for-await, and echoes what it got as JSON. */
  const reader: App = async (environ, start) => {
    const input = environ['tsgi.input'];
    const line = Buffer.from(await input.readline()).toString();
    const five = Buffer.from(await input.read(5)).toString();
    const parts: Buffer[] = [];
    for await (const chunk of input) parts.push(Buffer.from(chunk));
    const rest = Buffer.concat(parts).toString();
    const after = (await input.read()).length;
    start('200 OK', [['Content-Type', 'application/json']]);
    return [JSON.stringify({ line, five, rest, after, length: environ.CONTENT_LENGTH ?? null, te: environ.HTTP_TRANSFER_ENCODING ?? null })];
  };

  it('de-chunks a chunked request body sent over a raw socket', async () => {
    const { port } = await serve(reader);
    const data = Buffer.from(text);
    const pieces = [data.subarray(0, 3), data.subarray(3, 20), data.subarray(20, 1000), data.subarray(1000)];
    const chunked = pieces.map((piece) => `${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`).join('') + '0\r\n\r\n';
    const { bytes } = await rawRequest(port, `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked}`);
    const response = parseResponse(bytes);
    expect(response.status).toBe(200);
    const result = JSON.parse(response.body.toString()) as Record<string, unknown>;
    expect(result).toEqual({ line: 'first line\n', five: 'secon', rest: text.slice(16), after: 0, length: null, te: 'chunked' });
  });

  it('reads a streamed fetch upload (chunked, duplex half)', async () => {
    const { url } = await serve(reader);
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < text.length; i += 777) controller.enqueue(encoder.encode(text.slice(i, i + 777)));
        controller.close();
      },
    });
    const response = await fetch(url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toMatchObject({ line: 'first line\n', five: 'secon', rest: text.slice(16), after: 0, te: 'chunked' });
  });

  it('ends the input at Content-Length', async () => {
    const { url } = await serve(reader);
    const response = await fetch(url, { method: 'POST', body: text });
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toMatchObject({ line: 'first line\n', rest: text.slice(16), after: 0, length: String(text.length), te: null });
  });

  it('pulls the request body only as fast as the app reads it', async () => {
    const total = 32 * MIB;
    let consumed = 0;
    let maxAhead = 0;
    let serverSocket: Socket | undefined;
    const { port, server } = await serve(async (environ, start) => {
      const input = environ['tsgi.input'];
      for (;;) {
        const chunk = await input.read(KIB64);
        if (chunk.length === 0) break;
        consumed += chunk.length;
        maxAhead = Math.max(maxAhead, serverSocket!.bytesRead - consumed);
        // A slow consumer: the client can send far faster than this.
        if (consumed % (8 * KIB64) === 0) await pause(1);
      }
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [String(consumed)];
    });
    server.httpServer.on('connection', (socket: Socket) => (serverSocket = socket));
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write(`PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n`);
    socket.write(Buffer.alloc(total, 0x61));
    const response = parseResponse((await received).bytes);
    expect(response.body.toString()).toBe(String(total));
    expect(consumed).toBe(total);
    // Node's buffering (a 16 KiB high-water mark plus one socket read) is
    // all that may run ahead of the app; without backpressure this would
    // approach the full 32 MiB.
    expect(maxAhead).toBeLessThan(2 * MIB);
  });

  it('costs nothing for an unread body, and keeps the connection usable', async () => {
    const { port } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['ignored your upload'];
    });
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { text: out } = await received;
    expect(out.split('HTTP/1.1 200 OK').length - 1).toBe(2);
  });
});

describe('413 without reading the upload', () => {
  const limited: App = (environ, start) => {
    if (Number(environ.CONTENT_LENGTH ?? 0) > 1024) {
      start('413 Content Too Large', [['Content-Type', 'text/plain']]);
      return ['too large\n'];
    }
    start('200 OK', [['Content-Type', 'text/plain']]);
    return ['ok\n'];
  };

  it('answers 413 and closes the connection instead of draining a huge body', async () => {
    const { port } = await serve(limited);
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * MIB}\r\n\r\n`);
    // A first slice of a 1 GiB upload; the rest never comes.
    socket.write(Buffer.alloc(KIB64, 0x61));
    const { bytes } = await received;
    const response = parseResponse(bytes);
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(response.body.toString()).toBe('too large\n');
  });

  it('does not send 100 Continue to an Expect client the app refuses', async () => {
    const { port } = await serve(limited);
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * MIB}\r\nExpect: 100-continue\r\n\r\n`);
    const { text } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).not.toContain('100 Continue');
  });

  it('sends 100 Continue once the app reads the body', async () => {
    const { port } = await serve(async (environ, start) => {
      const body = await environ['tsgi.input'].read();
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [`got ${Buffer.from(body).toString()}`];
    });
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    await readUntil(socket, (data) => data.toString().includes('100 Continue\r\n\r\n'));
    socket.write('hello');
    const { text } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('got hello')).toBe(true);
  });

  it('closes the connection when the app read only part of a large body', async () => {
    const { port } = await serve(async (environ, start) => {
      const first = await environ['tsgi.input'].read(10);
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [`read ${first.length}`];
    });
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${64 * MIB}\r\n\r\n`);
    socket.write(Buffer.alloc(KIB64, 0x61));
    const { bytes } = await received;
    const response = parseResponse(bytes);
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(response.body.toString()).toBe('read 10');
  });
});

describe('response backpressure', () => {
  it.each([
    ['async', true],
    ['sync', false],
  ])('pulls a %s body only as fast as a slow client reads', async (_kind, isAsync) => {
    const count = 1024; // 64 MiB in all
    const chunk = Buffer.alloc(KIB64, 0x78);
    let produced = 0;
    let received = 0;
    let maxAhead = 0;
    let producedWhilePaused = -1;
    function* chunks(): Generator<Chunk> {
      for (let i = 0; i < count; i++) {
        maxAhead = Math.max(maxAhead, produced - received);
        produced += KIB64;
        yield chunk;
      }
    }
    const { port } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'application/octet-stream'], ['Content-Length', String(count * KIB64)]]);
      return isAsync
        ? (async function* () {
            yield* chunks();
          })()
        : chunks();
    });
    const socket = await openSocket(port);
    socket.pause();
    const done = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    // Not reading at all for a while: without backpressure the whole body
    // would be produced (and buffered) by now.
    await pause(200);
    producedWhilePaused = produced;
    socket.on('data', (data: Buffer) => {
      received += data.length;
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    });
    socket.resume();
    await done;
    // Kernel socket buffers (a few MiB on loopback) plus Node's 16 KiB
    // high-water mark bound how far production may run ahead.
    expect(producedWhilePaused).toBeLessThan(16 * MIB);
    expect(maxAhead).toBeLessThan(16 * MIB);
    expect(produced).toBe(count * KIB64);
    expect(received).toBeGreaterThan(count * KIB64);
  });

  it('makes write() wait for the client to drain', async () => {
    let written = 0;
    let received = 0;
    let maxAhead = 0;
    const { port } = await serve(async (_e, start) => {
      const write = start('200 OK', [['Content-Type', 'application/octet-stream']]);
      const chunk = Buffer.alloc(KIB64, 0x79);
      for (let i = 0; i < 512; i++) {
        maxAhead = Math.max(maxAhead, written - received);
        written += KIB64;
        await write(chunk);
      }
      return [];
    });
    const socket = await openSocket(port);
    socket.pause();
    const done = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await pause(200);
    socket.on('data', (data: Buffer) => {
      received += data.length;
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    });
    socket.resume();
    await done;
    expect(written).toBe(512 * KIB64);
    expect(maxAhead).toBeLessThan(16 * MIB);
  });
});

function expectOneAbortLine(text: string): void {
  const lines = text.split('\n').filter((line) => line !== '');
  expect(lines.length, text).toBeLessThanOrEqual(1);
  for (const line of lines) expect(line).toMatch(/client went away/);
  expect(text).not.toMatch(/\n\s+at /);
}
