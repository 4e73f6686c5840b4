/**
 * `tsgi serve --watch`: the app restarts when a file in its module's
 * directory changes, on the same port, with no moment where connections
 * are refused.
 *
 * How the port is kept: this process is a `node:cluster` primary with one
 * worker at a time serving the app. In a cluster the primary owns the
 * listening socket and hands connections to the workers that listen on the
 * same address; the socket closes only when the last of them stops. So a
 * restart starts the new worker first and retires the old one only once the
 * new one listens: the socket never closes, connections queue on it while
 * workers change hands, and requests in flight on the old worker finish.
 * A new worker that fails to load (a syntax error mid-edit) leaves the old
 * one serving; the next save tries again. Re-spawning a plain child that
 * binds the port anew would leave a gap (and races the old one's close).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import type { ServeConfig } from './args.js';
import { EXIT_CONFIG, locateModule } from './load.js';
import { describeListenError, SHUTDOWN, type WorkerMessage } from './serve.js';
import { watchTree } from './watch-files.js';

/** Extra time given to a retired worker beyond the graceful timeout before it is killed. */
const KILL_GRACE_MS = 5_000;

/**
 * Runs the watching primary until SIGINT or SIGTERM; resolves to the exit
 * code: 0 after a signal, 78 when the module cannot be found or the address
 * cannot be bound.
 *
 * @example
 * ```ts
 * process.exit(await watchAndServe(config));
 * ```
 */
export async function watchAndServe(config: ServeConfig): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`tsgi: ${line}\n`);
  const file = locateModule(config.module, process.cwd());
  if (file === undefined) {
    log(`--watch: cannot find module ${config.module} (no such file here, nor a package installed here)`);
    return EXIT_CONFIG;
  }
  const root = dirname(file);
  let port: number;
  try {
    port = await concretePort(config);
  } catch (error) {
    log(describeListenError(error, config));
    return EXIT_CONFIG;
  }
  // Every worker asks for the same address, so they share the primary's one
  // socket; port 0 would be a new port whenever no worker is alive.
  cluster.setupPrimary({ args: [...process.argv.slice(2), '--port', String(port)] });

  let current: Worker | undefined;
  let pending: Worker | undefined;
  const superseded = new WeakSet<Worker>();
  const cannotListen = new WeakSet<Worker>();
  let announced = false;
  let stopping = false;
  let exitCode = 0;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const live = new Set<Worker>();
  let changedFiles: readonly string[] = [file];

  const retire = (worker: Worker): void => {
    if (worker.isConnected()) {
      worker.send(SHUTDOWN);
      // Takes the worker off the socket here in the primary at once. Until
      // its own close reached the primary, new connections could still be
      // handed to it, and one handed over as it exits is lost in between.
      worker.disconnect();
    } else {
      worker.process.kill('SIGTERM');
    }
    setTimeout(() => worker.process.kill('SIGKILL'), config.gracefulTimeout + KILL_GRACE_MS).unref();
  };

  const start = (): void => {
    if (pending !== undefined) {
      // A newer save came while this one was still loading.
      superseded.add(pending);
      pending.process.kill('SIGTERM');
    }
    const worker = cluster.fork();
    pending = worker;
    live.add(worker);
    worker.on('message', (message: WorkerMessage) => {
      if (message?.tsgi === 'cannot-listen') cannotListen.add(worker);
      if (message?.tsgi !== 'listening' || worker !== pending || stopping) return;
      pending = undefined;
      const previous = current;
      current = worker;
      if (previous !== undefined) retire(previous);
      if (announced) {
        log(`restarted: worker ${worker.process.pid} serves the new code`);
        return;
      }
      announced = true;
      process.stdout.write(
        `tsgi: serving ${message.name} on ${message.url} (pid ${process.pid}; watching ${relative(process.cwd(), root) || '.'}; Ctrl-C to stop)\n`,
      );
    });
    // A message to a worker that is dying fails with EPIPE; its exit is handled below.
    worker.on('error', (error: Error) => log(`worker ${worker.process.pid}: ${error.message}`));
    worker.on('exit', (code, signal) => onExit(worker, code, signal));
  };

  const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
    live.delete(worker);
    if (stopping) {
      if (live.size === 0) done();
      return;
    }
    if (cannotListen.has(worker)) {
      exitCode = EXIT_CONFIG;
      stop();
      return;
    }
    const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
    if (worker === pending) {
      pending = undefined;
      if (superseded.has(worker)) return;
      // The worker has printed why (a syntax error, a missing export), but
      // an ES module's SyntaxError does not say where; node --check does.
      if (code === EXIT_CONFIG) reportSyntaxErrors(changedFiles);
      log(`the app did not start (${how}); ${current === undefined ? 'nothing is served' : 'the previous version still serves'} until the next change`);
    } else if (worker === current) {
      current = undefined;
      log(`the app stopped (${how}); it starts again on the next change`);
    }
  };

  const watcher = watchTree(
    root,
    (files) => {
      if (stopping) return;
      const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
      log(`${shown} changed; restarting`);
      changedFiles = [...files.map((name) => join(root, name)), file];
      start();
    },
    log,
  );

  const stop = (): void => {
    if (stopping) {
      // A second signal: cut off what is still in flight.
      for (const worker of live) worker.process.kill('SIGTERM');
      return;
    }
    stopping = true;
    watcher.close();
    if (live.size === 0) {
      done();
      return;
    }
    for (const worker of live) {
      if (worker === current) retire(worker);
      else worker.process.kill('SIGTERM');
    }
  };

  const onSignal = (): void => stop();
  const done = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (exitCode === 0) process.stdout.write('tsgi: stopped\n');
    finish(exitCode);
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  start();
  return finished;
}

const JAVASCRIPT = /\.[cm]?js$/;

/** Writes where each JavaScript file among `files` fails to parse, as Node shows it (file:line, the line, a caret). */
function reportSyntaxErrors(files: readonly string[]): void {
  for (const path of new Set(files)) {
    if (!JAVASCRIPT.test(path) || !existsSync(path)) continue;
    const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 5_000 });
    if (check.status === 0 || check.stderr === '') continue;
    // Node's own frames and version line say nothing about the user's file.
    const text = check.stderr.replace(/\n\s+at checkSyntax[^\n]*/, '').replace(/\n+Node\.js v[\d.]+\s*$/, '\n');
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/**
 * The port to serve on: the one asked for, or for port 0 a free one found
 * now. Binding the address here also checks it at startup, before any app
 * is loaded; the probe is closed again before the first worker binds it.
 */
async function concretePort(config: ServeConfig): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(config.port, config.host === '' ? undefined : config.host, resolve);
  });
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
