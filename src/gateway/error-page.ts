/**
 * Error responses in the form the client asked for: RFC 9457 problem details
 * for JSON clients, a small HTML page for browsers, plain text for the rest.
 * `BaseHandler`, `httpErrors` and `showErrors` all answer through this one
 * renderer, so an error looks the same whoever catches it.
 *
 * @module
 */
import Negotiator from 'negotiator';
import type { HttpError } from './http-error.js';
import type { ResponseHeaders } from './types.js';
import { addVary } from './vary.js';

/**
 * The forms an error response can take, as its Content-Type essence.
 *
 * @example
 * ```ts
 * const format: ErrorFormat = errorFormat('application/json'); // 'application/problem+json'
 * ```
 *
 * @category Errors
 */
export type ErrorFormat = 'text/plain' | 'text/html' | 'application/problem+json';

/**
 * Where an error was thrown: a file position and the source lines around it
 * (the line itself among them), as the development error page shows them.
 *
 * @example
 * ```ts
 * const source: SourceExcerpt = {
 *   file: '/srv/site/src/routes.ts', line: 12, column: 9,
 *   lines: [{ number: 11, text: '  const n = 1;' }, { number: 12, text: "  throw new Error('bad');" }],
 * };
 * ```
 *
 * @category Errors
 */
export interface SourceExcerpt {
  /** The file's path. */
  readonly file: string;
  /** The line that threw, from 1. */
  readonly line: number;
  /** The column on that line, from 1. */
  readonly column: number;
  /** The lines shown, in order. */
  readonly lines: readonly SourceLine[];
}

/**
 * One line of a {@link SourceExcerpt}.
 *
 * @example
 * ```ts
 * const line: SourceLine = { number: 12, text: "  throw new Error('bad');" };
 * ```
 *
 * @category Errors
 */
export interface SourceLine {
  /** Its number in the file, from 1. */
  readonly number: number;
  /** Its text, cut when very long. */
  readonly text: string;
}

/**
 * What an error page may show beyond the error itself.
 *
 * @example
 * ```ts
 * const details: ErrorPageDetails = { reference: 'a1b2c3d4' };
 * ```
 *
 * @category Errors
 */
export interface ErrorPageDetails {
  /** An id that also appears in the server log, so a report can be matched to it. */
  readonly reference?: string;
  /** A stack trace; only for development, since stacks reveal code paths. */
  readonly stack?: string;
  /** The source around the line that threw; only for development, like the stack. */
  readonly source?: SourceExcerpt;
}

/**
 * A rendered error response, ready for `startResponse(status, headers)` and
 * `[body]`.
 *
 * @example
 * ```ts
 * const { status, headers, body }: RenderedError = renderError(HttpError.notFound(), environ.HTTP_ACCEPT);
 * startResponse(status, headers);
 * return [body];
 * ```
 *
 * @category Errors
 */
export interface RenderedError {
  /** The status line, e.g. `'404 Not Found'`. */
  readonly status: string;
  /**
   * The error's own headers (e.g. `Allow`) and those of the page:
   * Content-Type, Content-Length, `Vary: Accept`, `X-Content-Type-Options`,
   * and `Cache-Control: no-store` for a page that shows a reference or stack.
   */
  readonly headers: ResponseHeaders;
  /** The Content-Type header value, also among {@link RenderedError.headers}. */
  readonly contentType: string;
  /** The body text. */
  readonly body: string;
}

const PROBLEM_JSON = 'application/problem+json';
// Order breaks ties: a client with no Accept, or `*/*` (curl, fetch), gets
// plain text; browsers name text/html and get HTML.
const OFFERED: string[] = ['text/plain', 'text/html', PROBLEM_JSON, 'application/json'];
// The page describes its own body; the error's headers cannot.
const PAGE_HEADERS = new Set(['content-type', 'content-length']);
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b> & "q"'); // '&lt;b&gt; &amp; &quot;q&quot;'
 * ```
 *
 * @category Errors
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/**
 * Picks the error format for an `Accept` header: `application/problem+json`
 * for clients preferring JSON or problem details, `text/html` for browsers,
 * and `text/plain` for everyone else, including clients sending no `Accept`,
 * `*\/*`, or accepting nothing offered.
 *
 * @example
 * ```ts
 * errorFormat('text/html,application/xhtml+xml,*\/*;q=0.8'); // 'text/html'
 * errorFormat(undefined);                                    // 'text/plain'
 * ```
 */
