/**
 * The mapping rules, one at a time: which paths and operations a class
 * gives, how parameter types, schemas, bodies and responses are written.
 */
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accepts, BaseHandler, body, bodyLimit, contentType, cookie, field, file, header, param, query, responseHeader, route, status } from '../../../src/handler/index.js';
import { openapiDocument, operation, type GeneratedOpenApiDocument, type HandlerMounts, type OpenApiOperation } from '../../../src/handler/openapi/index.js';
import { redoclyLint } from '../../support/openapi-tools.js';

const INFO = { title: 'Test', version: '1' };

function build(mounts: HandlerMounts, options: Partial<Parameters<typeof openapiDocument>[1]> = {}): GeneratedOpenApiDocument {
  return openapiDocument(mounts, { info: INFO, ...options });
}

function operations(doc: GeneratedOpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
}

function op(doc: GeneratedOpenApiDocument, path: string, method: string): OpenApiOperation {
  const found = (doc.paths[path] as Record<string, OpenApiOperation> | undefined)?.[method];
  if (found === undefined) throw new Error(`no ${method} ${path} in ${operations(doc).join(', ')}`);
  return found;
}

describe('paths and operations follow the dispatch', () => {
  it('a routed class: doXALL at the prefix, doX at prefix + pattern with :name as {name}; HEAD and OPTIONS only when defined', () => {
    @route('/:year/:slug')
    class Posts extends BaseHandler {
      doGETALL(): string { return ''; }
      doPOSTALL(): string { return ''; }
      doGET(): string { return ''; }
      doPUT(): string { return ''; }
    }
    expect(operations(build({ '/posts': Posts }))).toEqual(['GET /posts', 'POST /posts', 'GET /posts/{year}/{slug}', 'PUT /posts/{year}/{slug}']);

    @route('/:id')
    class WithHead extends BaseHandler {
      doGET(): string { return ''; }
      doHEAD(): string { return ''; }
      doOPTIONS(): string { return ''; }
    }
    // No doXALL: the root of a routed class answers nothing.
    expect(operations(build({ '/w': WithHead }))).toEqual(['GET /w/{id}', 'HEAD /w/{id}', 'OPTIONS /w/{id}']);
    expect(op(build({ '/w': WithHead }), '/w/{id}', 'head').responses['200']).toEqual({ description: 'OK' });
  });

  it('every path parameter is listed and required; an unbound one is a string, a *rest one says it may hold slashes', () => {
    @route('/:owner/*file')
    class Files extends BaseHandler {
      doGET(@param('owner', Number) owner: number): string { return String(owner); }
    }
    expect(op(build({ '/files': Files }), '/files/{owner}/{file}', 'get').parameters).toEqual([
      { name: 'owner', in: 'path', required: true, schema: { type: 'number' } },
      { name: 'file', in: 'path', required: true, description: 'The rest of the path; it may hold slashes, sent as %2F.', schema: { type: 'string' } },
    ]);
  });

  it('an unrouted class is its root; with doXALL methods its doX ones answer {prefix}/{path}', () => {
    class Single extends BaseHandler {
      doGET(): string { return ''; }
      doDELETE(): string { return ''; }
    }
    expect(operations(build({ '/single': Single }))).toEqual(['GET /single', 'DELETE /single']);
    class Notes extends BaseHandler {
      doGETALL(): string { return ''; }
      doGET(): string { return ''; }
      doPUT(): string { return ''; }
    }
    expect(operations(build({ '/notes': Notes }))).toEqual(['GET /notes', 'PUT /notes', 'GET /notes/{path}', 'PUT /notes/{path}']);
    expect(op(build({ '/notes': Notes }), '/notes', 'get').operationId).toBe('Notes_doGETALL');
    expect(op(build({ '/notes': Notes }), '/notes/{path}', 'get').operationId).toBe('Notes_doGET');
    // doPUT answers both: the root's id says so.
    expect(op(build({ '/notes': Notes }), '/notes', 'put').operationId).toBe('Notes_doPUT_root');
    expect(op(build({ '/notes': Notes }), '/notes/{path}', 'put').operationId).toBe('Notes_doPUT');
  });

  it("@route('/') is the root alone; a root mount is /; nested mounts join their prefixes; a trailing slash is dropped", () => {
    @route('/')
    class Home extends BaseHandler {
      doGET(): string { return ''; }
    }
    class Ping extends BaseHandler {
      doGET(): string { return ''; }
    }
    expect(operations(build({ '/': Home, '/v1/': { '/admin': { '/ping/': Ping } } }))).toEqual(['GET /', 'GET /v1/admin/ping']);
  });

  it('methods OpenAPI 3.1 cannot name (QUERY, extension methods) are left out', () => {
    class Cache extends BaseHandler {
      static override extensionMethods = ['BAN'];
      doBAN(): string { return ''; }
      doQUERY(): string { return ''; }
      doGET(): string { return ''; }
    }
    expect(operations(build({ '/cache': Cache }))).toEqual(['GET /cache']);
  });

  it('inherited doX methods and decorators count, as they do for requests', () => {
    @route('/:id')
    class Base extends BaseHandler {
      @contentType('application/json')
      doGET(@param('id', Number) id: number): string { return String(id); }
    }
    class Child extends Base {
      doGETALL(): string { return ''; }
    }
    const doc = build({ '/c': Child });
    expect(operations(doc)).toEqual(['GET /c', 'GET /c/{id}']);
    expect(op(doc, '/c/{id}', 'get').operationId).toBe('Child_doGET');
    expect(op(doc, '/c/{id}', 'get').parameters[0]!.schema).toEqual({ type: 'number' });
  });
});

