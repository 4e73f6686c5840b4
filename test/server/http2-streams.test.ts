/**
 * HTTP/2 streams against Node's own HTTP/2 client: backpressure, a client
 * reset mid-body, the send and body timeouts, Expect: 100-continue, and an
 * upload the app refuses.
 */
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/body/index.js';
import type { App } from '../../src/gateway/types.js';
import { waitFor } from './helpers.js';
import { h2connect, h2request, serveH2 } from './http2-support.js';

const CHUNK = Buffer.alloc(16 * 1024, 'a');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An app whose body counts the chunks pulled from it and its return() calls. */
function countingApp(chunks: number, pace: number): { app: App; pulled: () => number; returns: () => number } {
  let pulled = 0;
  let returns = 0;
  const app: App = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return (async function* () {
      try {
        for (let i = 0; i < chunks; i++) {
          if (pace > 0) await sleep(pace);
          pulled++;
          yield CHUNK;
        }
      } finally {
        returns++;
      }
    })();
  };
  return { app, pulled: () => pulled, returns: () => returns };
}

function responseOf(stream: ClientHttp2Stream): Promise<IncomingHttpHeaders> {
  return new Promise((resolve) => stream.once('response', resolve));
}

function closeOf(stream: ClientHttp2Stream): Promise<number> {
  return new Promise((resolve) => (stream.closed ? resolve(stream.rstCode ?? 0) : stream.once('close', () => resolve(stream.rstCode ?? 0))));
}

describe('HTTP/2 backpressure', () => {
  it('pulls the body only as fast as a client that pauses takes it, then sends all of it once it reads', async () => {
    const total = 1000; // 16 MiB
    const body = countingApp(total, 0);
    const { url } = await serveH2(body.app);
    const session = await h2connect(url);
    const stream = session.request({ ':path': '/big' });
    await responseOf(stream);
    stream.pause();
    await sleep(300);
    const whilePaused = body.pulled();
    await sleep(200);
    // Flow control holds the server: a window of 64 KiB and a few buffers, not the 16 MiB.
    expect(body.pulled()).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(64);
    let received = 0;
    stream.on('data', (data: Buffer) => (received += data.length));
    stream.resume();
    await new Promise((resolve) => stream.once('end', resolve));
    expect(received).toBe(total * CHUNK.length);
    expect(body.pulled()).toBe(total);
    await waitFor(() => body.returns() === 1, 'return()');
  });
});

describe('HTTP/2 client reset mid-body', () => {
  it.each([
    ['a paced async body', 5],
    ['a body that fills the window at once', 0],
  ])('RST_STREAM (CANCEL) stops %s and calls return() exactly once, with no log line', async (_name, pace) => {
    const body = countingApp(100_000, pace);
    const { url, errors } = await serveH2(body.app);
    const session = await h2connect(url);
    const stream = session.request({ ':path': '/endless' });
    await new Promise((resolve) => stream.once('data', resolve));
    stream.close(constants.NGHTTP2_CANCEL);
    await waitFor(() => body.returns() > 0, 'return() after the reset');
    const pulledAtReset = body.pulled();
    await sleep(150);
    expect(body.returns()).toBe(1);
    expect(body.pulled()).toBe(pulledAtReset);
    expect(errors.text).toBe('');
    // The connection is still good for the next request.
    expect((await h2request(session, { ':path': '/', ':method': 'HEAD' })).status).toBe(200);
  });
});

