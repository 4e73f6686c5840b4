import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { MemoryErrors } from '../../src/gateway/index.js';
import { saveFiles, type SavedForm } from '../../src/body/index.js';
import { BOUNDARY, multipartBody } from './helpers.js';

const run = promisify(execFile);

describe('saveFiles behind the reference server', () => {
  let server: TsgiServer;
  let dir: string;
  let spare: string;
  const errors = new MemoryErrors();
  const outcomes: Array<'saved' | 'failed'> = [];

  class Uploads extends BaseHandler {
    async doPOST(): Promise<string> {
      let form: SavedForm;
      try {
        form = await saveFiles(this.environ, dir, { limits: { fileSize: 2 * 1024 * 1024, files: 3 } });
      } catch (error) {
        outcomes.push('failed');
        throw error;
      }
      outcomes.push('saved');
      this.start('200 OK', [['Content-Type', 'application/json']]);
      return JSON.stringify(form);
    }
  }

  async function listing(): Promise<string[]> {
    return (await readdir(dir)).sort();
  }

  async function settled(count: number): Promise<void> {
    for (let i = 0; i < 100 && outcomes.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsgi-uploads-'));
    spare = await mkdtemp(join(tmpdir(), 'tsgi-upload-src-'));
    server = makeServer('127.0.0.1', 0, Uploads, { log: null, errors });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(spare, { recursive: true, force: true });
  });

  beforeEach(async () => {
    for (const name of await readdir(dir)) await rm(join(dir, name));
    outcomes.length = 0;
  });

  it('stores files sent by curl -F under safe names, with the fields', async () => {
    const source = join(spare, 'report 2024.txt');
    await writeFile(source, 'quarterly numbers\n');
    const photo = join(spare, 'photo.bin');
    await writeFile(photo, Buffer.alloc(300_000, 3));
    const { stdout } = await run('curl', [
      '-sS', '-F', 'title=Q3 report', '-F', `doc=@${source};type=text/plain`, '-F', `doc=@${photo}`,
      '-F', 'evil=@' + source + ';filename=../../../etc/cron.d/x', server.url,
    ]);
    const form = JSON.parse(stdout) as SavedForm;
    expect(form.fields).toEqual({ title: ['Q3 report'] });
    expect(form.files.doc?.map((f) => [f.filename, f.size, f.mimeType])).toEqual([
      ['report 2024.txt', 18, 'text/plain'],
      ['photo.bin', 300_000, 'application/octet-stream'],
    ]);
    const evil = form.files.evil?.[0];
    expect(evil?.filename).toBe('x');
    const names = await listing();
    expect(names).toHaveLength(3);
    for (const file of [...form.files.doc!, evil!]) {
      expect(file.path.startsWith(dir + '/')).toBe(true);
      expect(names).toContain(file.path.slice(dir.length + 1));
    }
    expect(names.some((name) => name.endsWith('-report_2024.txt'))).toBe(true);
    expect(await readFile(form.files.doc![0]!.path, 'utf8')).toBe('quarterly numbers\n');
  });

  it('stores files sent by fetch with FormData', async () => {
    const body = new FormData();
    body.append('caption', 'Zoë ✓');
    body.append('picture', new Blob([Buffer.alloc(100_000, 9)], { type: 'image/png' }), 'été.png');
    const response = await fetch(server.url, { method: 'POST', body });
    expect(response.status).toBe(200);
    const form = (await response.json()) as SavedForm;
    expect(form.fields.caption).toEqual(['Zoë ✓']);
    const picture = form.files.picture?.[0];
    expect(picture).toMatchObject({ fieldName: 'picture', filename: 'été.png', size: 100_000, mimeType: 'image/png' });
    expect(picture?.path.endsWith('-ete.png')).toBe(true);
    expect((await readFile(picture!.path)).equals(Buffer.alloc(100_000, 9))).toBe(true);
  });

  it('answers an oversize file with 413 and leaves nothing behind', async () => {
    const body = new FormData();
    body.append('first', new Blob([Buffer.alloc(1000, 1)]), 'ok.bin');
    body.append('second', new Blob([Buffer.alloc(3 * 1024 * 1024, 2)]), 'too-big.bin');
    const response = await fetch(server.url, { method: 'POST', body });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('File "too-big.bin" is too large: the fileSize limit is 2097152\n');
    await settled(1);
    expect(await listing()).toEqual([]);
  });

  it('answers too many files with 413 and removes the ones already stored', async () => {
    const body = new FormData();
    for (let i = 0; i < 4; i++) body.append('f', new Blob([`file ${i}`]), `${i}.txt`);
    const response = await fetch(server.url, { method: 'POST', body });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('the files limit is 3');
    expect(await listing()).toEqual([]);
  });

  it('answers a chunked upload from curl', async () => {
    const source = join(spare, 'chunked.bin');
    await writeFile(source, Buffer.alloc(200_000, 5));
    const { stdout } = await run('curl', ['-sS', '-H', 'Transfer-Encoding: chunked', '-F', `f=@${source}`, server.url]);
    expect((JSON.parse(stdout) as SavedForm).files.f?.[0]?.size).toBe(200_000);
  });

  it('answers a body cut short with 400 and leaves nothing behind', async () => {
    const whole = multipartBody([{ name: 'f', filename: 'a.bin', data: Buffer.alloc(50_000, 1) }]);
    const cut = whole.subarray(0, 30_000);
    const response = await fetch(server.url, {
      method: 'POST',
      body: cut,
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('the body ended before the closing boundary');
    expect(await listing()).toEqual([]);
  });

  it('an aborted upload leaves no temp file behind', async () => {
    const head = multipartBody([{ name: 'f', filename: 'a.bin', data: Buffer.alloc(1024 * 1024, 1) }]);
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
        `Content-Length: ${head.length}\r\n\r\n`,
    );
    socket.write(head.subarray(0, 300_000));
    // Wait until the server has begun writing the file, then vanish.
    for (let i = 0; i < 100 && (await listing()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await listing()).length).toBe(1);
    socket.destroy();
    await settled(1);
    expect(outcomes).toEqual(['failed']);
    expect(await listing()).toEqual([]);
  });
});
