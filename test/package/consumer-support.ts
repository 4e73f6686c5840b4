/**
 * A consumer's world: the packed tarball installed into a fresh workspace
 * under a temp directory, with the toolchains users have, and projects in
 * it that compile and serve an app the way users do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../cli/helpers.js';

/** The repo's own installed version of a package, so the consumer install hits npm's cache. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The workspace: the tarball and the toolchains installed once, projects made inside it. */
export interface Workspace {
  dir: string;
  tarball: string;
  /** Path of TypeScript 6's and 7's `tsc`. */
  tsc6: string;
  tsc7: string;
  /** The installed `tsgi` command. */
  tsgi: string;
}

/** Packs the repo (already built) and installs it with TypeScript 6 and 7, tsx and vitest. */
export function makeWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-consumer-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir, '--loglevel=error'], ROOT)) as Array<{ filename: string }>;
  const tarball = join(dir, (packed[0] as { filename: string }).filename);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'consumer-workspace',
      private: true,
      dependencies: {
        tsgi: `file:${tarball}`,
        typescript: installedVersion('typescript'),
        typescript7: 'npm:typescript@^7.0.2',
        tsx: installedVersion('tsx'),
        vitest: installedVersion('vitest'),
        '@types/node': installedVersion('@types/node'),
      },
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
  return {
    dir,
    tarball,
    tsc6: join(dir, 'node_modules/typescript/bin/tsc'),
    tsc7: join(dir, 'node_modules/typescript7/bin/tsc'),
    tsgi: join(dir, 'node_modules/.bin/tsgi'),
  };
}

/** Writes a project's files (paths relative to the project) and returns its directory. */
export function makeProject(workspace: Workspace, name: string, files: Record<string, string | object>): string {
  const project = join(workspace.dir, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return project;
}

/** Compiler options every tsc project shares; each adds its module and decorator settings. */
export const BASE_COMPILER_OPTIONS = { target: 'ES2022', strict: true, outDir: 'dist', rootDir: 'src', types: ['node'], skipLibCheck: false };

/** A started `tsgi serve`: its URL once it prints one, or its failure. */
export interface Served {
  child: ChildProcess;
  output(): string;
  /** Resolves to the URL the startup line names, or rejects with the output when the process exits first. */
  url: Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `node [nodeArgs] <tsgi> serve <args>` in `cwd`. */
export function serve(workspace: Workspace, cwd: string, args: readonly string[], nodeArgs: readonly string[] = []): Served {
  const child = spawn(process.execPath, [...nodeArgs, workspace.tsgi, 'serve', ...args, '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const seen = (data: Buffer): void => {
      output += data.toString();
      const found = /^tsgi: serving .* on (https?:\/\/\S+\/) /m.exec(output)?.[1];
      if (found !== undefined) resolve(found);
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    void exited.then((code) => reject(new Error(`tsgi serve exited ${code}:\n${output}`)));
  });
  url.catch(() => undefined);
  return { child, output: () => output, url, exited };
}

/** Stops a served process and waits for it. */
export async function stop(served: Served): Promise<void> {
  if (served.child.exitCode === null) served.child.kill('SIGTERM');
  await served.exited;
}
