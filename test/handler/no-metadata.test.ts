import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as handlers from '../../src/handler/index.js';
import { toApp } from '../../src/gateway/app.js';
import { makeServer } from '../../src/server/server.js';
import { TestClient } from '../../src/testing/index.js';

type Lib = typeof handlers;

// Compiled for real, with legacy decorators but without emitDecoratorMetadata,
// as esbuild and tsx (and Vitest without it in the tsconfig) leave it.
const UNTYPED = `
export function make({ BaseHandler, query, field, route, param }, untypedParams) {
  @route('/:id')
  class Compiled extends BaseHandler {
    static untypedParams = untypedParams;
    doGETALL(@query('n') n: number, @query('m', Number) m: number, @query('tag') tags: string[]): string {
      return JSON.stringify({ n, m, tags, types: [typeof n, typeof m] });
    }
    doGET(@param('id') id: number): string {
      return typeof id + ' ' + id;
    }
    doPOSTALL(@field('when', Date) when: Date): string {
      return when.toISOString();
    }
  }
  return Compiled;
}
`;

// The same class with every type given in its decorator: no metadata needed.
const EXPLICIT = `
export function make({ BaseHandler, query, field, route, param }) {
  @route('/:id')
  class Explicit extends BaseHandler {
    doGETALL(@query('n', Number) n: number, @query('m', { type: Number, default: 7 }) m: number, @query('tag', [String]) tags: string[]): string {
      return JSON.stringify({ n, m, tags, types: [typeof n, typeof m] });
    }
    doGET(@param('id', { type: Number }) id: number): string {
      return typeof id + ' ' + id;
    }
    doPOSTALL(@field('when', Date) when: Date): string {
      return when.toISOString();
    }
  }
  return Explicit;
}
`;

function compile(source: string, untypedParams?: handlers.UntypedParams): typeof handlers.BaseHandler {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      experimentalDecorators: true,
      emitDecoratorMetadata: false,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      useDefineForClassFields: false,
    },
  });
  expect(outputText).not.toContain('design:paramtypes');
  const module = { exports: {} as { make?: (lib: Lib, untypedParams?: handlers.UntypedParams) => typeof handlers.BaseHandler } };
  new Function('exports', 'module', outputText)(module.exports, module);
  return module.exports.make!(handlers, untypedParams);
}

describe('decorated parameters compiled without metadata', () => {
  it('has no design:paramtypes', () => {
    const Compiled = compile(UNTYPED);
    expect(Reflect.getOwnMetadata('design:paramtypes', Compiled.prototype, 'doGETALL')).toBeUndefined();
  });

  it('refuses the class when its App is made, naming every untyped parameter and both fixes', () => {
    const Compiled = compile(UNTYPED);
    let message = '';
    try {
      toApp(Compiled);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Compiled cannot be served:');
    expect(message).toContain(
      'Compiled.doGETALL was compiled without decorator metadata (emitDecoratorMetadata), ' +
        'so parameter 0 (query parameter "n"), parameter 2 (query parameter "tag") would stay strings; ' +
        "give the type in the decorator, e.g. @query('n', { type: Number }), " +
        'or compile with emitDecoratorMetadata (tsc; swc with jsc.transform.decoratorMetadata)',
    );
    expect(message).toContain(
      'Compiled.doGET was compiled without decorator metadata (emitDecoratorMetadata), so parameter 0 (path parameter "id") would stay a string; ' +
        "give the type in the decorator, e.g. @param('id', { type: Number })",
    );
    // Explicitly typed parameters are not named.
    expect(message).not.toContain('parameter 1');
    expect(message).not.toContain('doPOSTALL');
  });

  it('keeps makeServer from being made, so nothing listens', () => {
    const Compiled = compile(UNTYPED);
    expect(() => makeServer('127.0.0.1', 0, Compiled, { log: null, handleSignals: false })).toThrow(
      'Compiled.doGET was compiled without decorator metadata',
    );
  });

  it('never answers a request with a wrongly typed value', async () => {
    const client = new TestClient(compile(UNTYPED), { catchErrors: true });
    await expect(client.get('/42')).rejects.toThrow('Compiled cannot be served');
  });

  it('works with explicit types in the decorators, converting and refusing as with metadata', async () => {
    const client = new TestClient(compile(EXPLICIT));
    const all = await client.get('/?n=5&tag=a&tag=b');
    expect(all.json()).toEqual({ n: 5, m: 7, tags: ['a', 'b'], types: ['number', 'number'] });
    expect(all.errors).toBe('');
    expect((await client.get('/42')).text()).toBe('number 42');
    const bad = await client.get('/x');
    expect(bad.status).toBe(400);
    expect(bad.text()).toBe('path parameter "id" must be a number, got "x"\n');
    expect((await client.get('/?n=five')).text()).toBe('query parameter "n" must be a number, got "five"\n');
    expect((await client.get('/?tag=a')).text()).toBe('missing query parameter "n"\n');
    const date = await client.post('/', { form: { when: 'soon' } });
    expect(date.status).toBe(400);
    expect(date.text()).toContain('form field "when" must be an ISO 8601 date');
    expect((await client.post('/', { form: { when: '2024-01-02' } })).text()).toBe('2024-01-02T00:00:00.000Z');
  });

  it("with untypedParams = 'warn', keeps untyped values as strings and says so once per method", async () => {
    const client = new TestClient(compile(UNTYPED, 'warn'));
    const first = await client.get('/?n=5&m=6&tag=a&tag=b');
    expect(first.status).toBe(200);
    // Without metadata an array cannot be told apart: the first value, a string.
    expect(first.json()).toEqual({ n: '5', m: 6, tags: 'a', types: ['string', 'number'] });
    expect(first.errors).toContain('tsgi: Compiled.doGETALL was compiled without decorator metadata (emitDecoratorMetadata)');
    expect(first.errors).toContain('parameter 0 (query parameter "n"), parameter 2 (query parameter "tag") would stay strings');
    expect(first.errors).not.toContain('parameter 1');
    expect((await client.get('/?n=5&m=6&tag=a')).errors).toBe('');
    const item = await client.get('/42');
    expect(item.text()).toBe('string 42');
    expect(item.errors).toContain('Compiled.doGET was compiled without decorator metadata');
  });
});
