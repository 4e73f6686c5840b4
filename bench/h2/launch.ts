/**
 * The HTTP/2 bench's server children: started pinned to the server core,
 * listening on TLS, stopped when the bench ends, however it ends.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinned, SERVER_CPU } from '../launch.js';

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** The server children, by file name under `h2/servers/`. */
export type H2ServerId = 'bare' | 'tsgi';

/** A listening server child. */
export interface H2Server {
  id: H2ServerId;
  pid: number;
  port: number;
  /** Closes stdin, which the child takes as the signal to exit; SIGKILL if it lingers. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts a server child on the server core, its stderr to a file in `logDir`, and waits for its port. */
export async function startH2Server(id: H2ServerId, logDir: string): Promise<H2Server> {
  const script = fileURLToPath(new URL(`./servers/${id}.js`, import.meta.url));
  const [command, ...args] = pinned(SERVER_CPU, [process.execPath, script]);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `h2-${id}.log`);
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
    return { id, pid: child.pid as number, port, stop };
  } catch (error) {
    await stop();
    throw new Error(`h2 ${id}: ${(error as Error).message} (see ${logFile})`);
  }
}
