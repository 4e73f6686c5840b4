import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseHandler, body, cookie, field, header, param, query, route, status, type ValidationIssue } from '../../src/handler/index.js';
import type { StandardSchemaV1 } from '../../src/handler/schema.js';
import { TestClient } from '../../src/testing/index.js';

/** The same contract written with each library. */
interface Contract {
  readonly task: StandardSchemaV1;
  readonly page: StandardSchemaV1;
  readonly id: StandardSchemaV1;
  /** Messages differ between libraries; each issue's message must mention these. */
  readonly words: { readonly title: RegExp; readonly priority: RegExp; readonly page: RegExp };
}

const contracts: Array<[string, Contract]> = [
  [
    'zod 4',
    {
      task: z.object({ title: z.string().min(1), priority: z.number().int(), items: z.array(z.object({ title: z.string() })).default([]) }),
      page: z.coerce.number().int().min(1),
      id: z.coerce.number().int(),
      words: { title: /too small/i, priority: /expected number/i, page: /expected number|too small/i },
    },
  ],
  [
    'valibot 1',
    {
      task: v.object({
        title: v.pipe(v.string(), v.minLength(1)),
        priority: v.pipe(v.number(), v.integer()),
        items: v.optional(v.array(v.object({ title: v.string() })), []),
      }),
      page: v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1)),
      id: v.pipe(v.string(), v.toNumber(), v.integer()),
      words: { title: /length/i, priority: /number/i, page: /number|value/i },
    },
  ],
  [
    'arktype 2',
    {
      task: type({ title: 'string > 0', priority: 'number.integer', 'items?': type({ title: 'string' }).array() }),
      page: type('string.integer.parse').to('number >= 1'),
      id: type('string.integer.parse'),
      words: { title: /non-empty|more than 0/i, priority: /number/i, page: /integer/i },
    },
  ],
];

describe.each(contracts)('parameter decorators with %s schemas', (vendor, contract) => {
  @route('/:id')
  class Tasks extends BaseHandler {
    @status(201)
    doPOSTALL(@body(contract.task) task: unknown, @query('page', contract.page) page: unknown): string {
      return JSON.stringify({ task, page, pageType: typeof page });
    }
    doGET(@param('id', contract.id) id: unknown): string {
      return JSON.stringify({ id, type: typeof id });
    }
  }
  const client = new TestClient(Tasks, { headers: { Accept: 'application/json' } });

  it('passes the typed output: a coerced path parameter and query parameter, a parsed body', async () => {
    const item = await client.get('/7');
    expect(item.status).toBe(200);
    expect(item.json()).toEqual({ id: 7, type: 'number' });
    const created = await client.post('/?page=2', { json: { title: 'Write docs', priority: 1, items: [{ title: 'intro' }] } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ task: { title: 'Write docs', priority: 1, items: [{ title: 'intro' }] }, page: 2, pageType: 'number' });
  });

  it('answers 422 problem+json naming every issue of every parameter: two in the body and one in the query', async () => {
    const response = await client.post('/?page=zero', { json: { title: '', priority: 'high' }, headers: { Accept: 'application/problem+json' } });
    expect(response.status).toBe(422);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    const problem = response.json() as { type: string; title: string; status: number; detail: string; issues: ValidationIssue[] };
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Unprocessable Content', status: 422 });
    // Parameters in order; within one schema, in the library's own order.
    const where = problem.issues.map(({ in: source, name, path }) => ({ in: source, name, path }));
    expect(where.slice(0, 2)).toEqual(expect.arrayContaining([{ in: 'body', name: undefined, path: '/title' }, { in: 'body', name: undefined, path: '/priority' }]));
    expect(where[2]).toEqual({ in: 'query', name: 'page', path: '' });
    const message = (path: string): string => problem.issues.find((issue) => issue.path === path)!.message;
    expect(message('/title')).toMatch(contract.words.title);
    expect(message('/priority')).toMatch(contract.words.priority);
    expect(problem.issues[2]!.message).toMatch(contract.words.page);
    expect(problem.detail).toMatch(/^3 invalid values: request body at \/(title|priority): .+; request body at \/(title|priority): .+; query parameter "page": .+$/);
    // No log line: the client's mistake is not the server's.
    expect(response.errors).toBe('');
  });

  it('points into arrays with a JSON Pointer', async () => {
    const response = await client.post('/?page=1', { json: { title: 'x', priority: 1, items: [{ title: 'ok' }, { title: 3 }] } });
    expect(response.status).toBe(422);
    const { issues } = response.json() as { issues: ValidationIssue[] };
    expect(issues.map((issue) => issue.path)).toEqual(['/items/1/title']);
  });

  it('gives the schema undefined for an absent value, so a required one is a 422 naming it', async () => {
    const response = await client.post('/', { json: { title: 'x', priority: 1 } });
    expect(response.status).toBe(422);
    expect((response.json() as { issues: ValidationIssue[] }).issues).toEqual([{ in: 'query', name: 'page', path: '', message: expect.any(String) as string }]);
    const noBody = await client.post('/?page=1');
    expect(noBody.status).toBe(422);
    expect((noBody.json() as { issues: ValidationIssue[] }).issues.map((issue) => issue.in)).toEqual(['body']);
  });

  it('refuses a path parameter that does not convert with a 422 in "path"', async () => {
    const response = await client.get('/seven');
    expect(response.status).toBe(422);
    expect((response.json() as { issues: ValidationIssue[] }).issues).toEqual([{ in: 'path', name: 'id', path: '', message: expect.any(String) as string }]);
    expect((response.json() as { detail: string }).detail).toMatch(/^1 invalid value: path parameter "id": /);
  });

  it(`parses before validating: a body that is not JSON stays a 400, an unknown media type a 415 (${vendor})`, async () => {
    const broken = await client.post('/?page=1', { body: '{"title":', headers: { 'Content-Type': 'application/json' } });
    expect(broken.status).toBe(400);
    const xml = await client.post('/?page=1', { body: '<task/>', headers: { 'Content-Type': 'application/xml' } });
    expect(xml.status).toBe(415);
  });
});

