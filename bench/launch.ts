/**
 * Server children from the parent's side: started pinned to core 0, their
 * CPU time read from `/proc`, and every one stopped when the bench ends,
 * however it ends.
 *
 * @module
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './scenarios.js';

/** The core servers run on; wrk gets the other one. */
export const SERVER_CPU = 0;
/** The core wrk runs on. */
export const LOAD_CPU = 1;

const TASKSET = '/usr/bin/taskset';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** Clock ticks per second, the unit of `/proc/PID/stat` times. */
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const live = new Set<ChildProcess>();
// A crash or Ctrl-C must not leave servers pinned to a shared core.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A listening server child. */
export interface RunningServer extends LaunchedChild {
  row: Row;
}

/**
 * The command that runs `argv` pinned to `cpu`; taskset execs it, so the pid
 * is the program's own.
 */
export function pinned(cpu: number, argv: readonly string[]): string[] {
  if (!existsSync(TASKSET)) throw new Error('taskset not found: apt-get install util-linux');
  return [TASKSET, '-c', String(cpu), ...argv];
}

/** A started child: its pid and port, and how to stop it. */
export interface LaunchedChild {
  pid: number;
  port: number;
  /** Closes stdin, which the child takes as the signal to exit; SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/**
 * Starts `node <argv>` on {@link SERVER_CPU}, its stderr to `logFile`, and
 * waits for the port it prints on its first line. Every bench server child
 * (wrk's and h2load's) starts here.
 */
export async function launchChild(argv: readonly string[], logFile: string, label: string): Promise<LaunchedChild> {
  const [command, ...args] = pinned(SERVER_CPU, [process.execPath, ...argv]);
  mkdirSync(dirname(logFile), { recursive: true });
  const child = spawn(command as string, args, { stdio: ['pipe', 'pipe', openSync(logFile, 'w')] });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('not listening after 20 s')), READY_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (!text.includes('\n')) return;
        clearTimeout(timer);
        resolve(Number(text.split('\n')[0]));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    return { pid: child.pid as number, port, stop };
  } catch (error) {
    await stop();
    throw new Error(`${label}: ${(error as Error).message} (see ${logFile})`);
  }
}

/**
 * Starts the row's server child on {@link SERVER_CPU}, its stderr to a file
 * in `logDir`, and waits for its port.
 */
export async function startServer(row: Row, logDir: string, nodeArgs: readonly string[] = []): Promise<RunningServer> {
  const script = fileURLToPath(new URL(`./servers/${row.server}.js`, import.meta.url));
  // Servers log clients that go away mid-response when wrk stops; that is
  // expected, so their stderr goes to a file rather than the terminal.
  const launched = await launchChild([...nodeArgs, script, row.scenario], join(logDir, `${row.server}-${row.scenario}.log`), `${row.server} ${row.scenario}`);
  return { row, ...launched };
}

/**
 * utime + stime of `pid` so far, in clock ticks (fields 14 and 15 of
 * `/proc/PID/stat`, all threads included).
 */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces, so fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