describe('parameters', () => {
  it('types: Number → number, Boolean → boolean, Date → date-time string, BigInt → integer, [T] → array of T, Array → array of strings, a parse function → string', () => {
    class Typed extends BaseHandler {
      doGET(
        @query('n', Number) n: number,
        @query('b', Boolean) b: boolean,
        @query('d', Date) d: Date,
        @query('big', BigInt) big: bigint,
        @query('ids', [Number]) ids: number[],
        @query('all', Array) all: string[],
        @query('csv', (value: string) => value.split(',')) csv: string[],
        @query('s') s: string,
      ): string { return [n, b, d, big, ids, all, csv, s].join(); }
    }
    const schemas = op(build({ '/t': Typed }), '/t', 'get').parameters.map((parameter) => [parameter.name, parameter.schema]);
    expect(schemas).toEqual([
      ['n', { type: 'number' }],
      ['b', { type: 'boolean' }],
      ['d', { type: 'string', format: 'date-time' }],
      ['big', { type: 'integer' }],
      ['ids', { type: 'array', items: { type: 'number' } }],
      ['all', { type: 'array', items: { type: 'string' } }],
      ['csv', { type: 'string' }],
      ['s', { type: 'string' }],
    ]);
  });

  it('required unless optional or defaulted; defaults are written as JSON (a Date as its ISO string)', () => {
    class Presence extends BaseHandler {
      doGET(
        @query('must', Number) must: number,
        @query('may', { type: Number, optional: true }) may: number | undefined,
        @query('page', { type: Number, default: 1 }) page: number,
        @query('since', { type: Date, default: new Date('2024-02-29T00:00:00Z') }) since: Date,
        @header('X-Trace', { type: [String], default: ['a', 'b'] }) trace: string[],
        @cookie('theme', { default: 'light' }) theme: string,
      ): string { return [must, may, page, since, trace, theme].join(); }
    }
    expect(op(build({ '/p': Presence }), '/p', 'get').parameters).toEqual([
      { name: 'must', in: 'query', required: true, schema: { type: 'number' } },
      { name: 'may', in: 'query', required: false, schema: { type: 'number' } },
      { name: 'page', in: 'query', required: false, schema: { type: 'number', default: 1 } },
      { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date-time', default: '2024-02-29T00:00:00.000Z' } },
      { name: 'X-Trace', in: 'header', required: false, schema: { type: 'array', items: { type: 'string' }, default: ['a', 'b'] } },
      { name: 'theme', in: 'cookie', required: false, schema: { type: 'string', default: 'light' } },
    ]);
  });

  it("a schema'd parameter takes its schema's input JSON Schema, without $schema; it is required when the schema refuses undefined", () => {
    class Schemed extends BaseHandler {
      doGET(
        @query('page', z.coerce.number().int().min(1).default(1)) page: number,
        @query('q', z.string().min(2)) q: string,
        @header('X-Mode', toStandardJsonSchema(v.optional(v.picklist(['fast', 'slow'])))) mode: string | undefined,
      ): string { return [page, q, mode].join(); }
    }
    const parameters = op(build({ '/s': Schemed }), '/s', 'get').parameters;
    expect(parameters).toEqual([
      { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, default: 1 } },
      { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2 } },
      { name: 'X-Mode', in: 'header', required: false, schema: { type: 'string', enum: ['fast', 'slow'] } },
    ]);
    expect(JSON.stringify(parameters)).not.toContain('$schema');
  });

  it('environ and session parameters are not part of the request a client sends', () => {
    class Inner extends BaseHandler {
      doGET(@query('q', String) q: string): string { return q; }
    }
    expect(op(build({ '/i': Inner }), '/i', 'get').parameters.map((parameter) => parameter.name)).toEqual(['q']);
  });
});

