import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

/** The source file a `tsgi` or `tsgi/<subpath>` import names, read from the package's exports map. */
function entryOf(subpath: string | undefined): string {
  const exportsMap = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> }).exports;
  const wanted = `.${subpath ?? ''}`;
  for (const [key, target] of Object.entries(exportsMap)) {
    const file = typeof target === 'string' ? target : target.default;
    const star = key.indexOf('*');
    const matched = star === -1 ? (key === wanted ? '' : undefined) : wanted.startsWith(key.slice(0, star)) ? wanted.slice(star) : undefined;
    if (matched !== undefined) return resolve(file.replace('*', matched).replace('./dist/pkg/', './src/'));
  }
  throw new Error(`no export for tsgi${subpath ?? ''}`);
}

// The TypeScript snippets in docs/streams.md are complete modules; each must
// compile against the real API, imported as a package user imports it.
describe('docs/streams.md', () => {
  it('has TypeScript snippets that type-check', async () => {
    const markdown = await readFile(resolve('docs/streams.md'), 'utf8');
    const snippets = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    const dir = await mkdtemp(join(tmpdir(), 'tsgi-streams-snippets-'));
    try {
      const files = await Promise.all(
        snippets.map(async (snippet, index) => {
          const path = join(dir, `snippet-${index}.mts`);
          await writeFile(path, snippet.replace(/from 'tsgi(\/[a-z-/]+)?'/g, (_match, sub: string | undefined) => `from ${JSON.stringify(entryOf(sub))}`));
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
