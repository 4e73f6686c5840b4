/**
 * Mounting several apps under path prefixes of one server.
 *
 * @module tsgi/middleware/url-map
 */
import { toApp } from '../../gateway/app.js';
import type { App, AppLike, Environ, StartResponse } from '../../gateway/types.js';

interface Mount {
  prefix: string;
  app: App;
}

/**
 * Routes each request to the app mounted at the longest matching prefix,
 * matching whole path segments only (`/blog` matches `/blog` and `/blog/x`,
 * never `/blogger`). The prefix moves from `PATH_INFO` to the end of
 * `SCRIPT_NAME`, so mounted apps build their links from `SCRIPT_NAME` and
 * work under any mount point. A `''` or `'/'` key mounts an app at the root;
 * without one, unmatched paths get a plain 404.
 *
 * @throws TypeError for a prefix that does not start with `/`, holds an
 *   empty segment (`//`), or repeats another once trailing slashes are removed.
 * @example
 * ```ts
 * const site = urlMap({ '/blog': BlogHandler, '/guess': GuessHandler, '/': indexApp });
 * makeServer('127.0.0.1', 8080, site).serveForever();
 * ```
 *
 * @category Middleware
 */
export function urlMap(mounts: Record<string, AppLike>): App {
  const table: Mount[] = Object.entries(mounts).map(([prefix, app]) => ({ prefix: normalisePrefix(prefix), app: toApp(app) }));
  const seen = new Set<string>();
  for (const { prefix } of table) {
    if (seen.has(prefix)) throw new TypeError(`urlMap prefix ${JSON.stringify(prefix || '/')} is given twice (a trailing slash does not make it different)`);
    seen.add(prefix);
  }
  table.sort((a, b) => b.prefix.length - a.prefix.length);
  return function mapped(environ: Environ, startResponse: StartResponse) {
    const path = environ.PATH_INFO;
    for (const { prefix, app } of table) {
      if (prefix === '') return app(environ, startResponse);
      if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f)) {
        environ.SCRIPT_NAME += prefix;
        environ.PATH_INFO = path.slice(prefix.length);
        return app(environ, startResponse);
      }
    }
    const body = `Not Found: nothing is mounted at ${path.slice(0, 200)}\n`;
    startResponse('404 Not Found', [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ]);
    return environ.REQUEST_METHOD === 'HEAD' ? [] : [body];
  };
}

function normalisePrefix(prefix: string): string {
  if (prefix === '' || prefix === '/') return '';
  if (!prefix.startsWith('/')) throw new TypeError(`urlMap prefix must start with "/", got ${JSON.stringify(prefix)}`);
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed.includes('//')) throw new TypeError(`urlMap prefix must not hold an empty segment, got ${JSON.stringify(prefix)}`);
  return trimmed;
}
