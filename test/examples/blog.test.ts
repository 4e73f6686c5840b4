import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { TestClient } from '../../src/testing/index.js';
import { cleanUpAfterAll, makeBlog } from './blog-fixture.js';
import { ATOM, atomProblems, children, parseStrict, XHTML } from './blog-support.js';

cleanUpAfterAll();

describe('blog: the issue table', () => {
  let blog: ReturnType<typeof makeBlog>;
  beforeEach(() => {
    blog = makeBlog();
  });

  it('PUT creates with 201 and the rendered entry, then updates with 200; GET shows it; DELETE 204 then 404', async () => {
    const { client, dir } = blog;
    const created = await client.put('/test1', { body: 'first text' });
    expect(created.status).toBe(201);
    expect(created.headers.get('Location')).toBe('http://blog.test/test1');
    expect(created.headers.get('Content-Type')).toBe('application/xhtml+xml; charset=utf-8');
    expect(created.text()).toContain('first text');
    expect(readFileSync(join(dir, 'test1.txt'), 'utf8')).toBe('first text');
    const updated = await client.put('/test1', { body: 'second text' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('Location')).toBeUndefined();
    expect((await client.get('/test1')).text()).toContain('second text');
    const list = await client.get('/');
    expect(list.status).toBe(200);
    expect(list.text()).toContain('http://blog.test/test1');
    const deleted = await client.delete('/test1');
    expect(deleted.status).toBe(204);
    expect(deleted.bytes().length).toBe(0);
    expect(existsSync(join(dir, 'test1.txt'))).toBe(false);
    const gone = await client.get('/test1');
    expect(gone.status).toBe(404);
    expect(gone.text()).toBe('test1 not found\n');
    expect((await client.delete('/test1')).status).toBe(404);
  });

  it('PUT / is 400 Missing path name; PUT without a body is 411 Missing content', async () => {
    const { client } = blog;
    for (const path of ['/', '']) {
      const response = await client.request('PUT', path === '' ? '/' : path, { body: 'x' });
      expect(response.status).toBe(400);
      expect(response.text()).toBe('Missing path name\n');
    }
    expect((await client.put('/x')).status).toBe(411);
    expect((await client.put('/x')).text()).toBe('Missing content\n');
    expect((await client.put('/x', { body: '' })).status).toBe(411);
    expect((await client.put('/x', { body: '', chunked: true })).status).toBe(411);
    expect(readdirSync(blog.dir).filter((f) => f.endsWith('.txt'))).toEqual([]);
  });

  it('accepts a chunked PUT', async () => {
    const response = await blog.client.put('/chunky', { body: 'sent in chunks', chunked: true });
    expect(response.status).toBe(201);
    expect(readFileSync(join(blog.dir, 'chunky.txt'), 'utf8')).toBe('sent in chunks');
  });

  it('refuses bodies that are too large, not UTF-8, or hold control characters, and stores nothing', async () => {
    const { client, dir } = blog;
    expect((await client.put('/big', { body: 'x'.repeat(1024 * 1024 + 1) })).status).toBe(413);
    const latin1 = await client.put('/latin', { body: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) });
    expect(latin1.status).toBe(400);
    expect(latin1.text()).toContain('UTF-8');
    expect((await client.put('/ctl', { body: 'bell\u0007' })).status).toBe(400);
    expect(readdirSync(dir).filter((f) => f.endsWith('.txt'))).toEqual([]);
  });

  it('answers HEAD like GET without a body, and 405 with Allow for other methods', async () => {
    await blog.client.put('/h', { body: 'x' });
    const head = await blog.client.head('/h');
    expect(head.status).toBe(200);
    expect(head.bytes().length).toBe(0);
    const post = await blog.client.post('/h', { body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('Allow')).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
  });
});

describe('blog: names', () => {
  const blog = makeBlog();

  it('stores + as - in the file name and shows - as spaces in the title', async () => {
    const response = await blog.client.put('/my+first-entry', { body: 'hello' });
    expect(response.status).toBe(201);
    expect(existsSync(join(blog.dir, 'my-first-entry.txt'))).toBe(true);
    const doc = parseStrict(response.text());
    expect(doc.getElementsByTagName('h1')[0]!.textContent).toBe('my first entry');
    expect((await blog.client.get('/my-first-entry')).status).toBe(200);
    expect((await blog.client.put('/my-first-entry', { body: 'again' })).status).toBe(200);
    expect(response.headers.get('Location')).toBe('http://blog.test/my-first-entry');
  });

  it('accepts letters of any script, digits and - _ . ~', async () => {
    for (const name of ['caf%C3%A9', 'v1.2_final~draft', '%E6%97%A5%E8%A8%98']) {
      expect((await blog.client.put(`/${name}`, { body: 'ok' })).status, name).toBe(201);
    }
    expect(existsSync(join(blog.dir, 'café.txt'))).toBe(true);
  });

  it('refuses unsafe names with 400 and touches nothing outside the directory', async () => {
    const cases: Array<[string, string]> = [
      ['/a%2Fb', "'/'"],
      ['/..%2F..%2Fescape', "'/'"],
      ['/a%5Cb', "'\\'"],
      ['/..', "'..'"],
      ['/a..b', "'..'"],
      ['/.hidden', "starts with '.'"],
      ['/%00', 'NUL'],
      [`/${'a'.repeat(201)}`, 'longer than 200 bytes'],
      [`/${'%C3%A9'.repeat(101)}`, 'longer than 200 bytes'],
      ['/a%20b', '" " is not allowed'],
      ['/a%3Cb', '"<" is not allowed'],
      ['/%252e%252e%252f', '"%" is not allowed'],
      ['/a:b', '":" is not allowed'],
    ];
    for (const [path, reason] of cases) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await blog.client.request(method, path, method === 'PUT' ? { body: 'x' } : {});
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(response.text(), `${method} ${path}`).toContain(reason);
      }
    }
    expect((await blog.client.get(`/${'a'.repeat(200)}`)).status).toBe(404);
  });
});

