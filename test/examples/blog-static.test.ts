import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blogApp, blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { makeServer } from '../../src/server/index.js';
import { TestClient } from '../../src/testing/index.js';
import { tempDir } from './blog-support.js';

const stylesheet = readFileSync(new URL('../../examples/blog/static/blog.css', import.meta.url), 'utf8');

function blogClient() {
  const { dir, remove } = tempDir('static');
  const store = new FileEntryStore(dir, { watch: false });
  const app = blogApp(blogHandler({ store, title: 'Styled blog', author: 'Ann Author' }));
  return { app, close: () => { store.close(); remove(); } };
}

describe('the blog stylesheet, served by staticFiles', () => {
  it('is linked from the xhtml pages by an absolute URL under the mount point', async () => {
    const { app, close } = blogClient();
    try {
      const client = new TestClient(app, { baseUrl: 'http://blog.test', environ: { SCRIPT_NAME: '/blog' } });
      expect((await client.put('/first', { body: 'Hello' })).status).toBe(201);
      const list = await client.get('/');
      expect(list.text()).toContain('rel="stylesheet" type="text/css" href="http://blog.test/blog/_static/blog.css"');
      const entry = await client.get('/first');
      expect(entry.text()).toContain('href="http://blog.test/blog/_static/blog.css"');
    } finally {
      close();
    }
  });

  it('answers with text/css, validators and 304 over a real socket', async () => {
    const { app, close } = blogClient();
    const server = makeServer('127.0.0.1', 0, app, { log: null });
    await server.listen();
    try {
      const response = await fetch(new URL('/_static/blog.css', server.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await response.text()).toBe(stylesheet);
      const etag = response.headers.get('etag');
      expect(etag).toBeTruthy();
      const again = await fetch(new URL('/_static/blog.css', server.url), { headers: { 'If-None-Match': etag! } });
      expect(again.status).toBe(304);
      expect((await fetch(new URL('/_static/missing.css', server.url))).status).toBe(404);
      expect((await fetch(new URL('/_static/..%2fapp.ts', server.url))).status).toBeGreaterThanOrEqual(400);
    } finally {
      await server.close();
      close();
    }
  });

  it('keeps names starting with "_" for itself: a PUT of one is refused with 400 and nothing is written', async () => {
    const { app, close } = blogClient();
    try {
      const client = new TestClient(app);
      const refused = await client.put('/_draft', { body: 'shadow' });
      expect(refused.status).toBe(400);
      expect(refused.text()).toContain("starts with '_'");
      const list = await client.get('/?type=xml');
      expect(list.text()).not.toContain('_draft');
    } finally {
      close();
    }
  });
});
