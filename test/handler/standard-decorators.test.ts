import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from '@swc/core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// TC39 standard decorators cannot go through this repo's test transform
// (legacy mode), so the fixtures are compiled here, by TypeScript without
// experimentalDecorators and by swc's 2022-03 decorators, written out as
// ES modules that import the built handler layer, and driven through the
// built TestClient: real emit, real dispatch.
const DIST = resolve('dist/src');
const SOURCES: Record<string, string> = {
  'tsgi/handler': resolve('src/handler/index.js'),
  'tsgi/http-error': resolve('src/gateway/http-error.js'),
  'tsgi/server': resolve('src/server/index.js'),
  tsgi: resolve('src/index.js'),
};
const HANDLER = pathToFileURL(join(DIST, 'handler/index.js')).href;
const GATEWAY = pathToFileURL(join(DIST, 'gateway/http-error.js')).href;

type Testing = typeof import('../../src/testing/index.js');
type Gateway = typeof import('../../src/gateway/app.js');

const FIXTURE = `
import { after, accepts, BaseHandler, before, bodyLimit, contentType, responseHeader, route, status } from 'tsgi/handler';
import { HttpError } from 'tsgi/http-error';

const refuseDenied = (handler: BaseHandler): void => {
  if (handler.environ.HTTP_X_DENY !== undefined) throw HttpError.forbidden('denied by the class hook');
};

@route('/:id')
@before(refuseDenied)
@after((_handler, result) => (typeof result === 'string' ? result + '\\n' : undefined))
export class Items extends BaseHandler {
  @status(201)
  @contentType('application/json')
  @responseHeader('X-Made', 'here')
  @responseHeader('X-Order', 'second')
  @accepts('application/json')
  @bodyLimit(16)
  async doPOSTALL(): Promise<string> {
    return JSON.stringify(await this.json());
  }

  doGET(): string {
    return 'item ' + this.params.id;
  }

  doPOST(): string {
    return 'posted to ' + this.params.id;
  }

  @before<Items>((handler) => {
    if (handler.params.id === 'locked') throw HttpError.conflict('locked');
  })
  @after<Items>((_handler, result) => (typeof result === 'string' ? result.toUpperCase() : undefined))
  doDELETE(): string {
    return 'deleted ' + this.params.id;
  }
}

export class Child extends Items {
  @status(202)
  override doGET(): string {
    return 'child ' + this.params.id;
  }
}
`;

// Mistakes a standard decorator can only report at run time.
const STATIC_METHOD = `
import { BaseHandler, status } from 'tsgi/handler';
export class Wrong extends BaseHandler {
  @status(201)
  static doPOST(): string { return ''; }
}
`;
const FIELD = `
import { BaseHandler, status } from 'tsgi/handler';
export class Wrong extends BaseHandler {
  // @ts-expect-error a field is not a method, which the types already say
  @status(201) doPOST = (): string => '';
}
`;

function viaTypeScript(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { experimentalDecorators: false, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}

async function viaSwc(source: string): Promise<string> {
  const output = await transform(source, {
    filename: 'fixture.ts',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { decoratorVersion: '2022-03' },
      target: 'es2022',
    },
    module: { type: 'es6' },
  });
  return output.code;
}

function linked(js: string): string {
  return js.replaceAll("'tsgi/handler'", JSON.stringify(HANDLER)).replaceAll("'tsgi/http-error'", JSON.stringify(GATEWAY));
}

let dir: string;
let testing: Testing;
let gateway: Gateway;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'handler/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  dir = await mkdtemp(join(tmpdir(), 'tsgi-standard-decorators-'));
  // One copy of the layers: the fixtures' BaseHandler and the client agree on every class.
  testing = (await import(pathToFileURL(join(DIST, 'testing/index.js')).href)) as Testing;
  gateway = (await import(pathToFileURL(join(DIST, 'gateway/app.js')).href)) as Gateway;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
