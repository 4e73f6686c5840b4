/**
 * Pages for errors that are not `HttpError`s (those go through the handler
 * layer's `renderError`): the same three forms, plus a reference id and, in
 * debug mode, the stack trace.
 *
 * @module
 */
import Negotiator from 'negotiator';
import { statusLine } from '../../gateway/status.js';
import { escapeHtml } from '../../handler/error-response.js';
import type { Environ, ResponseHeaders } from '../../gateway/types.js';

/**
 * What an error response says, before it is given a format.
 *
 * @example
 * ```ts
 * const problem: Problem = { status: 404, title: 'Not Found', detail: 'no entry 42' };
 * ```
 */
export interface Problem {
  /** The status code. */
  status: number;
  /** A short summary, by default the reason phrase. */
  title: string;
  /** The client-facing explanation. */
  detail: string;
  /** A stack trace, shown only in debug mode. */
  stack?: string;
  /** An id that also appears in the server log, so a report can be matched to it. */
  reference?: string;
}

/**
 * The formats an error response can take.
 *
 * @example
 * ```ts
 * const type: ProblemFormat = 'application/problem+json';
 * ```
 */
export type ProblemFormat = 'text/plain' | 'text/html' | 'application/problem+json';

// Order breaks ties: `Accept: */*` (curl, fetch) gets plain text, browsers
// (which ask for text/html by name) get HTML.
const OFFERED = ['text/plain', 'text/html', 'application/problem+json', 'application/json'];

/**
 * Picks the error format from the request's `Accept` header: `text/html` for
 * browsers, `application/problem+json` for clients asking for JSON or
 * problem details, `text/plain` for `*\/*`, no header, or anything else.
 *
 * @example
 * ```ts
 * problemFormat({ HTTP_ACCEPT: 'application/json' } as Environ); // 'application/problem+json'
 * ```
 */
export function problemFormat(environ: Environ): ProblemFormat {
  const accept = environ.HTTP_ACCEPT;
  if (accept === undefined || accept.trim() === '') return 'text/plain';
  let chosen: string | undefined;
  try {
    chosen = new Negotiator({ headers: { accept } }).mediaType(OFFERED);
  } catch {
    chosen = undefined;
  }
  if (chosen === 'text/html') return 'text/html';
  if (chosen === 'application/problem+json' || chosen === 'application/json') return 'application/problem+json';
  return 'text/plain';
}

/**
 * Renders a problem as a status line, headers and body text in `format`.
 * The problem JSON has RFC 9457's members (`type` is `about:blank`,
 * `title`, `status`, `detail`) plus `reference` and, in debug mode,
 * `stack`. Every value is escaped for its format.
 *
 * @example
 * ```ts
 * const [status, headers, body] = renderProblem({ status: 404, title: 'Not Found', detail: 'no entry 42' }, 'text/plain');
 * startResponse(status, headers);
 * return [body];
 * ```
 */
export function renderProblem(problem: Problem, format: ProblemFormat): [string, ResponseHeaders, string] {
  let body: string;
  if (format === 'application/problem+json') {
    body = `${JSON.stringify({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(problem.reference === undefined ? {} : { reference: problem.reference }),
      ...(problem.stack === undefined ? {} : { stack: problem.stack }),
    })}\n`;
  } else if (format === 'text/html') {
    body = htmlPage(problem);
  } else {
    body = `${problem.title}: ${problem.detail}\n`;
    if (problem.reference !== undefined) body += `Reference: ${problem.reference}\n`;
    if (problem.stack !== undefined) body += `\n${problem.stack}\n`;
  }
  const contentType = format === 'application/problem+json' ? format : `${format}; charset=utf-8`;
  return [
    statusLine(problem.status),
    [
      ['Content-Type', contentType],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Cache-Control', 'no-store'],
      ['X-Content-Type-Options', 'nosniff'],
    ],
    body,
  ];
}

function htmlPage(problem: Problem): string {
  const title = escapeHtml(`${problem.status} ${problem.title}`);
  const reference = problem.reference === undefined ? '' : `<p>Reference: <code>${escapeHtml(problem.reference)}</code></p>\n`;
  const stack = problem.stack === undefined ? '' : `<h2>Stack trace</h2>\n<pre>${escapeHtml(problem.stack)}</pre>\n`;
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n` +
    `<h1>${title}</h1>\n<p>${escapeHtml(problem.detail)}</p>\n${reference}${stack}</body>\n</html>\n`
  );
}
