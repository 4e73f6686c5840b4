/**
 * Parent side of the load generator: one run at a time, with the server's CPU
 * use measured alongside so the report can tell a saturated server from a
 * saturated client.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { ChildGroup, NodeChild } from '../process/child.js';
import { coreBusySeconds, cpuSeconds } from '../process/cpu-time.js';
import { hasType } from '../process/protocol.js';
import { isRunResult, type LoadSample, type RequestShape, type RunRequest } from './protocol.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * A {@link LoadSample} plus the server's side of the same run.
 *
 * @example
 * ```ts
 * const m = await loader.run(server.url, server.child.pid, 1, 5);
 * console.log(m.requestsPerSecond, m.serverCpu);
 * ```
 */
export interface Measurement extends LoadSample {
  /** The server's CPU use over the run, as a fraction of one core. */
  serverCpu: number | undefined;
  /**
   * Other work on the server's core during the run, as a fraction of it:
   * the shared machine's noise. Undefined when unpinned or off Linux.
   */
  serverCoreOther: number | undefined;
  /** Likewise on the load generator's core. */
  clientCoreOther: number | undefined;
}

/**
 * Which cores the server and the load generator are pinned to, if any.
 *
 * @example
 * ```ts
 * const cores: Cores = { server: 0, client: 1 };
 * ```
 */
export interface Cores {
  server: number | undefined;
  client: number | undefined;
}

/**
 * Drives the pinned load-generator child.
 *
 * @example
 * ```ts
 * const loader = await LoadClient.start(children, { cpu: 1, connections: 10 });
 * const m = await loader.run('http://127.0.0.1:41234/', serverPid, 10, 5);
 * ```
 */
export class LoadClient {
  /** The CPUs the load generator reported it may run on. */
  readonly cpus: string;
  private readonly child: NodeChild;
  private readonly connections: number;
  private readonly cores: Cores;

  private constructor(child: NodeChild, cpus: string, connections: number, cores: Cores) {
    this.child = child;
    this.cpus = cpus;
    this.connections = connections;
    this.cores = cores;
  }

  /**
   * Spawns the load generator in `group`, pinned to `cores.client`, and waits
   * until it is ready. `cores.server` is only watched, for noise.
   */
  static async start(group: ChildGroup, options: { cores: Cores; connections: number }): Promise<LoadClient> {
    const { client } = options.cores;
    const child = group.spawn(WORKER, { name: 'autocannon', ...(client === undefined ? {} : { cpu: client }) });
    const ready = await child.waitFor(
      (m): m is { type: 'ready'; cpus: string } => hasType(m, 'ready'),
      20_000,
    );
    return new LoadClient(child, ready.cpus, options.connections, options.cores);
  }

  /**
   * Loads `url` for `durationSeconds` at `pipelining` requests in flight per
   * connection. Throws if the run failed or any request did.
   */
  async run(
    url: string,
    serverPid: number,
    pipelining: number,
    durationSeconds: number,
    request?: RequestShape,
  ): Promise<Measurement> {
    const cpuBefore = cpuSeconds(serverPid);
    const serverCoreBefore = this.coreBusy('server');
    const clientCoreBefore = this.coreBusy('client');
    const wallBefore = performance.now();
    this.child.send({
      type: 'run',
      url,
      connections: this.connections,
      pipelining,
      durationSeconds,
      ...(request === undefined ? {} : { request }),
    } satisfies RunRequest);
    // autocannon stops on its own after the duration; the slack covers a slow
    // drain of in-flight requests on an overloaded machine.
    const answer = await this.child.waitFor(isRunResult, durationSeconds * 1_000 + 30_000);
    const cpuAfter = cpuSeconds(serverPid);
    const serverCoreAfter = this.coreBusy('server');
    const clientCoreAfter = this.coreBusy('client');
    const wallSeconds = (performance.now() - wallBefore) / 1_000;
    if (answer.sample === undefined) throw new Error(`load run against ${url} failed: ${answer.error}`);
    if (answer.sample.failures > 0) {
      throw new Error(`${answer.sample.failures} requests failed against ${url} (errors, timeouts or non-2xx)`);
    }
    const serverCpu =
      cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / wallSeconds;
    const other = (before: number | undefined, after: number | undefined, own: number | undefined): number | undefined =>
      before === undefined || after === undefined || own === undefined
        ? undefined
        : Math.max(0, (after - before) / wallSeconds - own);
    return {
      ...answer.sample,
      serverCpu,
      serverCoreOther: other(serverCoreBefore, serverCoreAfter, serverCpu),
      // The client's own use is measured over autocannon's run, a hair shorter than the wall time here.
      clientCoreOther: other(clientCoreBefore, clientCoreAfter, answer.sample.clientCpu),
    };
  }

  private coreBusy(role: keyof Cores): number | undefined {
    const core = this.cores[role];
    return core === undefined ? undefined : coreBusySeconds(core);
  }
}
