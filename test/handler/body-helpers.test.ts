import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseHandler, bodyLimit, field, file } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { type UploadedFile } from '../../src/body/index.js';
import { TestClient } from '../../src/testing/index.js';

const run = promisify(execFile);

/** A multipart body as fetch would send it, from a FormData. */
async function multipartBody(form: FormData): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: new Uint8Array(await request.arrayBuffer()), headers: { 'Content-Type': request.headers.get('content-type')! } };
}

describe('BaseHandler body helpers', () => {
  class Echo extends BaseHandler {
    static override bodyLimit = 32;
    async doPOST(): Promise<string> {
      switch (this.query.as?.[0]) {
        case 'bytes':
          return `${(await this.bytes()).length} bytes`;
        case 'json':
          return JSON.stringify(await this.json());
        case 'fields':
          return JSON.stringify(await this.parseFields());
        default:
          return await this.text();
      }
    }
    @bodyLimit(64)
    async doPUT(): Promise<string> {
      return `${(await this.text()).length} chars`;
    }
  }
  const client = new TestClient(Echo);

  it('reads text, bytes, JSON and urlencoded fields', async () => {
    expect((await client.post('/', { body: 'héllo', headers: { 'Content-Type': 'text/plain; charset=utf-8' } })).text()).toBe('héllo');
    expect((await client.post('/?as=bytes', { body: 'héllo' })).text()).toBe('6 bytes');
    expect((await client.post('/?as=json', { json: { a: [1] } })).json()).toEqual({ a: [1] });
    expect((await client.post('/?as=fields', { form: { a: '1' } })).json()).toEqual({ a: ['1'] });
  });

  it('applies the class limit, and a method @bodyLimit over it', async () => {
    const over = await client.post('/', { body: 'x'.repeat(33) });
    expect(over.status).toBe(413);
    expect((await client.put('/', { body: 'x'.repeat(64) })).text()).toBe('64 chars');
    expect((await client.put('/', { body: 'x'.repeat(65) })).status).toBe(413);
  });

  it('answers malformed JSON with 400 and a JSON helper on another type with 415', async () => {
    const bad = await client.post('/?as=json', { body: '{"a": }', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('Content-Type')).toBe('application/problem+json');
    expect(bad.json<{ detail: string }>().detail).toMatch(/position|line|column/i);
    expect((await client.post('/?as=json', { form: { a: '1' } })).status).toBe(415);
  });
});

describe('@file, @field and form() with multipart bodies', () => {
  class Upload extends BaseHandler {
    async doPOST(
      @field('note') note: string,
      @file('doc') doc: UploadedFile,
      @file('extra', { optional: true }) extras: UploadedFile[],
    ): Promise<string> {
      const form = await this.form();
      return JSON.stringify({
        note,
        doc: { name: doc.filename, type: doc.mimeType, size: doc.size, text: doc.text() },
        extras: extras.map((extra) => extra.filename),
        shared: form.files.doc?.[0] === doc,
      });
    }
    async doPUT(): Promise<string> {
      const seen: string[] = [];
      for await (const part of this.multipart()) {
        if (part.kind === 'field') seen.push(`field ${part.name}=${part.value}`);
        else {
          let size = 0;
          for await (const chunk of part.stream) size += (chunk as Buffer).length;
          seen.push(`file ${part.name}:${part.filename}:${size}`);
        }
      }
      return seen.join('\n');
    }
  }
  const client = new TestClient(Upload);

  it('binds a file, an array of files and a field from one multipart body', async () => {
    const form = new FormData();
    form.set('note', 'hello');
    form.set('doc', new Blob(['file text'], { type: 'text/plain' }), 'a.txt');
    form.append('extra', new Blob(['1']), 'one.bin');
    form.append('extra', new Blob(['2']), 'two.bin');
    const response = await client.post('/', await multipartBody(form));
    expect(response.json()).toEqual({
      note: 'hello', doc: { name: 'a.txt', type: 'text/plain', size: 9, text: 'file text' }, extras: ['one.bin', 'two.bin'], shared: true,
    });
  });

  it('answers 400 naming a missing file, and gives [] for a missing optional array', async () => {
    const form = new FormData();
    form.set('note', 'hello');
    const response = await client.post('/', await multipartBody(form));
    expect(response.status).toBe(400);
    expect(response.text()).toBe('missing file "doc"\n');
  });

  it('streams parts through this.multipart()', async () => {
    const form = new FormData();
    form.set('a', '1');
    form.set('f', new Blob(['abc']), 'f.txt');
    const { body, headers } = await multipartBody(form);
    const response = await client.put('/', { body, headers });
    expect(response.text()).toBe('field a=1\nfile f:f.txt:3');
  });
});

describe('@file over a real socket with curl -F', () => {
  class Avatar extends BaseHandler {
    doPOST(@file('avatar') avatar: UploadedFile, @field('alt', { default: '' }) alt: string): string {
      return `${avatar.filename} ${avatar.size} ${alt}`;
    }
  }
  let server: TsgiServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsgi-file-'));
    server = makeServer('127.0.0.1', 0, Avatar, { log: null });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('receives the upload and the text field', async () => {
    const path = join(dir, 'me.png');
    await writeFile(path, Buffer.alloc(1234, 7));
    const { stdout } = await run('curl', ['-sS', '-F', `avatar=@${path};type=image/png`, '-F', 'alt=a face', server.url]);
    expect(stdout).toBe('me.png 1234 a face');
    const missing = await run('curl', ['-sS', '-H', 'Accept: application/json', '-F', 'alt=x', server.url]);
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 400, detail: 'missing file "avatar"' });
  });
});
