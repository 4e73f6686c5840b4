/**
 * The check before load: every server of a group answers its scenario's
 * request as bare node answers the reference scenario, twice on one
 * keep-alive connection.
 *
 * @module
 */
import { PRIME_PATH, SCENARIOS, SESSION_COOKIE, type BenchRequest, type Row } from '../scenarios.js';
import type { RunningServer } from '../launch.js';
import { compareResponses } from './compare.js';
import { fetchRawResponses, type RawResponse } from './raw-response.js';

/** What the check found for one row. */
export interface Verdict {
  row: Row;
  /** What differs but is excused. */
  note?: string;
  /** The compared normal form, as text. */
  wire: string;
}

/**
 * Thrown when a server's response is refused; the message names the group
 * and row and shows the diff.
 */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

/** The session cookie (`name=value`) a server sets on {@link PRIME_PATH}. */
export async function primeCookie(port: number): Promise<string> {
  const [response] = await fetchRawResponses(port, { method: 'GET', path: PRIME_PATH, headers: {} }, 1);
  const setCookie = response?.headers.find(
    ([name, value]) => name.toLowerCase() === 'set-cookie' && value.startsWith(`${SESSION_COOKIE}=`),
  );
  if (setCookie === undefined) throw new Error(`no ${SESSION_COOKIE} cookie from ${PRIME_PATH}`);
  return setCookie[1].split(';', 1)[0] as string;
}

/** The request a row's server gets, with its cookie when it has one. */
export function rowRequest(row: Row, cookie: string | undefined): BenchRequest {
  const { request } = SCENARIOS[row.scenario];
  return cookie === undefined ? request : { ...request, headers: { ...request.headers, Cookie: cookie } };
}

/**
 * Checks every server of the group against bare node, or throws
 * {@link VerificationError}.
 */
export async function verifyGroup(
  groupId: string,
  servers: readonly RunningServer[],
  cookies: ReadonlyMap<string, string>,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  const references = new Map<RunningServer, RawResponse>();
  for (const server of servers) {
    const { row } = server;
    const scenario = SCENARIOS[row.scenario];
    const bare = servers.find((other) => other.row.server === 'bare' && other.row.scenario === scenario.reference);
    const where = `${groupId}/${row.id} (${row.label})`;
    if (bare === undefined) throw new VerificationError(`${where}: no bare node:http ${scenario.reference} server in the group`);
    const reference = references.get(bare) ?? (await keptAlive(bare, rowRequest(bare.row, undefined), where));
    references.set(bare, reference);
    if (!reference.statusLine.startsWith('HTTP/1.1 200 ')) {
      throw new VerificationError(`${where}: bare node:http answers ${reference.statusLine}`);
    }
    const response = await keptAlive(server, rowRequest(row, cookies.get(row.id)), where);
    const comparison = compareResponses(reference, response, scenario);
    if (comparison.diff !== undefined) {
      throw new VerificationError(`${where} does not answer as bare node:http (- bare, + ${row.id}):\n${comparison.diff}`);
    }
    verdicts.push({ row, wire: comparison.wire, ...(comparison.note === undefined ? {} : { note: comparison.note }) });
  }
  return verdicts;
}

/** The second of two responses on one connection, after checking the connection stayed open. */
async function keptAlive(server: RunningServer, request: BenchRequest, where: string): Promise<RawResponse> {
  let responses: RawResponse[];
  try {
    responses = await fetchRawResponses(server.port, request, 2);
  } catch (error) {
    throw new VerificationError(`${where}: ${server.row.server}: ${(error as Error).message}`);
  }
  const closes = responses.some((r) => r.headers.some(([name, value]) => name.toLowerCase() === 'connection' && /close/i.test(value)));
  if (closes) throw new VerificationError(`${where}: ${server.row.server} closes keep-alive connections`);
  return responses[1] as RawResponse;
}
