import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Standard (TC39) decorators have no parameter decorators, so such code
// validates with the request helpers. The fixture is compiled by TypeScript
// without experimentalDecorators, imports the built handler layer, and is
// written under node_modules/.cache so that its bare `zod` import resolves.
const DIST = resolve('dist/src');
const HANDLER = pathToFileURL(join(DIST, 'handler/index.js')).href;

const FIXTURE = `
import { z } from 'zod';
import { BaseHandler, route, status } from 'tsgi/handler';

const Task = z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) });
const Paging = z.object({ page: z.coerce.number().int().min(1).default(1) });

@route('/:id')
export class Tasks extends BaseHandler {
  @status(201)
  async doPOSTALL(): Promise<string> {
    const task = await this.validBody(Task);
    const { page } = await this.validQuery(Paging);
    return JSON.stringify({ title: task.title.toUpperCase(), tags: task.tags, page });
  }

  async doGET(): Promise<string> {
    const { id } = await this.validParams(z.object({ id: z.coerce.number().int() }));
    return JSON.stringify({ id: id + 1 });
  }
}
`;

type Testing = typeof import('../../src/testing/index.js');

let dir: string;
let testing: Testing;
let Tasks: unknown;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'handler/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  await mkdir(resolve('node_modules/.cache'), { recursive: true });
  dir = await mkdtemp(join(resolve('node_modules/.cache'), 'tsgi-schema-standard-'));
  testing = (await import(pathToFileURL(join(DIST, 'testing/index.js')).href)) as Testing;
  const js = ts.transpileModule(FIXTURE, {
    compilerOptions: { experimentalDecorators: false, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  expect(js).not.toContain('__decorate(');
  const file = join(dir, 'tasks.mjs');
  await writeFile(file, js.replaceAll("'tsgi/handler'", JSON.stringify(HANDLER)));
  ({ Tasks } = (await import(pathToFileURL(file).href)) as { Tasks: unknown });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validation in standard-decorator mode, through the request helpers', () => {
  it('passes typed, coerced output', async () => {
    const client = new testing.TestClient(Tasks as never);
    const created = await client.post('/?page=4', { json: { title: 'docs' } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ title: 'DOCS', tags: [], page: 4 });
    expect((await client.get('/9')).json()).toEqual({ id: 10 });
  });

  it('answers 422 problem+json with the issues', async () => {
    const client = new testing.TestClient(Tasks as never, { headers: { Accept: 'application/json' } });
    const response = await client.post('/', { json: { title: '', tags: [1] } });
    expect(response.status).toBe(422);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    const { issues } = response.json() as { issues: Array<{ in: string; path: string }> };
    expect(issues.map((issue) => `${issue.in} ${issue.path}`).sort()).toEqual(['body /tags/0', 'body /title']);
    expect((await client.get('/nine')).status).toBe(422);
  });
});
