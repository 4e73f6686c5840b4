/**
 * `--workers N`: a primary process that forks the workers, restarts one
 * that dies (with backoff, giving up on a crash loop), and stops them all
 * gracefully on SIGTERM or SIGINT.
 *
 * @module
 */
import cluster, { type Worker } from 'node:cluster';
import type { ServeConfig } from './args.js';
import { EXIT_CONFIG } from './load.js';
import { SHUTDOWN, type WorkerMessage } from './serve.js';

/** The first restart waits this long; each quick death in a row doubles it. */
const FIRST_DELAY_MS = 100;
/** The longest wait between restarts. */
const MAX_DELAY_MS = 10_000;
/** A worker that lived this long was healthy: its slot's crash count starts over. */
const STABLE_MS = 10_000;
/** Quick deaths in a row after which the slot is deemed a crash loop. */
const MAX_QUICK_DEATHS = 4;
/** Extra time given to workers beyond the graceful timeout before they are killed. */
const KILL_GRACE_MS = 5_000;

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  /** Whether the current worker has reported that it listens. */
  ready: boolean;
  startedAt: number;
  quickDeaths: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Runs the primary until the workers have stopped; resolves to the exit
 * code: 0 after a signal, 78 when a worker could not start (the module or
 * the address is wrong), 1 after a crash loop.
 *
 * @example
 * ```ts
 * process.exit(await superviseWorkers(config));
 * ```
 */
export function superviseWorkers(config: ServeConfig): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`tsgi: ${line}\n`);
  const slots: Slot[] = Array.from({ length: config.workers }, (_, index) => ({
    index,
    worker: undefined,
    ready: false,
    startedAt: 0,
    quickDeaths: 0,
    timer: undefined,
  }));
  let stopping = false;
  let exitCode = 0;
  let announced = false;
  const listening = new Set<number>();
  let killTimer: NodeJS.Timeout | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const live = (): Worker[] => slots.flatMap((slot) => (slot.worker === undefined ? [] : [slot.worker]));

  const start = (slot: Slot): void => {
    slot.timer = undefined;
    const worker = cluster.fork();
    slot.worker = worker;
    slot.ready = false;
    slot.startedAt = Date.now();
    worker.on('message', (message: WorkerMessage) => {
      if (message?.tsgi !== 'listening' || stopping) return;
      slot.ready = true;
      if (announced) {
        log(`worker ${worker.process.pid} is serving`);
        return;
      }
      listening.add(slot.index);
      if (listening.size === slots.length) {
        announced = true;
        process.stdout.write(`tsgi: serving ${message.name} on ${message.url} with ${slots.length} workers (pid ${process.pid}; Ctrl-C to stop)\n`);
      }
    });
    // A message to a worker that is dying fails with EPIPE; its exit is handled below.
    worker.on('error', (error: Error) => log(`worker ${worker.process.pid}: ${error.message}`));
    worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null): void => {
    if (slot.worker === worker) slot.worker = undefined;
    const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
    if (stopping) {
      // A worker still starting up was stopped with SIGTERM, having nothing in flight.
      const expected = code === 0 || (signal === 'SIGTERM' && !slot.ready);
      // The other workers of a bad start fail alike (often before our SIGTERM
      // reaches them); the first reason given stays the exit code.
      if (!expected && exitCode === 0) exitCode = 1;
      if (live().length === 0) done();
      return;
    }
    if (code === EXIT_CONFIG) {
      // The worker said why (module or address); every other would fail alike.
      log(`worker ${worker.process.pid} could not start; stopping`);
      exitCode = EXIT_CONFIG;
      stop();
      return;
    }
    const lived = Date.now() - slot.startedAt;
    slot.quickDeaths = lived >= STABLE_MS ? 1 : slot.quickDeaths + 1;
    if (slot.quickDeaths > MAX_QUICK_DEATHS) {
      log(`worker ${worker.process.pid} died (${how}); workers keep dying within ${STABLE_MS / 1000} s of starting (${MAX_QUICK_DEATHS} restarts in a row), so this looks like a crash loop: giving up`);
      exitCode = 1;
      stop();
      return;
    }
    const delay = Math.min(FIRST_DELAY_MS * 2 ** (slot.quickDeaths - 1), MAX_DELAY_MS);
    log(`worker ${worker.process.pid} died (${how}); restarting it in ${delay} ms`);
    slot.timer = setTimeout(() => start(slot), delay);
  };

  const stop = (): void => {
    if (stopping) {
      // A second signal: cut off what is still in flight.
      for (const worker of live()) worker.process.kill('SIGTERM');
      return;
    }
    stopping = true;
    for (const slot of slots) {
      if (slot.timer !== undefined) clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    if (live().length === 0) {
      done();
      return;
    }
    for (const slot of slots) {
      const worker = slot.worker;
      if (worker === undefined) continue;
      // A worker that is not serving yet may not be listening for messages
      // either; it has no requests to finish, so a signal is enough.
      if (slot.ready && worker.isConnected()) worker.send(SHUTDOWN);
      else worker.process.kill('SIGTERM');
    }
    killTimer = setTimeout(() => {
      for (const worker of live()) worker.process.kill('SIGKILL');
    }, config.gracefulTimeout + KILL_GRACE_MS);
  };

  const onSignal = (): void => stop();
  const done = (): void => {
    if (killTimer !== undefined) clearTimeout(killTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (exitCode === 0) process.stdout.write('tsgi: stopped\n');
    finish(exitCode);
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log(`starting ${slots.length} workers (primary pid ${process.pid})`);
  for (const slot of slots) start(slot);
  return finished;
}
