/**
 * The app every consumer project compiles, in the forms the toolchains
 * need: with parameter decorators whose types come from metadata, with
 * explicit types (no metadata needed), and with standard decorators only.
 */

/** Route params and query typed by `design:paramtypes`: needs emitDecoratorMetadata. */
export const METADATA_APP = `import { BaseHandler, body, contentType, param, query, route, status } from 'tsgi';
import { urlMap } from 'tsgi/middleware/url-map';

@route('/:id')
export class Todos extends BaseHandler {
  doGETALL(@query('done') done: boolean): string {
    return JSON.stringify({ done, type: typeof done });
  }

  doGET(@param('id') id: number): string {
    return JSON.stringify({ id, type: typeof id });
  }

  @status(201)
  @contentType('application/json')
  doPOSTALL(@body() posted: unknown): string {
    return JSON.stringify({ posted });
  }
}

export const site = urlMap({ '/todos': Todos });
`;

/** The same app with the types given in the decorators, as tsx or esbuild users write it. */
export const EXPLICIT_APP = METADATA_APP.replace("@query('done') done", "@query('done', Boolean) done").replace("@param('id') id", "@param('id', Number) id");

/** Standard (TC39) decorators: no parameter decorators exist, so params are read from the request. */
export const STANDARD_APP = `import { BaseHandler, contentType, route, status } from 'tsgi';
import { urlMap } from 'tsgi/middleware/url-map';

@route('/:id')
export class Todos extends BaseHandler {
  doGET(): string {
    return JSON.stringify({ id: this.params['id'] });
  }

  @status(201)
  @contentType('application/json')
  doPOSTALL(): string {
    return JSON.stringify({ made: true });
  }
}

export const site = urlMap({ '/todos': Todos });
`;

/** A vitest file driving the metadata app in-process through TestClient. */
export const VITEST_TEST = `import { expect, it } from 'vitest';
import { TestClient } from 'tsgi/testing';
import { site } from './app.js';

it('types the id from metadata', async () => {
  const client = new TestClient(site);
  const res = await client.get('/todos/7');
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ id: 7, type: 'number' });
  expect((await client.get('/todos/?done=maybe')).status).toBe(400);
});
`;

/** A CommonJS script: require() of the ESM package through Node's require(esm). */
export const REQUIRE_SCRIPT = `const { makeServer } = require('tsgi/server');
const { BaseHandler } = require('tsgi');
class Hello extends BaseHandler {
  doGET() { return 'required'; }
}
makeServer('127.0.0.1', 0, Hello, { log: null }).listen().then(({ url }) => console.log('listening ' + url));
`;
