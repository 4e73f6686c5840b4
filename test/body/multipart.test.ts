import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { multipart, parseBody, parseFields, readForm, type MultipartLimits, type MultipartPart } from '../../src/body/index.js';
import { TestClient } from '../../src/testing/index.js';
import { type Environ } from '../../src/gateway/index.js';
import { BOUNDARY, inChunks, multipartBody, MULTIPART_TYPE, recording, type PartSpec } from './helpers.js';

interface SeenPart {
  kind: string;
  name: string;
  value?: string;
  filename?: string;
  mimeType?: string;
  size?: number;
}

/** Reads every part, file streams whole, and describes them. */
async function describeParts(environ: Environ, limits?: MultipartLimits): Promise<SeenPart[]> {
  const seen: SeenPart[] = [];
  for await (const part of multipart(environ, { limits })) {
    if (part.kind === 'field') {
      seen.push({ kind: 'field', name: part.name, value: part.value });
    } else {
      let size = 0;
      for await (const chunk of part.stream) size += (chunk as Buffer).length;
      seen.push({ kind: 'file', name: part.name, filename: part.filename, mimeType: part.mimeType, size });
    }
  }
  return seen;
}

function post(client: TestClient, parts: PartSpec[] | Buffer, chunkSize?: number, type = MULTIPART_TYPE) {
  const bytes = Buffer.isBuffer(parts) ? parts : multipartBody(parts);
  return client.post('/', {
    body: chunkSize === undefined ? bytes : inChunks(bytes, chunkSize),
    headers: { 'Content-Type': type },
  });
}

const SAMPLE: PartSpec[] = [
  { name: 'title', value: 'Holiday' },
  { name: 'photo', filename: 'beach.jpg', type: 'image/jpeg', data: Buffer.alloc(70_000, 7) },
  { name: 'tag', value: 'sea' },
  { name: 'notes', filename: 'notes.txt', type: 'text/plain', data: 'hello\r\n--not a boundary\r\n' },
  { name: 'tag', value: 'sun' },
];

const EXPECTED: SeenPart[] = [
  { kind: 'field', name: 'title', value: 'Holiday' },
  { kind: 'file', name: 'photo', filename: 'beach.jpg', mimeType: 'image/jpeg', size: 70_000 },
  { kind: 'field', name: 'tag', value: 'sea' },
  { kind: 'file', name: 'notes', filename: 'notes.txt', mimeType: 'text/plain', size: 25 },
  { kind: 'field', name: 'tag', value: 'sun' },
];

