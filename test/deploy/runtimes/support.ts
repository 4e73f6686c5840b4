/**
 * Bun, Deno and workerd serving the fixture site (fixtures/app.js) from the
 * built package: their binaries from node_modules, a child that prints the
 * port it was given, and the checks every runtime must pass.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../../cli/helpers.js';

export { ROOT };
export const FIXTURES = 'test/deploy/runtimes/fixtures';
export const BUN = join(ROOT, 'node_modules/.bin/bun');
export const DENO = join(ROOT, 'node_modules/.bin/deno');
export const WORKERD = join(ROOT, 'node_modules/.bin/workerd');

// What fixtures/app.js streams, and how long it waits between chunks.
const CHUNKS = ['first chunk\n', 'second chunk\n', 'third chunk\n'];
const PAUSE_MS = 150;

/**
 * The first line of `binary --version`, or `undefined` when it does not
 * run. Outside CI a missing runtime skips its tests with a message; under
 * CI=true it throws, failing the file.
 */
export function runtimeVersion(binary: string): string | undefined {
  const run = existsSync(binary) ? spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }) : undefined;
  if (run?.status === 0) return run.stdout.split('\n')[0]!.trim();
  const message = `${binary} does not run: npm ci installs it (devDependencies bun, deno, miniflare)`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`runtime tests skipped: ${message}`);
  return undefined;
}

export interface RuntimeProcess {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `binary args` in the repository root and waits for its `listening on <port>` line (≤ 15 s). */
export async function startRuntime(binary: string, args: readonly string[]): Promise<RuntimeProcess> {
  const child = spawn(binary, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Deno: no update check, and a missing permission fails instead of prompting.
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' },
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (data: string) => (output += data));
  child.stderr!.setEncoding('utf8').on('data', (data: string) => (output += data));
  const stop = (): Promise<void> => stopChild(child);
  for (let i = 0; i < 300; i++) {
    const port = /^listening on (\d+)$/m.exec(output)?.[1];
    if (port !== undefined) return { url: `http://127.0.0.1:${port}/`, output: () => output, stop };
    if (child.exitCode !== null || child.signalCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`${binary} ${args.join(' ')} did not start:\n${output}`);
}

/** SIGTERM, then SIGKILL if the child is still there after 2 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The tests every runtime runs against the fixture site: the handler's text,
 * its streamed body chunk by chunk, the POST that reads its body, the
 * function app under `/plain`, and a failing method's 500 and its log line
 * in `output`.
 */
export function siteTests(url: () => string, output: () => string): void {
  it('answers a GET with text', async () => {
    const response = await fetch(new URL('hello?who=runtime', url()));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('hello from runtime\n');
  });

  it('streams a body chunk by chunk as the generator yields', async () => {
    const started = Date.now();
    // Identity: Miniflare gzips text for a client that accepts gzip, and
    // its gzip holds the chunks back until the end.
    const response = await fetch(new URL('stream', url()), { headers: { 'Accept-Encoding': 'identity' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-length')).toBeNull();
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const reads: { text: string; at: number }[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads.push({ text: decoder.decode(value, { stream: true }), at: Date.now() - started });
    }
    expect(reads.map((read) => read.text).join('')).toBe(CHUNKS.join(''));
    // Each chunk came on its own, a pause after the one before: a body
    // buffered to the end would arrive in one piece, all at once.
    expect(reads.length).toBe(CHUNKS.length);
    expect(reads.map((read) => read.text)).toEqual(CHUNKS);
    for (let i = 1; i < reads.length; i++) expect(reads[i]!.at - reads[i - 1]!.at).toBeGreaterThanOrEqual(PAUSE_MS * 0.6);
  });

  it('reads a POST body and answers from it', async () => {
    const sent = 'tsgi on every runtime: ünïcode too';
    const response = await fetch(new URL('echo', url()), { method: 'POST', body: sent, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ path: '/echo', length: sent.length, reversed: [...sent].reverse().join('') });
  });

  it('reads a streamed POST body of unknown length', async () => {
    const parts = ['one,', 'two,', 'three'];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const part = parts.shift();
        if (part === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(part));
      },
    });
    const response = await fetch(new URL('echo', url()), { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ path: '/echo', length: 13, reversed: 'eerht,owt,eno' });
  });

  it('serves the function app mounted under /plain', async () => {
    const response = await fetch(new URL('plain/some/where?x=1', url()));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-script-name')).toBe('/plain');
    expect(await response.text()).toBe('GET /some/where x=1\n');
  });

  it('answers 500 when a method throws, and keeps serving', async () => {
    const failed = await fetch(new URL('fail', url()));
    expect(failed.status).toBe(500);
    await failed.arrayBuffer();
    // Logged by the default error stream, the runtime's process.stderr.
    for (let i = 0; i < 100 && !output().includes('a deliberate failure'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output()).toMatch(/GET \/fail .*a deliberate failure/);
    const after = await fetch(new URL('missing', url()));
    expect(after.status).toBe(404);
    expect(await after.text()).toBe('no /missing\n');
  });
}
