/**
 * Deciding what to profile: the tsgi servers at the pipelining levels where
 * they missed their target (or everything when asked), with bare node at the
 * same levels as the baseline to compare against.
 *
 * @module
 */
import type { ProfileMode } from '../config.js';
import type { ServerSpec } from '../servers/catalog.js';
import type { ServerSummary } from '../stats.js';

/**
 * What to profile and why, in words for the report.
 *
 * @example
 * ```ts
 * const plan = planProfiles('auto', summaries, SERVERS);
 * for (const { spec, pipelining } of plan.targets) console.log(spec.id, pipelining);
 * ```
 */
export interface ProfilePlan {
  targets: Array<{ spec: ServerSpec; pipelining: number }>;
  reason: string;
}

/**
 * Builds the plan from the results.
 *
 * @example
 * ```ts
 * planProfiles('never', summaries, SERVERS).targets; // []
 * ```
 */
export function planProfiles(
  mode: ProfileMode,
  summaries: ReadonlyArray<readonly ServerSummary[]>,
  servers: readonly ServerSpec[],
): ProfilePlan {
  const rows = summaries.flat();
  const missed = rows.filter((row) => row.met === false);
  const chosen =
    mode === 'never' ? [] : mode === 'always' ? rows.filter((row) => servers.find((s) => s.id === row.id)?.tsgi) : missed;
  const reason =
    mode === 'never'
      ? 'Not profiled (`BENCH_PROFILE=0`).'
      : mode === 'always'
        ? 'Profiled because `BENCH_PROFILE=1`.'
        : missed.length === 0
          ? 'Every target was met, so nothing was profiled (`BENCH_PROFILE=1` profiles anyway).'
          : `Profiled because ${missed.map((row) => `${row.label} at \`-p ${row.pipelining}\``).join(', ')} missed its target.`;
  const reference = servers.find((server) => server.reference);
  const levels = [...new Set(chosen.map((row) => row.pipelining))];
  // Bare node first at each level: it is the column the others are read against.
  const targets = levels.flatMap((pipelining) => [
    ...(reference === undefined ? [] : [{ spec: reference, pipelining }]),
    ...chosen
      .filter((row) => row.pipelining === pipelining)
      .map((row) => ({ spec: servers.find((server) => server.id === row.id)!, pipelining })),
  ]);
  return { targets, reason };
}