describe('blog: output types', () => {
  const blog = makeBlog();
  const { client } = blog;

  it('serves xhtml, xml and atom by ?type=, each well-formed, with charset', async () => {
    await client.put('/first', { body: 'one <b>&amp;</b> "two"' });
    const expected = {
      xhtml: 'application/xhtml+xml; charset=utf-8',
      xml: 'application/xml; charset=utf-8',
      atom: 'application/atom+xml; charset=utf-8',
    };
    for (const [type, contentType] of Object.entries(expected)) {
      for (const path of [`/?type=${type}`, `/first?type=${type}`]) {
        const response = await client.get(path);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('Content-Type'), path).toBe(contentType);
        expect(response.headers.get('Vary')).toContain('Accept');
        const doc = parseStrict(response.text());
        expect(doc.documentElement!.textContent).toContain('one <b>&amp;</b> "two"');
      }
    }
    const xhtml = parseStrict((await client.get('/')).text());
    expect(xhtml.documentElement!.namespaceURI).toBe(XHTML);
    expect((await client.get('/')).text()).toMatch(/^<!DOCTYPE html>/);
    expect((await client.get('/?type=xml')).text()).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/);
  });

  it('negotiates Accept when there is no type, and prefers application/xhtml+xml for browsers', async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'application/xhtml+xml; charset=utf-8'],
      ['*/*', 'application/xhtml+xml; charset=utf-8'],
      ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/xhtml+xml; charset=utf-8'],
      ['text/html', 'text/html; charset=utf-8'],
      ['application/atom+xml', 'application/atom+xml; charset=utf-8'],
      ['application/xml', 'application/xml; charset=utf-8'],
      ['text/xml', 'application/xml; charset=utf-8'],
      ['application/atom+xml;q=0.5, application/xml', 'application/xml; charset=utf-8'],
    ];
    for (const [accept, contentType] of cases) {
      const response = await client.get('/', accept === undefined ? {} : { headers: { Accept: accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers.get('Content-Type'), accept).toBe(contentType);
    }
  });

  it('answers an unknown type with 400 and an unacceptable Accept with 406, listing the valid types', async () => {
    for (const path of ['/?type=json', '/first?type=html', '/?type=xml&type=atom']) {
      const response = await client.get(path);
      expect(response.status, path).toBe(400);
      expect(response.text()).toContain('?type=xhtml, ?type=xml, ?type=atom');
    }
    const refused = await client.get('/', { headers: { Accept: 'application/json' } });
    expect(refused.status).toBe(406);
    expect(refused.text()).toContain('?type=xhtml, ?type=xml, ?type=atom');
    const put = await client.put('/not-written?type=json', { body: 'x' });
    expect(put.status).toBe(400);
    expect(existsSync(join(blog.dir, 'not-written.txt'))).toBe(false);
  });

  it('builds every link from scheme, Host and SCRIPT_NAME', async () => {
    const mounted = makeBlog({ baseUrl: 'https://example.org:8443', scriptName: '/blog' });
    await mounted.client.put('/linked', { body: 'x' });
    const feed = parseStrict((await mounted.client.get('/?type=atom')).text());
    const hrefs = Array.from(feed.getElementsByTagName('link')).map((l) => l.getAttribute('href'));
    expect(hrefs).toContain('https://example.org:8443/blog/?type=atom');
    expect(hrefs).toContain('https://example.org:8443/blog/');
    expect(hrefs).toContain('https://example.org:8443/blog/linked');
    const proxied = await mounted.client.get('/linked', { headers: { Host: 'public.example' } });
    expect(proxied.text()).toContain('href="https://public.example/blog/linked"');
    const noHost = await mounted.client.get('/linked?type=xml', { environ: { HTTP_HOST: undefined, SERVER_NAME: 'internal', SERVER_PORT: '8080' } });
    expect(noHost.text()).toContain('href="https://internal:8080/blog/linked?type=xml"');
    const container = await mounted.client.get('/linked?type=xml', { headers: { Host: 'blog_app:8080' } });
    expect(container.text()).toContain('href="https://blog_app:8080/blog/linked?type=xml"');
    const ipv6 = await mounted.client.get('/linked?type=xml', { headers: { Host: '[::1]:8443' } });
    expect(ipv6.text()).toContain('href="https://[::1]:8443/blog/linked?type=xml"');
    for (const host of ['evil.example/"><script>', 'a b', 'x@y', 'h:port']) {
      const badHost = await mounted.laxClient.get('/linked', { headers: { Host: host } });
      expect(badHost.status, host).toBe(400);
    }
  });
});

