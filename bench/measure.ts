/**
 * One measured run, taken when the machine is quiet and taken again when
 * other work on the machine spoiled it — within a time budget, so a machine
 * that never goes quiet still finishes the bench in bounded time.
 *
 * @module
 */
import type { LoadClient, Measurement } from './load/client.js';
import { waitForQuiet } from './process/quiet.js';
import type { RunningServer } from './servers/launch.js';

// Per run, beyond its load: autocannon start-up, connection set-up, IPC.
const RUN_OVERHEAD_MS = 500;
// One wait for quiet is capped, so a single long burst cannot eat the budget.
const MAX_SINGLE_WAIT_MS = 10_000;

/**
 * The noise handling of a whole bench run. It may spend the time left before
 * its deadline, beyond what the remaining runs need, on waiting for quiet and
 * on re-running spoiled runs; when that slack is gone, runs are taken as they
 * come.
 *
 * @example
 * ```ts
 * const noise = new NoiseBudget({ cores: [0, 1], limit: 0.1, runSeconds: 2, budgetSeconds: 350 });
 * ```
 */
export class NoiseBudget {
  /** The watched cores: the server's and the load generator's. */
  readonly cores: readonly number[];
  /** Other work above this fraction of a core spoils a run. */
  readonly limit: number;
  /** Re-runs made so far. */
  retries = 0;
  /** Milliseconds spent waiting for quiet so far. */
  waitedMs = 0;
  private readonly runMs: number;
  private readonly deadline: number;

  constructor(options: { cores: readonly number[]; limit: number; runSeconds: number; budgetSeconds: number }) {
    this.cores = options.cores;
    this.limit = options.limit;
    this.runMs = options.runSeconds * 1_000 + RUN_OVERHEAD_MS;
    this.deadline = performance.now() + options.budgetSeconds * 1_000;
  }

  /** Whether noise handling is on at all (it needs pinned cores to watch). */
  get active(): boolean {
    return this.cores.length > 0 && this.limit < 1;
  }

  /** Whether `measurement` saw other work above the limit. */
  spoiled(measurement: Measurement): boolean {
    return Math.max(measurement.serverCoreOther ?? 0, measurement.clientCoreOther ?? 0) > this.limit;
  }

  /** Waits for quiet, as far as the slack allows with `runsLeft` runs still to do (this one included). */
  async settle(runsLeft: number): Promise<void> {
    const slack = this.slackMs(runsLeft);
    if (!this.active || slack <= 0) return;
    this.waitedMs += await waitForQuiet(this.cores, this.limit, Math.min(slack, MAX_SINGLE_WAIT_MS));
  }

  /** Whether to run again after `measurement`, with `runsLeft` runs still to do (this one included). */
  wantsRetry(measurement: Measurement, runsLeft: number): boolean {
    if (!this.active || !this.spoiled(measurement) || this.slackMs(runsLeft) < this.runMs) return false;
    this.retries++;
    return true;
  }

  /** Time before the deadline beyond what `runsLeft` runs need. */
  private slackMs(runsLeft: number): number {
    return this.deadline - performance.now() - runsLeft * this.runMs;
  }
}

/**
 * A measurement and how many tries it took.
 *
 * @example
 * ```ts
 * const { measurement, attempts } = await measureQuietly(loader, server, 1, 2, noise, 40);
 * ```
 */
export interface QuietMeasurement {
  measurement: Measurement;
  /** 1 when the first run was clean (or no slack was left to re-run it). */
  attempts: number;
  /** Whether the kept run was still spoiled by other work. */
  spoiled: boolean;
}

/**
 * Loads `server` for `seconds` at `pipelining` once the machine is quiet, and
 * again while other work spoiled the run and the budget allows; `runsLeft`
 * counts this run and those after it. Re-running does not favour any server:
 * whether a run is spoiled depends on the machine, not on the server under test.
 *
 * @example
 * ```ts
 * const { measurement } = await measureQuietly(loader, server, 10, 2, noise, 12);
 * ```
 */
export async function measureQuietly(
  loader: LoadClient,
  server: RunningServer,
  pipelining: number,
  seconds: number,
  noise: NoiseBudget,
  runsLeft: number,
): Promise<QuietMeasurement> {
  for (let attempts = 1; ; attempts++) {
    await noise.settle(runsLeft);
    const measurement = await loader.run(server.url, server.child.pid, pipelining, seconds);
    if (!noise.wantsRetry(measurement, runsLeft)) {
      return { measurement, attempts, spoiled: noise.active && noise.spoiled(measurement) };
    }
  }
}
