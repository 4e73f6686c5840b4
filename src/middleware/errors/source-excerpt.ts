/**
 * The source lines around the frame of a stack trace that threw, for the
 * development error page: the first frame in the app's own code (not Node's,
 * not a dependency's, not tsgi's), read from the file on disk, or from the
 * `sourcesContent` of a loaded source map when the original file is not
 * there (a deployment that ships only the compiled `.js` and `.map`).
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceExcerpt } from '../../gateway/error-page.js';

/** Lines shown before and after the one that threw. */
const CONTEXT_LINES = 2;
/** Longer lines are cut, so a minified file cannot flood the page. */
const MAX_LINE_LENGTH = 240;
/** Files past this size are not read for an excerpt. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** How many directories above a missing source are searched for its compiled file. */
const MAX_LEVELS_UP = 4;

// `    at fn (/path/app.ts:12:5)`, `    at async /path/app.ts:12:5`, `    at file:///path/app.js:3:1`.
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;
const TYPESCRIPT = /\.([cm]?)tsx?$/;

/** tsgi's own sources and their compiled form; frames there are not the app's. */
const OWN_DIRECTORIES = ownDirectories();

function ownDirectories(): readonly string[] {
  // This file is <root>/src/middleware/errors/… or <root>/dist/src/middleware/errors/….
  const src = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const root = basename(dirname(src)) === 'dist' ? dirname(dirname(src)) : dirname(src);
  return [join(root, 'src') + sep, join(root, 'dist', 'src') + sep];
}

/**
 * The location and surrounding lines of the first frame of `stack` in the
 * app's code, or undefined when there is none or its source cannot be read.
 * With source maps on (the CLI turns them on), frames already name the
 * `.ts` file and line.
 *
 * @example
 * ```ts
 * excerptOf(error.stack ?? '')?.file; // '/srv/site/src/routes.ts'
 * ```
 */
export function excerptOf(stack: string): SourceExcerpt | undefined {
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (match === null) continue;
    const file = toPath(match[1]!);
    if (file === undefined || !isAppFile(file)) continue;
    const text = sourceText(file);
    if (text === undefined) continue;
    return excerpt(file, Number(match[2]), Number(match[3]), text);
  }
  return undefined;
}

function toPath(location: string): string | undefined {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  // node:internal/…, native, eval'd code and the like have no file.
  return location.startsWith(sep) || /^[A-Za-z]:[\\/]/.test(location) ? location : undefined;
}

function isAppFile(file: string): boolean {
  if (file.split(/[\\/]/).includes('node_modules')) return false;
  return !OWN_DIRECTORIES.some((dir) => file.startsWith(dir));
}

function excerpt(file: string, line: number, column: number, text: string): SourceExcerpt | undefined {
  const all = text.split(/\r?\n/);
  if (line < 1 || line > all.length) return undefined;
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(all.length, line + CONTEXT_LINES);
  const lines = all.slice(first - 1, last).map((source, index) => ({
    number: first + index,
    text: source.length > MAX_LINE_LENGTH ? `${source.slice(0, MAX_LINE_LENGTH)}…` : source,
  }));
  return { file, line, column, lines };
}

function sourceText(file: string): string | undefined {
  try {
    if (existsSync(file)) return statSync(file).size > MAX_FILE_BYTES ? undefined : readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return TYPESCRIPT.test(file) ? fromSourceMap(file) : undefined;
}

/**
 * A mapped frame names the original file but not the compiled one whose map
 * holds its text, and Node cannot be asked which maps it has loaded. tsc's
 * layouts put the compiled file in an output directory beside the sources
 * (`src/a.ts` → `dist/a.js` or `dist/src/a.js`), so those places are tried
 * from the source's directory upwards; only a map Node has loaded for a
 * running module, and that names this very file, is believed.
 */
function fromSourceMap(file: string): string | undefined {
  const compiled = file.replace(TYPESCRIPT, '.$1js');
  let dir = dirname(file);
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const rel = relative(dir, compiled);
    const inner = rel.split(sep).slice(1).join(sep);
    for (const out of subdirectories(dir)) {
      for (const candidate of inner === '' ? [join(out, rel)] : [join(out, rel), join(out, inner)]) {
        const text = mappedSource(candidate, file);
        if (text !== undefined) return text;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

function mappedSource(candidate: string, file: string): string | undefined {
  if (!existsSync(candidate)) return undefined;
  const map = findSourceMap(candidate);
  if (map === undefined) return undefined;
  const { sources, sourcesContent, sourceRoot } = map.payload;
  const index = sources.findIndex((source) => {
    const path = source.startsWith('file://') ? fileURLToPath(source) : resolve(dirname(candidate), sourceRoot ?? '', source);
    return path === file;
  });
  const text = index === -1 ? undefined : sourcesContent?.[index];
  return typeof text === 'string' ? text : undefined;
}
