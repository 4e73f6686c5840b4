/**
 * Common and Combined Log Format lines.
 *
 * @module
 */
import type { BodyOutcome } from '../../gateway/response/body-proxy.js';

/**
 * The log line layout: `common` is NCSA's Common Log Format; `combined` adds
 * the referrer and user agent, as Apache and nginx do.
 *
 * @example
 * ```ts
 * const format: AccessLogFormat = 'combined';
 * ```
 *
 * @category Helpers
 */
export type AccessLogFormat = 'common' | 'combined';

/**
 * What one access log line records.
 *
 * @example
 * ```ts
 * const entry: AccessLogEntry = {
 *   remoteAddr: '127.0.0.1', user: undefined, time: new Date(), requestLine: 'GET / HTTP/1.1',
 *   status: 200, bytes: 13, referer: undefined, userAgent: 'curl/8.5.0', durationMs: 0.42, outcome: 'complete',
 * };
 * ```
 *
 * @category Helpers
 */
export interface AccessLogEntry {
  /** The client's address; logged as `-` when empty. */
  remoteAddr: string;
  /** The authenticated user (`REMOTE_USER`), if any. */
  user: string | undefined;
  /** When the request arrived. */
  time: Date;
  /** `METHOD target PROTOCOL`, as received. */
  requestLine: string;
  /** The status sent, or `undefined` when none was. */
  status: number | undefined;
  /** Body bytes handed to the server. */
  bytes: number;
  /** The `Referer` header. */
  referer: string | undefined;
  /** The `User-Agent` header. */
  userAgent: string | undefined;
  /** Milliseconds from the call into the app to the end of the body. */
  durationMs: number;
  /** How the exchange ended: completed, failed, or abandoned by the client (`gone`). */
  outcome: BodyOutcome;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSecond = -1;
let cachedStamp = '';

/**
 * The CLF timestamp, `10/Oct/2000:13:55:36 +0000`, in UTC. Cached per
 * second, since a busy server logs many lines within one.
 *
 * @example
 * ```ts
 * clfTimestamp(new Date(Date.UTC(2000, 9, 10, 13, 55, 36))); // '10/Oct/2000:13:55:36 +0000'
 * ```
 */
export function clfTimestamp(time: Date): string {
  const second = Math.floor(time.getTime() / 1000);
  if (second === cachedSecond) return cachedStamp;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp =
    `${pad(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:` +
    `${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`;
  cachedSecond = second;
  cachedStamp = stamp;
  return stamp;
}

/**
 * Formats one line, ending in `\n`:
 *
 * `host - user [time] "request" status bytes` (common), then
 * ` "referer" "user-agent"` (combined), then the response time in
 * milliseconds with three decimals, then ` aborted` when the client went
 * away before the end or ` error` when the body failed.
 *
 * Quoted fields escape `"`, `\` and non-printable characters as `\xHH`, so a
 * crafted header cannot forge a second line or a field.
 *
 * @example
 * ```ts
 * formatAccessLine(entry, 'common');
 * // '127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 13 0.420\n'
 * ```
 *
 * @category Helpers
 */
export function formatAccessLine(entry: AccessLogEntry, format: AccessLogFormat): string {
  let line =
    `${entry.remoteAddr ? clean(entry.remoteAddr) : '-'} - ${entry.user ? clean(entry.user) : '-'} [${clfTimestamp(entry.time)}] ` +
    `"${escape(entry.requestLine)}" ${entry.status ?? '-'} ${entry.bytes > 0 ? entry.bytes : '-'}`;
  if (format === 'combined') line += ` "${escape(entry.referer ?? '-')}" "${escape(entry.userAgent ?? '-')}"`;
  line += ` ${entry.durationMs.toFixed(3)}`;
  if (entry.outcome === 'gone') line += ' aborted';
  else if (entry.outcome === 'error') line += ' error';
  return `${line}\n`;
}

// Clients repeat the same few user agents, referrers and addresses, and the
// regex scan per field was a noticeable part of each line's cost.
const ESCAPE_CACHE_SIZE = 256;
const ESCAPE_CACHE_MAX_LENGTH = 512;
const escaped = new Map<string, string>();
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f"\\]/;

function escape(text: string): string {
  if (text.length > ESCAPE_CACHE_MAX_LENGTH) return escapeText(text);
  let result = escaped.get(text);
  if (result === undefined) {
    result = NEEDS_ESCAPE.test(text) ? escapeText(text) : text;
    if (escaped.size >= ESCAPE_CACHE_SIZE) escaped.clear();
    escaped.set(text, result);
  }
  return result;
}

function escapeText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f"\\]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Unquoted fields must not hold spaces either, or they would shift the columns. */
function clean(text: string): string {
  const safe = escape(text);
  return safe.includes(' ') ? safe.replace(/ /g, '\\x20') : safe;
}
