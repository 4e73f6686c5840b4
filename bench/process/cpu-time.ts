/**
 * CPU time of another process, read from `/proc`. A server that is not near
 * 100 % of its core during a run was not the bottleneck (the client or the
 * machine's noise was), which the report needs to say.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

// USER_HZ is 100 on every mainstream Linux build; /proc/<pid>/stat counts in it.
const TICKS_PER_SECOND = 100;

/**
 * User plus system CPU seconds used so far by process `pid`, or `undefined`
 * when `/proc` is unavailable.
 *
 * @example
 * ```ts
 * const before = cpuSeconds(child.pid!);
 * await load();
 * const busy = (cpuSeconds(child.pid!)! - before!) / elapsedSeconds;
 * ```
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses, so count
    // fields from the last ')'. utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
