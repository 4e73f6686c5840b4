import { randomBytes } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, createGunzip, gunzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compress } from '../../src/middleware/compress/index.js';
import { negotiateEncoding } from '../../src/middleware/compress/negotiate.js';
import { isCompressible } from '../../src/middleware/compress/compressible.js';
import { TestClient } from '../../src/testing/index.js';
import { type App, type Chunk, type Environ, type StartResponse } from '../../src/gateway/index.js';
import { serve, waitFor } from '../server/helpers.js';
import { curl, parseCurl, textApp, trackedApp } from './support.js';

const LONG = 'All work and no play makes Jack a dull boy. '.repeat(200); // ~8.8 KiB

describe('negotiateEncoding', () => {
  const offered = ['br', 'gzip', 'deflate'] as const;
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1.0, br;q=0.5', 'gzip'],
    ['br;q=0, gzip;q=0.1', 'gzip'],
    ['deflate', 'deflate'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity', 'identity'],
    ['identity;q=1, gzip;q=0.5', 'identity'],
    ['identity;q=0', 'refused'],
    ['identity;q=0, gzip', 'gzip'],
    ['*;q=0', 'refused'],
    ['compress, zstd', 'identity'],
    ['gzip;q=2', 'identity'], // malformed q: the entry is ignored
    ['gzip;q=abc, deflate', 'deflate'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
  ])('%s → %s', (header, expected) => {
    expect(negotiateEncoding(header, offered)).toBe(expected);
  });
});

describe('isCompressible', () => {
  it.each([
    ['text/html; charset=utf-8', true],
    ['application/json', true],
    ['application/problem+json', true],
    ['application/atom+xml', true],
    ['image/svg+xml', true],
    ['text/javascript', true],
    ['image/png', false],
    ['video/mp4', false],
    ['audio/mpeg', false],
    ['application/zip', false],
    ['application/gzip', false],
    ['application/octet-stream', false],
    ['font/woff2', false],
    [undefined, false],
  ])('%s → %s', (type, expected) => {
    expect(isCompressible(type)).toBe(expected);
  });
});

