import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The snippets in docs/handlers.md are complete modules; each must compile
// against the real API with the tsconfig the page asks for.
describe('docs/handlers.md', () => {
  it('has TypeScript snippets that type-check', async () => {
    const markdown = await readFile(resolve('docs/handlers.md'), 'utf8');
    const snippets = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    const dir = await mkdtemp(join(tmpdir(), 'tsgi-doc-snippets-'));
    try {
      const entry = resolve('src/index.js');
      const files = await Promise.all(
        snippets.map(async (snippet, index) => {
          const path = join(dir, `snippet-${index}.mts`);
          await writeFile(path, snippet.replaceAll("from 'tsgi'", `from ${JSON.stringify(entry)}`));
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
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((diagnostic) => diagnostic.file === undefined || files.includes(diagnostic.file.fileName))
        .map((diagnostic) => {
          const where = diagnostic.file === undefined ? '' : `${diagnostic.file.fileName.slice(dir.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
          return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        });
      expect(problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
