/**
 * The messages between the bench and its load-generator child.
 *
 * @module
 */
import { hasType } from '../process/protocol.js';

/**
 * Asks the load generator for one run.
 *
 * @example
 * ```ts
 * loader.send({ type: 'run', url, connections: 10, pipelining: 1, durationSeconds: 5 } satisfies RunRequest);
 * ```
 */
export interface RunRequest {
  type: 'run';
  url: string;
  connections: number;
  pipelining: number;
  durationSeconds: number;
  /** What to send instead of `GET /`; the URL's path is replaced by `path`. */
  request?: RequestShape;
}

/**
 * One request autocannon repeats, for benchmarks beyond `GET /`.
 *
 * @example
 * ```ts
 * const echo: RequestShape = { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
 * ```
 */
export interface RequestShape {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The figures of one run that the bench keeps.
 *
 * @example
 * ```ts
 * const sample: LoadSample = { requestsPerSecond: 20000, completed: 100000, seconds: 5, latencyP50Ms: 0, latencyP99Ms: 1, failures: 0, clientCpu: 0.7 };
 * ```
 */
export interface LoadSample {
  /** Completed requests divided by elapsed seconds. */
  requestsPerSecond: number;
  completed: number;
  seconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Errors, timeouts, resets and non-2xx responses, together. */
  failures: number;
  /** The load generator's CPU use over the run, as a fraction of one core. */
  clientCpu: number;
}

/**
 * The load generator's answer to a {@link RunRequest}.
 *
 * @example
 * ```ts
 * const answer = await loader.waitFor(isRunResult, 60_000);
 * ```
 */
export interface RunResult {
  type: 'result';
  sample?: LoadSample;
  error?: string;
}

/**
 * Narrows an IPC message to a {@link RunResult}.
 *
 * @example
 * ```ts
 * if (isRunResult(message)) console.log(message.sample?.requestsPerSecond);
 * ```
 */
export function isRunResult(message: unknown): message is RunResult {
  return hasType(message, 'result');
}

/**
 * Narrows an IPC message to a {@link RunRequest}.
 *
 * @example
 * ```ts
 * process.on('message', (m) => { if (isRunRequest(m)) void run(m); });
 * ```
 */
export function isRunRequest(message: unknown): message is RunRequest {
  return hasType(message, 'run');
}
