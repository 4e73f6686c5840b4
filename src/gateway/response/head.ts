/**
 * The head of a response: the status line and headers an app passes to
 * `startResponse`, checked once and taken apart into what every host and
 * middleware needs to know about the body that follows.
 *
 * @module
 */
import { checkHeaders, checkStatus, GatewayError, isContentLengthValue, statusAllowsBody } from '../spec.js';
import type { ResponseHeaders } from '../types.js';

/**
 * A checked status line and header list, with what they mean for the body.
 *
 * @example
 * ```ts
 * const head = parseHead('200 OK', [['Content-Length', '2']], false);
 * head.bodyLimit; // 2: the response is complete after two body bytes
 * ```
 *
 * @category Response lifecycle
 */
export interface ResponseHead {
  /** The status line as the app gave it, e.g. `404 Not Found`. */
  readonly status: string;
  /** The status code. */
  readonly code: number;
  /** The reason phrase. */
  readonly reason: string;
  /** The app's headers, as given (not copied). */
  readonly headers: ResponseHeaders;
  /** The app's Content-Length, or -1 without one. */
  readonly declared: number;
  /** Whether body bytes are sent at all: not for HEAD, 1xx, 204 or 304. */
  readonly sendsBody: boolean;
  /**
   * How many body bytes complete the response: 0 when no body is sent, the
   * declared Content-Length, or -1 when only the body's end decides.
   */
  readonly bodyLimit: number;
}

interface ParsedStatus {
  readonly code: number;
  readonly reason: string;
}

// Apps use a handful of status lines, so each is checked by regex once.
const STATUSES = new Map<string, ParsedStatus>();
const MAX_CACHED_STATUSES = 256;

/**
 * Checks what an app passed to `startResponse` and describes the body it
 * allows. `isHead` is whether the request was HEAD.
 *
 * @throws {@link GatewayError} `status-format`, `status-informational` (a
 *   final status below 200), a header rule, or `content-length-value`.
 * @example
 * ```ts
 * parseHead('204 No Content', [], false).sendsBody; // false
 * parseHead('103 Early Hints', [], false);          // throws status-informational
 * ```
 *
 * @category Response lifecycle
 */
export function parseHead(status: string, headers: ResponseHeaders, isHead: boolean): ResponseHead {
  const { code, reason } = parseStatus(status);
  checkHeaders(headers);
  const declared = declaredLength(headers);
  const sendsBody = !isHead && statusAllowsBody(code);
  return { status, code, reason, headers, declared, sendsBody, bodyLimit: sendsBody ? declared : 0 };
}

/**
 * Checks a final status line and splits it; refuses 1xx, which cannot end
 * a response.
 *
 * @example
 * ```ts
 * parseStatus('404 Not Found'); // { code: 404, reason: 'Not Found' }
 * ```
 */
export function parseStatus(status: string): ParsedStatus {
  let parsed = typeof status === 'string' ? STATUSES.get(status) : undefined;
  if (parsed === undefined) {
    const code = checkStatus(status);
    if (code < 200) {
      throw new GatewayError('status-informational', `the final status must be 200 or above, got ${JSON.stringify(status)}`);
    }
    parsed = { code, reason: status.slice(4) };
    if (STATUSES.size < MAX_CACHED_STATUSES) STATUSES.set(status, parsed);
  }
  return parsed;
}

/**
 * The Content-Length an app declared, or -1 without one.
 *
 * @throws {@link GatewayError} `content-length-value` when it is repeated or
 *   not one to fifteen decimal digits.
 * @example
 * ```ts
 * declaredLength([['Content-Length', '13']]); // 13
 * ```
 */
export function declaredLength(headers: ResponseHeaders): number {
  let length = -1;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as [string, string];
    if (name.length !== 14 || name.toLowerCase() !== 'content-length') continue;
    if (length !== -1) throw new GatewayError('content-length-value', 'Content-Length is set more than once');
    if (!isContentLengthValue(value)) {
      throw new GatewayError('content-length-value', `Content-Length must be 1 to 15 decimal digits, got ${JSON.stringify(value)}`);
    }
    length = Number(value);
  }
  return length;
}

/**
 * Throws unless `chunk` is a string or byte array.
 *
 * @example
 * ```ts
 * checkChunk('ok'); // passes
 * checkChunk(42);   // throws chunk-type
 * ```
 */
export function checkChunk(chunk: unknown): asserts chunk is string | Uint8Array {
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
    throw new GatewayError('chunk-type', `body chunks must be strings or Uint8Arrays, got ${chunk === null ? 'null' : typeof chunk}`);
  }
}
