/**
 * What cannot be described fails when the document is built, with a
 * message that names the place and the fix.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toApp } from '../../../src/gateway/app.js';
import { accepts, BaseHandler, body, param, query, route } from '../../../src/handler/index.js';
import { openapiDocument, operation, type HandlerMounts } from '../../../src/handler/openapi/index.js';

const INFO = { title: 'Test', version: '1' };

function build(mounts: HandlerMounts): unknown {
  return openapiDocument(mounts, { info: INFO });
}

describe('schemas without JSON Schema', () => {
  it('a plain valibot schema names toStandardJsonSchema from @valibot/to-json-schema, and the parameter', () => {
    class Search extends BaseHandler {
      doGET(@query('q', v.pipe(v.string(), v.minLength(2))) q: string): string { return q; }
    }
    expect(() => build({ '/search': Search })).toThrow(
      new TypeError(
        'Search.doGET\'s query parameter "q": the valibot schema has no JSON Schema (its \'~standard\' has no jsonSchema converter, part of Standard JSON Schema); ' +
          "wrap it with toStandardJsonSchema(schema) from @valibot/to-json-schema (import { toStandardJsonSchema } from '@valibot/to-json-schema')",
      ),
    );
  });

  it('a body schema of a library without a converter says how to give one', () => {
    const bare = { '~standard': { version: 1, vendor: 'homegrown', validate: (value: unknown) => ({ value }) } } as const;
    class Notes extends BaseHandler {
      @accepts('application/json')
      doPOST(@body(bare) note: unknown): string { return String(note); }
    }
    expect(() => build({ '/notes': Notes })).toThrow(/^Notes\.doPOST's request body: the homegrown schema has no JSON Schema .*give it a '~standard'\.jsonSchema converter/);
  });

  it('a response schema its library cannot write as JSON Schema (a zod date) names the response and what zod said', () => {
    class Clock extends BaseHandler {
      @operation({ responses: { 200: z.object({ now: z.date() }) } })
      doGET(): string { return ''; }
    }
    expect(() => build({ '/clock': Clock })).toThrow(
      "Clock.doGET's 200 response: the zod schema cannot be written as JSON Schema (Date cannot be represented in JSON Schema); describe that value with a schema JSON can carry",
    );
  });
});

describe('operation ids', () => {
  it('an id given twice names both operations and the two fixes', () => {
    class A extends BaseHandler {
      @operation({ operationId: 'list' })
      doGET(): string { return ''; }
    }
    class B extends BaseHandler {
      @operation({ operationId: 'list' })
      doGET(): string { return ''; }
    }
    expect(() => build({ '/a': A, '/b': B })).toThrow(
      'openapiDocument: operationId "list" is given to GET /a (A.doGET) and to GET /b (B.doGET); operationIds must be unique: ' +
        "give one @operation({ operationId: '…' }), or pass an operationId option that tells them apart (a class mounted twice needs one that uses the path)",
    );
  });

  it('a class mounted twice collides with itself under the default ids', () => {
    class Feed extends BaseHandler {
      doGET(): string { return ''; }
    }
    expect(() => build({ '/news': Feed, '/archive': Feed })).toThrow(/operationId "Feed_doGET" is given to GET \/news \(Feed\.doGET\) and to GET \/archive \(Feed\.doGET\)/);
  });

  it('the operationId option must give URL-safe strings', () => {
    class Feed extends BaseHandler {
      doGET(): string { return ''; }
    }
    expect(() => openapiDocument({ '/feed': Feed }, { info: INFO, operationId: ({ path }) => `get ${path}` })).toThrow(
      'openapiDocument: the operationId option gave "get /feed" for GET /feed (Feed.doGET); it must give a non-empty, URL-safe string (letters, digits, . _ ~ -)',
    );
  });

  it('@operation refuses an id that is not URL-safe and a response key that is not a status', () => {
    expect(() => operation({ operationId: 'list tasks' })).toThrow('@operation operationId "list tasks" must be non-empty and URL-safe (letters, digits, . _ ~ -)');
    expect(() => operation({ operationId: '' })).toThrow(/must be non-empty/);
    expect(() => operation({ responses: { 99: 'nope' } })).toThrow(new RangeError('@operation responses: "99" is not a status code (100–599)'));
  });

  it('@operation decorates doX instance methods only', () => {
    const decorate = operation({ summary: 'x' }) as (target: unknown, key?: unknown) => void;
    class Target extends BaseHandler {}
    expect(() => decorate(Target)).toThrow('@operation decorates doX methods, not classes');
    expect(() => decorate(Target, 'create')).toThrow('@operation decorates doX instance methods, not the static create');
    expect(() => decorate(Target, { kind: 'field', name: 'x' })).toThrow('@operation decorates doX methods, not a field');
    expect(() => decorate(() => '', { kind: 'method', name: 'doGET', static: true, private: false })).toThrow('@operation decorates doX instance methods, not the static doGET');
  });
});

describe('mounts', () => {
  it('a mount that is not a handler class says to mount the class itself', () => {
    class Tasks extends BaseHandler {
      doGET(): string { return ''; }
    }
    const fix = 'mount the handler class itself (a class extending BaseHandler), not an app made from it or wrapped in middleware, or an object of further mounts';
    const app = toApp(Tasks);
    expect(() => build({ '/tasks': app as never })).toThrow(`openapiDocument: the mount "/tasks" is the function ${app.name || '(anonymous)'}, not a BaseHandler subclass; ${fix}`);
    class NotAHandler {}
    expect(() => build({ '/x': NotAHandler as never })).toThrow(`the mount "/x" is the function NotAHandler, not a BaseHandler subclass; ${fix}`);
    expect(() => build({ '/api': { '/y': 'Tasks' as never } })).toThrow(`the mount "/api/y" is the string "Tasks"; ${fix}`);
    expect(() => build({ '/z': null as never })).toThrow(`the mount "/z" is null; ${fix}`);
  });

  it('a bad prefix, and options without info, are refused', () => {
    class Tasks extends BaseHandler {
      doGET(): string { return ''; }
    }
    expect(() => build({ tasks: Tasks })).toThrow('openapiDocument: mount prefix "tasks" must start with one "/" and hold no empty segment');
    expect(() => build({ '/a//b': Tasks })).toThrow(/mount prefix "\/a\/\/b"/);
    expect(() => openapiDocument({ '/tasks': Tasks }, { info: { title: 'No version' } } as never)).toThrow('openapiDocument: options.info needs a title and a version');
  });

  it('two classes describing one path template (names aside) are refused, naming both', () => {
    @route('/:id')
    class Items extends BaseHandler {
      doGET(@param('id', Number) id: number): string { return String(id); }
    }
    @route('/items/:name')
    class Catalogue extends BaseHandler {
      doGET(): string { return ''; }
    }
    expect(() => build({ '/items': Items, '/': Catalogue })).toThrow(
      'openapiDocument: /items/{name} of Catalogue is the path /items/{id} of Items already describes (OpenAPI tells paths apart by their literal segments only); ' +
        'urlMap sends such requests to the longest prefix alone, so mount one of them elsewhere or give one a different @route',
    );
  });

  it("a class its plan refuses fails with the plan's own message", () => {
    @route('/:id')
    class Broken extends BaseHandler {
      doGET(@param('idd', Number) id: number): string { return String(id); }
    }
    expect(() => build({ '/b': Broken })).toThrow(/^Broken cannot be served:\n {2}Broken\.doGET binds path parameter "idd", which @route\("\/:id"\) does not have/);
  });
});
