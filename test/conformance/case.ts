/**
 * The shape of a corpus case and of what a host made of it.
 */
import type { AppLike } from '../../src/gateway/index.js';

/** The request a case sends. */
export interface CaseRequest {
  method?: string;
  /** Path and query, `/`-led; default `/`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * The lifecycle's contract for one case: what every host must produce.
 * `status` is omitted when the response is cut before any header arrives.
 */
export interface Expectation {
  status?: number;
  /** The response is cut: the body did not arrive whole. */
  aborted: boolean;
  /** The `[rule]` names in the host's error log. */
  rules: readonly string[];
  /** `return()` calls per body label; `{}` when the host takes no counted iterator (a plain array). */
  returns: Readonly<Record<string, number>>;
  /** The exact body, or a pattern it must match. Unchecked when absent. */
  body?: string | RegExp;
  /** Headers that must be present with this value, or (null) absent. */
  headers?: Readonly<Record<string, string | null>>;
}

/** One corpus app. */
export interface Case {
  /** Unique, kebab-case. */
  name: string;
  /** What it checks, in a line. */
  note: string;
  app: AppLike;
  request?: CaseRequest;
  expect: Expectation;
  /**
   * What `validate()` reports that the bare hosts do not, where the
   * validator is deliberately stricter (it refuses what a host tolerates):
   * its whole expectation for this case. Absent: it must match the bare hosts.
   */
  validated?: Expectation;
  /**
   * The 500 is the app's own page (showErrors renders it), not a host's
   * refusal, so a TestClient with its defaults returns it instead of rejecting.
   */
  ownErrorPage?: boolean;
  /**
   * The app throws after a complete response (in its body's return()): the
   * hosts log it and the response stands, while a TestClient with its
   * defaults rejects with it.
   */
  lateError?: boolean;
  /** Replaces per-run noise (a random id) before comparing. */
  normalise?: (result: Outcome) => Outcome;
}

/** What one host made of one case, normalised for comparison. */
export interface Outcome {
  /** Undefined when no status line arrived (or the TestClient rejected). */
  status: number | undefined;
  /** Lower-cased names, connection headers dropped, sorted; repeated names joined with `, ` except Set-Cookie. */
  headers: Array<[string, string]>;
  /** The body bytes, as latin1 text so any byte compares exactly. */
  body: string;
  aborted: boolean;
  rules: string[];
  returns: Record<string, number>;
  notes: string[];
  /** For broken cases: whether the host still answers a normal request afterwards. */
  alive: boolean;
  /** How the host failed, when it failed outright (a rejection's message). */
  failure?: string;
}

/** The shorthand for a plain 200 text response with a computed Content-Length. */
export function ok(body: string, returns: Record<string, number> = { body: 1 }, extra: Partial<Expectation> = {}): Expectation {
  return {
    status: 200,
    aborted: false,
    rules: [],
    returns,
    body,
    ...extra,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...extra.headers },
  };
}

/** The generic 500 every host owes a broken app before output, logged with `rule`. */
export function refused(rule: string | null, returns: Record<string, number> = { body: 1 }): Expectation {
  return {
    status: 500,
    aborted: false,
    rules: rule === null ? [] : [rule],
    returns,
    body: /^Internal Server Error/,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  };
}

/** The 500 for a HEAD request: the headers of the refusal, no body bytes. */
export function refusedHead(rule: string | null, returns: Record<string, number> = { body: 1 }): Expectation {
  return { ...refused(rule, returns), body: '' };
}

/** A response cut after its headers went out, logged with `rule`. */
export function cut(rule: string | null, returns: Record<string, number> = { body: 1 }, status = 200): Expectation {
  return { status, aborted: true, rules: rule === null ? [] : [rule], returns };
}

/** Headers of a plain-text response. */
export const TEXT: [string, string][] = [['Content-Type', 'text/plain; charset=utf-8']];
