/**
 * What the `tsgi` command does with its command line: help, the version, or
 * serving (in one process, with workers, or watching for changes).
 *
 * @module
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { EXIT_USAGE, parseCommandLine, UsageError, USAGE, type Command } from './args.js';
import { superviseWorkers } from './cluster.js';
import { serveInProcess } from './serve.js';
import { watchAndServe } from './watch.js';

function version(): string {
  // dist/src/cli/run.js and src/cli/run.ts both sit two levels below the package root.
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'tsgi' && manifest.version !== undefined) return manifest.version;
    } catch {
      // Not at this level; try the next.
    }
  }
  return 'unknown';
}

/**
 * Runs `tsgi` with `argv` (without `node` and the script); resolves to the
 * exit code.
 *
 * @example
 * ```ts
 * process.exit(await runCommand(process.argv.slice(2)));
 * ```
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tsgi: ${error.message}\nRun 'tsgi --help' for usage.\n`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`tsgi ${version()}\n`);
    return 0;
  }
  const { config } = command;
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config);
  if (config.watch && cluster.isPrimary) return watchAndServe(config);
  return serveInProcess(config);
}
