import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { toApp } from '../../src/gateway/app.js';
import { BaseHandler, query, route, type ValidationIssue } from '../../src/handler/index.js';
import { TestClient } from '../../src/testing/index.js';

const Task = z.object({ title: z.string().min(1), done: z.boolean().default(false) });
const Paging = z.object({ page: z.coerce.number().int().min(1).default(1), tag: z.union([z.string(), z.array(z.string())]).optional() });

@route('/:id')
class Tasks extends BaseHandler {
  async doPOSTALL(): Promise<string> {
    const task = await this.validBody(Task);
    const { page, tag } = await this.validQuery(Paging);
    this.statusOverride = '201 Created';
    return JSON.stringify({ task, page, tag });
  }
  async doGET(): Promise<string> {
    const { id } = await this.validParams(v.object({ id: v.pipe(v.string(), v.toNumber(), v.integer()) }));
    const { theme } = await this.validCookies(z.object({ theme: z.enum(['light', 'dark']).default('light') }));
    const headers = await this.validHeaders(type({ 'x-api-key': 'string == 4' }));
    return JSON.stringify({ id, theme, key: headers['x-api-key'] });
  }
  async doPUT(): Promise<string> {
    const fields = await this.validFields(z.object({ title: z.string().min(1), tag: z.array(z.string()) }));
    return JSON.stringify(fields);
  }
}

const client = new TestClient(Tasks, { headers: { Accept: 'application/json' } });
const issuesOf = (response: { json(): unknown }): ValidationIssue[] => (response.json() as { issues: ValidationIssue[] }).issues;

describe('validation helpers on the request', () => {
  it('return the typed output of body, query, path parameters, cookies, headers and form fields', async () => {
    const created = await client.post('/?page=3&tag=a&tag=b', { json: { title: 'Write docs' } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ task: { title: 'Write docs', done: false }, page: 3, tag: ['a', 'b'] });
    const item = await client.get('/12', { headers: { 'X-Api-Key': 'abcd', Cookie: 'theme=dark' } });
    expect(item.json()).toEqual({ id: 12, theme: 'dark', key: 'abcd' });
    const form = await client.put('/1', { form: { title: 'Hi', tag: ['x', 'y'] } });
    expect(form.json()).toEqual({ title: 'Hi', tag: ['x', 'y'] });
  });

  it('answer 422 with the same issue shape as the decorators: the first key of a record is the name', async () => {
    const body = await client.post('/', { json: { title: '' } });
    expect(body.status).toBe(422);
    expect(issuesOf(body)).toEqual([{ in: 'body', path: '/title', message: expect.any(String) as string }]);
    const queried = await client.post('/?page=0', { json: { title: 'ok' } });
    expect(issuesOf(queried)).toEqual([{ in: 'query', name: 'page', path: '', message: expect.stringMatching(/too small/i) as string }]);
    const item = await client.get('/twelve', { headers: { 'X-Api-Key': 'abcd' } });
    expect(issuesOf(item)).toEqual([{ in: 'path', name: 'id', path: '', message: expect.any(String) as string }]);
    const header = await client.get('/1', { headers: { 'X-Api-Key': 'toolong' } });
    expect(issuesOf(header)).toEqual([{ in: 'header', name: 'x-api-key', path: '', message: expect.any(String) as string }]);
    const fields = await client.put('/1', { form: { title: '', tag: 'one' } });
    expect(issuesOf(fields).map((issue) => [issue.in, issue.name])).toEqual([
      ['field', 'title'],
      ['field', 'tag'],
    ]);
  });

  it('give records as plain objects whose keys are data, even `__proto__`', async () => {
    class Echo extends BaseHandler {
      async doGET(): Promise<string> {
        // The input as it is: a library may build its output by assignment, which drops `__proto__`.
        const all = await this.validQuery(z.custom<Record<string, unknown>>((value) => typeof value === 'object'));
        return JSON.stringify({ own: Object.keys(all), proto: Object.getPrototypeOf(all) === Object.prototype });
      }
    }
    const response = await new TestClient(Echo).get('/?__proto__=x&a=1&a=2');
    expect(response.json()).toEqual({ own: ['__proto__', 'a'], proto: true });
  });

  it('name the helper and the class when the schema throws', async () => {
    class Broken extends BaseHandler {
      async doPOST(): Promise<string> {
        return String(await this.validBody(z.unknown().transform(() => {
          throw new RangeError('no');
        })));
      }
    }
    const response = await new TestClient(Broken).post('/', { json: 1 });
    expect(response.status).toBe(500);
    expect(response.errors).toMatch(/^tsgi: the zod schema of validBody\(\) in Broken threw: RangeError: no\n/);
  });

  it('type the output from the schema, so a mismatch does not compile', () => {
    const typed = async (handler: BaseHandler): Promise<void> => {
      const task = await handler.validBody(Task);
      expectTypeOf(task).toEqualTypeOf<{ title: string; done: boolean }>();
      // @ts-expect-error the output's title is a string, not a number
      const title: number = task.title;
      const { page } = await handler.validQuery(Paging);
      // @ts-expect-error page is a number after z.coerce
      const shown: string = page;
      const valibot = await handler.validParams(v.object({ id: v.pipe(v.string(), v.toNumber()) }));
      // @ts-expect-error valibot's output: id is a number
      const id: string = valibot.id;
      void [title, shown, id];
    };
    expect(typeof typed).toBe('function');
  });
});

describe('the missing-metadata refusal', () => {
  it('names a schema as a fix', () => {
    class Union extends BaseHandler {
      doGET(@query('n', { optional: true }) n: number | undefined): string {
        return typeof n;
      }
    }
    expect(() => toApp(Union)).toThrow("or give a Standard Schema that converts it, e.g. @query('n', z.coerce.number())");
  });
});
