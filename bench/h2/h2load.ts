/**
 * Load by h2load (nghttp2-client): one thread pinned to the load core,
 * HTTP/2 with several streams per connection, or HTTP/1.1 (`--h1`)
 * without pipelining, as wrk sends it, so that both protocols meet the same
 * load generator.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { LOAD_CPU, pinned } from '../launch.js';
import { LoadError } from '../wrk.js';

const run = promisify(execFile);

/** The load generator. */
export const H2LOAD = '/usr/bin/h2load';

/** The protocol a run speaks: ALPN `h2`, or HTTP/1.1 over the same TLS port. */
export type Protocol = 'h2' | 'http/1.1';

/** One h2load run: a fixed count of requests, or a duration (for warm-up, where the last requests may be abandoned). */
export interface H2loadOptions {
  url: string;
  protocol: Protocol;
  connections: number;
  /** Concurrent streams per HTTP/2 connection; HTTP/1.1 always has one request in flight. */
  streams: number;
  load: { readonly requests: number } | { readonly seconds: number };
}

/** What one h2load run reported. */
export interface H2loadResult {
  protocol: string;
  total: number;
  succeeded: number;
  failed: number;
  errored: number;
  timedOut: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  requestsPerSecond: number;
  output: string;
}

/** Exits with the install hint when h2load is missing. */
export function requireH2load(): void {
  if (existsSync(H2LOAD)) return;
  throw new Error(`${H2LOAD} not found: apt-get install nghttp2-client`);
}

/** The command line of a run, pinned to {@link LOAD_CPU}. */
export function h2loadArgv(options: H2loadOptions): string[] {
  const streams = options.protocol === 'h2' ? options.streams : 1;
  const load = 'requests' in options.load ? ['-n', String(options.load.requests)] : ['-D', String(options.load.seconds)];
  const protocol = options.protocol === 'h2' ? [] : ['--h1'];
  return pinned(LOAD_CPU, [H2LOAD, '-t1', `-c${options.connections}`, `-m${streams}`, ...protocol, ...load, options.url]);
}

/** Runs h2load and parses its summary. */
export async function runH2load(options: H2loadOptions): Promise<H2loadResult> {
  const argv = h2loadArgv(options);
  const seconds = 'seconds' in options.load ? options.load.seconds : 60;
  const { stdout } = await run(argv[0] as string, argv.slice(1), { timeout: (seconds + 60) * 1_000 });
  return parseH2load(stdout);
}

/**
 * Reads h2load's summary: the `finished in` rate, the `requests:` counts,
 * the `status codes:` line and the protocol ALPN chose.
 *
 * @throws Error when a line is missing.
 */
export function parseH2load(output: string): H2loadResult {
  const rate = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(output)?.[1];
  const counts = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  const protocol = /Application protocol: (\S+)/.exec(output)?.[1];
  if (rate === undefined || counts === null || codes === null || protocol === undefined) throw new Error(`unexpected h2load output:\n${output}`);
  return {
    protocol,
    total: Number(counts[1]),
    succeeded: Number(counts[2]),
    failed: Number(counts[3]),
    errored: Number(counts[4]),
    timedOut: Number(counts[5]),
    non2xx: Number(codes[2]) + Number(codes[3]) + Number(codes[4]),
    requestsPerSecond: Number(rate),
    output,
  };
}

/**
 * Refuses a counted run in which any request did not succeed with a 2xx,
 * or that spoke another protocol than asked for.
 *
 * @throws {@link LoadError} naming `where`, with h2load's output.
 */
export function refuseH2Failures(result: H2loadResult, expected: Protocol, where: string): void {
  if (result.protocol !== expected) throw new LoadError(`${where}: ALPN chose ${result.protocol}, not ${expected}\n${result.output}`);
  if (result.non2xx > 0) throw new LoadError(`${where}: ${result.non2xx} responses other than 2xx\n${result.output}`);
  if (result.succeeded !== result.total || result.failed + result.errored + result.timedOut > 0) {
    throw new LoadError(`${where}: ${result.total - result.succeeded} of ${result.total} requests failed\n${result.output}`);
  }
  if (result.total === 0) throw new LoadError(`${where}: no requests completed\n${result.output}`);
}

/** The h2load flags, for the report. */
export function h2loadFlags(connections: number, streams: number): string {
  return `taskset -c ${LOAD_CPU} h2load -t1 -c${connections} -m${streams} -n <rate × duration> (HTTP/1.1: --h1 -m1)`;
}
