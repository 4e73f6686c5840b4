/**
 * Serving in one process: the whole server without `--workers`, and each
 * worker's part with it.
 *
 * @module
 */
import cluster from 'node:cluster';
import { defaultAllowedHosts } from '../server/allowed-hosts.js';
import { makeServer } from '../server/server.js';
import type { App } from '../gateway/types.js';
import { accessLog } from '../middleware/access-log/index.js';
import { proxyHeaders } from '../middleware/proxy-headers/index.js';
import type { ServeConfig } from './args.js';
import { exportsApp } from './dispatch.js';
import { EXIT_CONFIG, importModule, LoadError, selectApp, type Selection } from './load.js';

/**
 * Messages a worker sends its primary.
 *
 * @example
 * ```ts
 * const message: WorkerMessage = { tsgi: 'listening', url: 'http://127.0.0.1:8080/', name: 'simple_app' };
 * ```
 */
export type WorkerMessage =
  | { readonly tsgi: 'listening'; readonly url: string; readonly name: string }
  /** Sent before exiting when the address cannot be bound, so `--watch` stops instead of waiting for a save. */
  | { readonly tsgi: 'cannot-listen' };

/**
 * The message a primary sends a worker to stop gracefully.
 *
 * @example
 * ```ts
 * worker.send(SHUTDOWN);
 * ```
 */
export const SHUTDOWN = { tsgi: 'shutdown' } as const;

/**
 * Loads the app and serves it until a signal (or the primary) stops it.
 * Resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exit(await serveInProcess(config));
 * ```
 */
export async function serveInProcess(config: ServeConfig): Promise<number> {
  // Listened for from the start: the primary may ask a worker to stop while
  // it is still loading the module.
  let stop = (): void => {
    stopEarly = true;
  };
  let stopEarly = false;
  if (cluster.isWorker) {
    process.on('message', (message: unknown) => {
      if (isShutdown(message)) stop();
    });
    // The primary is gone (killed outright): nobody would stop this worker.
    process.on('disconnect', () => stop());
  }
  let selection: Selection;
  try {
    selection = selectApp(await importModule(config.module, process.cwd()), config.module, config.exportName);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    process.stderr.write(`tsgi: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  let app: App = selection.kind === 'app' ? selection.app : exportsApp(selection.apps);
  if (config.accessLog) app = accessLog(app, { stream: process.stdout });
  // Outermost, so the access log and the app both see the real client.
  // The server's list vets X-Forwarded-Host too, its default included, so
  // a trusted proxy cannot pass on a host the server itself would refuse.
  const allowedHosts = config.allowedHosts ?? defaultAllowedHosts(config.host).hosts;
  if (config.trustProxy !== undefined) app = proxyHeaders(app, { trust: config.trustProxy, allowedHosts });
  const server = makeServer(config.host, config.port, app, {
    scriptName: config.prefix,
    allowedHosts: config.allowedHosts,
    closeTimeout: config.gracefulTimeout,
    keepAliveTimeout: config.keepAliveTimeout,
    headersTimeout: config.headersTimeout,
    requestTimeout: config.requestTimeout,
    bodyTimeout: config.bodyTimeout,
    sendTimeout: config.sendTimeout,
    maxPipelined: config.maxPipelined,
    maxConnections: config.maxConnections,
    multiprocess: config.workers > 1,
    tls: config.tls,
    http2: config.http2,
    log: null,
  });
  let url: string;
  try {
    url = (await server.listen()).url;
  } catch (error) {
    process.stderr.write(`tsgi: ${describeListenError(error, config)}\n`);
    await server.close();
    if (cluster.isWorker) await new Promise((sent) => process.send?.({ tsgi: 'cannot-listen' } satisfies WorkerMessage, sent) ?? sent(undefined));
    return EXIT_CONFIG;
  }
  const name = selection.kind === 'app' ? selection.name : `the exports of ${selection.name}`;
  stop = () => void server.close();
  if (stopEarly) stop();
  if (cluster.isWorker) {
    process.send?.({ tsgi: 'listening', url, name } satisfies WorkerMessage);
  } else {
    process.stdout.write(`tsgi: serving ${name} on ${url} (pid ${process.pid}; Ctrl-C to stop)\n`);
  }
  await server.serveForever();
  if (!cluster.isWorker) process.stdout.write('tsgi: stopped\n');
  return 0;
}

function isShutdown(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { tsgi?: unknown }).tsgi === SHUTDOWN.tsgi;
}

/**
 * Says why listening failed in the words of the command line.
 *
 * @example
 * ```ts
 * describeListenError(error, config); // 'cannot listen on 127.0.0.1:8080: the address is already in use (EADDRINUSE)'
 * ```
 */
export function describeListenError(error: unknown, config: Pick<ServeConfig, 'host' | 'port'>): string {
  const where = `${config.host === '' ? '*' : config.host}:${config.port}`;
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EADDRINUSE: 'the address is already in use; another server is listening there',
    EACCES: 'permission denied; ports below 1024 need privileges',
    EADDRNOTAVAIL: 'no interface has this address',
    ENOTFOUND: 'the host name does not resolve',
  };
  const reason = code !== undefined && reasons[code] !== undefined ? reasons[code] : (error as Error).message;
  return `cannot listen on ${where}: ${reason}${code === undefined ? '' : ` (${code})`}`;
}
