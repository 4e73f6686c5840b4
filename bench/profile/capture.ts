/**
 * Capturing a CPU profile of one server under the same load as the bench:
 * a fresh child started with `node --cpu-prof`, loaded, then told to exit so
 * V8 writes the profile.
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadClient } from '../load/client.js';
import type { ChildGroup } from '../process/child.js';
import type { ServerSpec } from '../servers/catalog.js';
import { launchServer } from '../servers/launch.js';
import type { TimeWindow } from './summarise.js';

/**
 * A captured profile and the throughput seen while capturing it (lower than
 * unprofiled, since sampling costs CPU).
 *
 * @example
 * ```ts
 * const capture = await captureProfile({ group, loader, spec, pipelining: 1, warmupSeconds: 3, seconds: 8, dir, cpu: 0 });
 * console.log(capture.file, capture.requestsPerSecond);
 * ```
 */
export interface Capture {
  spec: ServerSpec;
  pipelining: number;
  file: string;
  /** When the measured load ran, to cut start-up and warm-up out of the profile. */
  window: TimeWindow;
  requestsPerSecond: number;
  /** Requests completed inside `window`, to turn profile time into time per request. */
  completed: number;
}

/**
 * What {@link captureProfile} needs.
 *
 * @example
 * ```ts
 * const request: CaptureRequest = { group, loader, spec, pipelining: 10, warmupSeconds: 3, seconds: 8, dir: 'bench/.out/profiles' };
 * ```
 */
export interface CaptureRequest {
  group: ChildGroup;
  loader: LoadClient;
  spec: ServerSpec;
  pipelining: number;
  warmupSeconds: number;
  seconds: number;
  /** Directory for the `.cpuprofile` file. */
  dir: string;
  /** CPU to pin the server to; unpinned when absent. */
  cpu?: number;
  /** Extra `node` flags, as the measured servers had. */
  nodeArgs?: readonly string[];
}

/**
 * Starts `spec` under `--cpu-prof`, warms it up, loads it for `seconds`, stops
 * it and returns the profile's path with the window of the measured load
 * (the profile itself spans the child's whole life).
 *
 * @example
 * ```ts
 * const { file } = await captureProfile(request);
 * ```
 */
export async function captureProfile(request: CaptureRequest): Promise<Capture> {
  const { group, loader, spec, pipelining, dir } = request;
  mkdirSync(dir, { recursive: true });
  const name = `${spec.id}-p${pipelining}.cpuprofile`;
  const file = join(dir, name);
  rmSync(file, { force: true });
  const server = await launchServer(group, spec, {
    ...(request.cpu === undefined ? {} : { cpu: request.cpu }),
    nodeArgs: [...(request.nodeArgs ?? []), '--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
  });
  try {
    await loader.run(server.url, server.child.pid, pipelining, request.warmupSeconds);
    const startMicros = nowMicros();
    const measured = await loader.run(server.url, server.child.pid, pipelining, request.seconds);
    const window = { startMicros, endMicros: nowMicros() };
    await group.stop(server.child);
    if (!existsSync(file)) throw new Error(`${spec.id} exited without writing ${file}`);
    return { spec, pipelining, file, window, requestsPerSecond: measured.requestsPerSecond, completed: measured.completed };
  } finally {
    await group.stop(server.child);
  }
}

function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1_000n);
}
