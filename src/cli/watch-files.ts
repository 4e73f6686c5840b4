/**
 * Watching a directory tree for changes, for `tsgi serve --watch`: every
 * directory below the root except `node_modules` and dot-directories, with
 * a burst of events (an editor's save, a compiler's output) reported once.
 *
 * @module
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * A running watch; `close()` stops it.
 *
 * @example
 * ```ts
 * const watcher = watchTree('src', (files) => console.log('changed', files));
 * watcher.close();
 * ```
 */
export interface TreeWatcher {
  /** Stops watching; no change is reported after this. */
  close(): void;
}

/** The quiet time after the last event before a burst is reported. */
const DEBOUNCE_MS = 150;
/** A tree with more directories than this is not watched further, so a mistaken root cannot eat every inotify watch. */
const MAX_DIRECTORIES = 5_000;

/**
 * Whether a path below the root is left out: anything inside
 * `node_modules` or inside, or named as, a dotfile (`.git`, editor swap files).
 *
 * @example
 * ```ts
 * isIgnored('node_modules/x/index.js'); // true
 * isIgnored('routes/.index.ts.swp');    // true
 * isIgnored('routes/index.ts');         // false
 * ```
 */
export function isIgnored(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.'));
}

/**
 * Watches `root` and the directories below it (see {@link isIgnored}) and
 * calls `onChange` with the changed paths, relative to `root`, once a burst
 * of events has been quiet for a moment. Directories made later are watched
 * as they appear.
 *
 * Node's own `recursive` option is not used: on Linux it walks and watches
 * `node_modules` too, before any filter applies.
 *
 * @example
 * ```ts
 * const watcher = watchTree(dirname(file), (files) => restart(files));
 * ```
 */
export function watchTree(root: string, onChange: (files: readonly string[]) => void, log: (line: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let warned = false;

  const report = (): void => {
    timer = undefined;
    const files = [...changed];
    changed = new Set();
    if (!closed && files.length > 0) onChange(files);
  };

  const add = (dir: string): void => {
    if (closed || watchers.has(dir)) return;
    if (watchers.size >= MAX_DIRECTORIES) {
      if (!warned) log(`--watch: more than ${MAX_DIRECTORIES} directories below ${root}; the rest are not watched`);
      warned = true;
      return;
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => {
        if (name === null) return;
        const path = join(dir, name.toString());
        const rel = relative(root, path);
        if (isIgnored(rel)) return;
        // A directory made, removed or renamed: its old watchers may watch
        // nothing now, so its subtree is watched afresh (if it still exists).
        forget(path);
        addTree(path);
        changed.add(rel);
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(report, DEBOUNCE_MS);
      });
    } catch {
      // Not a directory, or gone already: nothing to watch there.
      return;
    }
    // The directory was removed: its watcher ends, a later one may take its place.
    watcher.on('error', () => {
      watcher.close();
      if (watchers.get(dir) === watcher) watchers.delete(dir);
    });
    watchers.set(dir, watcher);
  };

  const forget = (dir: string): void => {
    for (const [path, watcher] of watchers) {
      if (path === dir || path.startsWith(dir + sep)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };

  const addTree = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    add(dir);
    for (const entry of entries) {
      if (entry.isDirectory() && !isIgnored(entry.name)) addTree(join(dir, entry.name));
    }
  };

  addTree(root.endsWith(sep) && root.length > 1 ? root.slice(0, -1) : root);
  return {
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
