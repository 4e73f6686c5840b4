/**
 * The body of an error response, in the form the client asked for: RFC 9457
 * problem details for JSON clients, a small HTML page for browsers, plain
 * text for the rest.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import { preferredMediaType } from './negotiate.js';

/**
 * A rendered error body.
 *
 * @example
 * ```ts
 * const { contentType, body }: ErrorBody = renderError(HttpError.notFound('no such entry'), 'application/json');
 * ```
 */
export interface ErrorBody {
  /** The Content-Type header value. */
  readonly contentType: string;
  /** The body text. */
  readonly body: string;
}

const PROBLEM_JSON = 'application/problem+json';
// Order breaks ties: a client with no Accept (or */*) gets plain text.
const CHOICES = ['text/plain', 'text/html', PROBLEM_JSON, 'application/json'] as const;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b> & "q"'); // '&lt;b&gt; &amp; &quot;q&quot;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/**
 * Renders an {@link HttpError} for a request's `Accept` header: clients that
 * prefer `application/json` or `application/problem+json` get
 * `application/problem+json` (RFC 9457: type, title, status, detail and any
 * extensions), clients that prefer `text/html` an escaped HTML page, and
 * everyone else, including clients sending no `Accept` or accepting nothing
 * offered, `text/plain` with the detail on one line.
 *
 * @example
 * ```ts
 * renderError(HttpError.badRequest('missing query parameter "n"'), 'application/json').body;
 * // '{"type":"about:blank","title":"Bad Request","status":400,"detail":"missing query parameter \\"n\\""}'
 * ```
 */
export function renderError(error: HttpError, accept: string | undefined): ErrorBody {
  const chosen = preferredMediaType(accept, CHOICES) ?? 'text/plain';
  if (chosen === PROBLEM_JSON || chosen === 'application/json') {
    return { contentType: PROBLEM_JSON, body: `${JSON.stringify(error.toProblem())}\n` };
  }
  if (chosen === 'text/html') {
    const title = escapeHtml(`${error.status} ${error.title}`);
    const body =
      `<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>${title}</title>\n</head>\n` +
      `<body>\n  <h1>${title}</h1>\n  <p>${escapeHtml(error.detail)}</p>\n</body>\n</html>\n`;
    return { contentType: 'text/html; charset=utf-8', body };
  }
  return { contentType: 'text/plain; charset=utf-8', body: `${error.detail}\n` };
}
