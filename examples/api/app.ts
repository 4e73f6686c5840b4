/**
 * The JSON API example: a collection of tasks with create, read, update,
 * delete and a paged list, validated by zod schemas, with ETags for
 * conditional requests and problem+json errors; its OpenAPI document is
 * generated from these classes and served beside a reference page.
 */
import type { z } from 'zod';
import { HttpError } from '../../src/gateway/index.js';
import { accepts, BaseHandler, body, contentType, header, param, query, route, status } from '../../src/handler/index.js';
import { operation, openapiDocument } from '../../src/handler/openapi/index.js';
import { openapiDocs } from '../../src/middleware/openapi/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import type { App } from '../../src/gateway/index.js';
import { After, DoneFilter, Limit, Task as TaskSchema, TaskId, TaskInput, TaskPage, TaskPatch } from './schemas.js';
import { etagOf, TaskStore, type Task } from './store.js';

const JSON_TYPE = 'application/json';
/** The optional If-Match header of the methods that change a task. */
const IfMatch = header('If-Match', { optional: true });

/** Whether an If-Match or If-None-Match value names this task's current tag. */
function matches(list: string, task: Task): boolean {
  if (list.trim() === '*') return true;
  const tag = etagOf(task);
  return list.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}

/** The tasks API over `store`: one class, mounted at the collection's path. */
export function tasksApi(store = new TaskStore()): typeof BaseHandler {
  @route('/:id')
  class Tasks extends BaseHandler {
    /** Answers `value` as JSON with `status` and extra headers. */
    #json(statusLine: string, value: unknown, headers: Array<[string, string]> = []): string {
      this.start(statusLine, [['Content-Type', JSON_TYPE], ...headers]);
      return `${JSON.stringify(value)}\n`;
    }

    #found(id: number): Task {
      const task = store.get(id);
      if (task === undefined) throw new HttpError(404, `There is no task ${id}.`);
      return task;
    }

    /** 412 unless an If-Match given names the current version. */
    #checkIfMatch(task: Task, ifMatch: string | undefined): void {
      if (ifMatch !== undefined && !matches(ifMatch, task)) {
        throw new HttpError(412, `Task ${task.id} has changed: its ETag is now ${etagOf(task)}.`);
      }
    }

    #location(id: number): string {
      return `${this.environ.SCRIPT_NAME}/${id}`;
    }

    @operation({ summary: 'List tasks, a page at a time', operationId: 'listTasks', description: 'Pages follow the `Link: <…>; rel="next"` header, or `after=next` from the body.', responses: { 200: TaskPage } })
    @contentType(JSON_TYPE)
    doGETALL(
      @query('limit', Limit) limit: number,
      @query('after', After) after: number,
      @query('done', DoneFilter) done: 'true' | 'false' | undefined,
    ): string {
      const page = store.list(limit, after, done === undefined ? undefined : done === 'true');
      const headers: Array<[string, string]> = [];
      if (page.next !== null) {
        const filter = done === undefined ? '' : `&done=${done}`;
        headers.push(['Link', `<${this.environ.SCRIPT_NAME}/?limit=${limit}&after=${page.next}${filter}>; rel="next"`]);
      }
      return this.#json('200 OK', page, headers);
    }

    @operation({ summary: 'Create a task', operationId: 'createTask', responses: { 201: TaskSchema } })
    @status(201)
    @contentType(JSON_TYPE)
    @accepts(JSON_TYPE)
    doPOSTALL(@body(TaskInput) input: z.infer<typeof TaskInput>): string {
      const task = store.create(input);
      return this.#json('201 Created', task, [
        ['Location', this.#location(task.id)],
        ['ETag', etagOf(task)],
      ]);
    }

    @operation({ summary: 'Read a task', operationId: 'getTask', responses: { 200: TaskSchema, 304: 'Not modified: the If-None-Match tag is current' } })
    @contentType(JSON_TYPE)
    doGET(@param('id', TaskId) id: number, @header('If-None-Match', { optional: true }) ifNoneMatch?: string): string {
      const task = this.#found(id);
      if (ifNoneMatch !== undefined && matches(ifNoneMatch, task)) {
        this.start('304 Not Modified', [['ETag', etagOf(task)]]);
        return '';
      }
      return this.#json('200 OK', task, [['ETag', etagOf(task)]]);
    }

    @operation({ summary: 'Replace a task', operationId: 'replaceTask', responses: { 200: TaskSchema, 412: 'The If-Match tag is not the current one' } })
    @contentType(JSON_TYPE)
    @accepts(JSON_TYPE)
    doPUT(@param('id', TaskId) id: number, @body(TaskInput) input: z.infer<typeof TaskInput>, @IfMatch ifMatch?: string): string {
      this.#checkIfMatch(this.#found(id), ifMatch);
      const task = store.update(id, input) as Task;
      return this.#json('200 OK', task, [['ETag', etagOf(task)]]);
    }

    @operation({ summary: 'Change some of a task', operationId: 'updateTask', responses: { 200: TaskSchema, 412: 'The If-Match tag is not the current one' } })
    @contentType(JSON_TYPE)
    @accepts(JSON_TYPE)
    doPATCH(@param('id', TaskId) id: number, @body(TaskPatch) changes: z.infer<typeof TaskPatch>, @IfMatch ifMatch?: string): string {
      this.#checkIfMatch(this.#found(id), ifMatch);
      const task = store.update(id, changes) as Task;
      return this.#json('200 OK', task, [['ETag', etagOf(task)]]);
    }

    @operation({ summary: 'Delete a task', operationId: 'deleteTask', responses: { 412: 'The If-Match tag is not the current one' } })
    @status(204)
    doDELETE(@param('id', TaskId) id: number, @IfMatch ifMatch?: string): string {
      this.#checkIfMatch(this.#found(id), ifMatch);
      store.delete(id);
      this.start('204 No Content', []);
      return '';
    }
  }
  return Tasks;
}

/** The API's root: where its collection, document and reference page are. */
class ApiIndex extends BaseHandler {
  @contentType(JSON_TYPE)
  doGETALL(): string {
    const base = this.environ.SCRIPT_NAME;
    return `${JSON.stringify({ tasks: `${base}/tasks/`, openapi: `${base}/openapi.json`, docs: `${base}/docs` })}\n`;
  }

  doGET(): never {
    throw new HttpError(404, `Nothing here: ${this.pathInfo.slice(0, 200)}; the tasks are at tasks/.`);
  }
}

/**
 * The API as a site mounted at `prefix` (`''` when it is the whole site):
 * the tasks at `/tasks`, the OpenAPI document at `/openapi.json` and its
 * reference page at `/docs`.
 */
export function apiSite(prefix: string, store = new TaskStore()): App {
  const mounts = { '/tasks': tasksApi(store) };
  const document = openapiDocument(mounts, {
    info: {
      title: 'tsgi tasks',
      version: '1.0.0',
      license: { name: 'MIT', identifier: 'MIT' },
      description: 'The JSON API example: tasks with create, read, update, delete and a paged list, validated by zod schemas, with ETags and problem+json errors.',
    },
    servers: [{ url: prefix === '' ? '/' : prefix }],
  });
  return openapiDocs(urlMap({ ...mounts, '/': ApiIndex }), { document, title: 'tsgi tasks API' });
}
