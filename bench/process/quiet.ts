/**
 * Waiting for the shared machine to go quiet before a measured run. Other
 * sessions' builds and tests come in bursts; starting a run in a gap, rather
 * than in a burst, is the cheapest noise reduction there is.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { coreBusySeconds } from './cpu-time.js';

/**
 * How busy each watched core was over a short sample, as fractions of a core,
 * or undefined when `/proc/stat` is unreadable.
 *
 * @example
 * ```ts
 * const load = await coreLoad([0, 1], 500); // e.g. [0.02, 0.31]
 * ```
 */
export async function coreLoad(cores: readonly number[], sampleMs: number): Promise<number[] | undefined> {
  const before = cores.map(coreBusySeconds);
  const started = performance.now();
  await sleep(sampleMs);
  const after = cores.map(coreBusySeconds);
  const seconds = (performance.now() - started) / 1_000;
  if ([...before, ...after].some((value) => value === undefined)) return undefined;
  return cores.map((_, i) => (after[i]! - before[i]!) / seconds);
}

/**
 * Waits, sampling every `sampleMs`, until every core in `cores` is busy less
 * than `limit` (a fraction of a core) — which, while the bench's own children
 * are idle, means other work is below it — or until `maxWaitMs` has passed.
 * Resolves to the milliseconds waited.
 *
 * @example
 * ```ts
 * const waited = await waitForQuiet([0, 1], 0.15, 10_000);
 * ```
 */
export async function waitForQuiet(
  cores: readonly number[],
  limit: number,
  maxWaitMs: number,
  sampleMs = 300,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const load = await coreLoad(cores, sampleMs);
    const waited = performance.now() - started;
    if (load === undefined || load.every((busy) => busy < limit) || waited >= maxWaitMs) return waited;
  }
}
