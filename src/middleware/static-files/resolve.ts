/**
 * Mapping a request path to a file inside the root, and nowhere else.
 *
 * @module
 */
import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, sep } from 'node:path';

/** What a path led to. */
export type Resolution =
  | { kind: 'file'; path: string; stats: Stats }
  | { kind: 'directory-redirect'; location: string }
  | { kind: 'bad-request'; reason: string }
  | { kind: 'not-found' };

/**
 * How `staticFiles` treats path segments beginning with a dot: `ignore`
 * answers 404 as if they did not exist, `allow` serves them.
 *
 * @example
 * ```ts
 * const policy: DotfilePolicy = 'ignore'; // .env, .git/… stay hidden
 * ```
 *
 * @category Helpers
 */
export type DotfilePolicy = 'ignore' | 'allow';

/** The settings resolution needs. */
export interface ResolveSettings {
  dotfiles: DotfilePolicy;
  index: readonly string[];
}

/**
 * Resolves the decoded `PATH_INFO` against `root` (already a real path).
 * Refuses NUL and `..`/`.` segments (400), hides dot-names unless allowed,
 * follows symlinks only where they stay inside the root, and maps a
 * directory to its index file (redirecting `/dir` to `dir/` first, with a
 * relative `Location` that cannot leave the site).
 */
export async function resolveFile(root: string, pathInfo: string, settings: ResolveSettings): Promise<Resolution> {
  if (pathInfo.includes('\0')) return { kind: 'bad-request', reason: 'the path contains a NUL byte' };
  const segments = pathInfo.split('/').slice(1);
  const inner = segments.slice(0, -1);
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'bad-request', reason: 'the path contains a "." or ".." segment' };
  if (segments.some((s) => s.includes('\\'))) return { kind: 'bad-request', reason: 'the path contains a backslash' };
  if (inner.some((s) => s === '')) return { kind: 'not-found' };
  if (settings.dotfiles === 'ignore' && segments.some((s) => s.startsWith('.'))) return { kind: 'not-found' };

  const target = join(root, ...segments);
  const found = await inside(root, target);
  if (found === undefined) return { kind: 'not-found' };
  if (found.stats.isFile()) {
    if (pathInfo.endsWith('/') && segments.length > 1) return { kind: 'not-found' };
    return { kind: 'file', ...found };
  }
  if (!found.stats.isDirectory()) return { kind: 'not-found' };
  if (!pathInfo.endsWith('/')) {
    const last = segments.at(-1) ?? '';
    // '' for an empty PATH_INFO (the mount point itself): the caller builds that one from SCRIPT_NAME.
    return { kind: 'directory-redirect', location: last === '' ? '' : `${encodeURIComponent(last)}/` };
  }
  for (const name of settings.index) {
    const index = await inside(root, join(found.path, name));
    if (index?.stats.isFile() === true) return { kind: 'file', ...index };
  }
  return { kind: 'not-found' };
}

/** The real path and stats of `target` if it exists and its real path is within `root`. */
async function inside(root: string, target: string): Promise<{ path: string; stats: Stats } | undefined> {
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    return undefined;
  }
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  try {
    return { path: real, stats: await stat(real) };
  } catch {
    return undefined;
  }
}
