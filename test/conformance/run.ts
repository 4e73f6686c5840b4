/**
 * Running the corpus through a host and normalising what came back.
 */
import type { Case, Expectation, Outcome } from './case.js';
import { ALIVE, prepare, type Host, type RawResponse } from './hosts.js';
import { closeProbe, openProbe, type Probe } from './probe.js';

// These describe the connection, not the response (the brief and §3.5).
const CONNECTION_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
const RULE = /\[([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\] /g;
const RETURN_WAIT_MS = 400;
// Long enough for a second, stray return() or a late log line to show up.
const QUIET_MS = 15;

let runs = 0;

/** The rule names in a piece of error-log text. */
export function rulesIn(text: string): string[] {
  return [...text.matchAll(RULE)].map((match) => match[1] as string);
}

/** Lower-cased, connection headers dropped, repeated names joined in order, sorted by name. */
export function normaliseHeaders(pairs: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const joined = new Map<string, string>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (CONNECTION_HEADERS.has(lower)) continue;
    const previous = joined.get(lower);
    joined.set(lower, previous === undefined ? value : `${previous}, ${value}`);
  }
  return [...joined].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The expectation a host is held to: `validated` for the validate host where the case has one. */
export function expectationFor(entry: Case, host: string): Expectation {
  return host === 'validate' || host === 'testclient-defaults' ? (entry.validated ?? entry.expect) : entry.expect;
}

/** Whether a case is broken (so the host must be checked for staying up after it). */
export function isBroken(expect: Expectation): boolean {
  return expect.aborted || expect.rules.length > 0 || expect.status === 500;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function settle(probe: Probe, expected: Readonly<Record<string, number>>): Promise<void> {
  await Promise.allSettled(probe.pending);
  const owed = Object.values(expected).reduce((sum, count) => sum + count, 0);
  const deadline = Date.now() + RETURN_WAIT_MS;
  const total = (): number => Object.values(probe.returns).reduce((sum, count) => sum + count, 0);
  while (total() < owed && Date.now() < deadline) await sleep(5);
  await sleep(QUIET_MS);
  await Promise.allSettled(probe.pending);
}

/**
 * Replaces per-run randomness with placeholders: a reference id in an error
 * body (`reference 1a2b3c4d`) and a session id in a cookie. Same length, so
 * a Content-Length still matches the body.
 */
export function maskRandom(result: Outcome): Outcome {
  const mask = (text: string): string =>
    text.replace(/tsgi_sid=[^;,\s]+/g, 'tsgi_sid=SID').replace(/(reference\W{0,12})[0-9a-f]{8}/gi, '$1XXXXXXXX');
  return {
    ...result,
    body: mask(result.body),
    headers: result.headers.map(([name, value]): [string, string] => [name, name === 'content-length' ? value : mask(value)]),
  };
}

/** Runs one case on one host and normalises the result. */
export async function runCase(host: Host, entry: Case): Promise<Outcome> {
  const runId = `r${++runs}`;
  const probe = openProbe(runId);
  const logStart = host.errorsText().length;
  let raw: RawResponse;
  try {
    raw = await host.send(prepare(entry.request, entry.name, runId));
    await settle(probe, expectationFor(entry, host.name).returns);
  } finally {
    closeProbe(runId);
  }
  const log = host.errorsText().slice(logStart) + (raw.errors ?? '') + (raw.failure ?? '');
  const rules = [...new Set([...rulesIn(log), ...probe.violations])].sort();
  let alive = true;
  if (isBroken(expectationFor(entry, host.name)) || raw.aborted || raw.status !== 200) {
    const check = await host.send(prepare(undefined, ALIVE, `${runId}-alive`));
    alive = check.status === 200 && check.body.toString() === 'alive' && !check.aborted;
  }
  const outcome: Outcome = {
    status: raw.status,
    headers: normaliseHeaders(raw.headers),
    body: raw.body.toString('latin1'),
    aborted: raw.aborted,
    rules,
    returns: { ...probe.returns },
    notes: [...probe.notes],
    alive,
    ...(raw.failure === undefined ? {} : { failure: raw.failure }),
  };
  const masked = maskRandom(outcome);
  return entry.normalise === undefined ? masked : entry.normalise(masked);
}

/** Runs every case on `host`, one at a time (the host's error log is read per run). */
export async function runAll(host: Host, cases: readonly Case[]): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  for (const entry of cases) results.set(entry.name, await runCase(host, entry));
  return results;
}

/** The body text of an expectation as the latin1 view of its UTF-8 bytes, which is how outcomes hold bodies. */
export function asWire(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * The fields two hosts must agree on. A cut body is left out: how many bytes
 * got through before the cut depends on buffering, not on the contract.
 */
export function comparable(outcome: Outcome): Record<string, unknown> {
  return {
    status: outcome.status,
    headers: outcome.headers,
    ...(outcome.aborted ? {} : { body: outcome.body }),
    aborted: outcome.aborted,
    rules: outcome.rules,
    returns: outcome.returns,
    notes: outcome.notes,
  };
}
