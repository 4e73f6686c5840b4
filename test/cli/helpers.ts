/**
 * Running the built `tsgi` command as a child process: its output, the URL
 * it prints, and making sure every child is gone after each test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const MULTI = 'dist/examples/multi/app.js';
export const FIXTURES = 'test/cli/fixtures';

/** Fails early with the fix when the build is missing (npm test builds first). */
export function requireBuild(): void {
  if (!existsSync(CLI) || !existsSync(join(ROOT, MULTI))) {
    throw new Error('dist is missing: run `npx tsc -p tsconfig.build.json` (npm test does it in pretest)');
  }
}

export interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];

// After the file rather than each test: concurrent tests share this list.
afterAll(() => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/**
 * Starts `node <nodeArgs> tsgi <args>` in the repository root; killed after
 * the test file if still running.
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []): Cli {
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (data: string) => (stdout += data));
  child.stderr!.setEncoding('utf8').on('data', (data: string) => (stderr += data));
  // 'exit' can come before the last of the output has been read; wait for
  // both pipes to end too (bounded, since a worker may still hold them).
  const drained = (stream: NodeJS.ReadableStream & { readableEnded: boolean }): Promise<void> =>
    stream.readableEnded ? Promise.resolve() : new Promise((done) => stream.once('end', done).once('close', done));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      const bound = new Promise<void>((done) => setTimeout(done, 2_000).unref());
      void Promise.race([Promise.all([drained(child.stdout!), drained(child.stderr!)]), bound]).then(() => resolve({ code, signal }));
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `condition` up to `tries` times, `intervalMs` apart; throws if it never holds. */
export async function waitFor(condition: () => boolean, what: string, tries = 2000, intervalMs = 10): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits for the startup line and returns the URL it prints. */
export async function startedUrl(cli: Cli): Promise<string> {
  let url: string | undefined;
  await waitFor(() => {
    url = /^tsgi: serving .* on (https?:\/\/\S+\/) /m.exec(cli.stdout())?.[1];
    return url !== undefined || cli.child.exitCode !== null;
  }, 'the startup line', 3000);
  if (url === undefined) throw new Error(`tsgi did not start:\n${cli.stdout()}\n${cli.stderr()}`);
  return url;
}

/** Runs `tsgi <args>` to completion. */
export async function runToExit(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: readonly string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = runCli(args, env, nodeArgs);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * GET over a fresh connection (no keep-alive pool), so that a cluster's
 * workers each get their turn.
 */
export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { Connection: 'close', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (data: string) => (body += data));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
