/**
 * `@operation` as a TC39 standard decorator: a fixture compiled by
 * TypeScript without experimentalDecorators and by swc's 2022-03
 * decorators, loaded against the built layers, described by the built
 * generator. (This repo's test transform is legacy, so the fixture is
 * compiled here.)
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from '@swc/core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redoclyLint, removeTempDirs } from '../../support/openapi-tools.js';

type OpenApi = typeof import('../../../src/handler/openapi/index.js');

const DIST = resolve('dist/src');
const HANDLER = pathToFileURL(join(DIST, 'handler/index.js')).href;
const OPENAPI = pathToFileURL(join(DIST, 'handler/openapi/index.js')).href;
const ZOD = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;

const FIXTURE = `
import { accepts, BaseHandler, contentType, route, status } from 'tsgi/handler';
import { operation } from 'tsgi/openapi';
import { z } from 'zod';

const Item = z.object({ id: z.number(), name: z.string() }).meta({ id: 'Item' });

@route('/:id')
export class Items extends BaseHandler {
  @operation({ summary: 'All items', tags: ['items'], operationId: 'listItems', responses: { 200: z.array(Item) } })
  @contentType('application/json')
  doGETALL(): string { return '[]'; }

  @status(201)
  @operation({ summary: 'Add an item', description: 'Stores it.', responses: { 201: Item, 409: 'Name taken' } })
  @contentType('application/json')
  @accepts('application/json')
  doPOSTALL(): string { return '{}'; }

  @operation({ summary: 'One item', deprecated: true })
  doGET(): string { return 'item ' + this.params.id; }
}
`;

const WRONG_TARGET = `
import { BaseHandler } from 'tsgi/handler';
import { operation } from 'tsgi/openapi';
export class Wrong extends BaseHandler {
  @operation({ summary: 'static' })
  static doGET(): string { return ''; }
}
`;

function viaTypeScript(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { experimentalDecorators: false, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
}

async function viaSwc(source: string): Promise<string> {
  const output = await transform(source, {
    filename: 'fixture.ts',
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { decoratorVersion: '2022-03' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return output.code;
}

let dir: string;
let openapi: OpenApi;
let count = 0;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'handler/openapi/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  dir = await mkdtemp(join(tmpdir(), 'tsgi-openapi-standard-'));
  openapi = (await import(OPENAPI)) as OpenApi;
});

afterAll(async () => {
  removeTempDirs();
  await rm(dir, { recursive: true, force: true });
});

async function load(js: string): Promise<Record<string, unknown>> {
  const file = join(dir, `fixture-${count++}.mjs`);
  await writeFile(file, js.replaceAll("'tsgi/handler'", JSON.stringify(HANDLER)).replaceAll("'tsgi/openapi'", JSON.stringify(OPENAPI)).replaceAll("'zod'", JSON.stringify(ZOD)));
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

const compilers: Array<[string, (source: string) => string | Promise<string>]> = [
  ['TypeScript (no experimentalDecorators)', viaTypeScript],
  ['swc (decoratorVersion 2022-03)', viaSwc],
];

describe.each(compilers)('@operation as a standard decorator, compiled by %s', (_name, compile) => {
  it('is emitted as a (value, context) call and describes each operation', async () => {
    const js = await compile(FIXTURE);
    expect(js).not.toContain('__decorate(');
    const { Items } = await load(js);
    const doc = openapi.openapiDocument({ '/items': Items as never }, { info: { title: 'Items', version: '1', license: { name: 'MIT', identifier: 'MIT' } }, tags: [{ name: 'items', description: 'The items' }] });
    const root = doc.paths['/items']!;
    expect(root.get).toMatchObject({ operationId: 'listItems', summary: 'All items', tags: ['items'] });
    expect(root.get!.responses['200']).toEqual({ description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } });
    expect(root.post).toMatchObject({ operationId: 'Items_doPOSTALL', summary: 'Add an item', description: 'Stores it.', tags: ['Items'] });
    expect(Object.keys(root.post!.responses)).toEqual(['201', '400', '409', '413', '415']);
    expect(doc.paths['/items/{id}']!.get).toMatchObject({ operationId: 'Items_doGET', summary: 'One item', deprecated: true });
    expect(doc.components.schemas!.Item).toEqual({ type: 'object', properties: { id: { type: 'number' }, name: { type: 'string' } }, required: ['id', 'name'], additionalProperties: false });
    // GET /items reads nothing from the request, so tsgi answers it with no
    // 4xx, and the document says so rather than invent one.
    expect(await redoclyLint(doc)).toEqual([
      { ruleId: 'operation-4xx-response', severity: 'warn', message: 'Operation must have at least one `4XX` response.', pointer: '#/paths/~1items/get/responses' },
    ]);
  });

  it('refuses a static method when the class is defined', async () => {
    await expect(load(await compile(WRONG_TARGET))).rejects.toThrow('@operation decorates doX instance methods, not the static doGET');
  });
});
