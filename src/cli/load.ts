/**
 * Loading the module named on the command line and choosing what to serve
 * from its exports.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAppClass, isAppLike, toApp } from '../gateway/app.js';
import type { App } from '../gateway/types.js';

/** The exit code for a module that cannot be served (missing, no such export, not an app). */
export const EXIT_CONFIG = 78;

/**
 * A module or export that cannot be served; the message names it and says why.
 *
 * @example
 * ```ts
 * throw new LoadError('dist/app.js has no export "simple_ap" (its exports: simple_app)');
 * ```
 */
export class LoadError extends Error {
  override readonly name = 'LoadError';
}

/**
 * What to serve: one app, or (module-only mode) a set of apps picked by the
 * first path segment.
 *
 * @example
 * ```ts
 * const one: Selection = { kind: 'app', name: 'simple_app', app: simpleApp };
 * ```
 */
export type Selection =
  | { readonly kind: 'app'; readonly name: string; readonly app: App }
  | { readonly kind: 'exports'; readonly name: string; readonly apps: ReadonlyMap<string, App> };

// `./app.js`, `../app.js`, `/srv/app.js`: only ever a file.
const EXPLICIT_PATH = /^\.{0,2}[/\\]/;
const HERE = fileURLToPath(import.meta.url);
const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;

/**
 * Imports `specifier` as the command line means it: a file relative to
 * `cwd` when it is a path or such a file exists, else a package resolved
 * from `cwd` (so `my-site/dist/app.js` works too).
 *
 * @throws LoadError when it cannot be found or fails to load.
 * @example
 * ```ts
 * const namespace = await importModule('dist/examples/multi/app.js', process.cwd());
 * ```
 */
export async function importModule(specifier: string, cwd: string): Promise<Record<string, unknown>> {
  const file = resolve(cwd, specifier);
  let url: string;
  if (existsSync(file)) {
    url = pathToFileURL(file).href;
  } else if (isAbsolute(specifier) || EXPLICIT_PATH.test(specifier)) {
    throw new LoadError(`cannot find module ${specifier} (no file ${file})`);
  } else {
    url = resolvePackage(specifier, cwd);
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    // Not found from here means the specifier itself; a module the target
    // imports and cannot find is reported as "imported from" the target.
    const message = error instanceof Error ? error.message : '';
    const code = (error as NodeJS.ErrnoException).code;
    // Which loader (tsx, ts-node, Node's own type stripping) is active cannot
    // be asked portably; the import itself tells, and this says the fix.
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && TYPESCRIPT.test(file) && message.includes(file)) {
      throw new LoadError(
        `${specifier} is TypeScript and no TypeScript loader is active: run with \`node --import tsx ./node_modules/.bin/tsgi serve ...\` ` +
          `(or NODE_OPTIONS='--import tsx'), or compile first (npx tsc) and serve the .js file`,
      );
    }
    if (code === 'ERR_MODULE_NOT_FOUND' && url === specifier && message.includes(HERE)) {
      throw new LoadError(`cannot find module ${specifier} (no file ${file}, nor a package installed here)`);
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new LoadError(`failed to load ${specifier}: ${detail}`);
  }
}

/**
 * The file `specifier` names, resolved as {@link importModule} would, or
 * undefined when it names none (missing, or an ESM-only package that only
 * `import` can resolve).
 *
 * @example
 * ```ts
 * locateModule('dist/examples/multi/app.js', process.cwd()); // '/…/dist/examples/multi/app.js'
 * ```
 */
export function locateModule(specifier: string, cwd: string): string | undefined {
  const file = resolve(cwd, specifier);
  if (existsSync(file)) return file;
  if (isAbsolute(specifier) || EXPLICIT_PATH.test(specifier)) return undefined;
  const url = resolvePackage(specifier, cwd);
  return url.startsWith('file:') ? fileURLToPath(url) : undefined;
}

/** A package's entry as seen from `cwd`; the bare specifier when only `import` can tell. */
function resolvePackage(specifier: string, cwd: string): string {
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(specifier)).href;
  } catch {
    // ESM-only packages (exports with only an `import` condition) are
    // invisible to require.resolve; the import below resolves those.
    return specifier;
  }
}

/**
 * Chooses what to serve from a module's exports: the named export, else the
 * default export, else (module-only mode) every export that is an app.
 *
 * @throws LoadError for a missing export, an export that is not an app, or
 *   a module without any app.
 * @example
 * ```ts
 * selectApp(await import('./apps.js'), 'apps.js', 'simple_app');
 * ```
 */
export function selectApp(namespace: Record<string, unknown>, module: string, exportName: string | undefined): Selection {
  const names = Object.keys(namespace).filter((name) => name !== 'default');
  if (exportName !== undefined) {
    if (!Object.hasOwn(namespace, exportName)) {
      throw new LoadError(`${module} has no export ${JSON.stringify(exportName)} (its exports: ${names.join(', ') || 'none'})`);
    }
    return { kind: 'app', name: exportName, app: asApp(namespace[exportName], `export ${JSON.stringify(exportName)} of ${module}`) };
  }
  const fallback = namespace.default;
  // A CommonJS module's namespace always has a default (module.exports); an
  // object there means "no default app", and its named exports are the apps.
  if (fallback !== undefined && (typeof fallback !== 'object' || fallback === null)) {
    const app = asApp(fallback, `the default export of ${module}`);
    return { kind: 'app', name: app.name || 'default', app };
  }
  const apps = new Map<string, App>();
  for (const name of names) {
    // A leading underscore marks a name as private, as in Python modules.
    if (!name.startsWith('_') && isServable(namespace[name])) apps.set(name, toApp(namespace[name] as App));
  }
  if (apps.size === 0) {
    const about = fallback === undefined ? 'no default export' : 'its default export is an object, not an app';
    const others = names.length === 0 ? 'no named exports' : `none of ${names.join(', ')} is an app function or handler class`;
    throw new LoadError(`${module} exports no app (${about}, and ${others})`);
  }
  return { kind: 'exports', name: module, apps };
}

function asApp(value: unknown, what: string): App {
  if (!isServable(value)) {
    const kind = value === null ? 'null' : typeof value === 'function' ? 'a class that is not a handler' : typeof value;
    throw new LoadError(`${what} is not an app (a function (environ, startResponse) or a BaseHandler class); it is ${kind}`);
  }
  return toApp(value);
}

/** An App function or an iterable-instance class; other classes would fail when called. */
function isServable(value: unknown): value is App {
  if (!isAppLike(value)) return false;
  if (isAppClass(value)) return true;
  return !/^class[\s{]/.test(Function.prototype.toString.call(value));
}
