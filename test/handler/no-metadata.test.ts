import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as tsgi from '../../src/index.js';
import { TestClient } from '../../src/testing/index.js';

// Compiled for real, with legacy decorators but without emitDecoratorMetadata,
// as esbuild, tsx or Vitest's default transform would leave it.
const SOURCE = `
export function make({ BaseHandler, query, field, route, param }) {
  @route('/:id')
  class Compiled extends BaseHandler {
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

function compile(): typeof tsgi.BaseHandler {
  const { outputText } = ts.transpileModule(SOURCE, {
    compilerOptions: {
      experimentalDecorators: true,
      emitDecoratorMetadata: false,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
    },
  });
  expect(outputText).not.toContain('design:paramtypes');
  const module = { exports: {} as { make?: (lib: typeof tsgi) => typeof tsgi.BaseHandler } };
  new Function('exports', 'module', outputText)(module.exports, module);
  return module.exports.make!(tsgi);
}

describe('decorated parameters compiled without metadata', () => {
  const Compiled = compile();
  const client = new TestClient(Compiled);

  it('has no design:paramtypes', () => {
    expect(Reflect.getOwnMetadata('design:paramtypes', Compiled.prototype, 'doGETALL')).toBeUndefined();
  });

  it('keeps undeclared values as strings, converts explicit types, and warns once per method', async () => {
    const first = await client.get('/?n=5&m=6&tag=a&tag=b');
    expect(first.status).toBe(200);
    // Without metadata an array cannot be told apart: the first value, a string.
    expect(first.json()).toEqual({ n: '5', m: 6, tags: 'a', types: ['string', 'number'] });
    expect(first.errors).toContain('tsgi: Compiled.doGETALL was compiled without decorator metadata (emitDecoratorMetadata)');
    expect(first.errors).toContain('parameter 0 (query parameter "n"), parameter 2 (query parameter "tag") stay a string');
    expect(first.errors).not.toContain('parameter 1');
    const second = await client.get('/?n=5&m=6&tag=a');
    expect(second.errors).toBe('');
  });

  it('still refuses what an explicit type refuses, and what is missing', async () => {
    const bad = await client.get('/?n=5&m=six&tag=a');
    expect(bad.status).toBe(400);
    expect(bad.text()).toBe('query parameter "m" must be a number, got "six"\n');
    expect((await client.get('/?m=1&tag=a')).text()).toBe('missing query parameter "n"\n');
    const date = await client.post('/', { form: { when: 'soon' } });
    expect(date.status).toBe(400);
    expect(date.text()).toContain('form field "when" must be an ISO 8601 date');
    expect((await client.post('/', { form: { when: '2024-01-02' } })).text()).toBe('2024-01-02T00:00:00.000Z');
  });

  it('warns separately for each method, naming it', async () => {
    const response = await client.get('/42');
    expect(response.text()).toBe('string 42');
    expect(response.errors).toContain('Compiled.doGET was compiled without decorator metadata');
  });
});
