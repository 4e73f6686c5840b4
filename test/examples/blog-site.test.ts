import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../src/testing/index.js';
import { atomProblems, parseStrict, tempDir } from './blog-support.js';

const { dir, remove } = tempDir('site');
afterAll(remove);

describe('blog: mounted at /blog by npm start', () => {
  it('serves the same blog below /blog, with /blog in every link', async () => {
    // Set before the blog module is first imported (each test file gets its
    // own modules), so this test writes only to its temp directory.
    process.env.BLOG_DIR = dir;
    // The site also mounts the session example, which warns without a secret.
    process.env.SESSION_SECRET ??= 'blog-site-test-secret-of-32-characters';
    const { site } = await import('../../examples/site.js');
    const client = new TestClient(site, { baseUrl: 'http://site.test' });
    expect((await client.get('/')).text()).toContain('<a href="/blog/">blog</a>');
    expect((await client.put('/blog/mounted', { body: 'under a prefix' })).status).toBe(201);
    expect(readFileSync(join(dir, 'mounted.txt'), 'utf8')).toBe('under a prefix');
    const feed = parseStrict((await client.get('/blog/?type=atom')).text());
    expect(atomProblems(feed)).toEqual([]);
    const hrefs = Array.from(feed.getElementsByTagName('link')).map((l) => l.getAttribute('href'));
    expect(hrefs).toEqual(expect.arrayContaining(['http://site.test/blog/?type=atom', 'http://site.test/blog/', 'http://site.test/blog/mounted']));
    expect((await client.get('/blog')).status).toBe(200);
    expect((await client.delete('/blog/mounted')).status).toBe(204);
  });
});
