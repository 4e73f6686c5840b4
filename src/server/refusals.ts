/**
 * What the server refuses before any app runs, from a parsed request head:
 * versions it does not speak, methods no app may see, faulty framing, and
 * Host values that are missing, doubled, malformed or not allowed.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { parseHost } from '../gateway/host.js';

/**
 * A response of the server's own: status, reason phrase, a one-line
 * `text/plain` body naming the problem, and whether the connection must
 * close after it.
 *
 * @example
 * ```ts
 * const refusal: Refusal = { code: 400, reason: 'Bad Request', text: 'Bad Request: two Host headers\n', close: false };
 * ```
 */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
  readonly text: string;
  readonly close: boolean;
}

function badRequest(problem: string, close = false): Refusal {
  return { code: 400, reason: 'Bad Request', text: `Bad Request: ${problem}\n`, close };
}

/** An attacker's value, quoted and cut short, for a message. */
function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

/**
 * Refuses what the request line and the framing headers alone rule out:
 *
 * - a version other than 1.0 and 1.1 (Node's parser also lets `HTTP/2.0`
 *   and HTTP/0.9 through): 505, then close;
 * - `TRACE`: 501. TRACE asks the server to echo the request, cookies and
 *   credentials included (the cross-site tracing attack), and an app cannot
 *   be trusted to refuse it; 405 would have to name the resource's allowed
 *   methods in `Allow`, which only the app knows, while 501 says the server
 *   supports the method for no resource (RFC 9110 §15.6.2);
 * - HTTP/1.0 with `Transfer-Encoding`, whose framing RFC 9112 §6.1 calls
 *   faulty: 400, then close;
 * - `Transfer-Encoding` without `chunked` last: 400, then close (RFC 9112
 *   §6.3: the body's length is unknown);
 * - a transfer coding other than `chunked` (`gzip, chunked`): 501, then
 *   close (RFC 9112 §6.1). Only `chunked` is decoded, so the app would
 *   read bytes still coded as if they were the body;
 * - an expectation other than `100-continue` in HTTP/1.1 (`Expect: tea`):
 *   417 (RFC 9110 §10.1.1), so the client does not wait for a `100` that
 *   will never come.
 *
 * @example
 * ```ts
 * const refusal = refuseHead(req); // undefined for GET / HTTP/1.1
 * ```
 */
export function refuseHead(req: IncomingMessage): Refusal | undefined {
  if (req.httpVersionMajor !== 1 || (req.httpVersionMinor !== 0 && req.httpVersionMinor !== 1)) {
    return versionRefusal(`HTTP/${req.httpVersion}`);
  }
  if (req.method === 'TRACE') {
    return { code: 501, reason: 'Not Implemented', text: 'Not Implemented: TRACE is not supported by this server\n', close: false };
  }
  // From rawHeaders, not req.headers: Node builds that object on first use,
  // a cost every request would pay for a check that almost never fires.
  const codings = transferCodings(req.rawHeaders);
  if (req.httpVersionMinor === 0 && fieldValue(req.rawHeaders, 'transfer-encoding') !== undefined) {
    return badRequest('Transfer-Encoding in an HTTP/1.0 request (faulty framing)', true);
  }
  if (codings.length > 0) {
    // Without chunked last nothing says where the body ends (RFC 9112 §6.3);
    // the parser would fail on the body's first byte, after the app started.
    if (codings[codings.length - 1] !== 'chunked') return badRequest('Transfer-Encoding without chunked last (the body length is unknown)', true);
    const coding = codings.find((name) => name !== 'chunked');
    if (coding !== undefined) {
      return { code: 501, reason: 'Not Implemented', text: `Not Implemented: transfer coding ${quote(coding)} is not supported\n`, close: true };
    }
  }
  const expectation = req.httpVersionMinor === 1 ? unknownExpectation(fieldValue(req.rawHeaders, 'expect')) : undefined;
  if (expectation !== undefined) {
    return {
      code: 417,
      reason: 'Expectation Failed',
      text: `Expectation Failed: ${quote(expectation)} is not an expectation this server meets (only 100-continue)\n`,
      close: false,
    };
  }
  return undefined;
}

