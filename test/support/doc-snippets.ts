/**
 * Checks on the guides' code: the TypeScript snippets of a Markdown page
 * (or one section of it) compiled against the real API, with `tsgi` and
 * `tsgi/<subpath>` imports resolved through the package's exports map, as a
 * user's compiler would resolve them.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** A Markdown page, or its `## heading` section up to the next section of that level. */
export async function markdownSection(page: string, heading?: string): Promise<string> {
  const markdown = await readFile(resolve(page), 'utf8');
  if (heading === undefined) return markdown;
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`${page} has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The fenced code blocks of one language, in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] as string);
}

/**
 * The file a `tsgi` or `tsgi/<subpath>` import names, from the exports map:
 * the TypeScript source to type-check, or with `built` the compiled module to run.
 */
export function entryOf(subpath: string | undefined, built = false): string {
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

/** `source` with its tsgi imports pointed at the repository's files (see {@link entryOf}). */
export function linkImports(source: string, built = false): string {
  return source.replace(/from 'tsgi(\/[a-z-/]+)?'/g, (_match, sub: string | undefined) => {
    const file = entryOf(sub, built);
    return `from ${JSON.stringify(built ? pathToFileURL(file).href : file)}`;
  });
}

/** Compiler options of a legacy-decorator project with metadata, as docs/handlers.md's setup asks. */
export const LEGACY_DECORATORS = { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false };

/**
 * A scratch directory under node_modules (so that snippets' imports of zod,
 * valibot or arktype resolve), removed by the returned function.
 */
export async function scratchDir(name: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  await mkdir(resolve('node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(resolve('node_modules/.cache'), `tsgi-${name}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Type-checks each snippet as a module of its own with strict settings;
 * returns the problems as `snippet-N.mts:LINE: message`, empty when all compile.
 */
export async function snippetProblems(snippets: readonly string[], compilerOptions: ts.CompilerOptions = LEGACY_DECORATORS): Promise<string[]> {
  const { dir, remove } = await scratchDir('doc-snippets');
  try {
    const files = await Promise.all(
      snippets.map(async (snippet, index) => {
        const path = join(dir, `snippet-${index}.mts`);
        await writeFile(path, linkImports(snippet));
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
      skipLibCheck: true,
      noEmit: true,
      ...compilerOptions,
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file === undefined || files.includes(diagnostic.file.fileName))
      .map((diagnostic) => {
        const where = diagnostic.file === undefined ? '' : `${diagnostic.file.fileName.slice(dir.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
        return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      });
  } finally {
    await remove();
  }
}
