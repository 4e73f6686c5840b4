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

/**
 * Busy CPU seconds so far on core `cpu`, from `/proc/stat`: everything but
 * idle and iowait, with time stolen by the hypervisor counted as busy (the
 * core was not ours then either). Undefined when `/proc` is unavailable.
 * Minus the CPU time of the process pinned there, it is the other work the
 * shared machine ran on that core.
 *
 * @example
 * ```ts
 * const before = coreBusySeconds(0);
 * await load();
 * const foreign = (coreBusySeconds(0)! - before! - serverCpuSeconds) / elapsedSeconds;
 * ```
 */
export function coreBusySeconds(cpu: number): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith(`cpu${cpu} `));
    if (line === undefined) return undefined;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