/** The transfer codings of the request's `Transfer-Encoding` fields, in order, lower-cased. */
function transferCodings(raw: readonly string[]): string[] {
  const codings: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== 17 || name.toLowerCase() !== 'transfer-encoding') continue;
    for (const member of (raw[i + 1] as string).split(',')) {
      // A coding may carry parameters (`gzip;q=1`); empty list members are allowed (RFC 9110 §5.6.1).
      const coding = member.split(';', 1)[0]!.trim().toLowerCase();
      if (coding !== '') codings.push(coding);
    }
  }
  return codings;
}

/** A field's value from rawHeaders, repeats joined with `, ` as Node joins them; `undefined` when absent. */
function fieldValue(raw: readonly string[], lowerName: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    value = value === undefined ? (raw[i + 1] as string) : `${value}, ${raw[i + 1] as string}`;
  }
  return value;
}

/** The first member of an `Expect` value other than `100-continue`. */
function unknownExpectation(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  for (const member of value.split(',')) {
    const expectation = member.trim();
    if (expectation !== '' && expectation.toLowerCase() !== '100-continue') return expectation;
  }
  return undefined;
}

/**
 * The 505 for a version the server does not speak, `HTTP/0.9` for a
 * request line without one.
 *
 * @example
 * ```ts
 * versionRefusal('HTTP/2.0').text; // 'HTTP Version Not Supported: HTTP/2.0; use HTTP/1.1\n'
 * ```
 */
export function versionRefusal(version: string): Refusal {
  return {
    code: 505,
    reason: 'HTTP Version Not Supported',
    text: `HTTP Version Not Supported: ${version === 'HTTP/0.9' ? 'HTTP/0.9 (a request line without a version)' : version}; use HTTP/1.1\n`,
    close: true,
  };
}

/**
 * The request's Host header (RFC 9112 §3.2): `undefined` when there is none,
 * else its value, or the refusal for two of them or a value that is not
 * `host[:port]`. An HTTP/1.1 request without one is refused too.
 *
 * @example
 * ```ts
 * const host = hostHeader(req); // 'example.com:8080'
 * ```
 */
export function hostHeader(req: IncomingMessage): string | Refusal | undefined {
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    // Node joins repeats or keeps the first; either would let a proxy and
    // this server disagree on which host was meant.
    if (value !== undefined) return badRequest('two Host headers');
    value = raw[i + 1] as string;
  }
  if (value === undefined) return req.httpVersionMinor === 1 ? badRequest('no Host header (required in HTTP/1.1)') : undefined;
  return hostRefusal(value) ?? value;
}

/**
 * The refusal for a Host value (or an absolute-form authority) that is not
 * `host[:port]`, naming what is wrong; `undefined` when it is fine.
 *
 * @example
 * ```ts
 * hostRefusal('x:99999')?.text; // 'Bad Request: Host "x:99999" has an invalid port\n'
 * ```
 */
export function hostRefusal(value: string, what = 'Host'): Refusal | undefined {
  if (parseHost(value) !== undefined) return undefined;
  const colon = value.lastIndexOf(':');
  const portLike = colon !== -1 && colon > value.lastIndexOf(']') && parseHost(value.slice(0, colon)) !== undefined;
  return badRequest(`${what} ${quote(value)} ${portLike ? 'has an invalid port' : 'is not a valid host'}`);
}

/**
 * The 400 for a host outside the allowed hosts.
 *
 * @example
 * ```ts
 * notAllowed('evil.example').text; // 'Bad Request: host "evil.example" is not allowed\n'
 * ```
 */
export function notAllowed(name: string): Refusal {
  return badRequest(`host ${quote(name)} is not allowed`);
}
