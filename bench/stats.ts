/**
 * Turning per-run measurements into the report's figures: medians (robust to
 * the odd run a noisy neighbour spoiled) and ratios to bare node.
 *
 * @module
 */
import type { Measurement } from './load/client.js';
import type { ServerSpec } from './servers/catalog.js';

/**
 * One measured run.
 *
 * @example
 * ```ts
 * records.push({ round: 0, pipelining: 1, serverId: 'node-http', measurement, attempts: 1, spoiled: false });
 * ```
 */
export interface RunRecord {
  round: number;
  pipelining: number;
  serverId: string;
  measurement: Measurement;
  /** Tries it took: more than 1 when other work on the machine spoiled a run. */
  attempts: number;
  /** Whether the kept run was still spoiled (no time was left to run it again). */
  spoiled: boolean;
}

/**
 * One server at one pipelining level, summarised over all rounds.
 *
 * @example
 * ```ts
 * const row: ServerSummary = summarise(records, SERVERS, 1)[0]!;
 * console.log(row.label, row.medianRps, row.ratio, row.met);
 * ```
 */
export interface ServerSummary {
  id: string;
  label: string;
  pipelining: number;
  medianRps: number;
  minRps: number;
  maxRps: number;
  /** Median req/s over bare node's median req/s. */
  ratio: number;
  /** Median over rounds of (this server ÷ bare node) in the same round. */
  roundRatioMedian: number;
  medianP99Ms: number;
  /** Median server CPU use, as a fraction of one core (undefined off Linux). */
  medianServerCpu: number | undefined;
  /** Median server CPU time per completed request, in µs. */
  cpuMicrosPerRequest: number | undefined;
  /**
   * Bare node's median CPU µs per request over this server's: the throughput
   * ratio the two would have with a whole core each. Other work on the core
   * lowers req/s but hardly the CPU a request costs, so on a shared machine
   * this is the steadier estimate.
   */
  cpuRatio: number | undefined;
  /** Median load-generator CPU use, as a fraction of one core. */
  medianClientCpu: number;
  /** Kept runs that other work still spoiled. */
  spoiledRuns: number;
  /** Median share of the server's core taken by other processes. */
  medianServerCoreOther: number | undefined;
  /** Median share of the load generator's core taken by other processes. */
  medianClientCoreOther: number | undefined;
  target?: number;
  /** Whether `ratio` reaches `target`, when there is one. */
  met?: boolean;
}

/**
 * The median of `values` (mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Summarises every server in `servers` at one pipelining level. The
 * reference server (bare node) must have runs in `records`.
 *
 * @example
 * ```ts
 * const rows = summarise(records, SERVERS, 10);
 * ```
 */
export function summarise(records: readonly RunRecord[], servers: readonly ServerSpec[], pipelining: number): ServerSummary[] {
  const level = records.filter((record) => record.pipelining === pipelining);
  const reference = servers.find((server) => server.reference);
  const bare = level.filter((record) => record.serverId === reference?.id);
  if (bare.length === 0) throw new Error(`no bare node:http runs at pipelining ${pipelining}`);
  const bareMedian = median(bare.map((record) => record.measurement.requestsPerSecond));
  const bareByRound = new Map(bare.map((record) => [record.round, record.measurement.requestsPerSecond]));
  const bareCpuPerRequest = medianDefined(bare.map(cpuMicrosPerRequest));

  return servers.flatMap((server): ServerSummary[] => {
    const runs = level.filter((record) => record.serverId === server.id);
    if (runs.length === 0) return [];
    const rps = runs.map((record) => record.measurement.requestsPerSecond);
    const cpuPerRequest = medianDefined(runs.map(cpuMicrosPerRequest));
    const medianRps = median(rps);
    const ratio = medianRps / bareMedian;
    const roundRatios = runs.flatMap((record) => {
      const bareRps = bareByRound.get(record.round);
      return bareRps === undefined ? [] : [record.measurement.requestsPerSecond / bareRps];
    });
    return [
      {
        id: server.id,
        label: server.label,
        pipelining,
        medianRps,
        minRps: Math.min(...rps),
        maxRps: Math.max(...rps),
        ratio,
        roundRatioMedian: median(roundRatios),
        medianP99Ms: median(runs.map((record) => record.measurement.latencyP99Ms)),
        medianServerCpu: medianDefined(runs.map((record) => record.measurement.serverCpu)),
        cpuMicrosPerRequest: cpuPerRequest,
        cpuRatio:
          cpuPerRequest === undefined || bareCpuPerRequest === undefined ? undefined : bareCpuPerRequest / cpuPerRequest,
        medianClientCpu: median(runs.map((record) => record.measurement.clientCpu)),
        spoiledRuns: runs.filter((record) => record.spoiled).length,
        medianServerCoreOther: medianDefined(runs.map((record) => record.measurement.serverCoreOther)),
        medianClientCoreOther: medianDefined(runs.map((record) => record.measurement.clientCoreOther)),
        ...(server.target === undefined ? {} : { target: server.target, met: ratio >= server.target }),
      },
    ];
  });
}

/** The median of the values there are, or undefined if there are none (no /proc, or unpinned). */
function medianDefined(values: ReadonlyArray<number | undefined>): number | undefined {
  const defined = values.filter((value): value is number => value !== undefined);
  return defined.length === 0 ? undefined : median(defined);
}

function cpuMicrosPerRequest(record: RunRecord): number | undefined {
  const { serverCpu, requestsPerSecond } = record.measurement;
  // A run so starved that nothing completed has no cost per request.
  return serverCpu === undefined || requestsPerSecond === 0 ? undefined : (serverCpu * 1e6) / requestsPerSecond;
}
