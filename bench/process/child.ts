/**
 * Spawning Node children with an IPC channel, optionally pinned to one CPU, and
 * making sure each is gone when the bench ends, whatever way it ends.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pinnedCommand } from './affinity.js';
import type { ShutdownMessage } from './protocol.js';

/**
 * How to start one child.
 *
 * @example
 * ```ts
 * const options: ChildOptions = { name: 'node-http', cpu: 0, nodeArgs: ['--cpu-prof'] };
 * ```
 */
export interface ChildOptions {
  /** Shown in errors and logs. */
  name: string;
  /** The CPU to pin it to; unpinned when absent. */
  cpu?: number;
  /** Flags for `node` itself, before the script. */
  nodeArgs?: readonly string[];
  /** Arguments after the script. */
  args?: readonly string[];
}

/**
 * One running Node child with an IPC channel.
 *
 * @example
 * ```ts
 * const child = NodeChild.spawn('/abs/server.js', { name: 'server', cpu: 0 });
 * const ready = await child.waitFor((m): m is { port: number } => hasType(m, 'ready'), 10_000);
 * await child.stop();
 * ```
 */
export class NodeChild {
  /** As given in {@link ChildOptions.name}. */
  readonly name: string;
  /** The underlying process. */
  readonly process: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.process = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      // A child that never started may emit 'error' without 'exit'.
      child.on('error', () => {
        if (child.pid === undefined) resolve();
      });
    });
  }

  /** Starts `script` (an absolute path) under the current Node binary. */
  static spawn(script: string, options: ChildOptions): NodeChild {
    const argv = [process.execPath, ...(options.nodeArgs ?? []), script, ...(options.args ?? [])];
    const [command, ...args] = pinnedCommand(options.cpu, argv);
    const child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new NodeChild(options.name, child);
  }

  /** The child's pid (taskset execs node, so this is node's pid). */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Whether the child has exited. */
  get running(): boolean {
    return this.process.pid !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Sends one IPC message. */
  send(message: object): void {
    this.process.send(message);
  }

  /**
   * Resolves with the first message that `accept` takes; rejects if the child
   * exits first or `timeoutMs` passes, so a broken child fails the run loudly
   * instead of hanging it.
   */
  waitFor<T>(accept: (message: unknown) => message is T, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
      };
      const onMessage = (message: unknown): void => {
        if (!accept(message)) return;
        cleanup();
        resolve(message);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        cleanup();
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before answering`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.process.on('message', onMessage);
      this.process.on('exit', onExit);
    });
  }

  /**
   * Asks the child to exit (so profiles are flushed), and kills it if it has
   * not within `graceMs`.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    try {
      this.send({ type: 'shutdown' } satisfies ShutdownMessage);
    } catch {
      // The channel is already closed; the kill below still applies.
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Every child of one bench run, so they can all be stopped in one place — in
 * a `finally`, or from a signal handler when the run is interrupted.
 *
 * @example
 * ```ts
 * const children = new ChildGroup();
 * try { children.spawn(script, { name: 'x' }); } finally { await children.stopAll(); }
 * ```
 */
export class ChildGroup {
  private readonly children = new Set<NodeChild>();

  /** Spawns a child and tracks it. */
  spawn(script: string, options: ChildOptions): NodeChild {
    const child = NodeChild.spawn(script, options);
    this.children.add(child);
    return child;
  }

  /** Stops one tracked child. */
  async stop(child: NodeChild): Promise<void> {
    await child.stop();
    this.children.delete(child);
  }

  /** Stops every tracked child, in parallel. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child)));
  }

  /**
   * Kills every tracked child at once, synchronously: for `process.on('exit')`,
   * where nothing asynchronous runs any more.
   */
  killAllNow(): void {
    for (const child of this.children) if (child.running) child.process.kill('SIGKILL');
  }
}
