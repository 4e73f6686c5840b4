/**
 * Load by wrk: one thread pinned to the load core, keep-alive connections,
 * the request set once by a generated Lua script (no per-request callbacks,
 * which would slow wrk down).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { LOAD_CPU, pinned } from './launch.js';
import type { BenchRequest } from './scenarios.js';

const run = promisify(execFile);

/** The load generator. */
export const WRK = '/usr/bin/wrk';

/** What one wrk run reported. */
export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  /** The count after "Non-2xx or 3xx responses", 0 when absent. */
  non2xx: number;
  /** The "Socket errors" line, when wrk printed one. */
  socketErrors?: string;
  output: string;
}

/** One wrk run. */
export interface WrkOptions {
  port: number;
  path: string;
  /** The Lua file from {@link writeScript}. */
  script: string;
  seconds: number;
  connections: number;
}

/** Exits with the install hint when wrk is missing. */
export function requireWrk(): void {
  if (existsSync(WRK)) return;
  console.error(`${WRK} not found: apt-get install wrk`);
  process.exit(1);
}

/**
 * Writes a Lua script that sets the method, headers and body of every
 * request, and nothing else.
 */
export function writeScript(file: string, request: BenchRequest, cookie: string | undefined): void {
  // JSON string literals are Lua string literals only for printable ASCII.
  const literal = (text: string): string => {
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`wrk script: not printable ASCII: ${JSON.stringify(text)}`);
    return JSON.stringify(text);
  };
  const lines = [`wrk.method = ${literal(request.method)}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`wrk.headers[${literal(name)}] = ${literal(value)}`);
  if (cookie !== undefined) lines.push(`wrk.headers["Cookie"] = ${literal(cookie)}`);
  if (request.body !== undefined) lines.push(`wrk.body = ${literal(request.body)}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Runs wrk pinned to {@link LOAD_CPU} and parses its summary. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const url = `http://127.0.0.1:${options.port}${options.path}`;
  const argv = pinned(LOAD_CPU, [WRK, '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '-s', options.script, url]);
  const { stdout } = await run(argv[0] as string, argv.slice(1), { timeout: (options.seconds + 30) * 1_000 });
  const requests = /(\d+) requests in/.exec(stdout)?.[1];
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
  if (requests === undefined || rate === undefined) throw new Error(`unexpected wrk output:\n${stdout}`);
  const socketErrors = /Socket errors:[^\n]*/.exec(stdout)?.[0];
  return {
    requests: Number(requests),
    requestsPerSecond: Number(rate),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0),
    ...(socketErrors === undefined ? {} : { socketErrors }),
    output: stdout,
  };
}

/** A wrk run that saw a failed request: the bench stops, naming where. */
export class LoadError extends Error {
  override name = 'LoadError';
}

/**
 * Refuses a run in which any response was an error (wrk counts 4xx and 5xx;
 * the check before load has already required each server's status), any
 * socket failed, or nothing completed.
 *
 * @throws {@link LoadError} naming `where`, with wrk's output.
 */
export function refuseFailures(result: WrkResult, where: string): void {
  if (result.non2xx > 0) throw new LoadError(`${where}: ${result.non2xx} non-2xx/3xx responses\n${result.output}`);
  if (result.socketErrors !== undefined) throw new LoadError(`${where}: ${result.socketErrors}\n${result.output}`);
  if (result.requests === 0) throw new LoadError(`${where}: no requests completed\n${result.output}`);
}

/** The wrk flags, for the report. */
export function wrkFlags(connections: number, seconds: number): string {
  return `taskset -c ${LOAD_CPU} wrk -t1 -c${connections} -d${seconds}s -s <scenario>.lua`;
}
