/**
 * The `## OpenAPI` section of docs/contracts.md: its snippets type-check
 * against the real API and libraries, and its first snippet, compiled and
 * run, generates the JSON the section shows.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedOpenApiDocument } from '../../../src/handler/openapi/index.js';
import { redoclyLint, removeTempDirs } from '../../support/openapi-tools.js';

async function openapiSection(): Promise<string> {
  const markdown = await readFile(resolve('docs/contracts.md'), 'utf8');
  const start = markdown.indexOf('\n## OpenAPI\n');
  expect(start).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

function blocks(section: string, language: string): string[] {
  return [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

/** The file a `tsgi/<subpath>` import names, from the exports map: the source to type-check, or the built module to run. */
function entryOf(subpath: string | undefined, built: boolean): string {
  const exportsMap = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> }).exports;
  const wanted = `.${subpath ?? ''}`;
  for (const [key, target] of Object.entries(exportsMap)) {
    const file = typeof target === 'string' ? target : target.default;
    const star = key.indexOf('*');
    const matched = star === -1 ? (key === wanted ? '' : undefined) : wanted.startsWith(key.slice(0, star)) ? wanted.slice(star) : undefined;
    if (matched !== undefined) return resolve(file.replace('*', matched).replace('./dist/pkg/', built ? './dist/src/' : './src/'));
  }
  throw new Error(`no export for tsgi${subpath ?? ''}`);
}

function linked(source: string, built: boolean): string {
  return source.replace(/from 'tsgi(\/[a-z-/]+)?'/g, (_match, sub: string | undefined) => {
    const file = entryOf(sub, built);
    return `from ${JSON.stringify(built ? pathToFileURL(file).href : file)}`;
  });
}

let dir: string;

beforeAll(async () => {
  // Under node_modules, so that the snippets' zod, valibot and arktype imports resolve.
  await mkdir(resolve('node_modules/.cache'), { recursive: true });
  dir = await mkdtemp(join(resolve('node_modules/.cache'), 'tsgi-openapi-docs-'));
});

afterAll(async () => {
  removeTempDirs();
  await rm(dir, { recursive: true, force: true });
});

const LEGACY = { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false };

describe('docs/contracts.md, OpenAPI', () => {
  it('has TypeScript snippets that type-check against the real API and libraries', async () => {
    const snippets = blocks(await openapiSection(), 'ts');
    expect(snippets.length).toBe(3);
    const files = await Promise.all(
      snippets.map(async (snippet, index) => {
        const path = join(dir, `snippet-${index}.mts`);
        await writeFile(path, linked(snippet, false));
        return path;
      }),
    );
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      typeRoots: [resolve('node_modules/@types')],
      strict: true,
      ...LEGACY,
      skipLibCheck: true,
      noEmit: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  });

  it('the first snippet, compiled and run against the built package, generates the JSON shown, which redocly accepts', async () => {
    const section = await openapiSection();
    const [first] = blocks(section, 'ts');
    // Everything up to the server, which the test does not start.
    const program = `${first!.slice(0, first!.indexOf('await makeServer'))}export { document };\n`;
    const js = ts.transpileModule(linked(program, true), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, ...LEGACY } }).outputText;
    const file = join(dir, 'first.mjs');
    await writeFile(file, js);
    const { document } = (await import(pathToFileURL(file).href)) as { document: GeneratedOpenApiDocument };
    expect(document.paths['/tasks/{id}']).toEqual(JSON.parse(blocks(section, 'json')[0]!));
    expect(Object.keys(document.paths)).toEqual(['/tasks', '/tasks/{id}']);
    expect(await redoclyLint(document)).toEqual([]);
  });
});
