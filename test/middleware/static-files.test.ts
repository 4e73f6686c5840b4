import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress } from '../../src/middleware/compress/index.js';
import { parseRange } from '../../src/middleware/static-files/ranges.js';
import { staticFiles } from '../../src/middleware/static-files/index.js';
import { TestClient } from '../../src/testing/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { serve, waitFor } from '../server/helpers.js';

/** How many of this process's file descriptors point at `path` (Linux). */
function openDescriptors(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}
import { curl, parseCurl } from './support.js';

describe('staticFiles', () => {
  let base: string;
  let root: string;
  let client: TestClient;
  const css = 'body { color: #333; }\n'.repeat(100);
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsgi-static-'));
    root = join(base, 'public');
    mkdirSync(join(root, 'css'), { recursive: true });
    mkdirSync(join(root, 'docs'));
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'css', 'site.css'), css);
    writeFileSync(join(root, 'data.bin'), bytes);
    writeFileSync(join(root, 'docs', 'index.html'), '<h1>Docs</h1>\n');
    writeFileSync(join(root, 'notes.txt'), 'héllo\n');
    writeFileSync(join(root, '.env'), 'SECRET=1\n');
    writeFileSync(join(base, 'outside.txt'), 'outside the root\n');
    symlinkSync(join(base, 'outside.txt'), join(root, 'escape.txt'));
    symlinkSync(join(root, 'notes.txt'), join(root, 'alias.txt'));
    const old = new Date('2025-01-02T03:04:05Z');
    utimesSync(join(root, 'notes.txt'), old, old);
    client = new TestClient(staticFiles(root));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves a file with type, length, validators and ranges advertised', async () => {
    const response = await client.get('/css/site.css');
    expect(response.status).toBe(200);
    expect(response.text()).toBe(css);
    expect(response.headers.get('Content-Type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('Content-Length')).toBe(String(css.length));
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get('Last-Modified')).toMatch(/GMT$/);
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect((await client.get('/data.bin')).headers.get('Content-Type')).toBe('application/octet-stream');
    expect((await client.get('/notes.txt')).text()).toBe('héllo\n');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await client.head('/css/site.css');
    expect(response.headers.get('Content-Length')).toBe(String(css.length));
    expect(response.text()).toBe('');
  });

  it('answers 304 to If-None-Match and If-Modified-Since, and 412 to failed If-Match', async () => {
    const { headers } = await client.get('/notes.txt');
    const etag = headers.get('ETag')!;
    const byTag = await client.get('/notes.txt', { headers: { 'If-None-Match': `"other", ${etag}` } });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('ETag')).toBe(etag);
    expect(byTag.headers.has('Content-Type')).toBe(false);
    expect((await client.get('/notes.txt', { headers: { 'If-None-Match': `W/${etag}` } })).status).toBe(304);
    expect((await client.get('/notes.txt', { headers: { 'If-Modified-Since': 'Thu, 02 Jan 2025 03:04:05 GMT' } })).status).toBe(304);
    expect((await client.get('/notes.txt', { headers: { 'If-Modified-Since': 'Wed, 01 Jan 2025 00:00:00 GMT' } })).status).toBe(200);
    expect((await client.get('/notes.txt', { headers: { 'If-Modified-Since': 'garbage' } })).status).toBe(200);
    expect((await client.get('/notes.txt', { headers: { 'If-Match': '"nope"' } })).status).toBe(412);
    expect((await client.get('/notes.txt', { headers: { 'If-Match': etag } })).status).toBe(200);
  });

  it('refuses traversal, NUL, dotfiles and symlinks out of the root', async () => {
    expect((await client.get('/../outside.txt')).status).toBe(400);
    expect((await client.get('/css/%2e%2e/%2e%2e/outside.txt')).status).toBe(400);
    expect((await client.get('/notes.txt%00.png')).status).toBe(400);
    expect((await client.get('/css%5c..%5cnotes.txt')).status).toBe(400);
    expect((await client.get('/.env')).status).toBe(404);
    expect((await client.get('/escape.txt')).status).toBe(404);
    expect((await client.get('/alias.txt')).text()).toBe('héllo\n'); // a symlink inside the root is fine
    expect((await new TestClient(staticFiles(root, { dotfiles: 'allow' })).get('/.env')).status).toBe(200);
  });

  it('maps directories to their index, with a redirect to the slash form', async () => {
    const redirect = await client.get('/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('Location')).toBe('docs/');
    expect((await client.get('/docs/')).text()).toBe('<h1>Docs</h1>\n');
    expect((await client.get('/empty/')).status).toBe(404);
    expect((await new TestClient(staticFiles(root, { index: [] })).get('/docs/')).status).toBe(404);
    const mounted = new TestClient(urlMap({ '/static': staticFiles(root) }));
    expect((await mounted.get('/static')).headers.get('Location')).toBe('/static/');
  });

  it('answers 404 for missing files whatever the method, 405 with Allow for others', async () => {
    expect((await client.get('/missing.css')).status).toBe(404);
    expect((await client.post('/missing.css', { body: 'x' })).status).toBe(404);
    const post = await client.post('/notes.txt', { body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('Allow')).toBe('GET, HEAD');
  });

  it('serves single ranges, 416 past the end, and the whole file for several ranges', async () => {
    const partial = await client.get('/data.bin', { headers: { Range: 'bytes=10-19' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('Content-Range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(partial.bytes())).toEqual(bytes.subarray(10, 20));
    const suffix = await client.get('/data.bin', { headers: { Range: 'bytes=-5' } });
    expect(Buffer.from(suffix.bytes())).toEqual(bytes.subarray(995));
    const past = await client.get('/data.bin', { headers: { Range: 'bytes=5000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('Content-Range')).toBe('bytes */1000');
    const several = await client.get('/data.bin', { headers: { Range: 'bytes=0-1,5-9' } });
    expect(several.status).toBe(200);
    expect(several.bytes().length).toBe(1000);
    expect((await client.get('/data.bin', { headers: { Range: 'lines=1-2' } })).status).toBe(200);
    const stale = await client.get('/data.bin', { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it('answers 404 and logs while the directory does not exist', async () => {
    const response = await new TestClient(staticFiles(join(base, 'not-yet'))).get('/a.txt');
    expect(response.status).toBe(404);
    expect(response.errors).toContain('cannot be opened');
  });

  it('parses Range headers', () => {
    expect(parseRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=9-5', 10)).toBe('ignore');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=abc', 10)).toBe('ignore');
  });

  describe('over a real server', () => {
    it('answers curl range requests', async () => {
      const { url } = await serve(staticFiles(root));
      const ranged = await curl(['-i', '-r', '0-4', `${url}css/site.css`], 'latin1');
      const response = parseCurl(ranged.stdout);
      expect(response.status).toBe(206);
      expect(response.headers['content-range']).toBe(`bytes 0-4/${css.length}`);
      expect(response.body).toBe('body ');
      const unsatisfiable = parseCurl((await curl(['-i', '-r', '99999-', `${url}css/site.css`])).stdout);
      expect(unsatisfiable.status).toBe(416);
      const full = await curl([`${url}css/site.css`]);
      expect(full.stdout).toBe(css);
      const traversal = parseCurl((await curl(['-i', '--path-as-is', `${url}../../etc/passwd`])).stdout);
      expect(traversal.status).toBe(400);
    });

    it('is compressed by compress, except for ranges, and revalidates with the weak ETag', async () => {
      const { url } = await serve(compress(staticFiles(root)));
      const compressed = parseCurl((await curl(['-i', '--compressed', `${url}css/site.css`])).stdout);
      expect(compressed.headers['content-encoding']).toBe('br');
      expect(compressed.body).toBe(css);
      const etag = compressed.headers.etag!;
      expect(etag.startsWith('W/"')).toBe(true);
      const revalidated = parseCurl((await curl(['-i', '--compressed', '-H', `If-None-Match: ${etag}`, `${url}css/site.css`])).stdout);
      expect(revalidated.status).toBe(304);
      const ranged = parseCurl((await curl(['-i', '--compressed', '-r', '0-4', `${url}css/site.css`])).stdout);
      expect(ranged.status).toBe(206);
      expect(ranged.headers['content-encoding']).toBeUndefined();
    });

    it('closes the file when the client goes away', async () => {
      const big = join(realpathSync(root), 'big.bin');
      writeFileSync(big, Buffer.alloc(8 * 1024 * 1024, 1));
      const { url } = await serve(staticFiles(root));
      const controller = new AbortController();
      expect(openDescriptors(big)).toBe(0);
      const response = await fetch(`${url}big.bin`, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      expect(openDescriptors(big)).toBe(1); // mid-stream, the server holds the file open
      controller.abort();
      await reader.closed.catch(() => undefined);
      await waitFor(() => openDescriptors(big) === 0, 'the file to be closed');
      rmSync(big);
      expect((await curl([`${url}notes.txt`])).stdout).toBe('héllo\n');
    });
  });
});
