import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { site } from '../../examples/site.js';
import { UploadHandler } from '../../examples/upload/app.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { TestClient } from '../../src/testing/index.js';
import { MULTIPART_TYPE, multipartBody, type PartSpec } from '../body/helpers.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

const run = promisify(execFile);

let dir: string;

class TestUploads extends UploadHandler {
  static override get uploadDir(): string {
    return dir;
  }
  static override limits = { files: 1, fileSize: 64 * 1024, fields: 3, fieldSize: 256 };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsgi-upload-example-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function upload(client: TestClient, parts: PartSpec[]) {
  return client.post('/', { body: multipartBody(parts), headers: { 'Content-Type': MULTIPART_TYPE } });
}

describe('upload example, in process', () => {
  const client = new TestClient(TestUploads);

  it('shows the form and an empty list', async () => {
    const response = await client.get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const html = response.text();
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<form method="post" enctype="multipart/form-data">');
    expect(html).toContain('<input type="file" id="file" name="file" required>');
    expect(html).toContain('<input type="text" id="note" name="note"');
    expect(html).toContain('No files yet.');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('stores an upload, redirects with 303 and lists it, escaped', async () => {
    const response = await upload(client, [
      { name: 'note', value: '<b>draft</b>' },
      { name: 'file', filename: '<img src=x onerror=alert(1)>.txt', type: 'text/plain', data: 'x'.repeat(1536) },
    ]);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/');
    const html = (await client.get('/')).text();
    expect(html).toContain('<td class="name">&lt;img src=x onerror=alert(1)&gt;.txt</td><td class="size">1.5 KiB</td>');
    expect(html).toContain('<td class="note">&lt;b&gt;draft&lt;/b&gt;</td>');
    expect(html).not.toContain('<img');
    const names = await readdir(dir);
    expect(names).toHaveLength(2);
    expect(names.every((name) => !name.includes('<') && !name.includes('/'))).toBe(true);
  });

  it('redirects to the mount point when mounted', async () => {
    const response = await upload(client, [{ name: 'file', filename: 'a.txt', data: 'a' }]);
    expect(response.headers.get('Location')).toBe('/');
    const mounted = await client.post('/', {
      body: multipartBody([{ name: 'file', filename: 'a.txt', data: 'a' }]),
      headers: { 'Content-Type': MULTIPART_TYPE },
      environ: { SCRIPT_NAME: '/upload' },
    });
    expect(mounted.headers.get('Location')).toBe('/upload/');
  });

  it('answers a form without a file with 400 and a clear message', async () => {
    const response = await upload(client, [{ name: 'note', value: 'n' }, { name: 'file', filename: '', data: '' }]);
    expect(response.status).toBe(400);
    expect(response.text()).toContain('<p id="message" role="status">Choose a file to upload.</p>');
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('answers an oversize file with 413, shows why and keeps nothing', async () => {
    const response = await upload(client, [{ name: 'file', filename: 'big.bin', data: Buffer.alloc(64 * 1024 + 1) }]);
    expect(response.status).toBe(413);
    expect(response.text()).toContain('File &quot;big.bin&quot; is too large: the fileSize limit is 65536');
    expect(await readdir(dir)).toEqual([]);
  });

  it('answers too many files with 413', async () => {
    const response = await upload(client, [
      { name: 'file', filename: 'a.txt', data: 'a' },
      { name: 'file', filename: 'b.txt', data: 'b' },
    ]);
    expect(response.status).toBe(413);
    expect(response.text()).toContain('the files limit is 1');
    expect(await readdir(dir)).toEqual([]);
  });

  it('answers a urlencoded post with 415 and a malformed body with 400', async () => {
    expect((await client.post('/', { form: { file: 'x' } })).status).toBe(415);
    const malformed = await client.post('/', { body: 'garbage', headers: { 'Content-Type': MULTIPART_TYPE } });
    expect(malformed.status).toBe(400);
    expect(malformed.text()).toContain('Malformed multipart/form-data body');
  });

  it('lists an upload whose name looks like a description, such as x.meta.json', async () => {
    await upload(client, [{ name: 'file', filename: 'x.meta.json', data: '{}' }]);
    expect((await client.get('/')).text()).toContain('<td class="name">x.meta.json</td>');
  });

  it('lists the newest files only, saying how many there are, and sees files another process added', async () => {
    class ShortList extends TestUploads {
      static override listLimit = 2;
    }
    const short = new TestClient(ShortList);
    for (const name of ['one.txt', 'two.txt', 'three.txt']) {
      await upload(short, [{ name: 'file', filename: name, data: name }]);
      // Distinct upload times, so newest-first is well defined.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let html = (await short.get('/')).text();
    expect(html).toContain('three.txt');
    expect(html).toContain('two.txt');
    expect(html).not.toContain('one.txt');
    expect(html).toContain('<p id="more">The newest 2 of 3 files.</p>');
    // Written behind this process's back, as another worker would.
    await writeFile(join(dir, 'zz-elsewhere.txt'), 'x');
    await writeFile(join(dir, '.meta', 'zz-elsewhere.txt.json'), JSON.stringify({ filename: 'elsewhere.txt', note: '', uploadedAt: new Date(Date.now() + 60_000).toISOString() }));
    html = (await short.get('/')).text();
    expect(html).toContain('elsewhere.txt');
    expect(html).toContain('The newest 2 of 4 files.');
  });

  it('answers 404 below the page and 405 to other methods', async () => {
    expect((await client.get('/elsewhere')).status).toBe(404);
    const response = await client.delete('/');
    expect(response.status).toBe(405);
  });
});

describe('upload example in the npm start site', () => {
  it('is mounted at /upload/ and linked from the index', async () => {
    const client = new TestClient(site);
    expect((await client.get('/')).text()).toContain('<a href="/upload/">upload</a>');
    const page = await client.get('/upload/');
    expect(page.status).toBe(200);
    expect(page.text()).toContain('<h1>Upload a file</h1>');
  });
});

describe('upload example over a real socket', () => {
  let server: TsgiServer;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, TestUploads, { log: null });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
  });

  it('takes an upload from curl -F and lists it', async () => {
    const source = join(tmpdir(), `tsgi-upload-${process.pid}.txt`);
    await writeFile(source, 'hello from curl\n');
    try {
      const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '-F', `file=@${source}`, '-F', 'note=via curl', server.url]);
      expect(stdout).toBe(`303 ${server.url}`);
      const page = await (await fetch(server.url)).text();
      expect(page).toContain(`<td class="name">tsgi-upload-${process.pid}.txt</td><td class="size">16 B</td><td class="note">via curl</td>`);
    } finally {
      await rm(source, { force: true });
    }
  });
});

describe.runIf(chromiumAvailable())('upload example, in Chromium', () => {
  let server: TsgiServer;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, TestUploads, { log: null });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
  });

  it('uploads a chosen file through the form and sees it listed', async () => {
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.setInputFiles('#file', { name: 'holiday notes.txt', mimeType: 'text/plain', buffer: Buffer.from('sea and sun\n') });
      await page.fill('#note', 'from the browser');
      await Promise.all([page.waitForNavigation(), page.click('input[type=submit]')]);
      expect(page.url()).toBe(server.url);
      expect(await page.textContent('#files .name')).toBe('holiday notes.txt');
      expect(await page.textContent('#files .size')).toBe('12 B');
      expect(await page.textContent('#files .note')).toBe('from the browser');
    } finally {
      await close();
    }
  });
});