describe('compress', () => {
  const client = new TestClient(compress(textApp(LONG, '200 OK', [['ETag', '"v1"'], ['Vary', 'Cookie']])));

  it('gzips a large text body and fixes the headers', async () => {
    const response = await client.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    expect(response.headers.get('Vary')).toBe('Cookie, Accept-Encoding');
    expect(response.headers.get('ETag')).toBe('W/"v1"');
    // An array body is compressed whole, so its compressed length is known.
    expect(response.headers.get('Content-Length')).toBe(String(response.bytes().length));
    expect(gunzipSync(response.bytes()).toString()).toBe(LONG);
    expect(response.bytes().length).toBeLessThan(LONG.length / 10);
  });

  it('streams an array body past 128 KiB through the encoder, without a Content-Length', async () => {
    const huge = LONG.repeat(16); // ~141 KiB
    const big = new TestClient(compress(textApp(huge)));
    const response = await big.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    expect(response.headers.has('Content-Length')).toBe(false);
    expect(gunzipSync(response.bytes()).toString()).toBe(huge);
  });

  it('speaks br and deflate too', async () => {
    const br = await client.get('/', { headers: { 'Accept-Encoding': 'br' } });
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(brotliDecompressSync(br.bytes()).toString()).toBe(LONG);
    const deflate = await client.get('/', { headers: { 'Accept-Encoding': 'deflate' } });
    expect(inflateSync(deflate.bytes()).toString()).toBe(LONG);
  });

  it('sends identity (with Vary) when the client asks for nothing it offers', async () => {
    for (const accept of [undefined, 'identity', 'zstd']) {
      const response = await client.get('/', { headers: accept === undefined ? {} : { 'Accept-Encoding': accept } });
      expect(response.headers.has('Content-Encoding')).toBe(false);
      expect(response.headers.get('Vary')).toBe('Cookie, Accept-Encoding');
      expect(response.text()).toBe(LONG);
    }
  });

  it('leaves small bodies of known length alone, unless identity is refused', async () => {
    const small = new TestClient(compress(textApp('tiny')));
    const plain = await small.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(plain.headers.has('Content-Encoding')).toBe(false);
    expect(plain.headers.get('Vary')).toBe('Accept-Encoding');
    expect(plain.text()).toBe('tiny');
    const refused = await small.get('/', { headers: { 'Accept-Encoding': 'gzip, identity;q=0' } });
    expect(refused.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(refused.bytes()).toString()).toBe('tiny');

    const declared = new TestClient(compress(textApp('x'.repeat(500), '200 OK', [['Content-Length', '500']])));
    const sized = await declared.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(sized.headers.get('Content-Length')).toBe('500');
    expect(sized.headers.has('Content-Encoding')).toBe(false);
  });

  const long = (headers: Array<[string, string]>, status = '200 OK'): App => (_environ, startResponse) => {
    startResponse(status, headers);
    return [LONG];
  };
  it.each<[string, App, string | undefined]>([
    ['an image', long([['Content-Type', 'image/png']]), undefined],
    ['an octet stream', long([['Content-Type', 'application/octet-stream']]), undefined],
    ['an already encoded body', long([['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']]), 'gzip'],
    ['Cache-Control: no-transform', long([['Content-Type', 'text/plain'], ['Cache-Control', 'public, no-transform']]), undefined],
    ['a 206 partial response', long([['Content-Type', 'text/plain'], ['Content-Range', `bytes 0-${LONG.length - 1}/99999`]], '206 Partial Content'), undefined],
  ])('skips %s', async (_case, app, encoding) => {
    const response = await new TestClient(compress(app)).get('/', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(response.headers.get('Content-Encoding')).toBe(encoding);
    expect(response.text()).toBe(LONG);
  });

  it('answers HEAD with the headers GET gets and no body', async () => {
    const get = await client.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    const head = await client.head('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(head.headers.get('Content-Encoding')).toBe('gzip');
    expect(head.headers.get('Content-Encoding')).toBe(get.headers.get('Content-Encoding'));
    expect(head.headers.get('Vary')).toBe(get.headers.get('Vary'));
    expect(head.headers.get('ETag')).toBe(get.headers.get('ETag'));
    expect(head.headers.has('Content-Length')).toBe(false);
    expect(head.bytes().length).toBe(0);
  });

  it('skips 204 and 304, and gives a 304 the Vary its 200 would have', async () => {
    const empty: App = (environ, startResponse) => {
      startResponse(environ.PATH_INFO === '/204' ? '204 No Content' : '304 Not Modified', [['ETag', '"v1"']]);
      return [];
    };
    const emptyClient = new TestClient(compress(empty));
    for (const path of ['/204', '/304']) {
      const response = await emptyClient.get(path, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(response.headers.has('Content-Encoding')).toBe(false);
      expect(response.headers.get('ETag')).toBe('"v1"');
    }
    const notModified = await emptyClient.get('/304', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(notModified.headers.get('Vary')).toBe('Accept-Encoding');
    const noContent = await emptyClient.get('/204', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(noContent.headers.has('Vary')).toBe(false);
  });

  it('compresses what an app sends with write(), in order with its body', async () => {
    const writer: App = async (_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      await write('first ');
      await write(LONG);
      return ['last'];
    };
    const response = await new TestClient(compress(writer)).get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(response.bytes()).toString()).toBe(`first ${LONG}last`);
  });

  it('compresses a generator that calls startResponse inside its body', async () => {
    const generator: App = function* (_environ: Environ, startResponse: StartResponse): Generator<Chunk> {
      startResponse('200 OK', [['Content-Type', 'application/json']]);
      yield '[';
      for (let i = 0; i < 500; i++) yield `${i === 0 ? '' : ','}{"n":${i}}`;
      yield ']';
    } as unknown as App;
    const response = await new TestClient(compress(generator)).get('/', { headers: { 'Accept-Encoding': 'br' } });
    expect(response.headers.get('Content-Encoding')).toBe('br');
    expect(JSON.parse(brotliDecompressSync(response.bytes()).toString())).toHaveLength(500);
  });

  it('hands a generator it leaves uncompressed to the server as it is, which still sends a Content-Length', async () => {
    const image: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'image/png']]);
      return (function* (): Generator<Chunk> {
        yield LONG;
        yield LONG;
      })();
    };
    const served = await serve(compress(image));
    const response = parseCurl((await curl(['--include', '-H', 'Accept-Encoding: gzip', served.url])).stdout);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBe(String(LONG.length * 2));
    expect(response.body).toBe(LONG + LONG);
  });

  it('lets an app replace its response with excInfo before any output', async () => {
    const failing: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      try {
        throw new Error('template failed');
      } catch (error) {
        startResponse('500 Internal Server Error', [['Content-Type', 'text/plain'], ['Content-Length', '6']], error);
        return ['oops!\n'];
      }
    };
    const response = await new TestClient(compress(failing)).get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.status).toBe(500);
    expect(response.headers.has('Content-Encoding')).toBe(false);
    expect(response.text()).toBe('oops!\n');
  });

  it('lets a body replace its response with excInfo once the head was passed on but nothing sent', async () => {
    const failing: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'image/png']]);
      // Left uncompressed, so its head is passed on before the body runs.
      return (function* (): Generator<Chunk> {
        startResponse('500 Internal Server Error', [['Content-Type', 'text/plain'], ['Content-Length', '6']], new Error('late'));
        yield 'oops!\n';
      })();
    };
    const served = await serve(compress(failing));
    const response = parseCurl((await curl(['--include', '-H', 'Accept-Encoding: gzip', served.url])).stdout);
    expect(response.status).toBe(500);
    expect(response.body).toBe('oops!\n');
  });

  it('flushes each chunk of an async body, for every coding', async () => {
    for (const [encoding, decode] of [['gzip', gunzipSync], ['br', brotliDecompressSync], ['deflate', inflateSync]] as const) {
      const { app } = trackedApp(['first chunk, ', LONG, 'last']);
      const response = await new TestClient(compress(app)).get('/', { headers: { 'Accept-Encoding': encoding } });
      expect(response.headers.get('Content-Encoding')).toBe(encoding);
      expect(decode(response.bytes()).toString()).toBe(`first chunk, ${LONG}last`);
    }
  });

  it('delivers each streamed chunk before the app produces the next', async () => {
    let received: () => void = () => undefined;
    const streaming: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/event-stream']]);
      return (async function* (): AsyncGenerator<Chunk> {
        for (let i = 1; i <= 3; i++) {
          const seen = new Promise<void>((resolve) => (received = resolve));
          yield `data: tick ${i}\n\n`;
          // Without a flush per chunk this would wait forever: the client
          // could not decode the tick still held in the compressor.
          await seen;
        }
      })();
    };
    const { port } = await serve(compress(streaming));
    const text = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
        let decoded = '';
        const gunzip = createGunzip();
        gunzip.on('data', (data: Buffer) => {
          decoded += data.toString();
          received();
        });
        gunzip.on('end', () => resolve(decoded));
        gunzip.on('error', reject);
        response.pipe(gunzip);
      }).on('error', reject);
    });
    expect(text).toBe('data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n');
  });

  it('calls return() on the app body after a compressed response', async () => {
    const { app, closed } = trackedApp([LONG, LONG]);
    const response = await new TestClient(compress(app)).get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gunzipSync(response.bytes()).toString()).toBe(LONG + LONG);
    expect(closed()).toBe(true);
  });

  it('is decoded by curl --compressed for gzip and br, with Vary', async () => {
    const { url } = await serve(compress(textApp(LONG)));
    for (const encoding of ['gzip', 'br']) {
      const result = await curl(['-i', '--compressed', '-H', `Accept-Encoding: ${encoding}`, url]);
      const response = parseCurl(result.stdout);
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers.vary).toBe('Accept-Encoding');
      expect(response.body).toBe(LONG);
    }
    // curl's own Accept-Encoding offers gzip, deflate, br and zstd: br wins.
    const preferred = parseCurl((await curl(['-i', '--compressed', url])).stdout);
    expect(preferred.headers['content-encoding']).toBe('br');
    expect(preferred.body).toBe(LONG);
  });

  it('streams 20 MiB generated lazily with bounded memory', async () => {
    const block = Buffer.alloc(64 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = 97 + ((i * 7) % 26);
    const blocks = 320; // 20 MiB
    let produced = 0;
    const lazy: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* (): AsyncGenerator<Chunk> {
        for (let i = 0; i < blocks; i++) {
          produced++;
          yield Buffer.from(block);
        }
      })();
    };
    const { port } = await serve(compress(lazy));
    const before = process.memoryUsage();
    let peak = 0;
    const decoded = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
        expect(response.headers['content-encoding']).toBe('gzip');
        let total = 0;
        const gunzip = createGunzip();
        gunzip.on('data', (data: Buffer) => {
          total += data.length;
          const now = process.memoryUsage();
          peak = Math.max(peak, now.rss - before.rss);
        });
        gunzip.on('end', () => resolve(total));
        gunzip.on('error', reject);
        response.pipe(gunzip);
      }).on('error', reject);
    });
    expect(decoded).toBe(blocks * block.length);
    expect(produced).toBe(blocks);
    // The body is 20 MiB; holding it (or its compressed form) would show up here.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });

  it('lets a paused client hold the app back (backpressure through the compressor)', async () => {
    let produced = 0;
    const total = 1000; // 1000 × 64 KiB of barely compressible text: 64 MiB if nothing held it back
    const noisy: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* (): AsyncGenerator<Chunk> {
        for (let i = 0; i < total; i++) {
          produced++;
          yield randomBytes(48 * 1024).toString('base64');
        }
      })();
    };
    const { port } = await serve(compress(noisy));
    const request = get({ host: '127.0.0.1', port, path: '/', headers: { 'Accept-Encoding': 'gzip' } });
    request.on('error', () => undefined);
    const response = await new Promise<IncomingMessage>((resolve) => request.on('response', resolve));
    response.pause();
    // Wait until the app stops producing: every buffer on the way is full.
    let last = -1;
    let steady = 0;
    for (let i = 0; i < 100 && steady < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      steady = produced === last ? steady + 1 : 0;
      last = produced;
    }
    expect(steady).toBe(3);
    expect(produced).toBeLessThan(total / 5);
    request.destroy();
  });

  it("calls the app body's return() when the client disconnects mid-stream", async () => {
    let closed = false;
    let sent = 0;
    const endless: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* (): AsyncGenerator<Chunk> {
        try {
          for (let i = 0; i < 100_000; i++) {
            sent++;
            yield `${LONG}${i}\n`;
          }
        } finally {
          closed = true;
        }
      })();
    };
    const { port } = await serve(compress(endless));
    await new Promise<void>((resolve, reject) => {
      const request = get({ host: '127.0.0.1', port, path: '/', headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
      setTimeout(() => reject(new Error('no data')), 5000).unref();
    });
    await waitFor(() => closed, 'the body to be closed');
    expect(sent).toBeLessThan(100_000);
  });
});

describe('compress and a malformed startResponse', () => {
  it('leaves the refusal to the host, under the rule the status breaks', async () => {
    const broken: App = (_environ, startResponse) => {
      startResponse(42 as unknown as string, [['Content-Type', 'text/plain']]);
      return ['x'];
    };
    for (const headers of [{}, { 'Accept-Encoding': 'identity' }] as Record<string, string>[]) {
      const res = await new TestClient(compress(broken), { validate: false, catchErrors: true }).get('/', { headers });
      expect(res.status).toBe(500);
      expect(res.errors).toContain('[status-format]');
    }
  });
});
