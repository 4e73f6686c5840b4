/**
 * The examples site as `npm start` runs it, in a child process: `src/` and
 * `examples/` transpiled with the swc the tests already use into a temp
 * folder (so the child runs the sources as they are now, not a stale
 * `dist/`), started with its data in temp directories, and canary files
 * planted beside what it serves so that a traversal would show in a body.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFileSync } from '@swc/core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A secret that must never appear in a response: it is the content of every canary file. */
export const CANARY = `canary-${randomBytes(8).toString('hex')}`;

/** A built copy of the site on disk. */
export interface SiteBuild {
  /** The folder holding `src/`, `examples/` and the entry points. */
  readonly folder: string;
  /** Canary files, by where they sit (all hold {@link CANARY}). */
  readonly canaries: readonly string[];
  remove(): void;
}

// The same transform as vitest.config.ts: the handler decorators need their metadata.
const SWC = {
  jsc: {
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022' as const,
  },
  module: { type: 'es6' as const },
};

// Serves the site with server options from argv (the examples read no
// timeouts from the environment, so the slow-client cases pass them here).
const TUNED_MAIN = `import { makeServer } from './src/server/index.js';
import { allowedHostsFromEnv } from './examples/serve.js';
import { site, siteSessions } from './examples/site.js';
const options = JSON.parse(process.argv[2] ?? '{}');
const allowedHosts = allowedHostsFromEnv(process.env.ALLOWED_HOSTS);
await makeServer(process.env.HOST, Number(process.env.PORT), site, { name: 'the tsgi examples', ...(allowedHosts ? { allowedHosts } : {}), ...options }).serveForever();
await siteSessions.close();
`;

/** Transpiles `src/` and `examples/` into a temp folder and plants the canaries. */
export function buildSite(): SiteBuild {
  const folder = mkdtempSync(join(tmpdir(), 'tsgi-hostile-site-'));
  const copy = (sub: string): void => {
    mkdirSync(join(folder, sub), { recursive: true });
    for (const entry of readdirSync(join(ROOT, sub), { withFileTypes: true })) {
      const from = join(ROOT, sub, entry.name);
      if (entry.isDirectory()) copy(join(sub, entry.name));
      else if (entry.name.endsWith('.d.ts')) continue;
      else if (entry.name.endsWith('.ts')) {
        writeFileSync(join(folder, sub, entry.name.replace(/\.ts$/, '.js')), transformFileSync(from, SWC).code);
      } else copyFileSync(from, join(folder, sub, entry.name));
    }
  };
  copy('src');
  copy('examples');
  writeFileSync(join(folder, 'package.json'), '{"type":"module"}');
  writeFileSync(join(folder, 'hostile-main.js'), TUNED_MAIN);
  symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
  // Beside the blog's static folder, above it, at the root of the build,
  // and a folder whose name starts like the static one (a prefix check
  // without a separator would let `static-canary/` through).
  const canaries = [
    join(folder, 'examples/blog/canary.txt'),
    join(folder, 'examples/canary.txt'),
    join(folder, 'canary.txt'),
    join(folder, 'examples/blog/static-canary/canary.txt'),
  ];
  mkdirSync(join(folder, 'examples/blog/static-canary'));
  for (const path of canaries) writeFileSync(path, `${CANARY}\n`);
  return { folder, canaries, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** The site's data directories, each in the run's temp folder. */
export interface SiteData {
  readonly root: string;
  readonly blog: string;
  readonly uploads: string;
  readonly sessions: string;
}

/** A running site. */
export interface SiteProcess {
  readonly url: string;
  readonly port: number;
  readonly data: SiteData;
  readonly child: ChildProcess;
  /** Everything the child wrote to stderr so far (its error log). */
  stderr(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGTERM, SIGKILL after 3 s; removes the data directories. */
  stop(): Promise<void>;
}

/** How to start the site. */
export interface SiteStart {
  /** Extra environment (SESSION_STORE, LOGIN_LIMIT, ...). */
  env?: Record<string, string>;
  /** Server options: given, the site is served by `hostile-main.js` with them instead of `examples/index.js`. */
  serverOptions?: Record<string, unknown>;
}

/** The session secret the site runs with, so cases can forge cookies under another one. */
export const SITE_SECRET = `hostile-${randomBytes(24).toString('base64url')}`;

/** The demo account of `/private/` while the corpus runs. */
export const DEMO = { user: 'hostile', password: `pw-${randomBytes(6).toString('hex')}` } as const;

/** Starts the built site on 127.0.0.1 with an ephemeral port; resolves once it prints its URL. */
export async function startSite(build: SiteBuild, start: SiteStart = {}): Promise<SiteProcess> {
  const root = mkdtempSync(join(tmpdir(), 'tsgi-hostile-data-'));
  writeFileSync(join(root, 'canary.txt'), `${CANARY}\n`);
  const data: SiteData = { root, blog: join(root, 'blog'), uploads: join(root, 'uploads'), sessions: join(root, 'sessions') };
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    ALLOWED_HOSTS: '127.0.0.1,localhost',
    SESSION_SECRET: SITE_SECRET,
    BLOG_DIR: data.blog,
    UPLOAD_DIR: data.uploads,
    SESSION_DIR: data.sessions,
    DEMO_USER: DEMO.user,
    DEMO_PASS: DEMO.password,
    NODE_ENV: 'production',
    ...start.env,
  };
  const args = start.serverOptions === undefined ? ['examples/index.js'] : ['hostile-main.js', JSON.stringify(start.serverOptions)];
  const child = spawn(process.execPath, args, { cwd: build.folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let match: RegExpExecArray | null = null;
  for (let i = 0; i < 1500 && match === null && child.exitCode === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    match = /serving .* on (http:\/\/127\.0\.0\.1:(\d+))\/? \(/.exec(stdout);
  }
  if (match === null) {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw new Error(`the site did not start:\n${stdout}\n${stderr}`);
  }
  return {
    url: match[1]!,
    port: Number(match[2]),
    data,
    child,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir` (relative path → size and mtime), or empty when `dir` is missing. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    if (!existsSync(at)) return;
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        files.set(`${relative(dir, path)}/`, 'dir');
        walk(path);
        continue;
      }
      try {
        const { size, mtimeMs } = statSync(path);
        files.set(relative(dir, path), `${size}@${mtimeMs}`);
      } catch {
        // Removed between readdir and stat: a temp file going away.
      }
    }
  };
  walk(dir);
  return files;
}

/** The paths added, removed or changed between two snapshots, sorted. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [path, state] of after) if (before.get(path) !== state) changed.add(path);
  for (const path of before.keys()) if (!after.has(path)) changed.add(path);
  return [...changed].sort();
}
