/**
 * Errors that stand for an HTTP response.
 *
 * @module
 */
import { reasonPhrase, statusLine } from './status.js';
import type { ResponseHeaders } from './types.js';

/**
 * Options for an {@link HttpError}.
 *
 * @example
 * ```ts
 * const options: HttpErrorOptions = { headers: [['Allow', 'GET, HEAD']] };
 * ```
 */
export interface HttpErrorOptions {
  /** A short, human title; defaults to the reason phrase. */
  title?: string;
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  headers?: ResponseHeaders;
  /** The underlying error, kept for logs and never shown to clients. */
  cause?: unknown;
}

/**
 * Throw this anywhere in a handler (or in middleware that understands it) to
 * answer with that status. `detail` is shown to the client, so it must not
 * hold secrets; `cause` is logged instead.
 *
 * @example
 * ```ts
 * throw new HttpError(404, 'entry not found');
 * throw new HttpError(405, 'Method Not Allowed', { headers: [['Allow', 'GET, HEAD']] });
 * ```
 */
export class HttpError extends Error {
  /** The status code, 400–599. */
  readonly status: number;
  /** The short title, by default the reason phrase. */
  readonly title: string;
  /** The client-facing explanation. */
  readonly detail: string;
  /** Extra response headers. */
  readonly headers: ResponseHeaders;

  constructor(status: number, detail?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be 400–599, got ${status}`);
    }
    const title = options.title ?? reasonPhrase(status) ?? 'Error';
    super(detail ?? title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.title = title;
    this.detail = detail ?? title;
    this.headers = options.headers ?? [];
  }

  /** The status line, e.g. `'404 Not Found'`. */
  get statusLine(): string {
    return statusLine(this.status);
  }
}