async function load(js: string): Promise<Record<string, unknown>> {
  const file = join(dir, `fixture-${count++}.mjs`);
  await writeFile(file, linked(js));
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

const compilers: Array<[string, (source: string) => string | Promise<string>]> = [
  ['TypeScript (no experimentalDecorators)', viaTypeScript],
  ['swc (decoratorVersion 2022-03)', viaSwc],
];

describe.each(compilers)('standard decorators compiled by %s', (_name, compile) => {
  it('emits the (value, context) calls, not legacy ones', async () => {
    const js = await compile(FIXTURE);
    expect(js).not.toContain('__decorate(');
    expect(js).not.toContain('design:paramtypes');
  });

  it('applies the method decorators: status, content type, headers in order, accepts, body limit', async () => {
    const { Items } = await load(await compile(FIXTURE));
    const client = new testing.TestClient(Items as never);
    const created = await client.post('/', { json: { a: 1 } });
    expect(created.statusLine).toBe('201 Created');
    expect(created.headers.get('Content-Type')).toBe('application/json');
    expect(created.headers.get('X-Made')).toBe('here');
    expect(created.headers.get('X-Order')).toBe('second');
    expect(created.headers.list.map(([name]) => name)).toEqual(['Content-Type', 'X-Made', 'X-Order', 'Content-Length']);
    expect(created.text()).toBe('{"a":1}\n');

    const wrongType = await client.post('/', { body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('Accept-Post')).toBe('application/json');

    const tooLarge = await client.post('/', { json: { long: 'x'.repeat(32) } });
    expect(tooLarge.status).toBe(413);
  });

  it('applies @route, the class hooks and the method hooks', async () => {
    const { Items } = await load(await compile(FIXTURE));
    const client = new testing.TestClient(Items as never);
    expect((await client.get('/7')).text()).toBe('item 7\n');
    expect((await client.get('/7/8')).status).toBe(404);
    expect((await client.get('/7', { headers: { 'X-Deny': '1' } })).status).toBe(403);
    expect((await client.delete('/9')).text()).toBe('DELETED 9\n');
    expect((await client.delete('/locked')).status).toBe(409);
  });

  it('records on the method that carries them, so an override without decorators has none', async () => {
    const { Child } = await load(await compile(FIXTURE));
    const client = new testing.TestClient(Child as never);
    const response = await client.get('/3');
    expect(response.statusLine).toBe('202 Accepted');
    expect(response.text()).toBe('child 3\n');
    // Inherited from Items: the route, the class hooks and doPOSTALL's decorators.
    expect((await client.post('/', { json: [] })).statusLine).toBe('201 Created');
    expect((await client.get('/3', { headers: { 'X-Deny': '1' } })).status).toBe(403);
  });

  it('names doGETALL in the log when a method answers only item paths, keeping the 405 exact', async () => {
    const { Items } = await load(await compile(FIXTURE));
    const client = new testing.TestClient(Items as never);
    const response = await client.get('/');
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('OPTIONS, POST');
    expect(response.errors).toBe(
      'tsgi: GET at the collection root of Items is answered by doGETALL, which Items does not have; ' +
        'its doGET answers only paths matching @route("/:id")\n',
    );
  });

  it('refuses a static doX method when the class is defined', async () => {
    await expect(load(await compile(STATIC_METHOD))).rejects.toThrow('@status decorates doX instance methods, not the static doPOST');
  });

  it('refuses a field when the class is defined', async () => {
    await expect(load(await compile(FIELD))).rejects.toThrow('@status decorates doX methods, not a field');
  });

  it('makes the App of a class like any other', async () => {
    const { Items } = await load(await compile(FIXTURE));
    expect(typeof gateway.toApp(Items as never)).toBe('function');
  });
});


// A parameter decorator in standard mode is a compile error: TC39 has none.
const PARAMETER = `
import { BaseHandler, query } from 'tsgi/handler';
export class Search extends BaseHandler {
  doGET(@query('q') q: string): string { return q; }
}
`;

// The explicit type fixes what the default may be, in either mode.
const DEFAULTS = `
import { BaseHandler, query } from 'tsgi/handler';
export class Search extends BaseHandler {
  doGET(
    @query('n', { type: Number, default: 'x' }) n: number,
    @query('ids', { type: [Number], default: ['1'] }) ids: number[],
    @query('csv', { type: (value: string) => value.split(','), default: [1] }) csv: string[],
    @query('ok', { type: Date, default: new Date(0) }) ok: Date,
    @query('also', { default: 'any value: the declared type is checked when planned' }) also: string,
  ): string { return String([n, ids, csv, ok, also]); }
}
`;

/** The compiler's diagnostics for `source` as a module of its own, as `line: TSnnnn message`. */
async function typeCheck(source: string, legacy: boolean): Promise<string[]> {
  const file = join(dir, `typed-${count++}.mts`);
  let linkedSource = source;
  for (const [specifier, path] of Object.entries(SOURCES)) linkedSource = linkedSource.replaceAll(`'${specifier}'`, JSON.stringify(path));
  await writeFile(file, linkedSource);
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [resolve('node_modules/@types')],
    strict: true,
    experimentalDecorators: legacy,
    emitDecoratorMetadata: legacy,
    useDefineForClassFields: !legacy,
    skipLibCheck: true,
    noEmit: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => {
      const line = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1;
      return `${line}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
}

describe('the decorator types', () => {
  it('accept every method and class decorator in standard mode', async () => {
    expect(await typeCheck(FIXTURE, false)).toEqual([]);
    expect(await typeCheck(STATIC_METHOD, false)).toEqual([]);
    expect(await typeCheck(FIELD, false)).toEqual([]);
  });

  it("accept docs/handlers.md's standard-decorator example in standard mode", async () => {
    const markdown = await readFile(resolve('docs/handlers.md'), 'utf8');
    const section = markdown.slice(markdown.indexOf('### Standard decorators'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toContain('@status(201)');
    expect(await typeCheck(snippet!, false)).toEqual([]);
  });

  it('accept the same class in legacy mode', async () => {
    expect(await typeCheck(FIXTURE, true)).toEqual([]);
  });

  it('refuse a parameter decorator in standard mode', async () => {
    expect(await typeCheck(PARAMETER, false)).toEqual([expect.stringMatching(/^4: TS1206 Decorators are not valid here/)]);
    expect(await typeCheck(PARAMETER, true)).toEqual([]);
  });

  it('refuse a default that is not a value of the explicit type', async () => {
    const problems = await typeCheck(DEFAULTS, true);
    expect(problems).toEqual([
      expect.stringMatching(/^5: TS2322 Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/^6: TS2345 .*Type 'string\[\]' is not assignable to type 'number\[\]'/),
      expect.stringMatching(/^7: TS2322 Type 'number' is not assignable to type 'string'/),
    ]);
  });
});