describe('blog: Atom', () => {
  const blog = makeBlog();

  it('is a valid RFC 4287 feed and entry document, with absolute links and stable ids', async () => {
    const { client } = blog;
    await client.put('/alpha', { body: 'Alpha text' });
    await client.put('/beta', { body: 'Beta text' });
    const feedText = (await client.get('/?type=atom')).text();
    const feed = parseStrict(feedText);
    expect(atomProblems(feed)).toEqual([]);
    expect(feedText).not.toContain(' id="');
    const entries = children(feed.documentElement!, ATOM, 'entry');
    expect(entries.length).toBe(2);
    const entryDoc = parseStrict((await client.get('/alpha?type=atom')).text());
    expect(atomProblems(entryDoc)).toEqual([]);

    const idOf = (doc: ReturnType<typeof parseStrict>, title: string) => {
      const entry = doc.documentElement!.localName === 'entry' ? doc.documentElement! : children(doc.documentElement!, ATOM, 'entry').find((e) => children(e, ATOM, 'title')[0]!.textContent === title)!;
      return children(entry, ATOM, 'id')[0]!.textContent;
    };
    const alphaId = idOf(feed, 'alpha');
    expect(idOf(entryDoc, 'alpha')).toBe(alphaId);
    expect(idOf(feed, 'beta')).not.toBe(alphaId);
    // Edits, another host, another mount point and a restart keep the ids.
    await client.put('/alpha', { body: 'Alpha edited' });
    const moved = new TestClient(blogHandler({ store: new FileEntryStore(blog.dir, { watch: false }) }), {
      baseUrl: 'https://elsewhere.example',
      environ: { SCRIPT_NAME: '/x' },
    });
    const movedFeed = parseStrict((await moved.get('/?type=atom')).text());
    expect(idOf(movedFeed, 'alpha')).toBe(alphaId);
    expect(children(movedFeed.documentElement!, ATOM, 'id')[0]!.textContent).toBe(children(feed.documentElement!, ATOM, 'id')[0]!.textContent);
    // Another blog gives the same name another id.
    const other = makeBlog();
    await other.client.put('/alpha', { body: 'x' });
    expect(idOf(parseStrict((await other.client.get('/alpha?type=atom')).text()), 'alpha')).not.toBe(alphaId);
  });

  it('shows the newest 20, newest first, and pages with limit and offset', async () => {
    const paged = makeBlog();
    for (let i = 0; i < 25; i++) {
      writeFileSync(join(paged.dir, `e${i}.txt`), `text ${i}`);
      utimesSync(join(paged.dir, `e${i}.txt`), 1_700_000_000 + i, 1_700_000_000 + i);
    }
    const feed = parseStrict((await paged.client.get('/?type=atom')).text());
    const titles = children(feed.documentElement!, ATOM, 'entry').map((e) => children(e, ATOM, 'title')[0]!.textContent);
    expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `e${24 - i}`));
    const next = children(feed.documentElement!, ATOM, 'link').find((l) => l.getAttribute('rel') === 'next');
    expect(next?.getAttribute('href')).toBe('http://blog.test/?type=atom&offset=20&limit=20');
    const xml = parseStrict((await paged.client.get('/?type=xml&offset=20&limit=10')).text());
    expect(xml.documentElement!.getAttribute('total')).toBe('25');
    expect(Array.from(xml.getElementsByTagName('name')).map((n) => n.textContent)).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
    expect(parseStrict((await paged.client.get('/?offset=100')).text()).getElementsByTagName('li').length).toBe(0);
    for (const bad of ['limit=0', 'limit=101', 'limit=-1', 'limit=x', 'offset=-1', 'offset=1.5', 'offset=', 'limit=1&limit=2']) {
      const response = await paged.client.get(`/?${bad}`);
      expect(response.status, bad).toBe(400);
    }
  });
});

