/**
 * Parent side of a server child: start it pinned and learn its port.
 *
 * @module
 */
import type { ChildGroup, NodeChild } from '../process/child.js';
import type { ServerSpec } from './catalog.js';
import { BENCH_HOST } from './child-runtime.js';
import { isReadyMessage } from './protocol.js';

// Generous: a cold start under a noisy machine, with --cpu-prof, can be slow.
const READY_TIMEOUT_MS = 20_000;

/**
 * A server child that is listening.
 *
 * @example
 * ```ts
 * const server = await launchServer(children, SERVERS[0]!, { cpu: 0 });
 * console.log(server.url, server.cpus);
 * ```
 */
export interface RunningServer {
  spec: ServerSpec;
  child: NodeChild;
  port: number;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The CPUs the child reported it may run on. */
  cpus: string;
}

/**
 * Options for {@link launchServer}.
 *
 * @example
 * ```ts
 * const options: LaunchOptions = { cpu: 0, nodeArgs: ['--cpu-prof'] };
 * ```
 */
export interface LaunchOptions {
  /** The CPU to pin to; unpinned when absent. */
  cpu?: number;
  /** Extra `node` flags, e.g. for profiling. */
  nodeArgs?: readonly string[];
}

/**
 * Spawns the server's child in `group` and waits until it listens.
 *
 * @example
 * ```ts
 * const server = await launchServer(children, spec, { cpu: 0 });
 * ```
 */
export async function launchServer(
  group: ChildGroup,
  spec: ServerSpec,
  options: LaunchOptions,
): Promise<RunningServer> {
  const child = group.spawn(spec.script, { name: spec.id, ...options });
  const ready = await child.waitFor(isReadyMessage, READY_TIMEOUT_MS);
  return { spec, child, port: ready.port, url: `http://${BENCH_HOST}:${ready.port}/`, cpus: ready.cpus };
}
