/**
 * The facts about the machine that a throughput number is meaningless
 * without.
 *
 * @module
 */
import os from 'node:os';

/**
 * The machine and runtime a bench ran on.
 *
 * @example
 * ```ts
 * const machine = describeMachine(true);
 * console.log(`${machine.cpuModel} × ${machine.cores}`);
 * ```
 */
export interface MachineInfo {
  /** When the run started, ISO 8601. */
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  totalMemoryGiB: number;
  /** `os.release()`, plus `os.version()` where it says more. */
  kernel: string;
  /** 1, 5 and 15-minute load averages when the run started: other work on a shared machine. */
  loadAverage: number[];
  /** Whether taskset was available, i.e. whether the run was pinned. */
  pinned: boolean;
}

/**
 * Describes this machine now.
 *
 * @example
 * ```ts
 * describeMachine(hasTaskset());
 * ```
 */
export function describeMachine(pinned: boolean): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGiB: os.totalmem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()} (${os.version()})`,
    loadAverage: os.loadavg(),
    pinned,
  };
}
