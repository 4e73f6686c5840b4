/**
 * decompress over a real socket, with curl and fetch: every coding it
 * offers, every refusal with its status and message, and bombs that stop at
 * the cap.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, createGzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { decodeBody } from '../../src/middleware/decompress/decoder.js';
import { decompress } from '../../src/middleware/decompress/index.js';
import { HttpError, MemoryErrors, type App } from '../../src/gateway/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { curl, parseCurl } from './support.js';

const ENTRY = { title: 'Zoë', body: 'words '.repeat(2000) };
const MiB = 1024 * 1024;

/** `size` zero bytes, gzipped a chunk at a time so the test never holds them whole. */
async function gzippedZeros(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let sent = 0; sent < size; sent += MiB) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('decompress', () => {
  let server: TsgiServer;
  let spare: string;
  const errors = new MemoryErrors();
  const reached: string[] = [];
  /** The most decoded bytes the counting app was handed, per request. */
  const seen: number[] = [];

  class Entries extends BaseHandler {
    async doPOST(): Promise<string> {
      const entry = (await this.json()) as { title: string; body: string };
      reached.push('json');
      this.start('200 OK', [['Content-Type', 'application/json']]);
      return JSON.stringify({ title: entry.title, length: entry.body.length, coding: this.environ.HTTP_CONTENT_ENCODING ?? null });
    }
  }

  // Reads tsgi.input itself, so the count is exactly what the middleware let through.
  const counting: App = async (environ, startResponse) => {
    let total = 0;
    try {
      for await (const chunk of environ['tsgi.input']) total += chunk.length;
    } catch (error) {
      seen.push(total);
      if (!(error instanceof HttpError)) throw error;
      startResponse(error.statusLine, [['Content-Type', 'text/plain; charset=utf-8']]);
      return [`${error.detail}\n`];
    }
    seen.push(total);
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [`${total}\n`];
  };

  beforeAll(async () => {
    spare = await mkdtemp(join(tmpdir(), 'tsgi-decompress-'));
    const app = urlMap({
      '/entries': decompress(Entries),
      '/gzip-only': decompress(Entries, { encodings: ['gzip'] }),
      '/small': decompress(Entries, { limit: 1000 }),
      '/count': decompress(counting),
    });
    server = makeServer('127.0.0.1', 0, app, { log: null, errors });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(spare, { recursive: true, force: true });
  });

  let files = 0;
  async function send(path: string, body: Buffer, coding: string | undefined, extra: string[] = []): Promise<ReturnType<typeof parseCurl>> {
    const file = join(spare, `body-${files++}`);
    await writeFile(file, body);
    const headers = ['-H', 'Content-Type: application/json', ...(coding === undefined ? [] : ['-H', `Content-Encoding: ${coding}`])];
    const result = await curl(['-i', '--data-binary', `@${file}`, ...headers, ...extra, `${server.url}${path.slice(1)}`]);
    expect(result.code).toBe(0);
    return parseCurl(result.stdout);
  }

  const plain = Buffer.from(JSON.stringify(ENTRY));
  const expected = { title: 'Zoë', length: ENTRY.body.length, coding: null };

  it.each([
    ['gzip', gzipSync(plain)],
    ['x-gzip', gzipSync(plain)],
    ['deflate', deflateSync(plain)],
    ['deflate', deflateRawSync(plain)],
    ['br', brotliCompressSync(plain)],
    ['gzip, br', brotliCompressSync(gzipSync(plain))],
    ['identity', plain],
    [undefined, plain],
  ])('hands this.json() the decoded body for Content-Encoding %s', async (coding, body) => {
    const response = await send('/entries', body, coding);
    expect(response.status).toBe(200);
    // A decoded body's coding is gone from the environ; identity is nothing to decode.
    expect(JSON.parse(response.body)).toEqual({ ...expected, coding: coding === 'identity' ? 'identity' : null });
  });

  it('decodes a chunked upload from curl and a body from fetch', async () => {
    const chunked = await send('/entries', gzipSync(plain), 'gzip', ['-H', 'Transfer-Encoding: chunked']);
    expect(chunked.status).toBe(200);
    expect(JSON.parse(chunked.body)).toEqual(expected);
    const response = await fetch(`${server.url}entries`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'br' },
      body: brotliCompressSync(plain),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expected);
  });

  it.each([
    ['/entries', 'zstd', 'request bodies encoded with "zstd" are not accepted here; send gzip, deflate, br', 'gzip, deflate, br'],
    ['/entries', 'gzip, compress', 'request bodies encoded with "compress" are not accepted here; send gzip, deflate, br', 'gzip, deflate, br'],
    ['/entries', 'gzip, gzip, gzip', 'request bodies with more than 2 content codings are not accepted here', 'gzip, deflate, br'],
    ['/gzip-only', 'br', 'request bodies encoded with "br" are not accepted here; send gzip', 'gzip'],
  ])('%s answers Content-Encoding %s with 415 before the app runs', async (path, coding, message, offered) => {
    const before = reached.length;
    const response = await send(path, gzipSync(plain), coding);
    expect(response.status).toBe(415);
    expect(response.headers['accept-encoding']).toBe(offered);
    expect(response.body).toBe(`${message}\n`);
    expect(reached.length).toBe(before);
  });

  it.each([
    ['gzip', Buffer.from('this is not gzip at all'), /^request body is not valid gzip data \(.+\)\n$/],
    ['gzip', gzipSync(plain).subarray(0, -6), /^request body is not valid gzip data \(unexpected end of file\)\n$/],
    ['deflate', Buffer.from('neither zlib nor raw deflate, surely'), /^request body is not valid deflate data \(.+\)\n$/],
    ['br', brotliCompressSync(plain).subarray(0, 50), /^request body is not valid br data \(.+\)\n$/],
  ])('answers corrupt or truncated %s data with 400', async (coding, body, message) => {
    const response = await send('/entries', body, coding);
    expect(response.status).toBe(400);
    expect(response.body).toMatch(message);
  });

  it('holds the decoded and the sent bytes to its limit', async () => {
    const decoded = await send('/small', gzipSync(Buffer.from(JSON.stringify({ title: 'x', body: 'y'.repeat(2000) }))), 'gzip');
    expect(decoded.status).toBe(413);
    expect(decoded.body).toBe('decompressed request body exceeds the limit of 1000 bytes\n');
    const sent = await send('/small', Buffer.alloc(5000, 7), 'gzip');
    expect(sent.status).toBe(413);
    expect(sent.body).toBe('compressed request body exceeds the limit of 1000 bytes\n');
  });

  it('stops a gzip bomb at the cap: 413, the app handed at most the limit, the server no fatter', async () => {
    const bomb = await gzippedZeros(200 * MiB);
    expect(bomb.length).toBeLessThan(MiB);
    const rss = process.memoryUsage().rss;
    const counted = await send('/count', bomb, 'gzip');
    expect(counted.status).toBe(413);
    expect(counted.body).toBe(`decompressed request body exceeds the limit of ${MiB} bytes\n`);
    expect(seen.at(-1)).toBeLessThanOrEqual(MiB);
    const json = await send('/entries', bomb, 'gzip');
    expect(json.status).toBe(413);
    // Inflating the bomb whole would take 200 MiB; the cap keeps it to buffers.
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
  });

  it('decodes only as the app reads', async () => {
    // Incompressible, so each decoded byte costs about one byte sent.
    const sent = gzipSync(randomBytes(8 * MiB), { level: 1 });
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < sent.length; i += 4096) {
        pulled += 4096;
        yield sent.subarray(i, i + 4096);
      }
    }
    const decoded = decodeBody(source(), ['gzip'], 16 * MiB);
    const first = await decoded.next();
    expect(first.done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Only the streams' own buffers are read ahead of the reader, not the 8 MiB.
    expect(pulled).toBeLessThan(256 * 1024);
    await decoded.return(undefined);
  });
});
