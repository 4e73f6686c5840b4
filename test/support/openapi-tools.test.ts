import { afterAll, describe, expect, it } from 'vitest';
import { bookshopDocument } from './openapi-documents.js';
import { compileClient, generateTypes, redoclyLint, removeTempDirs, validateSchema } from './openapi-tools.js';

afterAll(removeTempDirs);

type Doc = ReturnType<typeof bookshopDocument>;

function broken(change: (doc: Doc) => void): Doc {
  const doc = bookshopDocument();
  change(doc);
  return doc;
}

const withoutInfo = broken((doc) => {
  delete (doc as Partial<Doc>).info;
});
const duplicatedOperationId = broken((doc) => {
  doc.paths['/books/{id}'].delete.operationId = 'getBook';
});
const danglingRef = broken((doc) => {
  doc.paths['/books/{id}'].get.responses['200'].content['application/json'].schema.$ref = '#/components/schemas/Author';
});
const bodyParameter = broken((doc) => {
  // Swagger 2's `in: body`, gone since OpenAPI 3.0.
  (doc.paths['/books'].get.parameters[0] as { in: string }).in = 'body';
});

// The client a later test writes against generated types: a `get` typed by
// the paths that have a GET, answering that GET's JSON body type.
const CLIENT_PRELUDE = `import type { paths } from './api.js';
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type GetPath = { [P in keyof paths]: paths[P] extends { get: { responses: object } } ? P : never }[keyof paths];
type PostPath = { [P in keyof paths]: paths[P] extends { post: { requestBody: object } } ? P : never }[keyof paths];
declare function get<P extends GetPath>(path: P): Promise<JsonOf<paths[P]['get']['responses'][200]>>;
declare function post<P extends PostPath>(
  path: P,
  body: JsonOf<paths[P]['post']['requestBody']>,
): Promise<JsonOf<paths[P]['post']['responses'][201]>>;
`;

describe('the OpenAPI tools on a valid document', () => {
  it('redocly lint (recommended rules) reports nothing', async () => {
    expect(await redoclyLint(bookshopDocument())).toEqual([]);
  });

  it('the OpenAPI 3.1 schema accepts it', async () => {
    expect(await validateSchema(bookshopDocument())).toEqual({ valid: true, version: '3.1', errors: [] });
  });

  it('openapi-typescript types it, and a client using the types compiles', async () => {
    const types = await generateTypes(bookshopDocument());
    expect(types.source).toContain('"/books/{id}"');
    expect(types.source).toMatch(/listBooks: \{/);
    const client = `${CLIENT_PRELUDE}
export async function main(): Promise<string> {
  const books = await get('/books');
  const added = await post('/books', { title: 'Dune', author: 'Herbert', year: 1965 });
  const one = await get('/books/{id}');
  return books.map((book) => book.title).join() + added.id + one.author;
}
`;
    expect(compileClient(types.file, client)).toEqual([]);
  });
});

describe('the OpenAPI tools on broken documents', () => {
  it('a document without info fails both, naming the field', async () => {
    const problems = await redoclyLint(withoutInfo);
    expect(problems).toContainEqual({ ruleId: 'struct', severity: 'error', message: 'The field `info` must be present on this level.', pointer: '#/' });
    const validation = await validateSchema(withoutInfo);
    expect(validation.valid).toBe(false);
    expect(validation.errors).toContain(`: must have required property 'info' {"missingProperty":"info"}`);
  });

  it('a duplicated operationId fails redocly, at the second operation; the schema cannot see it', async () => {
    const problems = await redoclyLint(duplicatedOperationId);
    expect(problems).toContainEqual(
      expect.objectContaining({ ruleId: 'operation-operationId-unique', severity: 'error', message: 'Every operation must have a unique `operationId`.' }),
    );
    expect(problems.find((problem) => problem.ruleId === 'operation-operationId-unique')?.pointer).toMatch(/^#\/paths\/~1books~1\{id\}\/delete/);
    // Uniqueness is beyond JSON Schema: this is why both tools run.
    expect((await validateSchema(duplicatedOperationId)).valid).toBe(true);
  });

  it('a $ref to nothing fails both, naming the reference', async () => {
    const problems = await redoclyLint(danglingRef);
    expect(problems).toContainEqual({
      ruleId: 'no-unresolved-refs',
      severity: 'error',
      message: "Can't resolve $ref",
      pointer: '#/paths/~1books~1{id}/get/responses/200/content/application~1json/schema',
    });
    expect(await validateSchema(danglingRef)).toEqual({ valid: false, version: undefined, errors: ["Can't resolve #/components/schemas/Author"] });
  });

  it('a Swagger 2 body parameter fails both', async () => {
    const problems = await redoclyLint(bodyParameter);
    expect(problems).toContainEqual(expect.objectContaining({ ruleId: 'struct', severity: 'error', pointer: '#/paths/~1books/get/parameters/0/in' }));
    const validation = await validateSchema(bodyParameter);
    expect(validation.valid).toBe(false);
    expect(validation.errors.join('\n')).toContain('/paths/~1books/get/parameters/0');
  });
});

describe('a client compiled against the generated types', () => {
  it('fails for a path the document does not have, a wrong body and a wrong field type', async () => {
    const types = await generateTypes(bookshopDocument());
    const client = `${CLIENT_PRELUDE}
export async function main(): Promise<void> {
  await get('/authors');
  await post('/books', { title: 'Dune' });
  const books = await get('/books');
  const year: string = books[0]!.title + books[0]!.year!.toFixed();
  const wrong: number = books[0]!.title;
  void year; void wrong;
}
`;
    const diagnostics = compileClient(types.file, client);
    const line = (text: string): number => client.split('\n').findIndex((source) => source.includes(text)) + 1;
    expect(diagnostics.map(({ code, line }) => ({ code, line }))).toEqual([
      { code: 2345, line: line("get('/authors')") },
      { code: 2345, line: line("{ title: 'Dune' }") },
      { code: 2322, line: line('const wrong') },
    ]);
    expect(diagnostics[0]!.message).toContain('"/authors"');
    expect(diagnostics[1]!.message).toContain("Property 'author' is missing");
  });
});