export function errorFormat(accept: string | undefined): ErrorFormat {
  if (accept === undefined) return 'text/plain';
  const chosen = new Negotiator({ headers: { accept } }).mediaType(OFFERED);
  if (chosen === 'text/html') return 'text/html';
  if (chosen === PROBLEM_JSON || chosen === 'application/json') return PROBLEM_JSON;
  return 'text/plain';
}

/**
 * Renders an {@link HttpError} for a request's `Accept` header (see
 * `errorFormat`): RFC 9457 problem details (type, title, status,
 * detail and the error's extensions), an escaped HTML page, or the detail on
 * one line of text. `details` adds a reference id and a stack trace to every
 * form. The response says `Vary: Accept`, merged into a `Vary` the error
 * already carries.
 *
 * @example
 * ```ts
 * renderError(HttpError.badRequest('missing query parameter "n"'), 'application/json').body;
 * // '{"type":"about:blank","title":"Bad Request","status":400,"detail":"missing query parameter \\"n\\""}\n'
 * ```
 *
 * @category Errors
 */
export function renderError(error: HttpError, accept: string | undefined, details: ErrorPageDetails = {}): RenderedError {
  const format = errorFormat(accept);
  let body: string;
  if (format === PROBLEM_JSON) body = `${JSON.stringify(problemJson(error, details))}\n`;
  else if (format === 'text/html') body = htmlPage(error, details);
  else body = textPage(error, details);
  const contentType = format === PROBLEM_JSON ? format : `${format}; charset=utf-8`;
  const headers: ResponseHeaders = error.headers.filter(([name]) => !PAGE_HEADERS.has(name.toLowerCase()));
  headers.push(['Content-Type', contentType], ['Content-Length', String(Buffer.byteLength(body))], ['X-Content-Type-Options', 'nosniff']);
  // A page naming one occurrence must not be served again from a cache.
  if (details.reference !== undefined || details.stack !== undefined) headers.push(['Cache-Control', 'no-store']);
  addVary(headers, 'Accept');
  return { status: error.statusLine, headers, contentType, body };
}

function problemJson(error: HttpError, details: ErrorPageDetails): object {
  const problem = error.toProblem();
  if (details.reference !== undefined) problem.reference = details.reference;
  if (details.stack !== undefined) problem.stack = details.stack;
  if (details.source !== undefined) problem.source = details.source;
  return problem;
}

function textPage(error: HttpError, details: ErrorPageDetails): string {
  let text = `${error.detail}\n`;
  if (details.reference !== undefined) text += `Reference: ${details.reference}\n`;
  if (details.source !== undefined) text += `\n${sourceLines(details.source).join('\n')}\n`;
  if (details.stack !== undefined) text += `\n${details.stack}\n`;
  return text;
}

function htmlPage(error: HttpError, details: ErrorPageDetails): string {
  const title = escapeHtml(`${error.status} ${error.title}`);
  const reference = details.reference === undefined ? '' : `  <p>Reference: <code>${escapeHtml(details.reference)}</code></p>\n`;
  const stack = details.stack === undefined ? '' : `  <h2>Stack trace</h2>\n  <pre>${escapeHtml(details.stack)}</pre>\n`;
  const source =
    details.source === undefined ? '' : `  <h2>Source</h2>\n  <pre class="source">${escapeHtml(sourceLines(details.source).join('\n'))}</pre>\n`;
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>${title}</title>\n</head>\n` +
    `<body>\n  <h1>${title}</h1>\n  <p>${escapeHtml(error.detail)}</p>\n${reference}${source}${stack}</body>\n</html>\n`
  );
}

/** `file:line:col`, then the numbered lines, the one that threw marked with `>` and a caret under its column. */
function sourceLines(source: SourceExcerpt): string[] {
  const width = String(source.lines.at(-1)?.number ?? source.line).length;
  const lines = [`${source.file}:${source.line}:${source.column}`];
  for (const { number, text } of source.lines) {
    const here = number === source.line;
    lines.push(`${here ? '>' : ' '} ${String(number).padStart(width)} | ${text}`);
    if (here) lines.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, source.column - 1))}^`);
  }
  return lines;
}
