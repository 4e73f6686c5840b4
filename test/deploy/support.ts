/**
 * Real nginx and redis-server for the deployment tests: each started by the
 * test in its own temp directory on a loopback port, and stopped after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const REDIS = '/usr/bin/redis-server';

/**
 * Whether the deploy tests can run. Outside CI they skip, with a message,
 * where nginx or redis-server is absent; under CI=true absence is a failure.
 */
export function daemonsAvailable(...binaries: string[]): boolean {
  const missing = binaries.filter((binary) => !existsSync(binary));
  if (missing.length > 0 && process.env.CI !== 'true') {
    console.warn(`deploy tests skipped: ${missing.join(', ')} not found (apt-get install nginx-light redis-server)`);
  }
  return missing.length === 0 || process.env.CI === 'true';
}

/** A port that was free a moment ago (bound to 0, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once 127.0.0.1:port accepts a connection; throws after ~5 s or if `child` exits. */
export async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before listening:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`nothing listened on port ${port}:\n${output()}`);
}

export interface Daemon {
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

function start(command: string, args: string[], port: number): Promise<Daemon> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (data: string) => (output += data));
  child.stderr!.setEncoding('utf8').on('data', (data: string) => (output += data));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return waitForPort(port, child, () => output).then(
    () => ({ port, output: () => output, stop }),
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

/**
 * Starts nginx with `http` as the body of its `http {}` block, listening
 * where that block says (use `{{port}}` for the port picked here).
 */
export async function startNginx(dir: string, http: (port: number) => string): Promise<Daemon> {
  const port = await freePort();
  const temp = join(dir, 'nginx-temp');
  for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(temp, name), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${temp}/client_body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
${http(port)}
}
`,
  );
  return start(NGINX, ['-e', 'stderr', '-p', dir, '-c', conf, '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`], port);
}

/** Starts redis-server on loopback with nothing persisted. */
export async function startRedis(dir: string): Promise<Daemon> {
  const port = await freePort();
  return start(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], port);
}

/** The proxy headers nginx should send a tsgi app (see docs/deploy.md). */
export const PROXY_HEADERS = `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;`;