describe('request bodies', () => {
  it("@body(schema): the schema's JSON Schema under each @accepts type (application/json without one); required when the schema refuses undefined", () => {
    const Note = z.object({ text: z.string() });
    class Notes extends BaseHandler {
      @accepts('application/json', 'application/merge-patch+json')
      doPATCH(@body(Note) note: z.infer<typeof Note>): string { return note.text; }
      doPOST(@body(Note.optional()) note: unknown): string { return String(note); }
      doPUT(@body({ optional: true }) raw: unknown): string { return String(raw); }
    }
    const doc = build({ '/n': Notes });
    const schema = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };
    expect(op(doc, '/n', 'patch').requestBody).toEqual({ required: true, content: { 'application/json': { schema }, 'application/merge-patch+json': { schema } } });
    expect(op(doc, '/n', 'post').requestBody).toEqual({ required: false, content: { 'application/json': { schema } } });
    expect(op(doc, '/n', 'put').requestBody).toEqual({ required: false, content: { 'application/json': { schema: {} } } });
  });

  it('@field and @file: an object of the fields, urlencoded and multipart (multipart only with a file), filtered by @accepts', () => {
    class Forms extends BaseHandler {
      doPOST(@field('name', String) name: string, @field('age', { type: Number, optional: true }) age: number | undefined): string { return `${name}${age}`; }
      doPUT(@field('title', String) title: string, @file('scan') scan: unknown, @file('pages', { type: Array, optional: true }) pages: unknown[]): string { return `${title}${String(scan)}${pages.length}`; }
      @accepts('application/x-www-form-urlencoded')
      doPATCH(@field('name', String) name: string): string { return name; }
    }
    const doc = build({ '/f': Forms });
    const post = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name'] };
    expect(op(doc, '/f', 'post').requestBody).toEqual({ required: true, content: { 'application/x-www-form-urlencoded': { schema: post }, 'multipart/form-data': { schema: post } } });
    const binary = { type: 'string', contentMediaType: 'application/octet-stream' };
    expect(op(doc, '/f', 'put').requestBody).toEqual({
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', properties: { title: { type: 'string' }, scan: binary, pages: { type: 'array', items: binary } }, required: ['title', 'scan'] } } },
    });
    expect(Object.keys(op(doc, '/f', 'patch').requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
  });

  it('@accepts alone: an optional body of any of those types, since a request without one passes', () => {
    class Upload extends BaseHandler {
      @accepts('image/*', 'application/pdf')
      @bodyLimit(1024)
      doPUT(): string { return ''; }
    }
    const put = op(build({ '/u': Upload }), '/u', 'put');
    expect(put.requestBody).toEqual({ required: false, content: { 'image/*': { schema: {} }, 'application/pdf': { schema: {} } } });
    expect(Object.keys(put.responses)).toEqual(['200', '400', '413', '415']);
  });
});

describe('responses', () => {
  it('@status and @contentType make the success response (200 text/html by default); @responseHeader its headers; 204 and HEAD have no content', () => {
    class Shapes extends BaseHandler {
      doGET(): string { return ''; }
      @status(201)
      @contentType('application/json; charset=utf-8')
      @responseHeader('Location', '/shapes/1')
      @responseHeader('Content-Type', 'ignored/here')
      doPOST(): string { return ''; }
      @status(204)
      doDELETE(): void {}
    }
    const doc = build({ '/s': Shapes });
    expect(op(doc, '/s', 'get').responses).toEqual({ '200': { description: 'OK', content: { 'text/html': { schema: { type: 'string' } } } } });
    expect(op(doc, '/s', 'post').responses).toEqual({
      '201': { description: 'Created', headers: { Location: { schema: { type: 'string', const: '/shapes/1' } } }, content: { 'application/json': { schema: {} } } },
    });
    expect(op(doc, '/s', 'delete').responses).toEqual({ '204': { description: 'No Content' } });
    expect(doc.components).toEqual({});
  });

  it('the errors the handler layer gives: 400 with converted or required inputs, 404 on item paths, 413/415 with a body, 422 with a schema', () => {
    @route('/:id')
    class Errors extends BaseHandler {
      doGETALL(@query('q', { type: String, optional: true }) q: string | undefined): string { return String(q); }
      doGET(@param('id', Number) id: number): string { return String(id); }
      doPOST(@param('id', z.coerce.number()) id: number, @body(z.object({ a: z.string() })) payload: unknown): string { return `${id}${String(payload)}`; }
    }
    const doc = build({ '/e': Errors });
    expect(Object.keys(op(doc, '/e', 'get').responses)).toEqual(['200']);
    expect(op(doc, '/e/{id}', 'get').responses).toMatchObject({ '400': { $ref: '#/components/responses/BadRequest' }, '404': { $ref: '#/components/responses/NotFound' } });
    expect(Object.keys(op(doc, '/e/{id}', 'post').responses)).toEqual(['200', '400', '404', '413', '415', '422']);
    expect(Object.keys(doc.components.responses ?? {})).toEqual(['BadRequest', 'NotFound', 'ContentTooLarge', 'UnsupportedMediaType', 'UnprocessableContent']);
    expect(doc.components.responses!.UnprocessableContent).toEqual({
      description: 'A value failed its schema; `issues` lists each.',
      content: {
        'application/problem+json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/ProblemDetails' },
              { type: 'object', required: ['issues'], properties: { status: { const: 422 }, issues: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssue' } } } },
            ],
          },
        },
      },
    });
    expect(doc.components.responses!.NotFound!.content!['application/problem+json']!.schema).toEqual({ allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { type: 'object', properties: { status: { const: 404 } } }] });
    expect(doc.components.schemas!.ProblemDetails).toMatchObject({ required: ['type', 'title', 'status', 'detail'], additionalProperties: true });
    expect(doc.components.schemas!.ValidationIssue).toMatchObject({ required: ['in', 'path', 'message'] });
  });

  it('@operation responses: a schema for the own status (output side), a description, and error statuses as problem details', async () => {
    const Shape = z.object({ id: z.number(), kind: z.string().default('square') });
    class Described extends BaseHandler {
      @operation({ responses: { 201: Shape, 303: { description: 'Already there', contentType: 'text/plain' }, 409: 'Taken', 429: { description: 'Slow down', schema: z.object({ retry: z.number() }) } } })
      @status(201)
      @contentType('application/json')
      doPOST(): string { return ''; }
    }
    const doc = build({ '/d': Described });
    expect(op(doc, '/d', 'post').responses).toEqual({
      '201': { description: 'Created', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'number' }, kind: { type: 'string', default: 'square' } }, required: ['id', 'kind'], additionalProperties: false } } } },
      '303': { description: 'Already there', content: { 'text/plain': { schema: { type: 'string' } } } },
      '409': { description: 'Taken', content: { 'application/problem+json': { schema: { allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { type: 'object', properties: { status: { const: 409 } } }] } } } },
      '429': { description: 'Slow down', content: { 'application/problem+json': { schema: { type: 'object', properties: { retry: { type: 'number' } }, required: ['retry'], additionalProperties: false } } } },
    });
    expect(Object.keys(doc.components.schemas ?? {})).toEqual(['ProblemDetails']);
    expect(await redoclyLint(doc)).toEqual([expect.objectContaining({ ruleId: 'info-license' })]);
  });
});