describe('multipart()', () => {
  const { app, results } = recording((environ) => describeParts(environ));
  const client = new TestClient(app);

  it('yields fields and files in order, whole or chunked in any split', async () => {
    for (const size of [undefined, 1, 7, 64, 1000]) {
      results.length = 0;
      const response = await post(client, SAMPLE, size);
      expect(response.status, `chunk size ${size}`).toBe(200);
      expect(results[0], `chunk size ${size}`).toEqual(EXPECTED);
    }
  });

  it('drains a file left unread and goes on to the next part', async () => {
    const { app: skipper, results: names } = recording(async (environ) => {
      const seen: string[] = [];
      for await (const part of multipart(environ)) seen.push(part.kind === 'file' ? `file:${part.filename}` : `field:${part.value}`);
      return seen;
    });
    const response = await post(new TestClient(skipper), SAMPLE, 4096);
    expect(response.status).toBe(200);
    expect(names[0]).toEqual(['field:Holiday', 'file:beach.jpg', 'field:sea', 'file:notes.txt', 'field:sun']);
  });

  it('stops reading when the loop is left early', async () => {
    let chunksPulled = 0;
    const body = multipartBody([
      { name: 'first', value: '1' },
      { name: 'big', filename: 'big.bin', data: Buffer.alloc(4 * 1024 * 1024) },
    ]);
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const chunk of inChunks(body, 16 * 1024)) {
        chunksPulled++;
        yield chunk;
      }
    }
    const { app: early, results: got } = recording(async (environ) => {
      for await (const part of multipart(environ)) {
        if (part.kind === 'field') return part.value;
      }
      return 'none';
    });
    const response = await new TestClient(early).post('/', { body: source(), headers: { 'Content-Type': MULTIPART_TYPE } });
    expect(response.status).toBe(200);
    expect(got[0]).toBe('1');
    expect(chunksPulled).toBeLessThan(20);
  });

  it('respects backpressure: an unread file stream stops the body being pulled', async () => {
    let chunksPulled = 0;
    const body = multipartBody([{ name: 'big', filename: 'big.bin', data: Buffer.alloc(8 * 1024 * 1024) }]);
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const chunk of inChunks(body, 16 * 1024)) {
        chunksPulled++;
        yield chunk;
      }
    }
    const { app: slow, results: got } = recording(async (environ) => {
      const parts = multipart(environ);
      const first = (await parts.next()).value as MultipartPart;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const pulledWhileIdle = chunksPulled;
      let size = 0;
      if (first.kind === 'file') for await (const chunk of first.stream) size += (chunk as Buffer).length;
      await parts.return();
      return { pulledWhileIdle, size };
    });
    const response = await new TestClient(slow).post('/', { body: source(), headers: { 'Content-Type': MULTIPART_TYPE } });
    expect(response.status).toBe(200);
    const { pulledWhileIdle, size } = got[0] as { pulledWhileIdle: number; size: number };
    expect(size).toBe(8 * 1024 * 1024);
    // 8 MiB is 512 chunks; an idle reader holds only a few buffers' worth.
    expect(pulledWhileIdle).toBeLessThan(40);
  });

  it('gives the same parts under random splits with a slow reader', async () => {
    const { app: slow, results: seen } = recording(async (environ) => {
      const out: SeenPart[] = [];
      for await (const part of multipart(environ, { limits: { parts: 5 } })) {
        if (part.kind === 'field') {
          out.push({ kind: 'field', name: part.name, value: part.value });
          continue;
        }
        let size = 0;
        for await (const chunk of part.stream) {
          size += (chunk as Buffer).length;
          if (size % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        out.push({ kind: 'file', name: part.name, filename: part.filename, mimeType: part.mimeType, size });
      }
      return out;
    });
    const body = multipartBody(SAMPLE);
    let state = 7;
    for (let round = 0; round < 12; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; ) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (state % (round % 2 === 0 ? 50 : 20_000));
        chunks.push(body.subarray(at, at + size));
        at += size;
      }
      seen.length = 0;
      const response = await new TestClient(slow).post('/', { body: chunks, headers: { 'Content-Type': MULTIPART_TYPE } });
      expect(response.status, `round ${round}`).toBe(200);
      expect(seen[0], `round ${round}`).toEqual(EXPECTED);
    }
  });

  it('keeps non-ASCII file names and field values', async () => {
    results.length = 0;
    await post(client, [
      { name: '名前', value: 'Zoë ✓' },
      { name: 'f', filename: 'résumé 2024.pdf', type: 'application/pdf', data: 'x' },
    ]);
    expect(results[0]).toEqual([
      { kind: 'field', name: '名前', value: 'Zoë ✓' },
      { kind: 'file', name: 'f', filename: 'résumé 2024.pdf', mimeType: 'application/pdf', size: 1 },
    ]);
  });

  it('strips directories from file names', async () => {
    results.length = 0;
    await post(client, [{ name: 'f', filename: '../../etc/passwd', data: 'x' }]);
    expect((results[0] as SeenPart[])[0]?.filename).toBe('passwd');
  });
});

