/**
 * Module-only mode: one module, several apps, the first path segment picks
 * one, as mod_python's `WSGI.Application module` with no function did.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { quotePath, shiftPathInfo } from '../gateway/uri.js';
import type { App } from '../gateway/types.js';

/**
 * An app that serves `/name/...` with the app exported as `name`, moving
 * the segment into `SCRIPT_NAME` so the chosen app sees itself mounted
 * there. Any other path gets 404; the module root lists what is there.
 *
 * @example
 * ```ts
 * const app = exportsApp(new Map([['simple_app', simpleApp]]));
 * // GET /simple_app/x reaches simpleApp with SCRIPT_NAME '/simple_app', PATH_INFO '/x'
 * ```
 */
export function exportsApp(apps: ReadonlyMap<string, App>): App {
  return function moduleExports(environ, startResponse) {
    const segment = shiftPathInfo(environ);
    const app = segment === undefined || segment === '' ? undefined : apps.get(segment);
    if (app !== undefined) return app(environ, startResponse);
    const base = quotePath(environ.SCRIPT_NAME);
    const text =
      segment === undefined || segment === ''
        ? `Not Found\n\nThis module serves:\n${[...apps.keys()].map((name) => `  ${base}/${quotePath(name)}\n`).join('')}`
        : `Not Found: no app named ${JSON.stringify(segment.slice(0, 100))} here\n`;
    startResponse('404 Not Found', [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(text))],
    ]);
    return environ.REQUEST_METHOD === 'HEAD' ? [] : [text];
  };
}
