/**
 * The shared life cycle of a server child: listen, report the port, exit when
 * told. Each server module only says how to listen.
 *
 * @module
 */
import { allowedCpus } from '../process/affinity.js';
import { exitWithParent } from '../process/protocol.js';
import type { ReadyMessage } from './protocol.js';

/**
 * The address every server listens on. Loopback only: the bench never sends
 * traffic off this machine.
 *
 * @example
 * ```ts
 * server.listen(0, BENCH_HOST);
 * ```
 */
export const BENCH_HOST = '127.0.0.1';

/**
 * Runs a server child: `listen` starts the server on {@link BENCH_HOST} with an
 * ephemeral port and resolves to that port, which is then reported to the
 * parent over IPC. A failure to start exits non-zero, which the parent sees.
 *
 * @example
 * ```ts
 * await runServerChild(async () => {
 *   const server = http.createServer(handler);
 *   await new Promise<void>((done) => server.listen(0, BENCH_HOST, done));
 *   return (server.address() as AddressInfo).port;
 * });
 * ```
 */
export async function runServerChild(listen: () => Promise<number>): Promise<void> {
  exitWithParent();
  try {
    const port = await listen();
    process.send?.({ type: 'ready', port, cpus: allowedCpus() } satisfies ReadyMessage);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
