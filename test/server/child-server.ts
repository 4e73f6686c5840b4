/**
 * A server in a child process, so that its memory can be measured apart
 * from the test runner's: the server's layer and the gateway, transpiled
 * with the swc the tests already use, serving a few apps made for the limit
 * tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFileSync } from '@swc/core';
import type { ServerOptions } from '../../src/server/options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

// The apps, in plain JavaScript:
// - /big: 1 MiB made afresh for each request, returned whole (as a rendered page is);
// - /stream?chunk=N: 1 MiB in N-byte chunks (64 KiB by default) from an async generator, as a file is streamed;
// - /upload: reads the whole body, then answers its size;
// - /stats: the open connection count, for the tests to watch;
// - anything else: a short text.
const MAIN = `import { makeServer } from './server/server.js';
import { streamErrors } from './gateway/errors.js';
const options = JSON.parse(process.argv[2]);
let server;
const MiB = 1024 * 1024;
async function* stream(size) {
  for (let sent = 0; sent < MiB; sent += size) yield Buffer.alloc(size, 0x61);
}
async function app(environ, startResponse) {
  const path = environ.PATH_INFO;
  if (path === '/big') {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.alloc(MiB, 0x78)];
  }
  if (path === '/stream') {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(MiB)]]);
    const size = Number(/(?:^|&)chunk=(\d+)/.exec(environ.QUERY_STRING)?.[1] ?? 65536);
    return stream(size);
  }
  if (path === '/upload') {
    let size = 0;
    for await (const chunk of environ['tsgi.input']) size += chunk.byteLength;
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [String(size)];
  }
  if (path === '/stats') {
    const connections = await new Promise((resolve) => server.httpServer.getConnections((_e, n) => resolve(n)));
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [JSON.stringify({ connections })];
  }
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hi\\n'];
}
server = makeServer('127.0.0.1', 0, app, { ...options, errors: streamErrors(process.stderr), log: null });
const info = await server.listen();
process.stdout.write('READY ' + info.url + '\\n');
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/** A server running in a child process. */
export interface ChildServer {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the server wrote to its error log so far. */
  stderr(): string;
  /** The child's resident set size in bytes, from /proc. */
  rss(): number;
  /** The server's open connection count, asked over a fresh connection (which counts itself). */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Transpiles the server layer and the gateway below it (subfolders
 * included) into `folder`, as an ES module package a child can run
 * without a build step.
 */
export function transpileServerLayers(folder: string): void {
  const copy = (sub: string): void => {
    mkdirSync(join(folder, sub));
    for (const entry of readdirSync(join(root, 'src', sub), { withFileTypes: true })) {
      if (entry.isDirectory()) {
        copy(join(sub, entry.name));
        continue;
      }
      if (!entry.name.endsWith('.ts')) continue;
      const { code } = transformFileSync(join(root, 'src', sub, entry.name), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      });
      writeFileSync(join(folder, sub, entry.name.replace(/\.ts$/, '.js')), code);
    }
  };
  copy('gateway');
  copy('server');
  writeFileSync(join(folder, 'package.json'), '{"type":"module"}');
}

/** Transpiles the server into a temporary folder; returns it and a cleanup. */
export function buildChildServer(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'tsgi-limits-'));
  transpileServerLayers(folder);
  writeFileSync(join(folder, 'main.js'), MAIN);
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Starts the child server from a folder made by {@link buildChildServer}. */
export async function startChildServer(folder: string, options: ServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, [join(folder, 'main.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => (stdout += data));
  child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr += data));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 500 && !stdout.includes('\n') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 10));
  const match = /^READY (http:\/\/127\.0\.0\.1:(\d+)\/)\n/.exec(stdout);
  if (match === null) {
    child.kill('SIGKILL');
    throw new Error(`the child server did not start: ${stderr}`);
  }
  const url = match[1] as string;
  return {
    url,
    port: Number(match[2]),
    child,
    stderr: () => stderr,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      if (kib === null) throw new Error('no VmRSS in /proc status');
      return Number(kib[1]) * 1024;
    },
    connections: async () => {
      const response = await fetch(new URL('stats', url), { headers: { connection: 'close' } });
      return ((await response.json()) as { connections: number }).connections;
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
