/**
 * Checks of the gateway interface that both servers and the validator
 * enforce. Kept in one place so that what a server refuses at call time and
 * what `validate()` reports can never drift apart.
 *
 * @module
 */
import { GatewayError } from './rules.js';
import type { ResponseHeaders } from './types.js';

// Re-exported so that imports of GatewayError from here keep working, and so
// that the package index, which exports this module, carries the rule list.
export { GATEWAY_RULES, GatewayError, type GatewayRule, type GatewayRuleInfo, type GatewaySide } from './rules.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values may hold visible ASCII, spaces, tabs and obs-text, but no
// other control characters (RFC 9110 §5.5): CR and LF would split the header.
// Above U+00FF a character has no single byte on the wire, and Node refuses
// it (ERR_INVALID_CHAR); that range also holds every surrogate.
const FIELD_VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f\u0100-\uffff]/;
// Codes run from 100 to 599 (RFC 9110 §15): a Fetch Response refuses
// others, so no host may send them.
const STATUS_LINE = /^([1-5]\d\d) ([^\x00-\x08\x0a-\x1f\x7f\u0100-\uffff]+)$/;

/**
 * Headers that describe one connection rather than the response. The server
 * owns them, so an app may not set them (PEP 3333's rule, kept here).
 *
 * @example
 * ```ts
 * HOP_BY_HOP_HEADERS.has('transfer-encoding'); // true
 * ```
 *
 * @category Spec checks
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Whether `name` is an HTTP token (RFC 9110 §5.6.2), as method and header
 * names must be.
 *
 * @example
 * ```ts
 * isToken('Content-Type'); // true
 * isToken('Bad Name');     // false
 * ```
 */
export function isToken(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * Whether `value` may be sent as a header value: Latin-1 only, and no CR, LF
 * or other control characters except horizontal tab.
 *
 * @example
 * ```ts
 * isFieldValue('text/plain'); // true
 * isFieldValue('a\r\nSet-Cookie: x=1'); // false
 * isFieldValue('✓');                    // false: beyond Latin-1
 * ```
 */
export function isFieldValue(value: string): boolean {
  return !FIELD_VALUE_FORBIDDEN.test(value);
}

/**
 * Whether `value` is a Content-Length the gateway accepts: one to fifteen
 * decimal digits. Fifteen digits stay exact as a JavaScript number, and
 * every host refuses more, so the validator refuses them too.
 *
 * @example
 * ```ts
 * isContentLengthValue('13');               // true
 * isContentLengthValue('1234567890123456'); // false: 16 digits
 * ```
 */
export function isContentLengthValue(value: string): boolean {
  return CONTENT_LENGTH_VALUE.test(value);
}

const CONTENT_LENGTH_VALUE = /^\d{1,15}$/;

/**
 * Checks a status line of the form `"NNN Reason"` and returns its code. The
 * reason is free of control characters (tab aside) and within Latin-1. A 1xx
 * code passes here; a host refuses it as a final status (`status-informational`).
 *
 * @throws {@link GatewayError} `status-format` when the line is malformed.
 * @example
 * ```ts
 * checkStatus('201 Created'); // 201
 * ```
 *
 * @category Spec checks
 */
export function checkStatus(status: unknown): number {
  if (typeof status !== 'string') {
    throw new GatewayError('status-format', `status must be a string like "200 OK", got ${typeof status}`);
  }
  const known = GOOD_STATUSES.get(status);
  if (known !== undefined) return known;
  const match = STATUS_LINE.exec(status);
  if (match === null) {
    throw new GatewayError('status-format', `status must be "NNN Reason" (a code from 100 to 599, a space, a Latin-1 reason without control characters), got ${JSON.stringify(status)}`);
  }
  const code = Number(match[1]);
  if (GOOD_STATUSES.size < MAX_GOOD_STATUSES) GOOD_STATUSES.set(status, code);
  return code;
}

// An app sends a handful of status lines and header names, so the rules on
// each run once; a value is checked every time.
const GOOD_STATUSES = new Map<string, number>();
const MAX_GOOD_STATUSES = 256;
const GOOD_NAMES = new Set<string>();
const MAX_GOOD_NAMES = 1024;

/**
 * Checks a header list: an array of `[name, value]` string pairs, each name a
 * token that is neither `Status` nor hop-by-hop, each value Latin-1 and free
 * of control characters.
 *
 * @throws {@link GatewayError} naming the rule broken: `header-list`,
 *   `header-name`, `status-header`, `hop-by-hop-header` or `header-value`.
 * @example
 * ```ts
 * checkHeaders([['Content-Type', 'text/plain']]); // passes
 * checkHeaders([['X-Bad', 'a\nb']]);             // throws header-value
 * ```
 *
 * @category Spec checks
 */
export function checkHeaders(headers: unknown): asserts headers is ResponseHeaders {
  if (!Array.isArray(headers)) {
    throw new GatewayError('header-list', `headers must be an array of [name, value] pairs, got ${typeof headers}`);
  }
  for (let i = 0; i < headers.length; i++) {
    const pair: unknown = headers[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new GatewayError('header-list', `each header must be a [name, value] pair of strings, got ${describe(pair)}`);
    }
    const [name, value] = pair as [string, string];
    if (GOOD_NAMES.has(name)) {
      if (FIELD_VALUE_FORBIDDEN.test(value)) throw badValue(name);
      continue;
    }
    if (!TOKEN.test(name)) {
      throw new GatewayError('header-name', `header name ${JSON.stringify(name)} is not an HTTP token`);
    }
    const lower = name.toLowerCase();
    if (lower === 'status') {
      throw new GatewayError('status-header', 'a Status header is not allowed; pass the status to startResponse');
    }
    if (HOP_BY_HOP_HEADERS.has(lower)) {
      throw new GatewayError('hop-by-hop-header', `hop-by-hop header ${name} is set by the server, not the app`);
    }
    if (FIELD_VALUE_FORBIDDEN.test(value)) throw badValue(name);
    if (GOOD_NAMES.size < MAX_GOOD_NAMES) GOOD_NAMES.add(name);
  }
}

function badValue(name: string): GatewayError {
  return new GatewayError('header-value', `value of header ${name} contains a control character (CR, LF, NUL, …) or a character beyond Latin-1`);
}

/**
 * Whether a response with this status code may carry a body: not 1xx, 204 or 304.
 *
 * @example
 * ```ts
 * statusAllowsBody(204); // false
 * ```
 *
 * @category Spec checks
 */
export function statusAllowsBody(code: number): boolean {
  return code >= 200 && code !== 204 && code !== 304;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
