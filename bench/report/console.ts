/**
 * The short summary printed at the end of a run, for whoever watches the
 * terminal; the full story is in the Markdown report.
 *
 * @module
 */
import type { ServerSummary } from '../stats.js';
import { integer, ratio } from './format.js';

/**
 * One block per pipelining level: median req/s, ratio to bare node, the
 * CPU-normalised ratio and the target verdict for each server.
 *
 * @example
 * ```ts
 * console.log(consoleSummary(summaries));
 * ```
 */
export function consoleSummary(summaries: ReadonlyArray<readonly ServerSummary[]>): string {
  const lines: string[] = [];
  for (const rows of summaries) {
    lines.push('', `pipelining ${rows[0]?.pipelining}`);
    for (const row of rows) {
      const cpu = row.cpuRatio === undefined ? '' : `  (CPU-normalised ${ratio(row.cpuRatio)})`;
      const verdict = row.met === undefined ? '' : `  target ${row.target} ${row.met ? 'met' : 'MISSED'}`;
      lines.push(`  ${row.label.padEnd(24)} ${integer(row.medianRps).padStart(8)} req/s  ${ratio(row.ratio)}${cpu}${verdict}`);
    }
  }
  return lines.join('\n');
}
