/**
 * CPU pinning: how children are pinned, and how a child reports the pinning it
 * actually got (so the report states a checked fact, not an intention).
 *
 * @module
 */
import { accessSync, constants, readFileSync } from 'node:fs';

const TASKSET = '/usr/bin/taskset';

/**
 * Whether `taskset` is installed and executable. Without it the bench still
 * runs, unpinned, and says so in its report.
 *
 * @example
 * ```ts
 * if (!hasTaskset()) console.warn('running unpinned');
 * ```
 */
export function hasTaskset(): boolean {
  try {
    accessSync(TASKSET, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The command and arguments that run `argv` on CPU `cpu`, or `argv` unchanged
 * when `cpu` is `undefined` (unpinned). `taskset` execs its command, so the
 * pinned process keeps the spawned pid and any IPC channel.
 *
 * @example
 * ```ts
 * const [cmd, ...args] = pinnedCommand(0, [process.execPath, 'server.js']);
 * spawn(cmd!, args);
 * ```
 */
export function pinnedCommand(cpu: number | undefined, argv: readonly string[]): string[] {
  return cpu === undefined ? [...argv] : [TASKSET, '-c', String(cpu), ...argv];
}

/**
 * The CPUs this process may run on, as the kernel lists them (e.g. `"0"` or
 * `"0-1"`), or `"unknown"` off Linux.
 *
 * @example
 * ```ts
 * process.send?.({ type: 'ready', cpus: allowedCpus() });
 * ```
 */
export function allowedCpus(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
