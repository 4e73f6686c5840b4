/**
 * The pre-flight check: before any load, every server must answer the hello
 * request with bare node's bytes, on a connection that stays open.
 *
 * @module
 */
import { HELLO_BODY, HELLO_CONTENT_TYPE, HELLO_LENGTH } from '../hello.js';
import type { RunningServer } from '../servers/launch.js';
import { compareResponses, comparableText } from './compare.js';
import { fetchRawResponses, type RawResponse } from './raw-response.js';

/**
 * What the check found for one server, for the report.
 *
 * @example
 * ```ts
 * for (const v of verdicts) console.log(v.id, v.exact ? 'byte-identical' : v.note);
 * ```
 */
export interface Verdict {
  id: string;
  /** Identical including header-name case. */
  exact: boolean;
  /** Why it is accepted although not exact. */
  note?: string;
  /** The compared bytes, as text. */
  wire: string;
}

/**
 * Thrown when a server's response differs; the message shows the diff.
 *
 * @example
 * ```ts
 * try { await verifyServers(servers); } catch (e) { if (e instanceof VerificationError) process.exitCode = 2; }
 * ```
 */
export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

// The reference itself must say what the brief says, or every comparison
// against it would be meaningless.
const EXPECTED_REFERENCE = [
  'HTTP/1.1 200 OK',
  `Content-Type: ${HELLO_CONTENT_TYPE}`,
  `Content-Length: ${HELLO_LENGTH}`,
  '',
  HELLO_BODY,
].join('\r\n');

/**
 * Checks every server against the reference (bare node) and returns one
 * verdict each, or throws {@link VerificationError} naming what differs.
 * Two requests go over one connection, which also proves keep-alive works.
 *
 * @example
 * ```ts
 * const verdicts = await verifyServers(servers);
 * ```
 */
export async function verifyServers(servers: readonly RunningServer[]): Promise<Verdict[]> {
  const reference = servers.find((server) => server.spec.reference);
  if (reference === undefined) throw new VerificationError('bare node:http must be among the servers');
  const expected = await keptAliveResponse(reference);
  if (comparableText(expected) !== EXPECTED_REFERENCE) {
    throw new VerificationError(`bare node:http does not send the hello response:\n${comparableText(expected)}`);
  }

  const verdicts: Verdict[] = [];
  for (const server of servers) {
    const response = await keptAliveResponse(server);
    const result = compareResponses(expected, response, server.spec.lowercasesHeaderNames !== undefined);
    if (!result.identical) {
      throw new VerificationError(
        `${server.spec.label} does not send bare node's bytes (- bare node, + ${server.spec.id}):\n${result.diff}`,
      );
    }
    const note = result.exact ? undefined : server.spec.lowercasesHeaderNames;
    verdicts.push({ id: server.spec.id, exact: result.exact, wire: result.wire, ...(note ? { note } : {}) });
  }
  return verdicts;
}

/** The second of two responses on one connection, after checking both agree and the connection stayed open. */
async function keptAliveResponse(server: RunningServer): Promise<RawResponse> {
  let responses: RawResponse[];
  try {
    responses = await fetchRawResponses(server.port, 2);
  } catch (error) {
    throw new VerificationError(`${server.spec.label}: ${(error as Error).message}`);
  }
  const [first, second] = responses as [RawResponse, RawResponse];
  const closes = responses.some((r) =>
    r.headers.some(([name, value]) => name.toLowerCase() === 'connection' && /close/i.test(value)),
  );
  if (closes) throw new VerificationError(`${server.spec.label} closes keep-alive connections`);
  if (comparableText(first) !== comparableText(second)) {
    throw new VerificationError(`${server.spec.label} answers the same request differently on reuse`);
  }
  return second;
}