describe('@operation describing a status the handler layer also gives', () => {
  it('takes its place, and the shared component is left out when nothing else refers to it', async () => {
    @route('/:id')
    class Items extends BaseHandler {
      @operation({ summary: 'One item', responses: { 404: 'No item has that id' } })
      doGET(@param('id', Number) id: number): string { return String(id); }
    }
    const doc = build({ '/items': Items }, { info: { ...INFO, license: { name: 'MIT', identifier: 'MIT' } } });
    expect(op(doc, '/items/{id}', 'get').responses['404']).toEqual({
      description: 'No item has that id',
      content: { 'application/problem+json': { schema: { allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { type: 'object', properties: { status: { const: 404 } } }] } } },
    });
    expect(Object.keys(doc.components.responses ?? {})).toEqual(['BadRequest']);
    expect(await redoclyLint(doc)).toEqual([]);
  });
});

describe('the generator’s own schemas', () => {
  it('are left out when nothing refers to them: an error response with its own schema needs no ProblemDetails', async () => {
    class Limited extends BaseHandler {
      @operation({ responses: { 429: { description: 'Slow down', schema: z.object({ retry: z.number() }) } } })
      doGET(): string { return ''; }
    }
    const doc = build({ '/limited': Limited }, { info: { ...INFO, license: { name: 'MIT', identifier: 'MIT' } } });
    expect(doc.components).toEqual({});
    expect(await redoclyLint(doc)).toEqual([]);
  });
});

