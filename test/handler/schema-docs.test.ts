import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseHandler, body, query, route, status } from '../../src/handler/index.js';
import { TestClient } from '../../src/testing/index.js';

/** The `## Validation` section of docs/contracts.md, up to the next section of that level. */
async function validationSection(): Promise<string> {
  const markdown = await readFile(resolve('docs/contracts.md'), 'utf8');
  const start = markdown.indexOf('\n## Validation\n');
  expect(start).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

function blocks(section: string, language: string): string[] {
  return [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

describe('docs/contracts.md, Validation', () => {
  it('has TypeScript snippets that type-check against the real API and libraries', async () => {
    const snippets = blocks(await validationSection(), 'ts');
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    // Under node_modules so that the snippets' zod, valibot and arktype imports resolve.
    await mkdir(resolve('node_modules/.cache'), { recursive: true });
    const dir = await mkdtemp(join(resolve('node_modules/.cache'), 'tsgi-contracts-docs-'));
    try {
      const files = await Promise.all(
        snippets.map(async (snippet, index) => {
          const path = join(dir, `snippet-${index}.mts`);
          await writeFile(path, snippet.replaceAll("from 'tsgi/handler'", `from ${JSON.stringify(resolve('src/handler/index.js'))}`));
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
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        useDefineForClassFields: false,
        skipLibCheck: true,
        noEmit: true,
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
      expect(diagnostics).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows the 422 body the first example answers to the request it shows', async () => {
    // The first snippet's class, as the docs write it.
    const Task = z.object({ title: z.string().min(1), items: z.array(z.object({ title: z.string().min(1) })).default([]) });
    @route('/:id')
    class Tasks extends BaseHandler {
      @status(201)
      doPOSTALL(@body(Task) task: z.infer<typeof Task>, @query('page', z.coerce.number().int().min(1).default(1)) page: number): string {
        return JSON.stringify({ task, page });
      }
    }
    const section = await validationSection();
    const request = blocks(section, 'http')[0]!;
    const [head, payload] = request.split('\n\n') as [string, string];
    const [line, ...headerLines] = head.split('\n');
    const [method, target] = line!.split(' ') as [string, string];
    const headers = Object.fromEntries(headerLines.map((header) => header.split(': ') as [string, string]));
    const response = await new TestClient(Tasks).request(method, target.replace('/tasks', '/'), { headers, body: payload.trim() });
    expect(response.status).toBe(422);
    expect(response.json()).toEqual(JSON.parse(blocks(section, 'json')[0]!));
  });
});