describe('blog: conditional requests', () => {
  const blog = makeBlog();
  const { client } = blog;

  it('answers If-None-Match and If-Modified-Since with 304 on entries and lists', async () => {
    await client.put('/cond', { body: 'v1' });
    for (const path of ['/cond', '/', '/?type=atom', '/cond?type=xml']) {
      const first = await client.get(path);
      const etag = first.headers.get('ETag')!;
      const lastModified = first.headers.get('Last-Modified')!;
      expect(etag, path).toMatch(/^(W\/)?"[^"]+"$/);
      expect(new Date(lastModified).getTime()).not.toBeNaN();
      const byTag = await client.get(path, { headers: { 'If-None-Match': etag } });
      expect(byTag.status, path).toBe(304);
      expect(byTag.bytes().length).toBe(0);
      expect(byTag.headers.get('ETag')).toBe(etag);
      expect((await client.get(path, { headers: { 'If-None-Match': `"other", ${etag}` } })).status).toBe(304);
      expect((await client.get(path, { headers: { 'If-Modified-Since': lastModified } })).status, path).toBe(304);
      expect((await client.get(path, { headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': lastModified } })).status).toBe(200);
      expect((await client.get(path, { headers: { 'If-Modified-Since': new Date(Date.parse(lastModified) - 1000).toUTCString() } })).status).toBe(200);
    }
    const xhtmlTag = (await client.get('/cond')).headers.get('ETag')!;
    expect((await client.get('/cond?type=xml')).headers.get('ETag')).not.toBe(xhtmlTag);
    // Another output type's tag does not make the xml copy current.
    expect((await client.get('/cond?type=xml', { headers: { 'If-None-Match': xhtmlTag } })).status).toBe(200);
  });

  it('changes the list validators when an entry is added, changed or deleted', async () => {
    const before = (await client.get('/')).headers.get('ETag')!;
    await client.put('/another', { body: 'x' });
    const added = (await client.get('/')).headers.get('ETag')!;
    expect(added).not.toBe(before);
    expect((await client.get('/', { headers: { 'If-None-Match': before } })).status).toBe(200);
    await client.delete('/another');
    const removed = await client.get('/', { headers: { 'If-None-Match': added } });
    expect(removed.status).toBe(200);
  });

  it('refuses a PUT or DELETE whose If-Match no longer matches with 412, and keeps the entry', async () => {
    const created = await client.put('/guarded', { body: 'original' });
    const etag = created.headers.get('ETag')!;
    const byEditorA = await client.put('/guarded', { body: 'edit A', headers: { 'If-Match': etag } });
    expect(byEditorA.status).toBe(200);
    const byEditorB = await client.put('/guarded', { body: 'edit B', headers: { 'If-Match': etag } });
    expect(byEditorB.status).toBe(412);
    expect(byEditorB.text()).toContain('Precondition failed');
    expect(readFileSync(join(blog.dir, 'guarded.txt'), 'utf8')).toBe('edit A');
    expect((await client.delete('/guarded', { headers: { 'If-Match': etag } })).status).toBe(412);
    // A tag from any output type of the current version will do.
    const xmlTag = (await client.get('/guarded?type=xml')).headers.get('ETag')!;
    expect((await client.put('/guarded', { body: 'edit C', headers: { 'If-Match': xmlTag } })).status).toBe(200);
    expect((await client.put('/guarded', { body: 'edit D', headers: { 'If-Match': `W/${xmlTag}` } })).status).toBe(412);
    expect((await client.put('/nobody', { body: 'x', headers: { 'If-Match': '*' } })).status).toBe(412);
    expect(existsSync(join(blog.dir, 'nobody.txt'))).toBe(false);
    const current = (await client.get('/guarded')).headers.get('ETag')!;
    expect((await client.delete('/guarded', { headers: { 'If-Match': current } })).status).toBe(204);
    // Gone now: a DELETE whose If-Match names it fails its precondition;
    // one without a precondition is simply not found.
    expect((await client.delete('/guarded', { headers: { 'If-Match': current } })).status).toBe(412);
    expect((await client.delete('/guarded')).status).toBe(404);
  });

  it('refuses If-None-Match: * on a PUT to an existing entry with 412, and creates with it otherwise', async () => {
    expect((await client.put('/once', { body: 'first', headers: { 'If-None-Match': '*' } })).status).toBe(201);
    const second = await client.put('/once', { body: 'second', headers: { 'If-None-Match': '*' } });
    expect(second.status).toBe(412);
    expect(readFileSync(join(blog.dir, 'once.txt'), 'utf8')).toBe('first');
  });

  it('refuses a PUT with If-Unmodified-Since older than the entry', async () => {
    await client.put('/ius', { body: 'x' });
    utimesSync(join(blog.dir, 'ius.txt'), 1_800_000_000, 1_800_000_000);
    const old = new Date(1_700_000_000_000).toUTCString();
    expect((await client.put('/ius', { body: 'y', headers: { 'If-Unmodified-Since': old } })).status).toBe(412);
  });
});
