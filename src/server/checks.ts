/**
 * Call-time checks of what an app hands the server: status line, header
 * list, declared length and body chunks. The rules are the gateway's
 * (`spec.ts`); this adds caching, since an app repeats itself.
 *
 * @module
 */
import { checkHeaders, checkStatus, GatewayError, isFieldValue } from '../gateway/spec.js';
import type { Chunk, ResponseHeaders } from '../gateway/types.js';

/**
 * A status line taken apart.
 *
 * @example
 * ```ts
 * const ok: ParsedStatus = { code: 200, reason: 'OK' };
 * ```
 */
export interface ParsedStatus {
  /** The status code. */
  readonly code: number;
  /** The reason phrase. */
  readonly reason: string;
}

// Apps use a handful of status lines, so each is checked by regex once.
const STATUSES = new Map<string, ParsedStatus>();
const MAX_CACHED_STATUSES = 256;
const DECIMAL = /^\d{1,15}$/;

/**
 * Checks a final status line with `checkStatus` and splits it; refuses 1xx,
 * which cannot end a response.
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

// Names that passed checkHeaders; an app sends the same few every time, so
// the name rules (token, not Status, not hop-by-hop) run once per name.
const GOOD_NAMES = new Set<string>();
const MAX_GOOD_NAMES = 1024;

/**
 * `checkHeaders`, with a fast path for names already known to be good. Any
 * pair that misses it goes through `checkHeaders` itself, so the rules and
 * their errors stay exactly the gateway's.
 *
 * @example
 * ```ts
 * checkHeaderList([['Content-Type', 'text/plain']]); // passes
 * checkHeaderList([['X-Bad', 'a\nb']]);             // throws header-value
 * ```
 */
export function checkHeaderList(headers: unknown): asserts headers is ResponseHeaders {
  if (!Array.isArray(headers)) {
    checkHeaders(headers);
    return;
  }
  for (let i = 0; i < headers.length; i++) {
    const pair: unknown = headers[i];
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string' ||
      !GOOD_NAMES.has(pair[0]) ||
      !isFieldValue(pair[1])
    ) {
      checkHeaders([pair]);
      if (GOOD_NAMES.size < MAX_GOOD_NAMES) GOOD_NAMES.add((pair as [string, string])[0]);
    }
  }
}

/**
 * The Content-Length an app declared, or -1 without one.
 *
 * @throws GatewayError `content-length` when it is repeated or not a decimal integer.
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
    if (length !== -1) throw new GatewayError('content-length', 'Content-Length is set more than once');
    if (!DECIMAL.test(value)) {
      throw new GatewayError('content-length', `Content-Length must be a decimal integer, got ${JSON.stringify(value)}`);
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
export function checkChunk(chunk: unknown): asserts chunk is Chunk {
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
    throw new GatewayError('chunk-type', `body chunks must be strings or Uint8Arrays, got ${chunk === null ? 'null' : typeof chunk}`);
  }
}
