import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import {
  atomProblems,
  curlHeader,
  curlStatus,
  parseStrict,
  rawHttp,
  runCurl,
  startBlogProcess,
  tempDir,
  type BlogProcess,
} from './blog-support.js';

// These run the built example; `npm test` builds first (pretest), and
// `npx tsc -p tsconfig.build.json` does it by hand.
describe('blog example as a process (npm run example:blog)', () => {
  let blog: BlogProcess;
  let parent: { dir: string; remove: () => void };
  let blogDir: string;
  const canary = 'CANARY: outside the blog directory';

  beforeAll(async () => {
    parent = tempDir('process');
    blogDir = join(parent.dir, 'entries');
    mkdirSync(blogDir);
    // A file just outside the blog directory, named like an entry would be.
    writeFileSync(join(parent.dir, 'canary.txt'), canary);
    mkdirSync(join(parent.dir, 'sibling'));
    writeFileSync(join(parent.dir, 'sibling', 'secret.txt'), canary);
    blog = await startBlogProcess(blogDir);
  });

  afterAll(async () => {
    const code = await blog?.stop();
    parent?.remove();
    expect(code).toBe(0);
  });

  it("runs the article's curl session verbatim", async () => {
    const put = await runCurl(['-v', '-X', 'PUT', `${blog.url}/test1`, '-d', '@-'], 'My first entry, from stdin.\n');
    expect(curlStatus(put.stderr)).toBe(201);
    expect(put.stdout).toContain('My first entry, from stdin.');
    const again = await runCurl(['-v', '-X', 'PUT', `${blog.url}/test1`, '-d', '@-'], 'My first entry, edited.\n');
    expect(curlStatus(again.stderr)).toBe(200);

    const list = await runCurl(['-v', `${blog.url}/`]);
    expect(curlStatus(list.stderr)).toBe(200);
    expect(list.stdout).toContain(`${blog.url}/test1`);
    expect(list.stdout).toContain('My first entry, edited.');

    const types = { xml: 'application/xml; charset=utf-8', xhtml: 'application/xhtml+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8' };
    for (const [type, contentType] of Object.entries(types)) {
      const typed = await runCurl(['-v', `${blog.url}/?type=${type}`]);
      expect(curlStatus(typed.stderr), type).toBe(200);
      expect(curlHeader(typed.stderr, 'Content-Type'), type).toBe(contentType);
      const doc = parseStrict(typed.stdout);
      expect(doc.documentElement!.textContent).toContain('My first entry, edited.');
      if (type === 'atom') expect(atomProblems(doc)).toEqual([]);
    }

    const deleted = await runCurl(['-v', '-X', 'DELETE', `${blog.url}/test1`]);
    expect(curlStatus(deleted.stderr)).toBe(204);
    const gone = await runCurl(['-v', `${blog.url}/test1`]);
    expect(curlStatus(gone.stderr)).toBe(404);
    expect(gone.stdout).toBe('test1 not found\n');
  });

  it('accepts a chunked PUT from curl', async () => {
    const result = await runCurl(['-v', '-X', 'PUT', '-H', 'Transfer-Encoding: chunked', '--data-binary', '@-', `${blog.url}/chunked-entry`], 'chunked body\n');
    expect(curlStatus(result.stderr)).toBe(201);
    expect(readFileSync(join(blogDir, 'chunked-entry.txt'), 'utf8')).toBe('chunked body\n');
  });

  const traversals = [
    '../canary',
    '..%2fcanary',
    '%2e%2e/canary',
    '%2e%2e%2fcanary',
    '%2E%2E%2Fcanary',
    '.%2e/canary',
    '%2e./canary',
    '..%5ccanary',
    '%2e%2e%5ccanary',
    '..%252fcanary',
    '%252e%252e%252fcanary',
    '%c0%ae%c0%ae/canary',
    '..%c0%afcanary',
    'x/../../canary',
    'x/..%2f..%2fcanary',
    '../sibling/secret',
    '..%2fsibling%2fsecret',
    '..',
    '%2e%2e',
    '.',
    '%2e',
    '.canary',
    'canary%00',
    '..%00',
  ];

  it('refuses every encoding of ../ over a raw socket, for GET, PUT and DELETE', async () => {
    for (const target of traversals) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const body = method === 'PUT' ? 'overwritten' : '';
        const request = `${method} /${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        const { status, text } = await rawHttp(blog.port, request);
        expect(status, `${method} /${target}`).toBe(400);
        expect(text).not.toContain('CANARY');
      }
    }
    // A raw backslash is not even a valid request target.
    expect((await rawHttp(blog.port, 'GET /..\\canary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(400);
    expect(readFileSync(join(parent.dir, 'canary.txt'), 'utf8')).toBe(canary);
    expect(readFileSync(join(parent.dir, 'sibling', 'secret.txt'), 'utf8')).toBe(canary);
    expect(readdirSync(parent.dir).sort()).toEqual(['canary.txt', 'entries', 'sibling']);
    expect(readdirSync(join(parent.dir, 'sibling'))).toEqual(['secret.txt']);
  });

  it('refuses them through curl --path-as-is too', async () => {
    for (const target of ['../canary', '..%2fcanary', '%2e%2e/canary', '%2e%2e%2fcanary', '..%5ccanary', '%252e%252e%252fcanary', 'x/../../canary', '..']) {
      const put = await runCurl(['-v', '--path-as-is', '-X', 'PUT', '--data-binary', 'overwritten', `${blog.url}/${target}`]);
      expect(curlStatus(put.stderr), `${target}: ${put.stderr.slice(-400)}`).toBe(400);
      const get = await runCurl(['-v', '--path-as-is', `${blog.url}/${target}`]);
      expect(curlStatus(get.stderr), `${target}: ${get.stderr.slice(-400)}`).toBe(400);
      expect(get.stdout).not.toContain('CANARY');
    }
    expect(readFileSync(join(parent.dir, 'canary.txt'), 'utf8')).toBe(canary);
    expect(readdirSync(parent.dir).sort()).toEqual(['canary.txt', 'entries', 'sibling']);
  });

  it('keeps all of 50 concurrent PUTs', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `concurrent-${i}`);
    const responses = await Promise.all(names.map((name) => fetch(`${blog.url}/${name}`, { method: 'PUT', body: `text of ${name}` })));
    expect(responses.map((r) => r.status)).toEqual(names.map(() => 201));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    for (const name of names) expect(readFileSync(join(blogDir, `${name}.txt`), 'utf8')).toBe(`text of ${name}`);
    const listed = parseStrict(await (await fetch(`${blog.url}/?type=xml&limit=100`)).text());
    const listedNames = Array.from(listed.getElementsByTagName('name')).map((n) => n.textContent);
    for (const name of names) expect(listedNames).toContain(name);
    expect(readdirSync(blogDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });

  it('answers a conditional GET with 304 and a stale conditional PUT with 412', async () => {
    const created = await fetch(`${blog.url}/conditional`, { method: 'PUT', body: 'v1' });
    expect(created.status).toBe(201);
    const etag = created.headers.get('ETag')!;
    await created.arrayBuffer();
    const feed = await fetch(`${blog.url}/?type=atom`);
    const feedTag = feed.headers.get('ETag')!;
    await feed.arrayBuffer();
    const notModified = await runCurl(['-v', '-H', `If-None-Match: ${feedTag}`, `${blog.url}/?type=atom`]);
    expect(curlStatus(notModified.stderr), notModified.stderr.slice(-600)).toBe(304);
    expect(notModified.stdout).toBe('');
    const sinceFeed = await runCurl(['-v', '-H', `If-Modified-Since: ${feed.headers.get('Last-Modified')}`, `${blog.url}/?type=atom`]);
    expect(curlStatus(sinceFeed.stderr), sinceFeed.stderr.slice(-600)).toBe(304);
    const entryNotModified = await runCurl(['-v', '-H', `If-None-Match: ${etag}`, `${blog.url}/conditional`]);
    expect(curlStatus(entryNotModified.stderr), entryNotModified.stderr.slice(-600)).toBe(304);
    const editA = await runCurl(['-v', '-X', 'PUT', '-H', `If-Match: ${etag}`, '--data-binary', 'edit A', `${blog.url}/conditional`]);
    expect(curlStatus(editA.stderr), editA.stderr.slice(-600)).toBe(200);
    const editB = await runCurl(['-v', '-X', 'PUT', '-H', `If-Match: ${etag}`, '--data-binary', 'edit B', `${blog.url}/conditional`]);
    expect(curlStatus(editB.stderr), editB.stderr.slice(-600)).toBe(412);
    expect(readFileSync(join(blogDir, 'conditional.txt'), 'utf8')).toBe('edit A');
    const createOnly = await runCurl(['-v', '-X', 'PUT', '-H', 'If-None-Match: *', '--data-binary', 'edit C', `${blog.url}/conditional`]);
    expect(curlStatus(createOnly.stderr)).toBe(412);
  });

  it.runIf(chromiumAvailable())('opens in Chromium: the list links to an entry that shows its text', async () => {
    for (const [name, text] of [
      ['browser-one', 'Text of the first browser entry'],
      ['browser+two', 'Text of the second <em>browser</em> entry & more'],
    ]) {
      const response = await fetch(`${blog.url}/${name}`, { method: 'PUT', body: text });
      expect(response.status).toBe(201);
      await response.arrayBuffer();
    }
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage();
      const list = await page.goto(`${blog.url}/`);
      expect(list?.headers()['content-type']).toBe('application/xhtml+xml; charset=utf-8');
      expect(await page.title()).toBe('tsgi blog');
      const link = page.locator('a.entry-link', { hasText: 'browser two' });
      await Promise.all([page.waitForURL(`${blog.url}/browser-two`), link.click()]);
      expect(await page.textContent('h1')).toBe('browser two');
      expect(await page.textContent('div.text')).toBe('Text of the second <em>browser</em> entry & more');
      expect(await page.locator('em').count()).toBe(0);
    } finally {
      await close();
    }
  });
});
