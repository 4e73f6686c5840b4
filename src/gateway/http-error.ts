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
 *
 * @category Errors
 */
export interface HttpErrorOptions {
  /** A short, human title; defaults to the reason phrase. */
  title?: string;
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  headers?: ResponseHeaders;
  /** The underlying error, kept for logs and never shown to clients. */
  cause?: unknown;
  /** A URI naming the problem type (RFC 9457 `type`); defaults to `about:blank`. */
  type?: string;
  /**
   * Extra members of the problem details object, e.g. `{ balance: 30 }`.
   * They are shown to clients, so they must not hold secrets. The standard
   * members (`type`, `title`, `status`, `detail`) cannot be replaced here.
   */
  extensions?: Readonly<Record<string, unknown>>;
}

/**
 * An RFC 9457 problem details object, the body of an error answered as
 * `application/problem+json`.
 *
 * @example
 * ```ts
 * const problem: ProblemDetails = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no entry "x"' };
 * ```
 *
 * @category Errors
 */
export interface ProblemDetails {
  /** A URI naming the problem type; `about:blank` means "just the status". */
  type: string;
  /** A short summary of the problem type. */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** The explanation of this occurrence. */
  detail: string;
  /** Extension members. */
  [extension: string]: unknown;
}

/**
 * Throw this anywhere in a handler (or in middleware that understands it) to
 * answer with that status. `detail` is shown to the client, so it must not
 * hold secrets; `cause` is logged instead. The static helpers
 * (`HttpError.notFound(detail)`, …) name the common statuses.
 *
 * @example
 * ```ts
 * throw new HttpError(404, 'entry not found');
 * throw HttpError.notFound('entry not found');
 * throw new HttpError(405, 'Method Not Allowed', { headers: [['Allow', 'GET, HEAD']] });
 * ```
 *
 * @category Errors
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
  /** The problem type URI (RFC 9457), `about:blank` unless given. */
  readonly type: string;
  /** Extra problem details members, shown to clients. */
  readonly extensions: Readonly<Record<string, unknown>>;

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
    this.type = options.type ?? 'about:blank';
    this.extensions = options.extensions ?? {};
  }

  /** The status line, e.g. `'404 Not Found'`. */
  get statusLine(): string {
    return statusLine(this.status);
  }

  /** The RFC 9457 problem details object for this error. */
  toProblem(): ProblemDetails {
    const problem: ProblemDetails = { type: this.type, title: this.title, status: this.status, detail: this.detail };
    for (const [key, value] of Object.entries(this.extensions)) {
      // defineProperty, so a member named `__proto__` stays a plain member.
      if (!Object.hasOwn(problem, key)) Object.defineProperty(problem, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return problem;
  }

  /** 400: the request is malformed, e.g. a parameter that is not a number. */
  static badRequest(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(400, detail, options);
  }

  /** 401: credentials are missing or wrong; pass a `WWW-Authenticate` header. */
  static unauthorized(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(401, detail, options);
  }

  /** 403: the client is known but not allowed. */
  static forbidden(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(403, detail, options);
  }

  /** 404: nothing is here. */
  static notFound(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(404, detail, options);
  }

  /** 405 with the `Allow` header listing the methods that are allowed. */
  static methodNotAllowed(allow: string, detail?: string, options: HttpErrorOptions = {}): HttpError {
    return new HttpError(405, detail, { ...options, headers: [...(options.headers ?? []), ['Allow', allow]] });
  }

  /** 406: none of the available representations is acceptable. */
  static notAcceptable(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(406, detail, options);
  }

  /** 409: the request conflicts with the current state. */
  static conflict(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(409, detail, options);
  }

  /** 410: it was here and is gone for good. */
  static gone(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(410, detail, options);
  }

  /** 413: the request body is over a limit. */
  static contentTooLarge(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(413, detail, options);
  }

  /** 415: the request body's media type is not accepted here. */
  static unsupportedMediaType(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(415, detail, options);
  }

  /** 422: well-formed, but the values make no sense. */
  static unprocessable(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(422, detail, options);
  }

  /** 429: slow down; pass a `Retry-After` header. */
  static tooManyRequests(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(429, detail, options);
  }

  /** 503: try again later; pass a `Retry-After` header. */
  static serviceUnavailable(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(503, detail, options);
  }
}