describe('@operation and operation ids', () => {
  it('summary, description, tags, deprecated and operationId; by default Class.doX as summary, the class as tag, Class_doX as id', () => {
    class Shop extends BaseHandler {
      @operation({ summary: 'Browse', description: 'All *items*.', tags: ['shop', 'public'], operationId: 'browse', deprecated: true })
      doGET(): string { return ''; }
      doPOST(): string { return ''; }
    }
    const doc = build({ '/shop': Shop });
    expect(op(doc, '/shop', 'get')).toMatchObject({ operationId: 'browse', summary: 'Browse', description: 'All *items*.', tags: ['shop', 'public'], deprecated: true });
    expect(op(doc, '/shop', 'post')).toEqual({ operationId: 'Shop_doPOST', summary: 'Shop.doPOST', tags: ['Shop'], parameters: [], responses: { '200': { description: 'OK', content: { 'text/html': { schema: { type: 'string' } } } } } });
  });

  it('the operationId option names operations, e.g. to tell apart a class mounted twice', () => {
    class Feed extends BaseHandler {
      doGET(): string { return ''; }
    }
    const doc = build({ '/news': Feed, '/archive': Feed }, { operationId: ({ method, path }) => `${method.toLowerCase()}${path.replace(/\W/g, '_')}` });
    expect([op(doc, '/news', 'get').operationId, op(doc, '/archive', 'get').operationId]).toEqual(['get_news', 'get_archive']);
  });

  it('servers, security, tags and security schemes are passed through, with a same-origin server and no security by default', async () => {
    class Open extends BaseHandler {
      doGET(@query('q', { type: String, optional: true }) q: string | undefined): string { return String(q); }
    }
    const plain = build({ '/open': Open });
    expect([plain.servers, plain.security, 'tags' in plain]).toEqual([[{ url: '/' }], [], false]);
    const secured = build(
      { '/open': Open },
      { servers: [{ url: 'https://api.test/v1' }], security: [{ bearer: [] }], securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, tags: [{ name: 'Open', description: 'Open things' }] },
    );
    expect(secured).toMatchObject({ servers: [{ url: 'https://api.test/v1' }], security: [{ bearer: [] }], tags: [{ name: 'Open', description: 'Open things' }], components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } });
    // The defaults are what Redocly's recommended rules accept, apart from the licence the info lacks.
    expect((await redoclyLint(plain)).map((problem) => problem.ruleId).sort()).toEqual(['info-license', 'operation-4xx-response']);
  });
});

