import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { z } from 'zod';
import { MemoryErrors } from '../../src/gateway/index.js';
import { BaseHandler, body, param, query, route, status, type ValidationIssue } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';

const Task = z.object({
  title: z.string().min(1),
  items: z.array(z.object({ title: z.string().min(1) })),
  owner: z.string().refine(async (owner) => owner !== 'nobody', 'no such owner'),
});

@route('/:id')
class Tasks extends BaseHandler {
  @status(201)
  doPOSTALL(@body(Task) task: z.infer<typeof Task>, @query('page', z.coerce.number().int().min(1)) page: number): string {
    return JSON.stringify({ task, page });
  }
  doGET(@param('id', z.coerce.number().int()) id: number): string {
    return JSON.stringify({ id });
  }
  doDELETE(@param('id', v.pipeAsync(v.string(), v.checkAsync(async (): Promise<boolean> => {
    throw new Error('store offline');
  }))) _id: string): string {
    return 'unreachable';
  }
}

describe('schema validation behind the reference server, with fetch', () => {
  let server: TsgiServer;
  const errors = new MemoryErrors();

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, Tasks, { log: null, errors });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
  });

  it('passes the coerced output', async () => {
    const response = await fetch(`${server.url}41`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 41 });
    const created = await fetch(`${server.url}?page=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'T', items: [{ title: 'a' }], owner: 'ada' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ task: { title: 'T', items: [{ title: 'a' }], owner: 'ada' }, page: 2 });
  });

  it('answers one 422 problem+json listing every issue, the async refinement among them', async () => {
    const response = await fetch(`${server.url}?page=0`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ title: 'T', items: [{ title: '' }], owner: 'nobody' }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { detail: string; issues: ValidationIssue[] };
    expect(problem.issues.map((issue) => `${issue.in} ${issue.name ?? ''} ${issue.path}`)).toEqual(['body  /items/0/title', 'body  /owner', 'query page ']);
    expect(problem.issues[1]!.message).toBe('no such owner');
    expect(problem.detail).toMatch(/^3 invalid values: /);
  });

  it('keeps a malformed JSON body a 400 and another media type a 415', async () => {
    const broken = await fetch(`${server.url}?page=1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"title":' });
    expect(broken.status).toBe(400);
    const other = await fetch(`${server.url}?page=1`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: 'x' });
    expect(other.status).toBe(415);
  });

  it('answers 500 for a schema that fails, and the server log has the vendor and the place', async () => {
    const response = await fetch(`${server.url}5`, { method: 'DELETE', headers: { Accept: 'text/plain' } });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('The request could not be validated\n');
    expect(errors.text).toContain('tsgi: the valibot schema of Tasks.doDELETE\'s path parameter "id" threw: Error: store offline');
  });
});
