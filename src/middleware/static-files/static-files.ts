/**
 * Serving files from a directory.
 *
 * @module
 */
import { open, realpath } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { contentType } from 'mime-types';
import { quotePath } from '../../gateway/uri.js';
import type { App, Body, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';
import { evaluatePreconditions, fileEtag, ifRangeHolds } from './conditional.js';
import { FileBody } from './file-body.js';
import { parseRange } from './ranges.js';
import { resolveFile, type DotfilePolicy } from './resolve.js';

/**
 * Options for {@link staticFiles}.
 *
 * @example
 * ```ts
 * const options: StaticFilesOptions = { index: ['index.html'], maxAge: 3600, dotfiles: 'ignore' };
 * ```
 *
 * @category Middleware
 */
export interface StaticFilesOptions {
  /** File names tried, in order, for a path ending in `/`. `[]` turns index files off. Default `['index.html']`. */
  index?: readonly string[];
  /** `ignore` (default): any path segment starting with `.` is 404. `allow`: served like other names. */
  dotfiles?: DotfilePolicy;
  /** Seconds for `Cache-Control: public, max-age=…`. Default 0 (caches revalidate each time). */
  maxAge?: number;
  /** Add `immutable` to `Cache-Control`, for fingerprinted file names. Default false. */
  immutable?: boolean;
}

/**
 * An app that serves the files under `dir` (resolved once, at the first
 * request, through symlinks; while it does not exist every request gets 404
 * and a line in `tsgi.errors`).
 *
 * - **Safety.** `PATH_INFO` is resolved inside the root only: `.`/`..`
 *   segments, backslashes and NUL get `400`; a symlink whose target lies
 *   outside the root, dot-names (by default) and anything not a regular
 *   file get `404`. There are no directory listings.
 * - **Missing files** get `404`, whatever the method, so it works as the
 *   first app of a `cascade`. For an existing file, methods other than GET
 *   and HEAD get `405` with `Allow: GET, HEAD`.
 * - **Directories.** `/dir` redirects (301) to `dir/`; `/dir/` serves the
 *   first `index` file that exists.
 * - **Caching.** A strong `ETag` (size and mtime) and `Last-Modified`;
 *   `If-None-Match` and `If-Modified-Since` give `304`, `If-Match` and
 *   `If-Unmodified-Since` give `412`.
 * - **Ranges.** One byte range gives `206` with `Content-Range`; a range
 *   past the end gives `416` with `Content-Range: bytes *\/size`. A request
 *   for **several ranges is answered with the whole file (200)**, which
 *   RFC 9110 allows, rather than `multipart/byteranges`. `If-Range` is
 *   honoured.
 * - **Types.** `Content-Type` comes from the extension via `mime-types`,
 *   with `charset=utf-8` for text; unknown extensions are
 *   `application/octet-stream`. `X-Content-Type-Options: nosniff` is set.
 * - **Streaming.** The body is read in 64 KiB blocks as the server pulls
 *   them, and the file is closed whenever the body ends or is closed.
 *
 * @example
 * ```ts
 * const site = urlMap({ '/static': staticFiles('./public', { maxAge: 3600 }), '/': app });
 * const withFallback = cascade([staticFiles('./public'), app]);
 * ```
 *
 * @category Middleware
 */
export function staticFiles(dir: string, options: StaticFilesOptions = {}): App {
  const settings = { dotfiles: options.dotfiles ?? 'ignore', index: options.index ?? ['index.html'] };
  const cacheControl = `public, max-age=${Math.max(0, Math.floor(options.maxAge ?? 0))}${options.immutable === true ? ', immutable' : ''}`;
  let root: Promise<string> | undefined;

  return async function servedFiles(environ: Environ, startResponse: StartResponse): Promise<Body> {
    root ??= realpath(resolve(dir));
    let rootPath: string;
    try {
      rootPath = await root;
    } catch (error) {
      // Perhaps not created yet: look again on the next request.
      root = undefined;
      environ['tsgi.errors'].write(`staticFiles: the directory ${JSON.stringify(dir)} cannot be opened: ${String(error)}\n`);
      return plain(environ, startResponse, 404, 'Not Found\n');
    }
    const found = await resolveFile(rootPath, environ.PATH_INFO, settings);
    const isHead = environ.REQUEST_METHOD === 'HEAD';
    if (found.kind === 'bad-request') return plain(environ, startResponse, 400, `Bad Request: ${found.reason}.\n`);
    if (found.kind === 'not-found') return plain(environ, startResponse, 404, 'Not Found\n');
    if (found.kind === 'directory-redirect') {
      const location = found.location === '' ? mountRoot(environ) : found.location;
      if (location === undefined) return plain(environ, startResponse, 404, 'Not Found\n');
      return plain(environ, startResponse, 301, `Moved Permanently: ${location}\n`, [['Location', location]]);
    }
    if (environ.REQUEST_METHOD !== 'GET' && !isHead) {
      return plain(environ, startResponse, 405, `Method Not Allowed: ${environ.REQUEST_METHOD} (allowed: GET, HEAD)\n`, [['Allow', 'GET, HEAD']]);
    }

    const { path, stats } = found;
    const etag = fileEtag(stats);
    const validators: ResponseHeaders = [
      ['ETag', etag],
      ['Last-Modified', stats.mtime.toUTCString()],
      ['Cache-Control', cacheControl],
    ];
    const precondition = evaluatePreconditions(environ, etag, stats);
    if (precondition === 304) {
      startResponse('304 Not Modified', validators);
      return [];
    }
    if (precondition === 412) return plain(environ, startResponse, 412, 'Precondition Failed\n');

    const size = stats.size;
    const type = contentType(basename(path)) || 'application/octet-stream';
    const headers: ResponseHeaders = [
      ['Content-Type', type],
      ...validators,
      ['Accept-Ranges', 'bytes'],
      ['X-Content-Type-Options', 'nosniff'],
    ];
    const range = !isHead && ifRangeHolds(environ, etag, stats) ? parseRange(environ.HTTP_RANGE, size) : 'ignore';
    if (range === 'unsatisfiable') {
      return plain(environ, startResponse, 416, `Range Not Satisfiable: the file has ${size} bytes\n`, [['Content-Range', `bytes */${size}`]]);
    }
    let start = 0;
    let end = size - 1;
    let status = '200 OK';
    if (range !== 'ignore') {
      ({ start, end } = range);
      status = '206 Partial Content';
      headers.push(['Content-Range', `bytes ${start}-${end}/${size}`]);
    }
    headers.push(['Content-Length', String(end - start + 1)]);
    if (isHead) {
      startResponse(status, headers);
      return [];
    }
    let handle;
    try {
      handle = await open(path, 'r');
    } catch {
      return plain(environ, startResponse, 404, 'Not Found\n');
    }
    startResponse(status, headers);
    return new FileBody(handle, start, end);
  };
}

/** The mount point with a trailing slash, when it is a safe absolute path. */
function mountRoot(environ: Environ): string | undefined {
  const script = environ.SCRIPT_NAME;
  if (script.startsWith('//') || script.includes('\\')) return undefined;
  return `${quotePath(script)}/`;
}

function plain(environ: Environ, startResponse: StartResponse, code: number, text: string, extra: ResponseHeaders = []): string[] {
  const reasons: Record<number, string> = {
    301: 'Moved Permanently', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 412: 'Precondition Failed', 416: 'Range Not Satisfiable',
  };
  startResponse(`${code} ${reasons[code]}`, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(text))],
    ...extra,
  ]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [text];
}
