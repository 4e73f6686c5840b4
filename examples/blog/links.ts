/**
 * Absolute links built from the request, so the blog works under any host,
 * scheme and mount point (the article hard-coded http://localhost:8080).
 */
import { HttpError, type Environ } from '../../src/gateway/index.js';
import type { BlogFormat } from './formats.js';

// A host name (RFC 3986 reg-name, without the rarely used sub-delims and
// percent-escapes; `_` stays, as in container names), an IPv4 address or a
// bracketed IPv6 one, with an optional port: what a Host header holds.
// Anything else would end up inside every link of the page, so it is
// refused rather than repeated.
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The URL of the blog's root, without a trailing slash:
 * `tsgi.url_scheme` + `://` + Host (or SERVER_NAME:SERVER_PORT) + SCRIPT_NAME.
 *
 * @throws HttpError 400 for a malformed Host header.
 */
export function blogBase(environ: Environ): string {
  const scheme = environ['tsgi.url_scheme'];
  let host = environ.HTTP_HOST;
  if (host === undefined || host === '') {
    const defaultPort = scheme === 'https' ? '443' : '80';
    host = environ.SERVER_PORT === defaultPort ? environ.SERVER_NAME : `${environ.SERVER_NAME}:${environ.SERVER_PORT}`;
  } else if (!HOST.test(host)) {
    throw new HttpError(400, `Invalid Host header ${JSON.stringify(host.slice(0, 100))}`);
  }
  const path = environ.SCRIPT_NAME.split('/').map(encodePathSegment).join('/');
  return `${scheme}://${host.toLowerCase()}${path}`;
}

/** The URL of the list in `format`, with optional paging. */
export function listUrl(base: string, format: BlogFormat, paging?: { offset: number; limit: number }): string {
  const params = new URLSearchParams();
  if (format !== 'xhtml') params.set('type', format);
  if (paging !== undefined) {
    params.set('offset', String(paging.offset));
    params.set('limit', String(paging.limit));
  }
  const query = params.toString();
  return `${base}/${query === '' ? '' : `?${query}`}`;
}

/** The URL of an entry in `format` (xhtml, the default, needs no `type`). */
export function entryUrl(base: string, name: string, format: BlogFormat): string {
  return `${base}/${encodePathSegment(name)}${format === 'xhtml' ? '' : `?type=${format}`}`;
}

function encodePathSegment(segment: string): string {
  // encodeURIComponent leaves - _ . ~ alone and escapes everything else
  // that is not a letter or digit, which covers every safe entry name.
  return encodeURIComponent(segment);
}

/** Where the blog's stylesheet is served: `<base>/_static/blog.css` (see `blogApp`). */
export function stylesheetUrl(base: string): string {
  return `${base}/${STATIC_PREFIX}/blog.css`;
}

/** The path segment under which the blog serves its own files; entry names may not start with `_`. */
export const STATIC_PREFIX = '_static';
