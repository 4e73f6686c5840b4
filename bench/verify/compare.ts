/**
 * Whether a response is the same as bare node's for its scenario, in the
 * scenario's normal form (see {@link NormalForm}).
 *
 * @module
 */
import { gunzipSync } from 'node:zlib';
import { SESSION_COOKIE, type NormalForm, type Scenario } from '../scenarios.js';
import type { RawResponse } from './raw-response.js';

// Date changes every second; Connection and Keep-Alive describe the
// connection, not the response.
const IGNORED = new Set(['date', 'connection', 'keep-alive']);
// The stack adds these to hello: compress varies on Accept-Encoding even when
// the body is under its threshold, and sessions set a cookie (checked apart).
const STACK_ADDED = new Set(['vary', 'set-cookie']);

/** How one response compared with the reference. */
export interface Comparison {
  /** What differs, when the response is refused. */
  diff?: string;
  /** What differs but is excused (header-name case), when accepted. */
  note?: string;
  /** The candidate's normal form, as text. */
  wire: string;
}

/**
 * The compared lines of a response in normal form `form`; names are
 * lower-cased when `lowerNames`.
 */
export function normalLines(response: RawResponse, form: NormalForm, lowerNames: boolean): string[] {
  const name = (raw: string): string => (lowerNames ? raw.toLowerCase() : raw);
  if (form === 'gzip') {
    const value = (wanted: string): string =>
      response.headers.find(([candidate]) => candidate.toLowerCase() === wanted)?.[1] ?? '(absent)';
    const encoding = value('content-encoding');
    const body = encoding === 'gzip' ? gunzipSync(response.body).toString('latin1') : '(not gzip)';
    return [
      response.statusLine,
      `content-type: ${value('content-type')}`,
      `content-encoding: ${encoding}`,
      `vary: ${value('vary').toLowerCase()}`,
      '',
      body,
    ];
  }
  const skipped = form === 'stack' ? (lower: string): boolean => IGNORED.has(lower) || STACK_ADDED.has(lower) : (lower: string): boolean => IGNORED.has(lower);
  const lines = response.headers.filter(([raw]) => !skipped(raw.toLowerCase())).map(([raw, value]) => `${name(raw)}: ${value}`);
  return [response.statusLine, ...lines, '', response.body.toString('latin1')];
}

/**
 * Compares `candidate` with `reference` (bare node's response to the
 * scenario's reference) in the scenario's normal form, header-name case
 * excused; for the stack, also requires or forbids the session cookie.
 */
export function compareResponses(reference: RawResponse, candidate: RawResponse, scenario: Scenario): Comparison {
  const wire = normalLines(candidate, scenario.form, false).join('\r\n');
  const cookieProblem = sessionCookieProblem(candidate, scenario);
  if (cookieProblem !== undefined) return { wire, diff: cookieProblem };
  if (wire === normalLines(reference, scenario.form, false).join('\r\n')) return { wire };
  const want = normalLines(reference, scenario.form, true);
  const got = normalLines(candidate, scenario.form, true);
  if (want.join('\r\n') === got.join('\r\n')) return { wire, note: 'header names differ in case only' };
  return { wire, diff: lineDiff(normalLines(reference, scenario.form, false), normalLines(candidate, scenario.form, false)) };
}

function sessionCookieProblem(response: RawResponse, scenario: Scenario): string | undefined {
  if (scenario.cookie === undefined) return undefined;
  const sets = response.headers.some(
    ([name, value]) => name.toLowerCase() === 'set-cookie' && value.startsWith(`${SESSION_COOKIE}=`),
  );
  if (scenario.cookie === 'new' && !sets) return `a new visitor got no ${SESSION_COOKIE} cookie`;
  if (scenario.cookie === 'returning' && sets) return `a returning visitor was sent a new ${SESSION_COOKIE} cookie`;
  return undefined;
}

/** A positional diff: enough to show which line differs. */
function lineDiff(want: readonly string[], got: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const [a, b] = [want[i], got[i]];
    if (a === b) out.push(`    ${JSON.stringify(a).slice(0, 200)}`);
    else {
      if (a !== undefined) out.push(`  - ${JSON.stringify(a).slice(0, 200)}`);
      if (b !== undefined) out.push(`  + ${JSON.stringify(b).slice(0, 200)}`);
    }
  }
  return out.join('\n');
}