describe('what each source gives its schema', () => {
  const seen: unknown[] = [];
  const record = z.unknown().transform((value) => {
    seen.push(value);
    return value;
  });
  @route('/:id')
  class Sources extends BaseHandler {
    doPOST(
      @param('id', record) _id: unknown,
      @query('one', record) _one: unknown,
      @query('many', record) _many: unknown,
      @query('none', record) _none: unknown,
      @header('X-Trace', record) _trace: unknown,
      @header('X-Missing', record) _missingHeader: unknown,
      @cookie('theme', record) _theme: unknown,
      @field('tag', record) _tags: unknown,
      @field('title', record) _title: unknown,
    ): string {
      return 'ok';
    }
    doPUT(@body(record) _body: unknown): string {
      return 'ok';
    }
  }

  it('the string once, every string when the name repeats, undefined when absent', async () => {
    seen.length = 0;
    const client = new TestClient(Sources);
    const response = await client.post('/a%20b?one=1&many=x&many=y', {
      form: { tag: ['red', 'blue'], title: 'Hi' },
      headers: { 'X-Trace': 'abc, def', Cookie: 'theme=dark' },
    });
    expect(response.status).toBe(200);
    expect(seen).toEqual(['a b', '1', ['x', 'y'], undefined, 'abc, def', undefined, 'dark', ['red', 'blue'], 'Hi']);
  });

  it('the parsed body, or undefined when there is none', async () => {
    seen.length = 0;
    const client = new TestClient(Sources);
    await client.put('/x', { json: { a: [1] } });
    await client.put('/x');
    expect(seen).toEqual([{ a: [1] }, undefined]);
  });
});

/** A hand-written Standard Schema whose validate answers with a promise. */
function slowName(taken: string): StandardSchemaV1<unknown, string> {
  return {
    '~standard': {
      version: 1,
      vendor: 'handmade',
      validate: async (value) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (typeof value !== 'string') return { issues: [{ message: 'expected a name' }] };
        if (value === taken) return { issues: [{ message: `${value} is taken`, path: [{ key: 'name' }] }] };
        return { value: value.toUpperCase() };
      },
    },
  };
}

