/**
 * Text that is not UTF-8 in form bodies and queries, sent over a real socket
 * by curl and fetch: each case a 400 naming the field, never a U+FFFD.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { MemoryErrors } from '../../src/gateway/index.js';
import { parseFields, saveFiles } from '../../src/body/index.js';
import { curl, parseCurl } from '../middleware/support.js';
import { BOUNDARY, MULTIPART_TYPE } from './helpers.js';

const FORM = 'application/x-www-form-urlencoded';

/** A multipart body from raw part heads (Latin-1, one byte per character) and data. */
function rawMultipart(parts: Array<{ head: string; data: Buffer }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(Buffer.from(`--${BOUNDARY}\r\n${part.head}\r\n\r\n`, 'latin1'), part.data, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** `text` in UTF-8, spelt one character per byte for {@link rawMultipart}'s heads. */
const utf8 = (text: string): string => Buffer.from(text).toString('latin1');

const field = (name: string, data: Buffer | string, extra = ''): { head: string; data: Buffer } => ({
  head: `Content-Disposition: form-data; name="${name}"${extra}`,
  data: Buffer.isBuffer(data) ? data : Buffer.from(data),
});

describe('text that is not UTF-8, over a socket', () => {
  let server: TsgiServer;
  let spare: string;
  let uploads: string;
  const errors = new MemoryErrors();

  class Forms extends BaseHandler {
    async doGET(): Promise<string> {
      this.start('200 OK', [['Content-Type', 'application/json']]);
      return JSON.stringify(this.query);
    }

    async doPOST(): Promise<string> {
      const result = this.environ.PATH_INFO === '/save' ? (await saveFiles(this.environ, uploads)).fields : await parseFields(this.environ);
      this.start('200 OK', [['Content-Type', 'application/json']]);
      return JSON.stringify(result);
    }
  }

  beforeAll(async () => {
    spare = await mkdtemp(join(tmpdir(), 'tsgi-utf8-'));
    uploads = await mkdtemp(join(tmpdir(), 'tsgi-utf8-uploads-'));
    server = makeServer('127.0.0.1', 0, Forms, { log: null, errors });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(spare, { recursive: true, force: true });
    await rm(uploads, { recursive: true, force: true });
  });

  let files = 0;
  async function post(body: Buffer, type: string, path = '/'): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const file = join(spare, `body-${files++}`);
    await writeFile(file, body);
    const result = await curl(['-i', '--data-binary', `@${file}`, '-H', `Content-Type: ${type}`, `${server.url.replace(/\/$/, '')}${path}`]);
    expect(result.code).toBe(0);
    return parseCurl(result.stdout);
  }

  describe('urlencoded bodies', () => {
    it.each([
      ['an escape that is not UTF-8', Buffer.from('a=%ff'), 'field "a" is not valid UTF-8'],
      ['an escaped sequence cut short', Buffer.from('x=1&comment=caf%C3'), 'field "comment" is not valid UTF-8'],
      ['a raw byte 0xff in a value', Buffer.from('x=1&comment=ab\xffcd', 'latin1'), 'field "comment" is not valid UTF-8'],
      ['an escape that is not UTF-8 in a name', Buffer.from('%ff=1'), 'field name "%ff" is not valid UTF-8'],
      ['a raw byte 0xff in a name', Buffer.from('ok=1&n\xff=2', 'latin1'), 'field name "n\ufffd" is not valid UTF-8'],
    ])('%s is a 400 naming the field', async (_case, body, message) => {
      const response = await post(body, FORM);
      expect(response.status).toBe(400);
      expect(response.body).toBe(`${message}\n`);
    });

    it('still parses UTF-8, raw and escaped, and tells malformed escapes apart', async () => {
      const good = await post(Buffer.from('note=caf%C3%A9&raw=Zoë ✓'), FORM);
      expect(good.status).toBe(200);
      expect(JSON.parse(good.body)).toEqual({ note: ['café'], raw: ['Zoë ✓'] });
      const malformed = await post(Buffer.from('a=%zz'), FORM);
      expect(malformed.status).toBe(400);
      expect(malformed.body).toBe('Malformed percent-encoding in field "a"\n');
    });

    it('answers fetch the same way', async () => {
      const response = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': FORM }, body: new Uint8Array([0x63, 0x3d, 0xc3, 0x28]) });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('field "c" is not valid UTF-8\n');
    });
  });

  describe('the query', () => {
    it('is a 400 naming the parameter for an escape that is not UTF-8', async () => {
      const response = await fetch(`${server.url}?ok=1&q=%ff%fe`);
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('field "q" is not valid UTF-8\n');
      const good = await fetch(`${server.url}?q=caf%C3%A9`);
      expect(await good.json()).toEqual({ q: ['café'] });
    });
  });

  describe('multipart bodies', () => {
    it.each([
      ['raw bytes in a text field', [field('title', 'ok'), field('comment', Buffer.from([0x61, 0xff, 0x62]))], 'field "comment" is not valid UTF-8'],
      ['a text field ending inside a sequence', [field('comment', Buffer.from([0x61, 0xe2, 0x9c]))], 'field "comment" is not valid UTF-8'],
      ['a text field declared UTF-8', [field('comment', Buffer.from([0xc0, 0xaf]), '\r\nContent-Type: text/plain; charset=UTF-8')], 'field "comment" is not valid UTF-8'],
      ['raw bytes in a field name', [field('n\xe9', 'x')], 'field name "n\ufffd" is not valid UTF-8'],
      ['raw bytes in a filename', [{ head: 'Content-Disposition: form-data; name="doc"; filename="r\xe9sum\xe9.txt"', data: Buffer.from('x') }], 'filename of field "doc" is not valid UTF-8'],
      ['a filename* that says UTF-8 and is not', [{ head: "Content-Disposition: form-data; name=\"doc\"; filename*=UTF-8''r%E9sum%E9.txt", data: Buffer.from('x') }], 'filename of field "doc" is not valid UTF-8'],
    ])('%s is a 400 naming the field', async (_case, parts, message) => {
      const response = await post(rawMultipart(parts), MULTIPART_TYPE);
      expect(response.status).toBe(400);
      expect(response.body).toBe(`${message}\n`);
    });

    it('keeps UTF-8 names, values and filenames, a declared Latin-1 field, and any bytes in a file', async () => {
      const response = await post(
        rawMultipart([
          field(utf8('légende'), 'Zoë ✓'),
          field('latin', Buffer.from([0x63, 0x61, 0x66, 0xe9]), '\r\nContent-Type: text/plain; charset=iso-8859-1'),
          { head: `Content-Disposition: form-data; name="doc"; filename="${utf8('résumé.bin')}"\r\nContent-Type: application/octet-stream`, data: Buffer.from([0xff, 0xfe, 0x00]) },
        ]),
        MULTIPART_TYPE,
      );
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ légende: ['Zoë ✓'], latin: ['café'] });
    });

    it('refuses a field curl sends from a file of raw bytes, and takes fetch FormData in UTF-8', async () => {
      const raw = join(spare, 'latin1.txt');
      await writeFile(raw, Buffer.from('caf\xe9', 'latin1'));
      const refused = parseCurl((await curl(['-i', '-F', 'title=ok', '-F', `comment=<${raw}`, server.url])).stdout);
      expect(refused.status).toBe(400);
      expect(refused.body).toBe('field "comment" is not valid UTF-8\n');
      const form = new FormData();
      form.append('comment', 'déjà vu ✓');
      const accepted = await fetch(server.url, { method: 'POST', body: form });
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ comment: ['déjà vu ✓'] });
    });

    it('saveFiles removes the files it stored before a field that is not UTF-8', async () => {
      const body = rawMultipart([
        { head: 'Content-Disposition: form-data; name="doc"; filename="a.txt"\r\nContent-Type: text/plain', data: Buffer.alloc(100_000, 0x61) },
        field('caption', Buffer.from([0xed, 0xa0, 0x80])), // an encoded surrogate: not UTF-8
      ]);
      const response = await post(body, MULTIPART_TYPE, '/save');
      expect(response.status).toBe(400);
      expect(response.body).toBe('field "caption" is not valid UTF-8\n');
      expect(await readdir(uploads)).toEqual([]);
    });
  });
});