describe('HTTP/2 timeouts', () => {
  it('resets a stream whose client takes nothing for sendTimeout, calls return() once and logs one line', async () => {
    const body = countingApp(100_000, 0);
    const { url, errors } = await serveH2(body.app, { sendTimeout: 300 });
    const session = await h2connect(url);
    const stream = session.request({ ':path': '/stalled' });
    await responseOf(stream);
    stream.pause();
    const code = await closeOf(stream);
    expect(code).toBe(constants.NGHTTP2_CANCEL);
    await waitFor(() => body.returns() === 1, 'return() after the send timeout');
    await sleep(50);
    expect(body.returns()).toBe(1);
    expect(errors.text.match(/client went away/g)).toHaveLength(1);
    expect(errors.text).toMatch(/GET \/stalled: client went away \(send timeout\) after \d+ KiB of the response\n/);
  });

  it('does not cut a client that reads slowly but reads', async () => {
    const body = countingApp(40, 0);
    const { url, errors } = await serveH2(body.app, { sendTimeout: 200 });
    const session = await h2connect(url);
    const stream = session.request({ ':path': '/slow-reader' });
    await responseOf(stream);
    let received = 0;
    stream.on('data', (data: Buffer) => {
      received += data.length;
      stream.pause();
      setTimeout(() => stream.resume(), 20);
    });
    await new Promise((resolve) => stream.once('end', resolve));
    expect(received).toBe(40 * CHUNK.length);
    expect(errors.text).toBe('');
  });

  it('does not cut a stream that caught up and then idles past sendTimeout, as an event stream does between events', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield Buffer.alloc(256 * 1024, 'a'); // more than the window: the send clock starts
        await sleep(700);
        yield 'end';
      })();
    };
    const { url, errors } = await serveH2(app, { sendTimeout: 250 });
    const session = await h2connect(url);
    const stream = session.request({ ':path': '/idle' });
    let received = 0;
    stream.on('data', (data: Buffer) => (received += data.length));
    await new Promise((resolve) => stream.once('end', resolve));
    expect(received).toBe(256 * 1024 + 3);
    expect(stream.rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    expect(errors.text).toBe('');
  });

  it('answers 408 when the request body stops arriving for bodyTimeout, and logs one line', async () => {
    let failure: unknown;
    const app: App = async (environ, startResponse) => {
      try {
        await readBody(environ);
      } catch (error) {
        failure = error;
        throw error;
      }
      startResponse('200 OK', []);
      return ['never'];
    };
    const { url, errors } = await serveH2(app, { bodyTimeout: 300 });
    const session = await h2connect(url);
    const stream = session.request({ ':method': 'PUT', ':path': '/up', 'content-length': '100' }, { endStream: false });
    stream.write('only part of it');
    const head = await responseOf(stream);
    const parts: Buffer[] = [];
    stream.on('data', (data: Buffer) => parts.push(data));
    await closeOf(stream);
    expect(head[':status']).toBe(408);
    expect(Buffer.concat(parts).toString()).toBe('Request Timeout: the request body stopped arriving\n');
    expect((failure as Error).name).toBe('ClientGoneError');
    await waitFor(() => errors.text.includes('client went away'), 'the log line');
    await sleep(50);
    expect(errors.text).toBe(errors.text.match(/^\[[^\]]+\] PUT \/up: client went away \(body timeout\); answered 408\n$/)?.[0]);
  });
});

describe('HTTP/2 timeouts, once the response has started', () => {
  it('resets the stream when the request body stalls after the head went out, and logs one line', async () => {
    const app: App = async (environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      await write('started\n');
      await readBody(environ);
      return ['never'];
    };
    const { url, errors } = await serveH2(app, { bodyTimeout: 300 });
    const session = await h2connect(url);
    const stream = session.request({ ':method': 'PUT', ':path': '/late', 'content-length': '100' }, { endStream: false });
    stream.write('a little');
    expect((await responseOf(stream))[':status']).toBe(200);
    stream.resume();
    expect(await closeOf(stream)).toBe(constants.NGHTTP2_CANCEL);
    await waitFor(() => errors.text.includes('client went away'), 'the log line');
    expect(errors.text).toMatch(/^\[[^\]]+\] PUT \/late: client went away \(body timeout\) after 8 B of the response\n$/);
  });
});

describe('HTTP/2 request bodies the app decides on', () => {
  const echo: App = async (environ, startResponse) => {
    const body = await readBody(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [body];
  };

  it('sends 100 Continue under Expect: 100-continue only once the app reads the body', async () => {
    const { url } = await serveH2(echo);
    const session = await h2connect(url);
    const stream = session.request({ ':method': 'POST', ':path': '/', expect: '100-continue', 'content-length': '5' }, { endStream: false });
    await new Promise((resolve) => stream.once('continue', resolve));
    stream.end('hello');
    await responseOf(stream);
    const parts: Buffer[] = [];
    stream.on('data', (data: Buffer) => parts.push(data));
    await new Promise((resolve) => stream.once('end', resolve));
    expect(Buffer.concat(parts).toString()).toBe('hello');
  });

  it('refuses an upload without reading it: no 100 Continue, the 413, then RST_STREAM NO_ERROR stops the client sending', async () => {
    const refuse: App = (_environ, startResponse) => {
      startResponse('413 Content Too Large', [['Content-Type', 'text/plain']]);
      return ['too large\n'];
    };
    const { url } = await serveH2(refuse);
    const session = await h2connect(url);
    let continued = false;
    const stream = session.request({ ':method': 'POST', ':path': '/', expect: '100-continue', 'content-length': String(8 << 20) }, { endStream: false });
    stream.on('continue', () => (continued = true));
    const head = await responseOf(stream);
    expect(head[':status']).toBe(413);
    const parts: Buffer[] = [];
    stream.on('data', (data: Buffer) => parts.push(data));
    // A client that sends anyway is stopped too.
    stream.write(Buffer.alloc(1 << 20));
    expect(await closeOf(stream)).toBe(constants.NGHTTP2_NO_ERROR);
    expect(Buffer.concat(parts).toString()).toBe('too large\n');
    expect(continued).toBe(false);
  });
});