describe('async schemas', () => {
  const unique = z.object({ login: z.string().refine(async (login) => login !== 'root', 'login is taken') });
  class Signup extends BaseHandler {
    doPOST(@body(unique) account: z.infer<typeof unique>, @query('name', slowName('admin')) name: string, @query('n', z.coerce.number()) n: number): string {
      return JSON.stringify({ account, name, n });
    }
  }
  const client = new TestClient(Signup, { headers: { Accept: 'application/json' } });

  it('are awaited: zod .refine(async …) and a schema whose validate returns a promise', async () => {
    const response = await client.post('/?name=ada&n=3', { json: { login: 'ada' } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ account: { login: 'ada' }, name: 'ADA', n: 3 });
  });

  it('report their issues with the sync ones, in parameter order', async () => {
    const response = await client.post('/?name=admin&n=x', { json: { login: 'root' } });
    expect(response.status).toBe(422);
    expect((response.json() as { issues: ValidationIssue[] }).issues).toEqual([
      { in: 'body', path: '/login', message: 'login is taken' },
      { in: 'query', name: 'name', path: '/name', message: 'admin is taken' },
      { in: 'query', name: 'n', path: '', message: expect.stringMatching(/expected number/i) as string },
    ]);
  });
});

describe('a schema that throws is the server’s fault', () => {
  const throwing = z.string().transform((): string => {
    throw new Error('the transform is broken');
  });
  const rejecting: StandardSchemaV1 = {
    '~standard': { version: 1, vendor: 'handmade', validate: () => Promise.reject(new Error('the lookup service is down')) },
  };
  class Tasks extends BaseHandler {
    doPOSTALL(@body(throwing) _task: unknown): string {
      return 'unreachable';
    }
    doPUT(@query('q', z.string().optional()) _q: unknown, @header('X-Key', rejecting) _key: unknown): string {
      return 'unreachable';
    }
  }
  const client = new TestClient(Tasks);

  it('answers 500 and logs the library and the place when validate throws', async () => {
    const response = await client.post('/', { json: 'x', headers: { Accept: 'application/json' } });
    expect(response.status).toBe(500);
    expect(response.json()).toMatchObject({ status: 500, detail: 'The request could not be validated' });
    expect(response.text()).not.toContain('broken');
    expect(response.errors).toMatch(/^tsgi: the zod schema of Tasks\.doPOSTALL's body threw: Error: the transform is broken\n\s+at /);
  });

  it('does the same when an async validate rejects', async () => {
    const response = await client.put('/x?q=1', { headers: { 'X-Key': 'k' } });
    expect(response.status).toBe(500);
    expect(response.errors).toMatch(/^tsgi: the handmade schema of Tasks\.doPUT's header "X-Key" threw: Error: the lookup service is down\n/);
  });
});

describe('schema and plain parameters together', () => {
  class Mixed extends BaseHandler {
    doGET(@query('n') n: number, @query('q', z.string().min(2)) q: string): string {
      return JSON.stringify({ n, q });
    }
  }
  const client = new TestClient(Mixed, { headers: { Accept: 'application/json' } });

  it('bind side by side; a plain parameter that does not convert is its 400 before any schema runs', async () => {
    expect((await client.get('/?n=2&q=ok')).json()).toEqual({ n: 2, q: 'ok' });
    const response = await client.get('/?n=two&q=x');
    expect(response.status).toBe(400);
    expect((response.json() as { detail: string }).detail).toBe('query parameter "n" must be a number, got "two"');
    expect((await client.get('/?n=2&q=x')).status).toBe(422);
  });
});

describe('the 422 is negotiated like every error', () => {
  class Search extends BaseHandler {
    doGET(@query('n', z.coerce.number().int()) n: number): string {
      return String(n);
    }
  }
  const client = new TestClient(Search);

  it.each([
    ['application/json', 'application/problem+json'],
    ['text/html', 'text/html; charset=utf-8'],
    ['text/plain', 'text/plain; charset=utf-8'],
  ])('Accept: %s gets %s with the detail', async (accept, contentType) => {
    const response = await client.get('/?n=1.5', { headers: { Accept: accept } });
    expect(response.status).toBe(422);
    expect(response.headers.get('Content-Type')).toBe(contentType);
    expect(response.headers.get('Vary')).toBe('Accept');
    expect(response.text()).toContain('1 invalid value: query parameter');
  });

  it('says how many more there are beyond the first three', async () => {
    class Many extends BaseHandler {
      doPOST(@body(z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() })) _all: unknown): string {
        return '';
      }
    }
    const response = await new TestClient(Many, { headers: { Accept: 'application/json' } }).post('/', { json: {} });
    expect((response.json() as { issues: unknown[] }).issues).toHaveLength(5);
    expect((response.json() as { detail: string }).detail).toMatch(/^5 invalid values: request body at \/a: .+; request body at \/b: .+; request body at \/c: .+; and 2 more$/);
  });
});
