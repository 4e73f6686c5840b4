/**
 * Real nginx, Apache httpd and redis-server for the deployment tests: each
 * started by the test in its own temp directory on a loopback port, and
 * stopped after; and a client that can speak from another loopback address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const APACHE = '/usr/sbin/apache2';
export const REDIS = '/usr/bin/redis-server';

const PACKAGES: Record<string, string> = { [NGINX]: 'nginx-light', [APACHE]: 'apache2', [REDIS]: 'redis-server' };

/**
 * Whether the deploy tests can run. Outside CI they skip, with a message,
 * where a daemon is absent; under CI=true absence is a failure (the test
 * then runs and fails to start it).
 */
export function daemonsAvailable(...binaries: string[]): boolean {
  const missing = binaries.filter((binary) => !existsSync(binary));
  if (missing.length > 0 && process.env.CI !== 'true') {
    const packages = missing.map((binary) => PACKAGES[binary] ?? binary).join(' ');
    console.warn(`deploy tests skipped: ${missing.join(', ')} not found (apt-get install ${packages})`);
  }
  return missing.length === 0 || process.env.CI === 'true';
}

/** What {@link ask} got back. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Options of {@link ask}: `from` is the local address to connect from. */
export interface AskOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  from?: string;
}

/** One request on its own connection, optionally from another loopback address. */
export function ask(url: string, options: AskOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false, localAddress: options.from }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (data: string) => (body += data));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
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

/** `log` adds what the daemon writes elsewhere than its stdout and stderr (Apache's error log) to `output`. */
function start(command: string, args: string[], port: number, log: () => string = () => ''): Promise<Daemon> {
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
  const all = (): string => output + log();
  return waitForPort(port, child, all).then(
    () => ({ port, output: all, stop }),
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

/**
 * Starts Apache httpd in the foreground (`-DFOREGROUND`, one event-MPM child)
 * with its ServerRoot, pid file, error log, mutexes and runtime files in
 * `dir`, the modules named loaded from Debian's module directory, and `site`
 * appended: the `<Location>` blocks, plus any further `Listen` it needs.
 * It listens on 127.0.0.1 at the port picked here. As root its child runs as
 * www-data, so `dir` is made traversable for it.
 */
export async function startApache(dir: string, modules: readonly string[], site: (port: number) => string): Promise<Daemon> {
  const port = await freePort();
  const run = join(dir, 'apache-run');
  mkdirSync(run, { recursive: true });
  const root = process.getuid?.() === 0;
  if (root) {
    chmodSync(dir, 0o755);
    chmodSync(run, 0o777);
  }
  const load = ['mpm_event', ...modules].map((name) => `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${name}.so`);
  const conf = join(dir, 'apache.conf');
  writeFileSync(
    conf,
    `ServerRoot "${dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile "${join(run, 'apache.pid')}"
DefaultRuntimeDir "${run}"
Mutex file:${run} default
ErrorLog "${join(dir, 'apache-error.log')}"
LogLevel warn
${load.join('\n')}
${root ? 'User www-data\nGroup www-data\n' : ''}StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 16
${site(port)}
`,
  );
  return start(APACHE, ['-DFOREGROUND', '-f', conf], port, () => readLog(join(dir, 'apache-error.log')));
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
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
