/**
 * The benchmark's further sections (POST bodies, multipart, middleware, the
 * blog's list), each a script of its own under `bench/<name>/main.ts` that
 * pins its processes and writes `bench/.out/<name>.md`. They run one after
 * another, after the hello benchmark, so no two loads share the cores.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Every section, in report order. */
export const SECTION_NAMES = ['post', 'multipart', 'middleware', 'blog'] as const;

/**
 * What one section produced: its Markdown, or why there is none.
 *
 * @example
 * ```ts
 * const outcome: SectionOutcome = { name: 'post', markdown: '## POST bodies\n' };
 * ```
 */
export interface SectionOutcome {
  name: string;
  markdown?: string;
  failure?: string;
}

/**
 * Runs the named sections in order and collects their reports; a section
 * that fails is reported as failed rather than ending the benchmark.
 *
 * @example
 * ```ts
 * const outcomes = await runSections(['post'], (m) => console.error(m));
 * ```
 */
export async function runSections(names: readonly string[], log: (message: string) => void): Promise<SectionOutcome[]> {
  const outcomes: SectionOutcome[] = [];
  for (const name of names) {
    const script = fileURLToPath(new URL(`./${name}/main.js`, import.meta.url));
    const output = fileURLToPath(new URL(`../../bench/.out/${name}.md`, import.meta.url));
    if (!existsSync(script)) {
      outcomes.push({ name, failure: `no script at ${script}` });
      continue;
    }
    rmSync(output, { force: true });
    log(`section ${name}`);
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0 || !existsSync(output)) outcomes.push({ name, failure: `exited with ${code}` });
    else outcomes.push({ name, markdown: readFileSync(output, 'utf8') });
  }
  return outcomes;
}

/**
 * The sections chosen by `BENCH_SECTIONS` (comma-separated; `none` for
 * none), all of them by default.
 *
 * @example
 * ```ts
 * selectSections('post,blog'); // ['post', 'blog']
 * ```
 */
export function selectSections(raw: string | undefined): string[] {
  if (raw === undefined || raw === '') return [...SECTION_NAMES];
  if (raw === 'none') return [];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTION_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_SECTIONS: unknown ${unknown.join(', ')}; known: ${SECTION_NAMES.join(', ')}`);
  return names;
}

/**
 * The sections as Markdown to append to the report.
 *
 * @example
 * ```ts
 * writeFileSync(out, report + sectionsMarkdown(outcomes));
 * ```
 */
export function sectionsMarkdown(outcomes: readonly SectionOutcome[]): string {
  return outcomes
    .map((outcome) =>
      outcome.markdown !== undefined
        ? `\n${outcome.markdown.trim()}\n`
        : `\n## ${outcome.name}\n\nThis section did not run: ${outcome.failure}.\n`,
    )
    .join('');
}