describe('multipart() limits answer 413 naming the limit', () => {
  function limited(limits: MultipartLimits, limit?: number): TestClient {
    const { app } = recording(async (environ) => {
      const seen: string[] = [];
      for await (const part of multipart(environ, { limits, limit })) {
        if (part.kind === 'file') for await (const _ of part.stream) void _;
        seen.push(part.name);
      }
      return seen;
    });
    return new TestClient(app);
  }

  const cases: Array<[string, MultipartLimits, PartSpec[], string]> = [
    ['fileSize', { fileSize: 1000 }, [{ name: 'f', filename: 'a.bin', data: Buffer.alloc(1001) }], 'File "a.bin" is too large: the fileSize limit is 1000'],
    ['files', { files: 2 }, [1, 2, 3].map((n) => ({ name: `f${n}`, filename: `${n}.txt`, data: 'x' })), 'Too many files in the multipart body: the files limit is 2'],
    ['fields', { fields: 2 }, [1, 2, 3].map((n) => ({ name: `a${n}`, value: 'x' })), 'Too many fields in the multipart body: the fields limit is 2'],
    ['fieldSize', { fieldSize: 10 }, [{ name: 'note', value: 'x'.repeat(11) }], 'Field "note" is too large: the fieldSize limit is 10'],
    ['parts', { parts: 3 }, [1, 2, 3, 4].map((n) => ({ name: `a${n}`, value: 'x' })), 'Too many parts in the multipart body: the parts limit is 3'],
  ];

  for (const [name, limits, parts, message] of cases) {
    it(name, async () => {
      for (const size of [undefined, 5]) {
        const response = await post(limited(limits), parts, size);
        expect(response.status, `${name} chunk ${size}`).toBe(413);
        expect(response.text()).toBe(`${message}\n`);
      }
    });
  }

  it('accepts exactly the limit', async () => {
    const client = limited({ files: 2, fields: 2, parts: 4, fileSize: 1000, fieldSize: 10 });
    const response = await post(client, [
      { name: 'a', value: 'x'.repeat(10) },
      { name: 'b', value: 'y' },
      { name: 'c', filename: 'c.bin', data: Buffer.alloc(999) },
      { name: 'd', filename: 'd.bin', data: Buffer.alloc(1) },
    ]);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('headerSize', async () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\nX-Padding: ${'p'.repeat(600)}\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`,
    );
    const response = await post(limited({ headerSize: 512 }), body, 100);
    expect(response.status).toBe(413);
    expect(response.text()).toBe('A part header block is too large: the headerSize limit is 512\n');
    expect((await post(limited({ headerSize: 1024 }), body)).status).toBe(200);
  });

  it('headerPairs', async () => {
    const extra = Array.from({ length: 5 }, (_, i) => `X-Extra-${i}: ${i}\r\n`).join('');
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n${extra}\r\nvalue\r\n--${BOUNDARY}--\r\n`);
    const response = await post(limited({ headerPairs: 4 }), body);
    expect(response.status).toBe(413);
    expect(response.text()).toBe('A part has too many header lines: the headerPairs limit is 4\n');
    expect((await post(limited({ headerPairs: 6 }), body)).status).toBe(200);
  });

  it('the whole body, declared or chunked', async () => {
    const parts: PartSpec[] = [{ name: 'f', filename: 'a.bin', data: Buffer.alloc(5000) }];
    const declared = await post(limited({}, 4096), parts);
    expect(declared.status).toBe(413);
    expect(declared.text()).toContain('exceeds the limit of 4096 bytes');
    expect((await post(limited({}, 4096), parts, 512)).status).toBe(413);
  });
});

