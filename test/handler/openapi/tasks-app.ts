/**
 * A realistic API for the OpenAPI tests: a routed collection with typed
 * and schema'd path, query, header and cookie parameters, JSON bodies
 * checked by zod, valibot and arktype, a form, nested mounts, and an
 * unrouted resource. The methods answer for real, so the same classes are
 * served and described.
 */
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { HttpError } from '../../../src/gateway/http-error.js';
import { accepts, BaseHandler, body, contentType, cookie, field, header, param, query, responseHeader, route, status } from '../../../src/handler/index.js';
import { operation, type HandlerMounts, type OpenApiDocumentOptions } from '../../../src/handler/openapi/index.js';

export const Task = z
  .object({ id: z.number().int(), title: z.string().min(1), done: z.boolean(), due: z.iso.datetime().optional() })
  .meta({ id: 'Task', description: 'A task as stored' });
export const NewTask = z.object({ title: z.string().min(1), due: z.iso.datetime().optional() }).meta({ id: 'NewTask' });
// valibot has no JSON Schema of its own: its converter wraps the schema.
export const TaskPatch = toStandardJsonSchema(v.object({ title: v.optional(v.pipe(v.string(), v.minLength(1))), done: v.optional(v.boolean()) }));
export const Comment = type({ author: 'string > 0', text: 'string', 'stars?': '1 <= number.integer <= 5' });

type TaskRecord = z.infer<typeof Task>;

const tasks = new Map<number, TaskRecord>([[1, { id: 1, title: 'write the docs', done: false }]]);

function found(id: number): TaskRecord {
  const task = tasks.get(id);
  if (task === undefined) throw HttpError.notFound(`no task ${id}`);
  return task;
}

@route('/:id')
export class Tasks extends BaseHandler {
  @operation({ summary: 'List the tasks', tags: ['tasks'], responses: { 200: z.array(Task) } })
  @contentType('application/json')
  doGETALL(
    @query('done', { type: Boolean, optional: true }) done: boolean | undefined,
    @query('page', z.coerce.number().int().min(1).default(1)) page: number,
    @query('tag', { type: [String], optional: true }) tags: string[],
    @header('X-Request-Id', { type: String, optional: true }) requestId: string | undefined,
  ): string {
    void tags;
    void requestId;
    const all = [...tasks.values()].filter((task) => done === undefined || task.done === done);
    return JSON.stringify(all.slice((page - 1) * 20, page * 20));
  }

  @operation({ summary: 'Add a task', tags: ['tasks'], responses: { 201: Task } })
  @status(201)
  @contentType('application/json')
  @accepts('application/json')
  doPOSTALL(@body(NewTask) task: z.infer<typeof NewTask>): string {
    const id = tasks.size + 1;
    const stored: TaskRecord = { id, done: false, ...task };
    tasks.set(id, stored);
    return JSON.stringify(stored);
  }

  @operation({ summary: 'One task', tags: ['tasks'], responses: { 200: Task } })
  @contentType('application/json')
  doGET(@param('id', Number) id: number, @cookie('lang', { default: 'en' }) lang: string): string {
    void lang;
    return JSON.stringify(found(id));
  }

  @operation({ summary: 'Change a task', tags: ['tasks'], responses: { 200: Task, 409: 'A done task cannot be renamed' } })
  @contentType('application/json')
  @accepts('application/json')
  doPATCH(@param('id', Number) id: number, @body(TaskPatch) patch: { title?: string; done?: boolean }): string {
    const task = found(id);
    if (task.done && patch.title !== undefined) throw HttpError.conflict('a done task cannot be renamed');
    Object.assign(task, patch);
    return JSON.stringify(task);
  }

  @operation({ summary: 'Remove a task', tags: ['tasks'] })
  @status(204)
  doDELETE(@param('id', Number) id: number, @header('If-Match', z.string().regex(/^"[^"]*"$/).optional()) ifMatch: string | undefined): void {
    void ifMatch;
    found(id);
    tasks.delete(id);
  }
}

/** Comments on a task: an arktype body, a date query parameter, HTML listing. */
@route('/:taskId/comments')
export class Comments extends BaseHandler {
  doGET(@param('taskId', Number) taskId: number, @query('since', { type: Date, optional: true }) since: Date | undefined): string {
    return `<p>comments on ${taskId}${since === undefined ? '' : ` since ${since.toISOString()}`}</p>`;
  }

  @operation({ summary: 'Comment on a task', responses: { 201: Comment } })
  @status(201)
  @contentType('application/json')
  @accepts('application/json')
  doPOST(@param('taskId', Number) taskId: number, @body(Comment) comment: typeof Comment.infer): string {
    void taskId;
    return JSON.stringify(comment);
  }
}

/** A form post, answered in HTML. */
export class Feedback extends BaseHandler {
  @operation({ summary: 'Send feedback', description: 'A plain HTML form posts here.' })
  doPOST(@field('email', String) email: string, @field('rating', Number) rating: number, @field('remarks', { type: String, optional: true }) remarks: string | undefined): string {
    void remarks;
    return `<p>thanks, ${email} (${rating})</p>`;
  }
}

/** An unrouted resource: one GET, plain text. */
export class Health extends BaseHandler {
  @responseHeader('Cache-Control', 'no-store')
  @contentType('text/plain; charset=utf-8')
  doGET(@query('verbose', { type: Boolean, default: false }) verbose: boolean): string {
    return verbose ? 'ok: 1 task list\n' : 'ok\n';
  }
}

/** The mounts, as urlMap takes them once flattened. */
export const MOUNTS: HandlerMounts = { '/api': { '/tasks': Tasks, '/tasks-comments': Comments }, '/feedback': Feedback, '/health': Health };

/** The same app for urlMap: nested prefixes spelled out. */
export const URL_MAP_MOUNTS = { '/api/tasks': Tasks, '/api/tasks-comments': Comments, '/feedback': Feedback, '/health': Health };

export const OPTIONS: OpenApiDocumentOptions = {
  info: { title: 'Tasks', version: '1.0.0', summary: 'A to-do list', license: { name: 'MIT', identifier: 'MIT' } },
  servers: [{ url: 'http://127.0.0.1:8080' }],
  tags: [
    { name: 'tasks', description: 'The to-do list' },
    { name: 'Comments', description: 'What people say about a task' },
    { name: 'Feedback', description: 'Notes about the app itself' },
    { name: 'Health', description: 'Whether the app is up' },
  ],
};

/** Every operation the document must list, as `METHOD path`. */
export const OPERATIONS = [
  'GET /api/tasks',
  'POST /api/tasks',
  'GET /api/tasks/{id}',
  'PATCH /api/tasks/{id}',
  'DELETE /api/tasks/{id}',
  'GET /api/tasks-comments/{taskId}/comments',
  'POST /api/tasks-comments/{taskId}/comments',
  'POST /feedback',
  'GET /health',
];
