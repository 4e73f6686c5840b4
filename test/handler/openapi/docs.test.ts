/**
 * The `## OpenAPI` section of docs/contracts.md: its snippets type-check
 * against the real API and libraries, and its first snippet, compiled and
 * run, generates the JSON the section shows.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedOpenApiDocument } from '../../../src/handler/openapi/index.js';
import { codeBlocks, LEGACY_DECORATORS, linkImports, markdownSection, scratchDir, snippetProblems } from '../../support/doc-snippets.js';
import { redoclyLint, removeTempDirs } from '../../support/openapi-tools.js';

const openapiSection = (): Promise<string> => markdownSection('docs/contracts.md', 'OpenAPI');
const blocks = codeBlocks;
const linked = linkImports;

let dir: string;

let removeDir: () => Promise<void>;

beforeAll(async () => {
  ({ dir, remove: removeDir } = await scratchDir('openapi-docs'));
});

afterAll(async () => {
  removeTempDirs();
  await removeDir();
});

const LEGACY = LEGACY_DECORATORS;

describe('docs/contracts.md, OpenAPI', () => {
  it('has TypeScript snippets that type-check against the real API and libraries', async () => {
    const snippets = blocks(await openapiSection(), 'ts');
    expect(snippets.length).toBe(3);
    expect(await snippetProblems(snippets)).toEqual([]);
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