describe('multipart() bad input', () => {
  const { app } = recording((environ) => describeParts(environ));
  const client = new TestClient(app);

  it('answers 415 to another type', async () => {
    const response = await client.post('/', { json: { a: 1 } });
    expect(response.status).toBe(415);
    expect(response.text()).toBe('Expected multipart/form-data, got Content-Type "application/json"\n');
  });

  it('answers 400 to a missing or invalid boundary', async () => {
    const missing = await post(client, SAMPLE, undefined, 'multipart/form-data');
    expect(missing.status).toBe(400);
    expect(missing.text()).toBe('Malformed multipart/form-data request: the Content-Type has no boundary\n');
    const invalid = await post(client, SAMPLE, undefined, `multipart/form-data; boundary="${'x'.repeat(71)}"`);
    expect(invalid.status).toBe(400);
  });

  it('answers 400 to a truncated body, wherever it stops', async () => {
    const whole = multipartBody(SAMPLE);
    for (const cut of [0, 10, 60, 200, 50_000, whole.length - 10]) {
      const response = await post(client, whole.subarray(0, cut), 999);
      expect(response.status, `cut at ${cut}`).toBe(400);
      expect(response.text()).toBe('Malformed multipart/form-data body: the body ended before the closing boundary\n');
    }
  });

  it('answers 400 to a malformed part header', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition form-data; name="a"\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`);
    const response = await post(client, body);
    expect(response.status).toBe(400);
    expect(response.text()).toBe('Malformed multipart/form-data body: a part has a malformed header\n');
  });

  it('answers 400 to a body under the wrong boundary', async () => {
    const response = await post(client, multipartBody(SAMPLE, 'other-boundary'));
    expect(response.status).toBe(400);
  });
});

describe('form helpers over multipart', () => {
  it('parseFields reads the fields and drops the files', async () => {
    const { app, results } = recording((environ) => parseFields(environ));
    const response = await post(new TestClient(app), SAMPLE, 333);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ title: ['Holiday'], tag: ['sea', 'sun'] });
    expect(Object.getPrototypeOf(results[0])).toBeNull();
  });

  it('parseFields counts dropped files against its 1 MiB default', async () => {
    const { app } = recording((environ) => parseFields(environ));
    const response = await post(new TestClient(app), [{ name: 'f', filename: 'big', data: Buffer.alloc(1024 * 1024 + 1) }]);
    expect(response.status).toBe(413);
  });

  it('readForm keeps files in memory', async () => {
    const { app, results } = recording((environ) => readForm(environ));
    const response = await post(new TestClient(app), SAMPLE, 1000);
    expect(response.status).toBe(200);
    const form = results[0] as Awaited<ReturnType<typeof readForm>>;
    expect(form.fields.tag).toEqual(['sea', 'sun']);
    expect(Object.getPrototypeOf(form.files)).toBeNull();
    const notes = form.files.notes?.[0];
    expect(notes).toMatchObject({ fieldName: 'notes', filename: 'notes.txt', mimeType: 'text/plain', encoding: '7bit', size: 25 });
    expect(notes?.text()).toBe('hello\r\n--not a boundary\r\n');
    expect(form.files.photo?.[0]?.bytes.equals(Buffer.alloc(70_000, 7))).toBe(true);
  });

  it('readForm skips a file input left empty and reads urlencoded bodies too', async () => {
    const { app, results } = recording((environ) => readForm(environ));
    const client = new TestClient(app);
    await post(client, [{ name: 'title', value: 't' }, { name: 'upload', filename: '', data: '' }]);
    const form = results[0] as Awaited<ReturnType<typeof readForm>>;
    expect(Object.keys(form.files)).toEqual([]);
    await client.post('/', { form: { a: '1' } });
    expect((results[1] as Awaited<ReturnType<typeof readForm>>).fields.a).toEqual(['1']);
  });

  it('parseBody parses by type and lists the accepted ones in a 415', async () => {
    const { app } = recording((environ) => parseBody(environ));
    const client = new TestClient(app);
    expect((await client.post('/', { json: [1] })).json()).toEqual([1]);
    expect((await client.post('/', { form: { a: 'b' } })).json()).toEqual({ a: ['b'] });
    expect((await post(client, SAMPLE)).json()).toEqual({ title: ['Holiday'], tag: ['sea', 'sun'] });
    expect((await client.post('/', { body: 'hi', headers: { 'Content-Type': 'text/markdown' } })).json()).toBe('hi');
    expect((await client.post('/')).json()).toBeNull();
    const other = await client.post('/', { body: 'x', headers: { 'Content-Type': 'application/pdf' } });
    expect(other.status).toBe(415);
    expect(other.text()).toBe(
      'Cannot parse a body with Content-Type "application/pdf"; expected one of application/json, application/*+json, application/x-www-form-urlencoded, multipart/form-data, text/*\n',
    );
  });
});

describe('prototype pollution through form field names', () => {
  const names = ['__proto__', 'constructor', 'prototype'];

  it('keeps them as plain own keys in urlencoded and multipart fields', async () => {
    const { app, results } = recording((environ) => readForm(environ));
    const client = new TestClient(app);
    await client.post('/', { body: '__proto__=a&constructor=b&prototype=c&__proto__[polluted]=yes', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    await post(client, [
      ...names.map((name) => ({ name, value: name.toUpperCase() })),
      { name: '__proto__', filename: 'x.txt', data: 'polluted' },
    ]);
    const urlencoded = (results[0] as Awaited<ReturnType<typeof readForm>>).fields;
    expect(Object.getPrototypeOf(urlencoded)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(urlencoded, '__proto__')?.value).toEqual(['a']);
    expect(urlencoded.constructor).toEqual(['b']);
    expect(urlencoded.prototype).toEqual(['c']);
    const form = results[1] as Awaited<ReturnType<typeof readForm>>;
    expect(Object.getPrototypeOf(form.fields)).toBeNull();
    expect(Object.keys(form.fields)).toEqual(names);
    expect(Object.getOwnPropertyDescriptor(form.fields, '__proto__')?.value).toEqual(['__PROTO__']);
    expect(Object.getOwnPropertyDescriptor(form.files, '__proto__')?.value[0].text()).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.constructor).toBe(Object);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
