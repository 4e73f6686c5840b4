/**
 * Judging outcomes: against the lifecycle's contract, and against another
 * host. Both return readable problem lines (empty when all is well), so the
 * tests and the findings report say the same thing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Case, Expectation, Outcome } from './case.js';
import { asWire } from './run.js';

const show = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (v instanceof RegExp ? String(v) : v));
const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 120)}… (${text.length} chars)` : text);

function header(outcome: Outcome, name: string): string | undefined {
  return outcome.headers.find(([candidate]) => candidate === name)?.[1];
}

/**
 * Where `outcome` breaks `expect`. A host that reports a cut response as a
 * rejection (TestClient) has no status to check; that is its way to say "cut".
 */
export function contractProblems(expect: Expectation, outcome: Outcome, head = false): string[] {
  const problems: string[] = [];
  if (outcome.aborted !== expect.aborted) {
    problems.push(expect.aborted ? `expected a cut response, got a whole one (status ${outcome.status})` : `expected a whole response, got a cut one (${outcome.failure ?? 'no detail'})`);
  }
  if (expect.status !== undefined && !(expect.aborted && outcome.aborted && outcome.status === undefined) && outcome.status !== expect.status) {
    problems.push(`status: expected ${expect.status}, got ${String(outcome.status)}${outcome.failure === undefined ? '' : ` (${clip(outcome.failure)})`}`);
  }
  const rules = [...new Set(expect.rules)].sort();
  if (!isDeepStrictEqual(outcome.rules, rules)) problems.push(`rules: expected ${show(rules)}, got ${show(outcome.rules)}`);
  if (!isDeepStrictEqual(outcome.returns, expect.returns)) problems.push(`return() calls: expected ${show(expect.returns)}, got ${show(outcome.returns)}`);
  if (!outcome.aborted && expect.body !== undefined) {
    const matches = typeof expect.body === 'string' ? outcome.body === asWire(expect.body) : expect.body.test(outcome.body);
    if (!matches) problems.push(`body: expected ${typeof expect.body === 'string' ? show(clip(expect.body)) : String(expect.body)}, got ${show(clip(outcome.body))}`);
  }
  if (outcome.status !== undefined) {
    for (const [name, value] of Object.entries(expect.headers ?? {})) {
      const got = header(outcome, name);
      if (value === null ? got !== undefined : got !== value) problems.push(`header ${name}: expected ${value === null ? 'none' : show(value)}, got ${got === undefined ? 'none' : show(got)}`);
    }
    // The host's own 500 is a body of known length, so it carries its Content-Length like any other.
    // (HEAD excepted: it gets the GET headers and no body.)
    if (!head && expect.status === 500 && !expect.aborted && outcome.status === 500 && !outcome.aborted) {
      const length = header(outcome, 'content-length');
      if (length !== String(outcome.body.length)) problems.push(`header content-length of the 500: expected ${outcome.body.length}, got ${length ?? 'none'}`);
    }
  }
  if (!outcome.alive) problems.push('the host did not answer a normal request after this one');
  return problems;
}

/**
 * Where `other` differs from `reference`. A cut response's body is not
 * compared (how much got through is buffering), and status and headers are
 * not compared when one side reports the cut without them (a rejection).
 */
export function disagreements(reference: Outcome, other: Outcome): string[] {
  const problems: string[] = [];
  const statusless = (reference.aborted && reference.status === undefined) || (other.aborted && other.status === undefined);
  const bothCut = reference.aborted && other.aborted;
  if (reference.aborted !== other.aborted) problems.push(`aborted: ${reference.aborted} vs ${other.aborted}${other.failure === undefined ? '' : ` (${clip(other.failure)})`}`);
  if (!(statusless && bothCut)) {
    if (reference.status !== other.status) problems.push(`status: ${String(reference.status)} vs ${String(other.status)}`);
    const names = new Set([...reference.headers, ...other.headers].map(([name]) => name));
    for (const name of [...names].sort()) {
      const a = header(reference, name);
      const b = header(other, name);
      if (a !== b) problems.push(`header ${name}: ${a === undefined ? 'none' : show(clip(a))} vs ${b === undefined ? 'none' : show(clip(b))}`);
    }
  }
  if (!reference.aborted && !other.aborted && reference.body !== other.body) problems.push(`body: ${show(clip(reference.body))} vs ${show(clip(other.body))}`);
  if (!isDeepStrictEqual(reference.rules, other.rules)) problems.push(`rules: ${show(reference.rules)} vs ${show(other.rules)}`);
  if (!isDeepStrictEqual(reference.returns, other.returns)) problems.push(`return() calls: ${show(reference.returns)} vs ${show(other.returns)}`);
  if (!isDeepStrictEqual(reference.notes, other.notes)) problems.push(`notes: ${show(reference.notes)} vs ${show(other.notes)}`);
  return problems;
}

/**
 * What the TestClient owes with its defaults (validate on, errors rejected):
 * for a clean answer the same outcome as with `catchErrors`, and for a
 * refused or cut response (or an app error after it) a rejection naming
 * each expected rule. A rule the app only logs itself (a late write() it
 * was refused) cannot reject a request already resolved.
 */
export function defaultsProblems(entry: Case, expect: Expectation, outcome: Outcome, caught: Outcome): string[] {
  const broken = entry.lateError === true || (entry.ownErrorPage !== true && (expect.aborted || expect.status === 500));
  if (!broken) return disagreements(caught, outcome).map((line) => `vs catchErrors: ${line}`);
  if (outcome.failure === undefined) return [`expected a rejection for ${entry.name}, got status ${String(outcome.status)}`];
  const missing = expect.rules.filter((rule) => !outcome.failure!.includes(`[${rule}]`));
  return missing.length === 0 ? [] : [`rejection does not name ${show(missing)}: ${clip(outcome.failure)}`];
}

/**
 * How the validate host must agree with the server on `entry`. Where the
 * validator is meant to be stricter (`validated`), its response differs by
 * design, but every rule the bare server logged must still be among the ones
 * it reports; elsewhere it must agree in everything.
 */
export function agreementProblems(entry: Case, host: string, reference: Outcome, other: Outcome): string[] {
  if (host !== 'validate' || entry.validated === undefined) return disagreements(reference, other);
  const missing = reference.rules.filter((rule) => !other.rules.includes(rule));
  return missing.length === 0 ? [] : [`rules the server logged but validate() did not report: ${show(missing)}`];
}