describe('component schemas from the libraries’ own names', () => {
  it('a named zod schema becomes one component that every use refers to; the same name with another shape gets a number', () => {
    const User = z.object({ name: z.string() }).meta({ id: 'User' });
    const OtherUser = z.object({ id: z.number() }).meta({ id: 'User' });
    class Users extends BaseHandler {
      @accepts('application/json')
      @operation({ responses: { 200: User } })
      doPUT(@body(User) user: unknown): string { return String(user); }
      @accepts('application/json')
      doPOST(@body(z.object({ owner: User, friends: z.array(User) })) pair: unknown): string { return String(pair); }
      @accepts('application/json')
      doPATCH(@body(OtherUser) other: unknown): string { return String(other); }
    }
    const doc = build({ '/users': Users });
    const bodyOf = (method: string): unknown => op(doc, '/users', method).requestBody!.content['application/json']!.schema;
    // Operations are generated in method order (POST, PUT, PATCH): the first User is met first.
    expect(bodyOf('post')).toEqual({ type: 'object', properties: { owner: { $ref: '#/components/schemas/User' }, friends: { type: 'array', items: { $ref: '#/components/schemas/User' } } }, required: ['owner', 'friends'] });
    expect(bodyOf('put')).toEqual({ $ref: '#/components/schemas/User' });
    expect(bodyOf('patch')).toEqual({ $ref: '#/components/schemas/User3' });
    expect(doc.components.schemas!.User).toEqual({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    expect(doc.components.schemas!.User3).toEqual({ type: 'object', properties: { id: { type: 'number' } }, required: ['id'] });
    // The response is the output side, which zod writes as a closed object: another shape, so another name.
    expect(op(doc, '/users', 'put').responses['200']).toEqual({ description: 'OK', content: { 'text/html': { schema: { $ref: '#/components/schemas/User2' } } } });
  });

  it('a recursive schema without a name refers to itself through a component, never to the document root', async () => {
    interface Node { name: string; children: Node[] }
    const Tree: z.ZodType<Node> = z.object({ name: z.string(), get children() { return z.array(Tree); } });
    class Trees extends BaseHandler {
      @accepts('application/json')
      doPOST(@body(Tree) tree: Node): string { return tree.name; }
    }
    const doc = build({ '/trees': Trees }, { info: { ...INFO, license: { name: 'MIT', identifier: 'MIT' } } });
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"\$ref":"#"/);
    expect(text).not.toContain('$defs');
    expect(await redoclyLint(doc)).toEqual([]);
  });
});

describe('@operation inputs for methods that validate with the request helpers', () => {
  const Paging = z.object({ page: z.coerce.number().int().min(1).default(1), q: z.string().optional() });
  const Key = z.object({ 'x-api-key': z.string().length(8) });
  const Note = z.object({ text: z.string().min(1) }).meta({ id: 'Note' });
  const Ids = z.object({ id: z.coerce.number().int() });
  const Signup = z.object({ email: z.email(), age: z.coerce.number().optional() });

  @route('/:id')
  class Notes extends BaseHandler {
    @operation({ summary: 'Search', query: Paging, headers: Key, cookies: z.object({ theme: z.enum(['light', 'dark']).optional() }) })
    async doGETALL(): Promise<string> {
      const { page } = await this.validQuery(Paging);
      await this.validHeaders(Key);
      return String(page);
    }

    @operation({ summary: 'Add', body: Note })
    @accepts('application/json')
    async doPOSTALL(): Promise<string> {
      return (await this.validBody(Note)).text;
    }

    @operation({ summary: 'One', params: Ids })
    async doGET(): Promise<string> {
      return String((await this.validParams(Ids)).id);
    }

    @operation({ summary: 'Sign up', fields: Signup })
    async doPUT(): Promise<string> {
      return (await this.validFields(Signup)).email;
    }
  }

  const doc = (): GeneratedOpenApiDocument => build({ '/notes': Notes }, { info: { ...INFO, license: { name: 'MIT', identifier: 'MIT' } } });

  it('query, headers and cookies schemas become parameters, one per property, required as the object says', () => {
    expect(op(doc(), '/notes', 'get').parameters).toEqual([
      { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, default: 1 } },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'x-api-key', in: 'header', required: true, schema: { type: 'string', minLength: 8, maxLength: 8 } },
      { name: 'theme', in: 'cookie', required: false, schema: { type: 'string', enum: ['light', 'dark'] } },
    ]);
    expect(Object.keys(op(doc(), '/notes', 'get').responses)).toEqual(['200', '422']);
  });

  it('params types the path parameter; body and fields are request bodies under the accepted or form types', () => {
    expect(op(doc(), '/notes/{id}', 'get').parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } }]);
    expect(op(doc(), '/notes', 'post').requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } });
    expect(Object.keys(op(doc(), '/notes', 'post').responses)).toEqual(['200', '400', '413', '415', '422']);
    const signup = op(doc(), '/notes/{id}', 'put').requestBody!;
    expect(Object.keys(signup.content)).toEqual(['application/x-www-form-urlencoded', 'multipart/form-data']);
    expect(signup.content['multipart/form-data']!.schema).toMatchObject({ type: 'object', required: ['email'] });
  });

  it('the document passes redocly, and the app answers as it says: 422 with issues for a short key', async () => {
    expect(await redoclyLint(doc())).toEqual([]);
    const { TestClient } = await import('../../../src/testing/index.js');
    const client = new TestClient(Notes);
    const refused = await client.get('/?page=2', { headers: { 'X-Api-Key': 'short', Accept: 'application/problem+json' } });
    expect(refused.status).toBe(422);
    expect((JSON.parse(refused.text()) as { issues: unknown[] }).issues).toEqual([expect.objectContaining({ in: 'header', name: 'x-api-key', path: '' })]);
    expect((await client.get('/?page=2', { headers: { 'X-Api-Key': '12345678' } })).text()).toBe('2');
  });

  it('a record schema that is not an object is refused, naming the fix', () => {
    class Wrong extends BaseHandler {
      @operation({ query: z.string() })
      doGET(): string { return ''; }
    }
    expect(() => build({ '/w': Wrong })).toThrow("Wrong.doGET: @operation's query schema must describe an object whose properties are the query, e.g. z.object({ page: z.coerce.number() })");
  });
});
