/**
 * A body in a content coding nothing decoded is a 415 from every body
 * reader, over a real socket with curl and fetch.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { MemoryErrors, type Environ } from '../../src/gateway/index.js';
import { multipart, parseBody, parseFields, readBytes, readForm, readJson, readText, saveFiles } from '../../src/body/index.js';
import { curl, parseCurl } from '../middleware/support.js';
import { MULTIPART_TYPE, multipartBody } from './helpers.js';

const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

describe('a request body in a content coding', () => {
  let server: TsgiServer;
  let spare: string;
  let uploads: string;
  const errors = new MemoryErrors();
  const reached: string[] = [];

  async function drainParts(environ: Environ): Promise<number> {
    let count = 0;
    for await (const part of multipart(environ)) {
      count++;
      if (part.kind === 'file') part.stream.resume();
    }
    return count;
  }

  const readers: Record<string, (environ: Environ) => Promise<unknown>> = {
    readBytes: async (environ) => (await readBytes(environ)).length,
    readText: (environ) => readText(environ),
    readJson: (environ) => readJson(environ),
    readForm: async (environ) => (await readForm(environ)).fields,
    parseFields: (environ) => parseFields(environ),
    multipart: drainParts,
    parseBody: (environ) => parseBody(environ),
    saveFiles: async (environ) => (await saveFiles(environ, uploads)).fields,
  };

  class Readers extends BaseHandler {
    async doPOST(): Promise<string> {
      const name = this.environ.PATH_INFO.slice(1);
      const value = await (readers[name] as (environ: Environ) => Promise<unknown>)(this.environ);
      reached.push(name);
      this.start('200 OK', [['Content-Type', 'application/json']]);
      return JSON.stringify(value ?? null);
    }
  }

  beforeAll(async () => {
    spare = await mkdtemp(join(tmpdir(), 'tsgi-coding-'));
    uploads = await mkdtemp(join(tmpdir(), 'tsgi-coding-uploads-'));
    server = makeServer('127.0.0.1', 0, Readers, { log: null, errors });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(spare, { recursive: true, force: true });
    await rm(uploads, { recursive: true, force: true });
  });

  const bodies: Record<string, { type: string; plain: Buffer }> = {
    readBytes: { type: 'application/octet-stream', plain: Buffer.from('bytes') },
    readText: { type: 'text/plain; charset=utf-8', plain: Buffer.from('some text') },
    readJson: { type: JSON_TYPE, plain: Buffer.from('{"title":"x"}') },
    readForm: { type: MULTIPART_TYPE, plain: multipartBody([{ name: 'title', value: 'x' }]) },
    parseFields: { type: FORM, plain: Buffer.from('title=x') },
    multipart: { type: MULTIPART_TYPE, plain: multipartBody([{ name: 'doc', filename: 'a.txt', data: 'x' }]) },
    parseBody: { type: JSON_TYPE, plain: Buffer.from('{"title":"x"}') },
    saveFiles: { type: MULTIPART_TYPE, plain: multipartBody([{ name: 'doc', filename: 'a.txt', data: 'data' }]) },
  };

  it.each(Object.keys(readers))('%s refuses a gzip body from curl with 415 and Accept-Encoding: identity', async (name) => {
    const { type, plain } = bodies[name]!;
    const file = join(spare, `${name}.gz`);
    await writeFile(file, gzipSync(plain));
    const before = reached.length;
    const result = await curl(['-i', '--data-binary', `@${file}`, '-H', 'Content-Encoding: gzip', '-H', `Content-Type: ${type}`, `${server.url}${name}`]);
    const response = parseCurl(result.stdout);
    expect(response.status).toBe(415);
    expect(response.headers['accept-encoding']).toBe('identity');
    expect(response.body).toBe('request bodies encoded with "gzip" are not accepted here\n');
    expect(reached.length).toBe(before);
    expect(await readdir(uploads)).toEqual([]);
  });

  it.each(Object.keys(readers))('%s reads the same body sent as it is, or with Content-Encoding: identity', async (name) => {
    const { type, plain } = bodies[name]!;
    for (const coding of [undefined, 'identity']) {
      const headers: Record<string, string> = { 'Content-Type': type };
      if (coding !== undefined) headers['Content-Encoding'] = coding;
      const response = await fetch(`${server.url}${name}`, { method: 'POST', headers, body: plain });
      expect(response.status).toBe(200);
    }
    for (const name of await readdir(uploads)) await rm(join(uploads, name));
  });

  it('names stacked and unknown codings as they came', async () => {
    const response = await fetch(`${server.url}readJson`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'gzip, BR' },
      body: 'not really',
    });
    expect(response.status).toBe(415);
    expect(await response.text()).toBe('request bodies encoded with "gzip, br" are not accepted here\n');
  });
});
