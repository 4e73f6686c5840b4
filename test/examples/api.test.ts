/**
 * The JSON API example as clients use it: over a real socket with fetch,
 * its OpenAPI document checked by independent tools, its reference page
 * in Chromium, and the site's index linking to both.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSite } from '../../examples/api/app.js';
import { IndexPage } from '../../examples/site.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { TestClient } from '../../src/testing/index.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { compileClient, generateTypes, redoclyLint, removeTempDirs, validateSchema } from '../support/openapi-tools.js';

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

interface TaskJson {
  id: number;
  title: string;
  done: boolean;
  due: string | null;
  version: number;
}

describe('the JSON API example over HTTP', () => {
  let server: TsgiServer;
  let base: string;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, apiSite('/api'), { log: null });
    const { url } = await server.listen();
    // Served at the root, so links carry no prefix; the document still names /api, where the site mounts it.
    base = url.replace(/\/$/, '');
  });

  afterAll(async () => {
    await server.close();
    removeTempDirs();
  });

  const create = (body: object): Promise<Response> => fetch(`${base}/tasks/`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });

  it('creates, reads, replaces, changes and deletes a task, with ETags and conditional requests', async () => {
    const made = await create({ title: 'write the guide', due: '2026-12-24' });
    expect(made.status).toBe(201);
    const task = (await made.json()) as TaskJson;
    expect(task).toMatchObject({ title: 'write the guide', done: false, due: '2026-12-24', version: 1 });
    expect(made.headers.get('location')).toBe(`/tasks/${task.id}`);
    const tag = made.headers.get('etag') as string;

    const read = await fetch(`${base}/tasks/${task.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(tag);
    expect((await fetch(`${base}/tasks/${task.id}`, { headers: { 'If-None-Match': tag } })).status).toBe(304);

    const stale = await fetch(`${base}/tasks/${task.id}`, { method: 'PUT', headers: { ...JSON_HEADERS, 'If-Match': '"0-0"' }, body: JSON.stringify({ title: 'x' }) });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');

    const replaced = await fetch(`${base}/tasks/${task.id}`, { method: 'PUT', headers: { ...JSON_HEADERS, 'If-Match': tag }, body: JSON.stringify({ title: 'write it well' }) });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ title: 'write it well', done: false, due: null, version: 2 });

    const changed = await fetch(`${base}/tasks/${task.id}`, { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify({ done: true }) });
    expect(await changed.json()).toMatchObject({ title: 'write it well', done: true, version: 3 });
    expect((await fetch(`${base}/tasks/${task.id}`, { headers: { 'If-None-Match': tag } })).status).toBe(200);

    expect((await fetch(`${base}/tasks/${task.id}`, { method: 'DELETE', headers: { 'If-Match': tag } })).status).toBe(412);
    const deleted = await fetch(`${base}/tasks/${task.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const gone = await fetch(`${base}/tasks/${task.id}`, { headers: { Accept: 'application/json' } });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ status: 404, detail: `There is no task ${task.id}.` });
  });

  it('pages the list through Link headers and filters it', async () => {
    const ids: number[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(((await (await create({ title: `task ${index}`, done: index % 2 === 0 })).json()) as TaskJson).id);
    const seen: number[] = [];
    let next: string | null = `${base}/tasks/?limit=2`;
    for (let pages = 0; next !== null && pages < 10; pages += 1) {
      const page: Response = await fetch(next);
      const body = (await page.json()) as { items: TaskJson[]; next: number | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((item) => item.id));
      const link = page.headers.get('link');
      expect(link === null).toBe(body.next === null);
      next = link === null ? null : `${new URL(base).origin}${/<([^>]+)>; rel="next"/.exec(link)![1]}`;
    }
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    const done = (await (await fetch(`${base}/tasks/?done=true&limit=100`)).json()) as { items: TaskJson[] };
    expect(done.items.every((item) => item.done)).toBe(true);
    expect(done.items.map((item) => item.id)).toEqual(expect.arrayContaining([ids[0], ids[2], ids[4]]));
  });

  it('refuses bad input with problem+json naming every issue', async () => {
    const invalid = await create({ title: '', done: 'yes', extra: 1 });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await invalid.json()) as { issues: Array<{ in: string; path: string; message: string }> };
    expect(problem.issues.map((issue) => `${issue.in} ${issue.path}`)).toEqual(['body /title', 'body /done', 'body ']);

    const badQuery = await fetch(`${base}/tasks/?limit=0&done=maybe`, { headers: { Accept: 'application/json' } });
    expect(badQuery.status).toBe(422);
    const queryProblem = (await badQuery.json()) as { issues: Array<{ in: string; name: string }> };
    expect(queryProblem.issues.map((issue) => `${issue.in} ${issue.name}`)).toEqual(['query limit', 'query done']);

    expect((await fetch(`${base}/tasks/abc`, { headers: { Accept: 'application/json' } })).status).toBe(422);
    const notJson = await fetch(`${base}/tasks/`, { method: 'POST', headers: JSON_HEADERS, body: '{"title": ' });
    expect(notJson.status).toBe(400);
    const wrongType = await fetch(`${base}/tasks/`, { method: 'POST', headers: { 'Content-Type': 'text/plain', Accept: 'application/json' }, body: 'title' });
    expect(wrongType.status).toBe(415);
    expect((await fetch(`${base}/tasks/1`, { method: 'POST' })).status).toBe(405);
  });

  it('serves its API root, OpenAPI document and reference page', async () => {
    expect(await (await fetch(`${base}/`)).json()).toEqual({ tasks: '/tasks/', openapi: '/openapi.json', docs: '/docs' });
    const document = await fetch(`${base}/openapi.json`);
    expect(document.headers.get('content-type')).toBe('application/json');
    const served = (await document.json()) as { servers: Array<{ url: string }>; paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    expect(served.servers).toEqual([{ url: '/api' }]);
    const operations = Object.values(served.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(operations.sort()).toEqual(['createTask', 'deleteTask', 'getTask', 'listTasks', 'replaceTask', 'updateTask']);
    // The answers the handler gives bad input are in the contract too.
    expect(Object.keys(served.paths['/tasks']!['post']!.responses)).toEqual(expect.arrayContaining(['201', '400', '413', '415', '422']));
    expect(Object.keys(served.paths['/tasks/{id}']!['put']!.responses)).toEqual(expect.arrayContaining(['200', '404', '412', '415', '422']));
    expect((await fetch(`${base}/docs`)).status).toBe(200);
  });
});

describe("the JSON API example's contract, checked by independent tools", () => {
  const document = (): Promise<object> => new TestClient(apiSite('/api')).get('/openapi.json').then((res) => res.json<object>());

  it('passes redocly lint with the recommended rules and the OpenAPI 3.1 schema', async () => {
    const doc = await document();
    expect(await redoclyLint(doc)).toEqual([]);
    expect(await validateSchema(doc)).toMatchObject({ valid: true });
  }, 60_000);

  it('gives openapi-typescript types a client compiles against, and refuse a wrong call', async () => {
    const types = await generateTypes(await document());
    const client = `import type { paths } from './api.js';
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
declare function create(body: Json<paths['/tasks']['post']['requestBody']>): Promise<Json<paths['/tasks']['post']['responses'][201]>>;
declare function list(query: NonNullable<paths['/tasks']['get']['parameters']['query']>): Promise<Json<paths['/tasks']['get']['responses'][200]>>;
export async function use(): Promise<string> {
  const task = await create({ title: 'write', done: false, due: null });
  const page = await list({ limit: 10 });
  const wrong = await create({ title: 3 });
  return task.title + page.items.length + String(page.next) + String(wrong);
}
`;
    const diagnostics = compileClient(types.file, client);
    expect(diagnostics.map((diagnostic) => diagnostic.line)).toEqual([client.split('\n').findIndex((line) => line.includes('title: 3')) + 1]);
  }, 60_000);
});

describe.runIf(chromiumAvailable())('the reference page in Chromium', () => {
  it('shows every operation of the tasks API, loading nothing from elsewhere', async () => {
    const server = makeServer('127.0.0.1', 0, apiSite(''), { log: null });
    const { url } = await server.listen();
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
      });
      await page.goto(`${url}docs`);
      await page.locator('.opblock').nth(5).waitFor({ timeout: 20_000 });
      const rendered = await page.locator('.opblock').evaluateAll((blocks) =>
        blocks.map((block) => `${block.querySelector('.opblock-summary-method')?.textContent ?? ''} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`),
      );
      expect(rendered.sort()).toEqual(['DELETE /tasks/{id}', 'GET /tasks', 'GET /tasks/{id}', 'PATCH /tasks/{id}', 'POST /tasks', 'PUT /tasks/{id}']);
      expect(elsewhere).toEqual([]);
    } finally {
      await close();
      await server.close();
    }
  }, 60_000);
});

describe('the site', () => {
  it("links the API, its document and its reference page from the index", async () => {
    const index = (await new TestClient(IndexPage).get('/')).text();
    expect(index).toContain('<a href="/api/">api</a>');
    expect(index).toContain('<a href="/api/openapi.json">');
    expect(index).toContain('<a href="/api/docs">');
  });

  it('runs as `npm run example:api` does', async () => {
    const child = spawn(process.execPath, ['dist/examples/api/main.js'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let url = '';
      for await (const line of createInterface({ input: child.stdout! })) {
        const match = /(http:\/\/\S+)/.exec(line);
        if (match) {
          url = match[1]!;
          break;
        }
      }
      const made = await fetch(`${url}tasks/`, { method: 'POST', headers: JSON_HEADERS, body: '{"title":"from the CLI"}' });
      expect(made.status).toBe(201);
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
