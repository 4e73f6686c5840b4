/**
 * Deciding whether two responses are the same bytes, minus what the HTTP
 * layer legitimately varies per response or per connection.
 *
 * @module
 */
import type { RawResponse } from './raw-response.js';

// Date changes every second; Connection and Keep-Alive describe the
// connection, not the response, and are excluded by the brief.
const IGNORED_HEADERS: ReadonlySet<string> = new Set(['date', 'connection', 'keep-alive']);

/**
 * How one response compared with the reference.
 *
 * @example
 * ```ts
 * const verdict = compareResponses(bare, candidate, false);
 * if (!verdict.identical) throw new Error(verdict.diff);
 * ```
 */
export interface Comparison {
  /** Whether the bytes match (with header-name case excused if asked). */
  identical: boolean;
  /** Whether they match including header-name case. */
  exact: boolean;
  /** The candidate's compared bytes, as text. */
  wire: string;
  /** Line-by-line differences, when not identical. */
  diff?: string;
}

/**
 * The bytes that must match: status line, headers in order except the ignored
 * ones, and body, as one CRLF-joined string.
 *
 * @example
 * ```ts
 * comparableText(response); // 'HTTP/1.1 200 OK\r\nContent-Type: …\r\n\r\nHello world!\n'
 * ```
 */
export function comparableText(response: RawResponse, lowercaseNames = false): string {
  const lines = response.headers
    .filter(([name]) => !IGNORED_HEADERS.has(name.toLowerCase()))
    .map(([name, value]) => `${lowercaseNames ? name.toLowerCase() : name}: ${value}`);
  return [response.statusLine, ...lines, '', response.body.toString('latin1')].join('\r\n');
}

/**
 * Compares `candidate` with `reference`; `excuseNameCase` lets header names
 * differ in case only.
 *
 * @example
 * ```ts
 * compareResponses(bare, fastify, true).identical; // true when only case differs
 * ```
 */
export function compareResponses(reference: RawResponse, candidate: RawResponse, excuseNameCase: boolean): Comparison {
  const wire = comparableText(candidate);
  const exact = wire === comparableText(reference);
  const identical = exact || (excuseNameCase && comparableText(candidate, true) === comparableText(reference, true));
  if (identical) return { identical, exact, wire };
  return { identical, exact, wire, diff: lineDiff(comparableText(reference), wire) };
}

/** A minimal positional diff: enough to show a reader which line differs. */
function lineDiff(expected: string, actual: string): string {
  const want = expected.split('\r\n');
  const got = actual.split('\r\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] === got[i]) out.push(`    ${JSON.stringify(want[i])}`);
    else {
      if (want[i] !== undefined) out.push(`  - ${JSON.stringify(want[i])}`);
      if (got[i] !== undefined) out.push(`  + ${JSON.stringify(got[i])}`);
    }
  }
  return out.join('\n');
}
