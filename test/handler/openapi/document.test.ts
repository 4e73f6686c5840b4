/**
 * The document of a realistic app, judged by tools that are not tsgi's:
 * Redocly's recommended rules, the OpenAPI 3.1 JSON Schema, and
 * openapi-typescript's types with a client compiled against them; and
 * checked against the app itself, served for real.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openapiDocument, type GeneratedOpenApiDocument } from '../../../src/handler/openapi/index.js';
import { urlMap } from '../../../src/middleware/url-map/index.js';
import { serve } from '../../server/helpers.js';
import { compileClient, generateTypes, redoclyLint, removeTempDirs, validateSchema } from '../../support/openapi-tools.js';
import { MOUNTS, OPERATIONS, OPTIONS, URL_MAP_MOUNTS } from './tasks-app.js';

afterAll(removeTempDirs);

const doc: GeneratedOpenApiDocument = openapiDocument(MOUNTS, OPTIONS);

function listed(document: GeneratedOpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
}

describe('the document of the tasks app', () => {
  it('lists exactly the operations the classes answer', () => {
    expect(listed(doc).sort()).toEqual([...OPERATIONS].sort());
  });

  it('redocly lint with the recommended rules reports no problem at all', async () => {
    expect(await redoclyLint(doc)).toEqual([]);
  });

  it('the OpenAPI 3.1 schema accepts it', async () => {
    expect(await validateSchema(doc)).toEqual({ valid: true, version: '3.1', errors: [] });
  });

  it('is plain JSON: serialising and parsing it changes nothing', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

// A client written against openapi-typescript's output: each call's
// arguments and results are typed by the generated paths and components.
const CLIENT_PRELUDE = `import type { components, operations, paths } from './api.js';
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Task = components['schemas']['Task'];
type TaskItem = paths['/api/tasks/{id}'];
type CommentPath = paths['/api/tasks-comments/{taskId}/comments'];
declare function listTasks(query: NonNullable<paths['/api/tasks']['get']['parameters']['query']>): Promise<Json<paths['/api/tasks']['get']['responses'][200]>>;
declare function addTask(body: Json<paths['/api/tasks']['post']['requestBody']>): Promise<Json<paths['/api/tasks']['post']['responses'][201]>>;
declare function getTask(path: TaskItem['get']['parameters']['path']): Promise<Json<TaskItem['get']['responses'][200]>>;
declare function patchTask(path: TaskItem['patch']['parameters']['path'], body: Json<TaskItem['patch']['requestBody']>): Promise<Task>;
declare function comment(path: CommentPath['post']['parameters']['path'], body: Json<CommentPath['post']['requestBody']>): Promise<Json<CommentPath['post']['responses'][201]>>;
declare function feedback(form: NonNullable<paths['/feedback']['post']['requestBody']>['content']['application/x-www-form-urlencoded']): Promise<string>;
type Problem = components['schemas']['ProblemDetails'];
type Issue = components['schemas']['ValidationIssue'];
type Refused = components['responses']['UnprocessableContent']['content']['application/problem+json'];
type ListOperation = operations['Tasks_doGETALL'];
`;

describe('openapi-typescript types of the document', () => {
  it('type a client that uses every kind of input and output, and it compiles', async () => {
    const types = await generateTypes(doc);
    expect(types.source).toContain('"/api/tasks/{id}"');
    expect(types.source).toMatch(/Tasks_doGETALL: \{/);
    const client = `${CLIENT_PRELUDE}
export async function main(refused: Refused): Promise<string> {
  const open: Task[] = await listTasks({ done: false, page: 2, tag: ['home', 'work'] });
  const all = await listTasks({});
  const added = await addTask({ title: 'ship it', due: '2026-12-24T10:00:00Z' });
  const one = await getTask({ id: added.id });
  const changed = await patchTask({ id: one.id }, { done: true });
  const said = await comment({ taskId: 1 }, { author: 'ada', text: 'nice', stars: 5 });
  const thanks = await feedback({ email: 'ada@example.org', rating: 4 });
  const issue: Issue = refused.issues![0]!;
  const problem: Problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no task 9' };
  const header: ListOperation['parameters']['header'] = { 'X-Request-Id': 'r1' };
  return [open.length, all.length, changed.done, said.author, said.stars ?? 0, thanks, issue.in, issue.path, problem.detail, header?.['X-Request-Id']].join();
}
`;
    expect(compileClient(types.file, client)).toEqual([]);
  });

  it('refuse calls the document does not allow, each on its own line', async () => {
    const types = await generateTypes(doc);
    const wrong = [
      "getTask({ id: 'one' });",
      "addTask({ titel: 'typo' });",
      'listTasks({ page: \'two\' });',
      "comment({ taskId: 1 }, { text: 'no author' });",
      "patchTask({ id: 1 }, { done: 'yes' });",
      "feedback({ email: 'ada@example.org' });",
      "const issue: Issue = { in: 'body', path: '' };",
    ];
    const prelude = CLIENT_PRELUDE.split('\n').length;
    const client = `${CLIENT_PRELUDE}export function wrong(): void {\n${wrong.map((line) => `  ${line}`).join('\n')}\n}\n`;
    const diagnostics = compileClient(types.file, client);
    const lines = new Set(diagnostics.map((diagnostic) => diagnostic.line));
    wrong.forEach((line, index) => expect(lines.has(prelude + 1 + index), `${line} must not compile`).toBe(true));
    expect(diagnostics.every((diagnostic) => diagnostic.line > prelude)).toBe(true);
  });
});

describe('the document against the app it describes, served', () => {
  it('each documented path answers OPTIONS with an Allow of exactly its operations (plus HEAD for GET, and OPTIONS)', async () => {
    const { url } = await serve(urlMap(URL_MAP_MOUNTS));
    for (const [path, item] of Object.entries(doc.paths)) {
      const methods = Object.keys(item).map((method) => method.toUpperCase());
      const expected = new Set([...methods, 'OPTIONS', ...(methods.includes('GET') ? ['HEAD'] : [])]);
      const response = await fetch(new URL(path.replace(/\{[^}]+\}/g, '1'), url), { method: 'OPTIONS' });
      expect(response.status, path).toBe(204);
      expect(response.headers.get('allow'), path).toBe([...expected].sort().join(', '));
    }
  });

  it('answers with the documented statuses and media types, and the documented errors', async () => {
    const { url } = await serve(urlMap(URL_MAP_MOUNTS));
    const created = await fetch(new URL('/api/tasks', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'ship it' }) });
    expect(created.status).toBe(201);
    expect(Object.keys(doc.paths['/api/tasks']!.post!.responses)).toContain('201');
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    const task = (await created.json()) as { id: number };

    const gone = await fetch(new URL(`/api/tasks/${task.id}`, url), { method: 'DELETE' });
    expect(gone.status).toBe(204);
    const missing = await fetch(new URL(`/api/tasks/${task.id}`, url), { headers: { Accept: 'application/problem+json' } });
    expect(missing.status).toBe(404);
    expect(doc.paths['/api/tasks/{id}']!.get!.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    const problem = (await missing.json()) as Record<string, unknown>;
    for (const member of ['type', 'title', 'status', 'detail']) expect(problem).toHaveProperty(member);

    const badId = await fetch(new URL('/api/tasks/one', url), { headers: { Accept: 'application/problem+json' } });
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { parameter: unknown }).parameter).toEqual({ in: 'param', name: 'id' });

    const unsupported = await fetch(new URL('/api/tasks', url), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
    expect(unsupported.status).toBe(415);
    const health = await fetch(new URL('/health', url));
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});
